"""The home widget "What I follow": the newest activity on what the visitor follows —
new content and comments by people they follow, activity on content they follow and in
groups they follow — of what they may open now."""

from __future__ import annotations

from pyramid.request import Request

from pleio_core.content.activity import activity_log
from pleio_core.content.model import is_attached
from pleio_core.i18n import _
from pleio_core.plugins import WidgetItem
from pleio_core.services import CONTENT_TYPES

from .follows import site_follows

#: Entries of the activity record looked at, at most, for one widget (it is newest first).
SCANNED = 500
VERBS = {
    "created": _("${actor} published"),
    "commented": _("${actor} commented"),
    "liked": _("${actor} liked"),
}


def followed_activity(request: Request, limit: int) -> list[WidgetItem]:
    identity = request.identity
    root = request.site_root
    follows = site_follows(root) if identity is not None else None
    keys = follows.followed(identity.id) if follows is not None else set()
    log = activity_log(root)
    if not keys or log is None:
        return []
    types = CONTENT_TYPES(request.registry)
    enabled = request.enabled_modules
    translate = request.localizer.translate
    items: list[WidgetItem] = []
    seen: set[int] = set()
    for scanned, entry in enumerate(log.newest()):
        if scanned == SCANNED or len(items) == limit:
            break
        content = entry.content
        if entry.actor == identity.id or id(content) in seen:
            continue
        uid = content._uid
        if not (
            f"account:{entry.actor}" in keys
            or (uid is not None and f"content:{uid}" in keys)
            or (content.group is not None and content.group in keys)
        ):
            continue
        if not (
            is_attached(content)
            and types.is_shown(content, enabled)
            and request.has_permission("view", content)
        ):
            continue
        seen.add(id(content))
        meta = translate(_(VERBS.get(entry.verb, VERBS["created"]),
                           mapping={"actor": entry.actor_name}))  # fmt: skip
        items.append(WidgetItem(content.title, request.resource_url(content), meta, entry.when))
    return items
