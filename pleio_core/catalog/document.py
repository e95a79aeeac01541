"""What the catalog knows of one piece of content: its values, worked out once per indexing.

Each index reads the attribute of its name; an attribute that is absent leaves the content
out of that index (no owner, no group, not scheduled).

Who may view: the content's own ACL decides (it always ends in a Deny of ``view``, so
nothing falls through to its folders). A scheduled item becomes visible at ``publish_at``
without anything being written, so it is indexed with the viewers it will have once live
(``allowed``), the moment that happens (``embargo``) and who may see it before
(``allowed_early``); content with an end of publication (``publish_until``) likewise with
the moment it is hidden again (``expires``) and who still sees it after (``allowed_late``).
The query picks between them by the clock.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from pyramid.authorization import Allow, Everyone

from pleio_core.content.access import acl_for
from pleio_core.content.model import Content
from pleio_core.content.site import ModuleFolder, SiteRoot
from pleio_core.content.types import ContentType
from pleio_core.services import CONTENT_TYPES

log = logging.getLogger(__name__)


def viewers(acl: Iterable[tuple[str, str, Any]]) -> list[str]:
    """The principals an ACL allows to ``view``, read as Pyramid reads it: the first entry
    that names ``view`` for a principal wins. Reading stops at the first Deny of ``view``:
    whoever is allowed after it might be denied by it, so they are left out (never in)."""
    allowed: list[str] = []
    for action, principal, permissions in acl:
        if isinstance(permissions, str):
            permissions = (permissions,)
        if "view" not in permissions:
            continue
        if action != Allow:
            break
        if principal not in allowed:
            allowed.append(principal)
    return allowed


def audience(allowed: list[str]) -> str:
    """ "public", "members" (every member, not everyone) or "restricted" (fewer)."""
    if Everyone in allowed:
        return "public"
    return "members" if "site:member" in allowed else "restricted"


def sort_key(moment: datetime) -> int:
    """Microseconds before the epoch: ascending order of this is newest first."""
    return -round(moment.timestamp() * 1_000_000)


def full_text(content: Content, content_type: ContentType | None = None) -> str:
    """Title, body, tags, the type's ``searchable_text`` and the comments' texts
    (``content.text`` is HTML-escaped text). A ``searchable_text`` that raises is logged
    and left out: the content is still saved and found by the rest."""
    parts = [content.title, content.text, " ".join(content.tags)]
    if content_type is not None and content_type.searchable_text is not None:
        try:
            parts.append(str(content_type.searchable_text(content)))
        except Exception:
            log.exception("searchable_text of %s raised: left out", content_type.name)
    if content.comments is not None:
        parts.extend(comment.text for comment in content.comments.all())
    return "\n".join(parts)


def item_date(content: Content) -> datetime:
    """The date a reader sees on a result: when it was (or will be) published."""
    return content.publish_at or content.created


class Document:
    """The indexed values of one piece of content."""

    text: str  # every document has one (``of``); the other values only when not None

    def __init__(self, **values: Any) -> None:
        self.__dict__.update({k: v for k, v in values.items() if v is not None})

    @classmethod
    def of(cls, content: Content, site: SiteRoot, registry: Any) -> Document:
        names: list[str] = []
        modules: list[str] = []
        obj: Any = content
        while obj is not None and obj is not site:
            names.append(obj.__name__)
            if isinstance(obj, ModuleFolder):
                modules.append(obj.module)
            obj = obj.__parent__
        names.reverse()
        content_type = CONTENT_TYPES(registry).of(content)
        if content_type is not None:
            modules.append(content_type.module)
        values: dict[str, Any] = {}
        timed = content.state == "published" and not content.is_live()
        if timed:  # scheduled, or past its end: indexed with the viewers it has while live
            values["allowed"] = viewers(
                acl_for(content.effective_access, content.owner, content.group)
            )
            values["allowed_early"] = viewers(content.__acl__)
            if content.publish_at is not None and not content.has_expired():
                values["embargo"] = content.publish_at
        else:
            values["allowed"] = viewers(content.__acl__)
        if content.state == "published" and content.publish_until is not None:
            # who still sees it after its end: as before its start
            values["expires"] = content.publish_until
            values["allowed_late"] = values.get("allowed_early") or viewers(
                acl_for(content.effective_access, content.owner, content.group, live=False)
            )
        values["audience"] = audience(values["allowed"])
        if values["audience"] == "restricted":
            values["restricted_to"] = values["allowed"]
        return cls(
            text=full_text(content, content_type),
            type=content.type_name or None,
            module=sorted(set(modules)),
            tags=list(content.tags),
            path=["/" + "/".join(names[: n + 1]) for n in range(len(names))],
            created=content.created,
            modified=content.modified,
            newest_first=sort_key(item_date(content)),
            last_changed=sort_key(content.modified),
            owner=content.owner,
            group=content.group,
            **values,
        )
