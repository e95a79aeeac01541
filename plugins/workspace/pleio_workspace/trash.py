"""The site's trash: deleted folders and files, kept ``KEEP`` and restored where they were.

The trash is an attribute of the site's root (``workspace_trash``), not one of its items:
no address leads into it, search and listings never see it (what goes in is unindexed by a
``ContentRemoved``, as a delete is; coming out, a ``ContentMoved`` indexes it again), and a
site export leaves it out. Each entry remembers the item, the folder it was in and its
address then, who deleted it and when. Its bytes count in the site's usage until the entry
is deleted for good, by hand or by ``purge`` (``pleio periodic``) once it is ``KEEP`` old.

Who sees an entry, and may restore it or delete it for good: whoever deleted it, whoever may
edit the folder it was in, and the site's admins.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from BTrees.Length import Length
from BTrees.OOBTree import OOBTree
from persistent import Persistent
from pyramid.request import Request
from pyramid.traversal import resource_path

from pleio_core.plugin_api import (
    Content,
    ContentMoved,
    ContentRemoved,
    FileRefused,
    Folder,
    SiteRoot,
    add_usage,
    check_quota,
    content_in,
    display_name,
    group_of,
    is_attached,
    name_of,
    now,
    parent_of,
    storage_usage,
)

from .files.model import File
from .files.names import MAX_NAME_BYTES
from .i18n import _

__all__ = [
    "KEEP",
    "FileRefused",
    "TrashEntry",
    "add_usage",
    "check_quota",
    "free_name",
    "purge",
    "put_in_trash",
    "refuse",
    "restore",
    "storage_usage",
    "versions_size",
]


KEEP = timedelta(days=30)
ATTRIBUTE = "workspace_trash"
MODULE = "workspace"
_LATEST = 10**17  # microseconds since 1970 stay below this until the year 5138


def refuse(status: int, message: Any) -> FileRefused:
    return FileRefused(status, message)


def versions_size(item: Content) -> int:
    """The bytes every version of every file in ``item`` counts in the site's usage."""
    return sum(
        v.stored.size for node in content_in(item) if isinstance(node, File) for v in node.versions
    )


def free_name(folder: Folder, name: str) -> str:
    """``name``, or the first of "x (2).pdf", "x (3).pdf"… that ``folder`` does not hold."""
    if name not in folder:
        return name
    stem, dot, extension = name.rpartition(".")
    if not stem or not dot:
        stem, dot, extension = name, "", ""
    n = 2
    while True:
        suffix = f" ({n}){dot}{extension}"
        room = MAX_NAME_BYTES - len(suffix.encode("utf-8"))
        short = stem.encode("utf-8")[:room].decode("utf-8", "ignore").rstrip()
        candidate = short + suffix
        if candidate not in folder:
            return candidate
        n += 1


class TrashEntry(Persistent):
    """One deleted item (with everything that was in it)."""

    def __init__(
        self, item: Content, place: Folder, path: str, who: str | None, who_name: str
    ) -> None:
        self.deleted: datetime = now()
        self.key = key_of(self.deleted) + "-" + secrets.token_hex(6)
        self.item, self.place, self.path = item, place, path
        self.name = name_of(item)
        self.deleted_by, self.deleted_by_name = who, who_name
        #: What it counts in the site's usage, given back when it is deleted for good.
        self.size = versions_size(item)

    @property
    def purged_at(self) -> datetime:
        return self.deleted + KEEP

    @property
    def is_folder(self) -> bool:
        return not hasattr(self.item, "versions")


def key_of(moment: datetime) -> str:
    """Keys sort newest first (the list shows them so), and what was deleted before
    ``moment`` sorts after ``key_of(moment)`` (the purge reads from there; a key is this
    and "-" and a random part)."""
    micros = int(moment.timestamp() * 1_000_000)
    return f"{_LATEST - micros:018d}"


class Trash(Persistent):
    def __init__(self) -> None:
        self.entries: OOBTree = OOBTree()
        self.count = Length()

    def __len__(self) -> int:
        return self.count()

    def add(self, entry: TrashEntry) -> None:
        self.entries[entry.key] = entry
        self.count.change(1)

    def get(self, key: object) -> TrashEntry | None:
        return self.entries.get(key) if isinstance(key, str) else None

    def remove(self, entry: TrashEntry) -> None:
        del self.entries[entry.key]
        self.count.change(-1)

    def newest_first(self) -> Iterator[TrashEntry]:
        return iter(self.entries.values())

    def deleted_until(self, moment: datetime) -> list[TrashEntry]:
        """The entries deleted at ``moment`` or before."""
        return list(self.entries.values(min=key_of(moment), excludemin=True))


def trash_of(site: SiteRoot, create: bool = False) -> Trash | None:
    trash = getattr(site, ATTRIBUTE, None)
    if trash is None and create:
        trash = Trash()
        setattr(site, ATTRIBUTE, trash)
    return trash


def put_in_trash(request: Request, item: Content) -> TrashEntry:
    """Take ``item`` out of its folder into the trash (the caller checked it may)."""
    parent = parent_of(item)
    path = resource_path(item)
    me = getattr(request.identity, "id", None)
    entry = TrashEntry(item, parent, path, me, display_name(request, me) if me else "")
    request.registry.notify(ContentRemoved(item, request))
    parent.remove(name_of(item))
    trash_of(request.site_root, create=True).add(entry)  # type: ignore[union-attr]
    return entry


def is_admin(request: Request) -> bool:
    return bool(request.has_permission("manage", request.site_root))


def may_handle(request: Request, entry: TrashEntry) -> bool:
    """Whether the request sees ``entry`` (and may restore it or delete it for good)."""
    me = getattr(request.identity, "id", None)
    if me is None or entry.purged_at <= now():  # (its time is up: the next purge takes it)
        return False
    if entry.deleted_by == me or is_admin(request):
        return True
    return is_attached(entry.place) and bool(request.has_permission("edit", entry.place))


def visible_entries(request: Request) -> Iterator[TrashEntry]:
    trash = trash_of(request.site_root)
    for entry in trash.newest_first() if trash is not None else ():
        if may_handle(request, entry):
            yield entry


def entry_for(request: Request, key: object) -> TrashEntry:
    """The entry ``key`` names, if the request may handle it; 404 otherwise (an entry one
    may not see is as good as none)."""
    trash = trash_of(request.site_root)
    entry = trash.get(key) if trash is not None else None
    if entry is None or not may_handle(request, entry):
        raise refuse(404, _("That is not in the trash (any more)."))
    return entry


def restore_place(request: Request, entry: TrashEntry) -> Folder:
    """Where it goes back: where it was, or the workspace's top folder if that is gone."""
    place = entry.place
    if isinstance(place, Folder) and is_attached(place):
        return place
    top = request.site_root.get(MODULE)
    if not isinstance(top, Folder):
        raise refuse(409, _("The workspace is gone: there is nowhere to restore it to."))
    return top


def restore(request: Request, key: object) -> Content:
    """Put the entry's item back (under a free name, "x (2).pdf", if its own is taken)."""
    entry = entry_for(request, key)
    place = restore_place(request, entry)
    if not request.has_permission("add", place):
        raise refuse(403, _("You may not add anything where it was, so it cannot go back."))
    item = entry.item
    name = free_name(place, entry.name)
    trash_of(request.site_root).remove(entry)  # type: ignore[union-attr]
    place.add(name, item)
    item.title = name
    principal = group_of(request, place)
    for node in content_in(item):
        node.group = principal
        if principal is None and node.access == "group":
            node.access = "private"
    request.registry.notify(ContentMoved(item, request))
    return item


def delete_for_good(request: Request, key: object) -> TrashEntry:
    entry = entry_for(request, key)
    forget(request.site_root, entry)
    return entry


def forget(site: SiteRoot, entry: TrashEntry) -> None:
    """The entry leaves the trash and its bytes the site's usage (the blobs go with the next
    pack, unless a copy still holds them)."""
    trash_of(site).remove(entry)  # type: ignore[union-attr]
    add_usage(site, -entry.size)


def purge(site: SiteRoot, when: datetime | None = None) -> int:
    """Delete for good what was deleted ``KEEP`` ago or longer; how many entries."""
    trash = trash_of(site)
    if trash is None:
        return 0
    old = trash.deleted_until((when or now()) - KEEP)
    for entry in old:
        forget(site, entry)
    return len(old)


def periodic(site: SiteRoot, registry: Any, request: Request) -> int:
    """The ``pleio_periodic`` hook's part: the purge."""
    return purge(site)


def purge_module(site: SiteRoot) -> None:
    """The ``pleio_purge_module`` hook's part: the trash goes with the module's data."""
    trash = trash_of(site)
    if trash is not None:
        for entry in list(trash.newest_first()):
            forget(site, entry)
        delattr(site, ATTRIBUTE)
