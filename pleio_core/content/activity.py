"""The activity record of a deelsite: who created, commented on or liked what, and when.

Modules and the front page list it filtered by what the viewer may see now (content that
became private, was removed or whose module is off drops out; nothing is copied).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from BTrees.LOBTree import LOBTree
from persistent import Persistent
from pyramid.config import Configurator
from pyramid.request import Request

from pleio_core.security.accounts import now

from .events import ContentAdded
from .model import Content, is_attached

VERBS = ("created", "commented", "liked")
MAX_ENTRIES = 10_000  # older entries are dropped; the audit log is the lasting record


@dataclass(frozen=True)
class Activity:
    verb: str
    actor: str  # account id
    actor_name: str
    content: Content
    when: datetime


class ActivityLog(Persistent):
    """Entries keyed by minus their time in microseconds: the newest comes first, and
    appends at once rarely collide."""

    def __init__(self) -> None:
        self._entries: LOBTree = LOBTree()

    def __len__(self) -> int:
        return len(self._entries)

    def append(self, verb: str, actor: str, actor_name: str, content: Content) -> Activity:
        if verb not in VERBS:
            raise ValueError(f"unknown activity {verb!r}")
        when = now()
        key = -int(when.timestamp() * 1_000_000)
        while key in self._entries:
            key -= 1
        entry = self._entries[key] = Activity(verb, actor, actor_name, content, when)
        if len(self._entries) > MAX_ENTRIES:
            del self._entries[self._entries.maxKey()]
        return entry

    def newest(self) -> Iterator[Activity]:
        return iter(self._entries.values())


def activity_log(root: Any, create: bool = False) -> ActivityLog | None:
    log = getattr(root, "activity", None)
    if log is None and create:
        log = root.activity = ActivityLog()
    return log


def record_activity(request: Request, verb: str, content: Content) -> None:
    """Record that the signed-in account did ``verb`` to ``content``."""
    identity = request.identity
    if identity is None:
        return
    activity_log(request.site_root, create=True).append(verb, identity.id, identity.name, content)


def visible_activity(request: Request, limit: int = 20) -> list[Activity]:
    """The newest entries whose content the viewer may see now, in an enabled module."""
    log = activity_log(request.site_root)
    if log is None:
        return []
    types = request.registry.pleio_content_types
    enabled = request.enabled_modules
    shown: list[Activity] = []
    for entry in log.newest():
        if (
            is_attached(entry.content)
            and types.is_shown(entry.content, enabled)
            and request.has_permission("view", entry.content)
        ):
            shown.append(entry)
            if len(shown) == limit:
                break
    return shown


def record_creation(event: ContentAdded) -> None:
    if event.request is not None:
        record_activity(event.request, "created", event.content)


def includeme(config: Configurator) -> None:
    config.add_subscriber(record_creation, ContentAdded)
