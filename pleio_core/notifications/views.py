"""The pages of notifications: the list (read on visit), following, the settings, and the
unsubscribe link of every mail."""

from __future__ import annotations

from typing import Any, NamedTuple
from urllib.parse import urlsplit

from pyramid.config import Configurator
from pyramid.httpexceptions import HTTPBadRequest, HTTPForbidden, HTTPNotFound, HTTPSeeOther
from pyramid.request import Request
from pyramid.security import NO_PERMISSION_REQUIRED

from pleio_core.clock import local_time
from pleio_core.content.model import Content, is_attached
from pleio_core.content.site import SiteRoot
from pleio_core.i18n import _
from pleio_core.security.joining import sign_in_first
from pleio_core.services import CONTENT_TYPES, SETTINGS

from .follows import FollowError, check_key, content_key, follow, is_following, unfollow
from .kinds import DELIVERIES, DELIVERY_TITLES, KINDS
from .mails import item_url, notification_text
from .mentions import handle_of, site_member_names
from .preferences import (
    FREQUENCIES,
    Preferences,
    no_mail,
    preferences_of,
    site_preferences,
    token_account,
)
from .store import site_notifications

TEMPLATES = "pleio_core:templates/"
LISTED = 50
FREQUENCY_TITLES = {
    "never": _("Never"),
    "daily": _("Daily"),
    "weekly": _("Weekly"),
}


class Line(NamedTuple):
    text: str
    href: str
    when: str
    datetime: str
    unread: bool


def _signed_in(request: Request, path: str) -> Any:
    if request.identity is None:
        raise sign_in_first(request, path)
    return request.identity


def visible_lines(request: Request, limit: int = LISTED) -> tuple[list[Line], int]:
    """The newest notifications of the visitor that they may still open (what became
    hidden since is left out), and how many were unread."""
    identity = request.identity
    store = site_notifications(request.site_root)
    inbox = store.inbox(identity.id) if store is not None else None
    if inbox is None:
        return [], 0
    kinds = KINDS(request.registry)
    types = CONTENT_TYPES(request.registry)
    enabled = request.enabled_modules
    unread = inbox.unread_count()
    lines = []
    for index, entry in enumerate(inbox.newest()):
        kind = kinds.get(entry.kind)
        if kind is None:  # its plugin is gone
            continue
        content = entry.content
        target = content if content is not None else request.site_root
        if content is not None and not (
            isinstance(content, Content)
            and is_attached(content)
            and types.is_shown(content, enabled)
        ):
            continue
        if not request.has_permission("view", target):
            continue
        moment = local_time(entry.when)
        lines.append(
            Line(
                notification_text(request.localizer, kind, entry),
                item_url(request, entry),
                moment.strftime("%d-%m-%Y %H:%M"),
                moment.isoformat(timespec="seconds"),
                index < unread,
            )
        )
        if len(lines) == limit:
            break
    return lines, unread


def notifications_page(context: SiteRoot, request: Request) -> dict[str, Any]:
    identity = _signed_in(request, "/@@notifications")
    lines, unread = visible_lines(request)
    store = site_notifications(context)
    inbox = store.inbox(identity.id) if store is not None else None
    if inbox is not None:
        inbox.mark_read()  # seen: the header's count goes back to none
    return {"lines": lines, "unread": unread}


# -- following --------------------------------------------------------------------------------


def _came_from(request: Request) -> str:
    """Back to the page the button was on: a path on this site only (never another host)."""
    raw = request.POST.get("came_from", "") or "/"
    parts = urlsplit(raw)
    unsafe = parts.scheme or parts.netloc or not raw.startswith("/") or raw.startswith("//")
    if unsafe or any(ord(c) < 32 for c in raw):  # (nor a header cut in two)
        return request.application_url + "/"
    return request.application_url + raw


def _toggle(request: Request, key: str) -> Any:
    if request.identity is None:
        raise HTTPForbidden(_("Sign in to follow."))
    wanted = request.POST.get("follow", "1" if not is_following(request, key) else "0")
    if wanted not in ("0", "1"):
        raise HTTPBadRequest(_("Follow is 1 or 0."))
    try:
        follow(request, key) if wanted == "1" else unfollow(request, key)
    except FollowError as error:
        raise HTTPBadRequest(error.message) from None
    return HTTPSeeOther(location=_came_from(request))


def follow_post(context: SiteRoot, request: Request) -> Any:
    """``POST /@@follow`` (``key``, ``came_from``, optional ``follow=1|0``): toggles."""
    try:
        key = check_key(request.POST.get("key"))
    except FollowError as error:
        raise HTTPBadRequest(error.message) from None
    return _toggle(request, key)


def follow_content(context: Content, request: Request) -> Any:
    """``POST <content>/@@follow``: the same, for this content (it needs no key: content
    made before keys existed gets its uid here, on a POST, never on showing the button)."""
    if not CONTENT_TYPES(request.registry).is_shown(context, request.enabled_modules):
        raise HTTPNotFound()  # its module is off here: as invisible as its pages
    return _toggle(request, content_key(context))


# -- mention suggestions -------------------------------------------------------------------


MAX_QUERY = 40
SUGGESTIONS = 8


def mention_suggestions(context: SiteRoot, request: Request) -> dict[str, Any]:
    """``GET /@@mention-suggestions?q=ad``: the names of this site's members that start
    with ``q`` (or have a word that does), for ``static/mentions.js``; members only."""
    if "site:member" not in request.principals:
        raise HTTPForbidden(_("Only members of this site can mention its members."))
    query = request.GET.get("q", "").strip().casefold()
    if not query or len(query) > MAX_QUERY:
        raise HTTPBadRequest(_("Type one to 40 letters of a name after the @."))
    own = request.identity.id
    found = sorted(
        name
        for account_id, name in site_member_names(request)
        if account_id != own
        and (handle_of(name).startswith(handle_of(query)) or any(
            word.startswith(query) for word in name.casefold().split()
        ))
    )  # fmt: skip
    return {"names": found[:SUGGESTIONS]}


# -- settings ---------------------------------------------------------------------------------


def _kinds(request: Request) -> list[Any]:
    """The kinds this site can send: the core's, and those of its enabled modules."""
    enabled = request.enabled_modules
    offered = [k for k in KINDS(request.registry).values() if k.module in (None, *enabled)]
    return sorted(offered, key=lambda k: (k.order, k.name))


def settings_values(request: Request, chosen: Preferences, **extra: Any) -> dict[str, Any]:
    translate = request.localizer.translate
    rows = [
        {
            "name": kind.name,
            "title": translate(kind.title),
            "chosen": chosen.deliveries.get(kind.name, kind.default),
        }
        for kind in _kinds(request)
    ]
    return {
        "rows": rows,
        "deliveries": [(d, translate(DELIVERY_TITLES[d])) for d in DELIVERIES],
        "frequencies": [(f, translate(FREQUENCY_TITLES[f])) for f in FREQUENCIES],
        "frequency": chosen.frequency,
        "error": None,
        "saved": False,
        **extra,
    }


def settings_page(context: SiteRoot, request: Request) -> dict[str, Any]:
    identity = _signed_in(request, "/@@notification-settings")
    chosen = preferences_of(context, identity.id)
    if request.method != "POST":
        return settings_values(request, chosen, saved=request.GET.get("saved") == "1")
    frequency = request.POST.get("frequency", "")
    deliveries = dict(chosen.deliveries)  # (a module's kinds are kept while it is off)
    errors = []
    if frequency not in FREQUENCIES:
        errors.append(_("Choose how often the digest comes: never, daily or weekly."))
    for kind in _kinds(request):
        value = request.POST.get(f"kind-{kind.name}", kind.default)
        if value not in DELIVERIES:
            errors.append(_("Choose e-mail at once, the digest or only the site for each kind."))
            break
        deliveries[kind.name] = value
    unknown = [
        k for k in request.POST if k.startswith("kind-") and k[5:] not in KINDS(request.registry)
    ]
    if unknown:
        errors.append(_("There is no kind of notification named ${name}.",
                        mapping={"name": unknown[0][5:]}))  # fmt: skip
    if errors:
        request.response.status_int = 400
        error = request.localizer.translate(errors[0])
        return settings_values(request, chosen, error=error)
    site_preferences(context, create=True).set(identity.id, Preferences(deliveries, frequency))
    return HTTPSeeOther(location=request.application_url + "/@@notification-settings?saved=1")


# -- unsubscribe ------------------------------------------------------------------------------


def _token_account(request: Request) -> str:
    token = request.params.get("token", "")
    account_id = token_account(SETTINGS(request.registry).secret, request.site.name, token)
    if account_id is None:
        raise HTTPBadRequest(_("This unsubscribe link is not valid (copied only in part?)."))
    return account_id


def unsubscribe_page(context: SiteRoot, request: Request) -> dict[str, Any]:
    """The link in a mail: a page that asks first (a link checker's GET changes nothing)."""
    _token_account(request)
    return {"token": request.params["token"], "done": False}


def unsubscribe_post(context: SiteRoot, request: Request) -> dict[str, Any]:
    """RFC 8058 one-click: a mail client POSTs ``List-Unsubscribe=One-Click`` to the URL,
    with no cookies, so there is no session and no CSRF token to check. The signed token
    in the URL is what authorises it (only the account's own mails carry it), and all it
    can do is stop mail: that is why this view alone does without the CSRF check."""
    account_id = _token_account(request)
    site_preferences(context, create=True).set(account_id, no_mail(KINDS(request.registry)))
    return {"token": request.params.get("token", ""), "done": True}


def includeme(config: Configurator) -> None:
    site = {"context": SiteRoot, "permission": "view"}
    config.add_view(
        notifications_page, name="notifications", request_method=("GET", "HEAD"),
        renderer=TEMPLATES + "notifications.pt", **site,
    )  # fmt: skip
    config.add_view(follow_post, name="follow", request_method="POST", **site)
    config.add_view(
        follow_content, context=Content, name="follow", request_method="POST", permission="view"
    )
    config.add_view(
        settings_page, name="notification-settings", request_method=("GET", "HEAD", "POST"),
        renderer=TEMPLATES + "notification_settings.pt", **site,
    )  # fmt: skip
    config.add_view(
        mention_suggestions, name="mention-suggestions", request_method=("GET", "HEAD"),
        renderer="json", **site,
    )  # fmt: skip
    unsubscribe = {
        "context": SiteRoot,
        "name": "unsubscribe",
        "renderer": TEMPLATES + "unsubscribe.pt",
        "permission": NO_PERMISSION_REQUIRED,  # (a closed site's member, signed out)
    }
    config.add_view(unsubscribe_page, request_method=("GET", "HEAD"), **unsubscribe)
    config.add_view(unsubscribe_post, request_method="POST", require_csrf=False, **unsubscribe)
