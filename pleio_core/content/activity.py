"""The activity record of a deelsite: who created, commented on or liked what, and when.

Modules and the front page list it filtered by what the viewer may see now (content that
became private, was removed or whose module is off drops out; nothing is copied).
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, overload

from BTrees.Length import Length
from BTrees.LOBTree import LOBTree
from persistent import Persistent
from pyramid.config import Configurator
from pyramid.request import Request

from pleio_core.clock import now
from pleio_core.services import CONTENT_TYPES
from pleio_core.storage.parts import part

from .events import ContentAdded
from .model import Content, is_attached

VERBS = ("created", "commented", "liked")
MAX_ENTRIES = 10_000  # older entries are dropped; the audit log is the lasting record
#: Trees the entries are spread over, each with a count of its own: see ``ActivityLog``.
SHARDS = 16
#: A tree is trimmed by this many of its oldest entries at once, when it is this much over
#: its share of MAX_ENTRIES: trimming now and then, not on every append.
TRIM_BATCH = 32


@dataclass(frozen=True)
class Activity:
    verb: str
    actor: str  # account id
    actor_name: str
    content: Content
    when: datetime


class ActivityLog(Persistent):
    """The newest entries of a site, spread over ``SHARDS`` trees that writers pick at random.

    Everyone who likes or comments writes here, so it is made not to conflict. A tree's
    keys are minus the time in microseconds (newest first); its values are plain tuples,
    which ZODB's bucket conflict resolution can compare (it merges two appends to one
    bucket, but fails on values that do not compare, such as a dataclass). What it cannot
    merge is two writers splitting or trimming the same tree at once; with the writers
    spread over many trees, that is rare, and the request is retried. Reading merges the
    trees, newest first.
    """

    #: (tree, count) per shard; None in logs made before the shards (see ``_entries``).
    _shards: tuple[tuple[LOBTree, Length], ...] | None = None
    #: The one tree of a log made before the shards, with ``Activity`` values: read, and
    #: left as it is (it was bounded by MAX_ENTRIES).
    _entries: LOBTree | None = None

    def __init__(self) -> None:
        self._shards = _new_shards()

    def __len__(self) -> int:
        old = len(self._entries) if self._entries is not None else 0
        return old + sum(count() for _tree, count in self._shards or ())

    def append(self, verb: str, actor: str, actor_name: str, content: Content) -> Activity:
        if verb not in VERBS:
            raise ValueError(f"unknown activity {verb!r}")
        if self._shards is None:
            self._shards = _new_shards()
        tree, count = random.choice(self._shards)
        when = now()
        key = -int(when.timestamp() * 1_000_000)
        while key in tree:
            key -= 1
        tree[key] = (when, verb, actor, actor_name, content)
        count.change(1)
        if count() > MAX_ENTRIES // SHARDS + TRIM_BATCH:
            for _ in range(TRIM_BATCH):
                del tree[tree.maxKey()]
            count.change(-TRIM_BATCH)
        return Activity(verb, actor, actor_name, content, when)

    def newest(self) -> Iterator[Activity]:
        trees = [tree for tree, _count in self._shards or ()]
        if self._entries is not None:
            trees.append(self._entries)
        for _key, entry in heapq.merge(*(tree.items() for tree in trees), key=lambda i: i[0]):
            if isinstance(entry, Activity):
                yield entry
            else:
                when, verb, actor, actor_name, content = entry
                yield Activity(verb, actor, actor_name, content, when)


def _new_shards() -> tuple[tuple[LOBTree, Length], ...]:
    return tuple((LOBTree(), Length()) for _ in range(SHARDS))


@overload
def activity_log(root: Any, create: Literal[True]) -> ActivityLog: ...
@overload
def activity_log(root: Any, create: Literal[False] = False) -> ActivityLog | None: ...
def activity_log(root: Any, create: bool = False) -> ActivityLog | None:
    return part(root, "activity", ActivityLog, create)


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
    types = CONTENT_TYPES(request.registry)
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
