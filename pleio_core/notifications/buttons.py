"""What templates show of notifications: the follow button (a form that works without
JavaScript, for any page of the site) and the words of the mention suggestions."""

from __future__ import annotations

from html import escape

from pyramid.csrf import get_csrf_token
from pyramid.request import Request

from pleio_core.content.model import Content
from pleio_core.i18n import _

from .follows import is_following


def follow_button(request: Request, key: str | Content) -> str:
    """The HTML of a form that follows ``key`` (``content:<uid>``, ``account:<id>``,
    ``group:<id>``) or, given content, that content; "Unfollow" when the visitor follows
    it already. Empty for a visitor who is not signed in."""
    if request.identity is None:
        return ""
    app_url = request.application_url
    if isinstance(key, Content):
        uid = key._uid  # never made here: showing a page writes nothing
        action = request.resource_url(key, "@@follow")
        following = uid is not None and is_following(request, f"content:{uid}")
        hidden = ""
    else:
        action = app_url + "/@@follow"
        following = is_following(request, key)
        hidden = f'<input type="hidden" name="key" value="{escape(key)}">'
    translate = request.localizer.translate
    label = translate(_("Unfollow") if following else _("Follow"))
    came_from = request.path_qs
    return (
        f'<form method="post" action="{escape(action)}" class="inline-form follow-form">'
        f'<input type="hidden" name="csrf_token" value="{escape(get_csrf_token(request))}">'
        f"{hidden}"
        f'<input type="hidden" name="came_from" value="{escape(came_from)}">'
        f'<input type="hidden" name="follow" value="{"0" if following else "1"}">'
        '<button type="submit" class="utrecht-button utrecht-button--secondary-action">'
        f"{escape(label)}</button></form>"
    )


def mention_hints(request: Request) -> tuple[str, str]:
    """What ``static/mentions.js`` says when it shows one and when it shows several
    suggestions (``${count}`` is left for the script to fill in)."""
    localizer = request.localizer
    one, many = (
        localizer.pluralize(
            "${count} suggestion: press Arrow Down to choose it.",
            "${count} suggestions: press Arrow Down to choose one.",
            n,
            domain="pleio",
            mapping={"count": "${count}"},
        )
        for n in (1, 2)
    )
    return one, many
