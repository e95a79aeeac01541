"""Saying why a signed-in member is refused a page, where the general 403 would mislead.

The error pages (``pleio_core.pages``) tell everyone refused a page that it "is only for
members of this site". To a member of the site that is wrong when the page is for the
members of a group: they are told which group, with a link to it, where they can ask to
join. The group is the ancestor whose principal the content carries (``content.group``,
as ``pleio_group_of`` gave it when the content was saved).
"""

from __future__ import annotations

from typing import Any

from pyramid.config import Configurator
from pyramid.httpexceptions import HTTPForbidden
from pyramid.request import Request

from pleio_core.content import Content
from pleio_core.content.access import concealed
from pleio_core.i18n import _

from .edges import ERROR_PAGE

MEMBER = "site:member"


def group_refusing(request: Request) -> Content | None:
    """The group whose members alone may see the page a member of the site was refused,
    or None if the refusal has another reason (a draft, a private page, not a member)."""
    context = getattr(request, "context", None)
    if request.matched_route is not None or not isinstance(context, Content):
        return None  # the JSON API answers refusals itself
    if context.effective_access != "group" or not context.group or not context.is_live():
        return None
    if concealed(request, context):
        return None  # a hidden group is not named to those outside it
    if request.identity is None or MEMBER not in request.principals:
        return None
    if context.group in request.principals:
        return None
    node = context.__parent__
    while node is not None:
        if isinstance(node, Content) and getattr(node, "principal", None) == context.group:
            return node
        node = node.__parent__
    return None


class GroupOnlyPredicate:
    """``group_only=True``: the refused page is for the members of a group the signed-in
    member of the site is not in."""

    def __init__(self, value: bool, config: Any) -> None:
        self.value = value

    def text(self) -> str:
        return f"group_only = {self.value}"

    phash = text

    def __call__(self, context: Any, request: Request) -> bool:
        return (group_refusing(request) is not None) == self.value


def group_only_page(exc: HTTPForbidden, request: Request) -> dict[str, Any]:
    group = group_refusing(request)
    assert group is not None  # the predicate said so
    request.response.status_int = 403
    return {
        "title": _("Only for the members of a group"),
        "text": _(
            "This page is only for the members of the group ${group}.",
            mapping={"group": group.title},
        ),
        "status": 403,
        "detail": None,
        "group_url": request.resource_url(group),
        "group_text": _(
            "Go to ${group}: there you can ask to become a member.",
            mapping={"group": group.title},
        ),
    }


def includeme(config: Configurator) -> None:
    config.add_view_predicate("group_only", GroupOnlyPredicate)
    # beside the forbidden view of every page (pleio_core.pages): more particular, so first
    config.add_forbidden_view(group_only_page, group_only=True, renderer=ERROR_PAGE)
