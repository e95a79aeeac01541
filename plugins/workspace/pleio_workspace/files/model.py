"""Folders and files of the workspace, a file's versions and its lock.

A file's name in its folder (``__name__``) is its file name, as people and desktop clients
(WebDAV) see it: ``names.clean_name`` says which names are allowed. Its bytes are the
current version's ``StoredFile`` (a ZODB blob); older versions are kept in order, each
with who stored it and when. A folder keeps its children in the core's BTree folder, so a
folder of 10,000 files is read a page at a time; its access level caps what lies in it
(``inner_access``), and new items start with it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from BTrees.OOBTree import OOTreeSet
from persistent import Persistent
from persistent.list import PersistentList

from pleio_core.plugin_api import Content, StoredFile, now


class WorkspaceFolder(Content):
    """A folder: files and folders inside it, never more visible than itself.

    Besides its children by name it keeps their order as people read it (``in_order``):
    folders first, then files, each by name without regard to case. A listing then reads
    the names of one page, not every name in a folder of 10,000 files.
    """

    #: (0 for a folder or 1 for a file, the name case-folded, the name) of each child.
    _order: OOTreeSet | None = None
    #: (size, name) and (modified, name) of each file: the other two orders of a listing.
    _by_size: OOTreeSet | None = None
    _by_modified: OOTreeSet | None = None

    @property
    def inner_access(self) -> str:
        return self.access

    @staticmethod
    def order_key(name: str, item: Any) -> tuple[int, str, str]:
        return (0 if isinstance(item, WorkspaceFolder) else 1, name.casefold(), name)

    def in_order(self, folders: bool) -> Iterator[str]:
        """The names of the child folders (or the other children) in reading order."""
        if self._order is None:
            return iter(())
        kind = 0 if folders else 1
        keys = self._order.keys(min=(kind, "", ""), max=(kind + 1, "", ""), excludemax=True)
        return (key[2] for key in keys)

    def files_by(self, sort: str) -> Iterator[str]:
        """The names of the files, smallest (``size``) or oldest (``modified``) first."""
        found = self._by_size if sort == "size" else self._by_modified
        return (key[1] for key in found) if found is not None else iter(())

    def add(self, name: str, item: Any) -> Any:
        added = super().add(name, item)
        if self._order is None:
            self._order = OOTreeSet()
        self._order.add(self.order_key(name, item))
        if isinstance(item, File):
            self._list(name, item)
        return added

    def remove(self, name: str) -> Any:
        item = self.get(name)
        if self._order is not None and item is not None:
            self._order.remove(self.order_key(name, item))
        if isinstance(item, File):
            self._unlist(name, item)
        return super().remove(name)

    def relist(self, file: File) -> None:
        """``file`` changed its size or its moment of change: its place in the orders."""
        if file.__name__ is not None and self.get(file.__name__) is file:
            self._unlist(file.__name__, file)
            self._list(file.__name__, file)

    def _list(self, name: str, file: File) -> None:
        if self._by_size is None:
            self._by_size, self._by_modified = OOTreeSet(), OOTreeSet()
        assert self._by_modified is not None
        file.listed = (file.size, file.modified)
        self._by_size.add((file.size, name))
        self._by_modified.add((file.modified, name))

    def _unlist(self, name: str, file: File) -> None:
        if self._by_size is None or self._by_modified is None or file.listed is None:
            return
        size, modified = file.listed
        for tree, key in ((self._by_size, (size, name)), (self._by_modified, (modified, name))):
            if key in tree:
                tree.remove(key)
        file.listed = None


class Version(Persistent):
    """One stored state of a file: its bytes, who stored it, when, and why."""

    def __init__(
        self, number: int, stored: StoredFile, author: str | None, author_name: str, note: str
    ) -> None:
        self.number, self.stored = number, stored
        self.author, self.author_name, self.note = author, author_name, note
        self.created = now()
        #: Whether clamd looked at it (False: stored unscanned, as the operator allowed).
        self.scanned = True


class Lock(Persistent):
    """A check-out: until it ends (``expires``, None: until it is released), only its
    holder stores new versions, renames, moves or deletes the file. WebDAV's exclusive write
    locks are these too (``token``), so the web and desktop clients see the same lock."""

    def __init__(
        self,
        token: str,
        owner: str,
        owner_name: str,
        timeout: timedelta | None,
        client_owner: str = "",
    ) -> None:
        self.token, self.owner, self.owner_name = token, owner, owner_name
        self.created = now()
        self.timeout = timeout
        #: What a WebDAV client said about itself (the lock's ``<owner>`` XML), or "".
        self.client_owner = client_owner

    @property
    def expires(self) -> datetime | None:
        return self.created + self.timeout if self.timeout is not None else None

    def is_active(self, when: datetime | None = None) -> bool:
        expires = self.expires
        return expires is None or (when or now()) < expires

    def refresh(self, timeout: timedelta | None) -> None:
        self.created, self.timeout = now(), timeout


class File(Content):
    """An uploaded file with its versions; the newest version is the file."""

    #: Version 1 first; appended to, never rewritten (restoring adds a version).
    versions: Any = ()
    lock: Lock | None = None
    #: A small PNG of an image (``facts.thumbnails``), or None.
    thumbnail: StoredFile | None = None
    #: The text of a PDF, DOCX or ODT file for search (``facts.extract``), or "".
    extracted_text = ""
    #: (size, modified) as its folder's orders hold it (``WorkspaceFolder.relist``).
    listed: tuple[int, datetime] | None = None

    @property
    def current(self) -> Version:
        return self.versions[-1]

    @property
    def stored(self) -> StoredFile:
        return self.current.stored

    @property
    def size(self) -> int:
        return self.stored.size if self.versions else 0

    @property
    def media_type(self) -> str:
        return self.stored.media_type if self.versions else "application/octet-stream"

    def add_version(self, version: Version) -> Version:
        if not self.versions:
            self.versions = PersistentList()
        self.versions.append(version)
        self.modified = version.created
        parent = self.__parent__
        if isinstance(parent, WorkspaceFolder):
            parent.relist(self)
        return version

    def active_lock(self, when: datetime | None = None) -> Lock | None:
        """The lock that holds now, or None (an expired one counts as none)."""
        lock = self.lock
        return lock if lock is not None and lock.is_active(when) else None


def searchable_text(content: Content) -> str:
    """What search finds a file by besides its title and description: the text in it."""
    return getattr(content, "extracted_text", "")
