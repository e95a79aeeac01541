"""Per-site ZODB databases: opened lazily, at most ``max_open_sites`` at once.

A database is closed again when it is the least recently used one and no request holds a
connection to it. The platform database (accounts) is opened once and never closed.
"""

from __future__ import annotations

import functools
import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import zodburi
from zc.lockfile import LockError
from ZODB import DB
from ZODB.Connection import Connection
from ZODB.FileStorage import FileStorage
from zodburi.resolvers import FileStorageURIResolver

from .moved import class_factory
from .postgres import ensure_postgres_database

log = logging.getLogger(__name__)


class StorageError(RuntimeError):
    """A site's storage could not be opened."""


class DatabaseInUse(StorageError):
    """A FileStorage is held by another process (only one process can open one)."""


#: Objects kept in memory per connection, unless the URI says ``connection_cache_size``. A
#: site only fills its cache as far as it is used, so small sites stay small; a site with
#: 100,000 items needs this many for a search to stay under 20 ms (bench/search.py: 2,000
#: gave a p50 of 27-53 ms, 10,000 one of 6-9 ms).
CONNECTION_CACHE_SIZE = 10_000


@functools.lru_cache(maxsize=4096)
def resolve_storage(uri: str) -> tuple[Callable[[], object], dict]:
    """zodburi's resolution of ``uri``, once: it reads every entry point on each call.

    A ``file://`` URI with ``blobstorage_dir`` opens a FileStorage with its own blob
    support (``_blob_file_storage``) instead of zodburi's ``BlobStorage`` wrapper.
    """
    factory, dbkw = zodburi.resolve_uri(uri)
    return _blob_file_storage(uri) or factory, dbkw


def _blob_file_storage(uri: str) -> Callable[[], object] | None:
    """``FileStorage(path, blob_dir=…)`` for ``file://PATH?blobstorage_dir=DIR``; None for
    any other URI (and for the options only zodburi's way has: a layout, a demostorage).

    zodburi wraps the FileStorage in ``ZODB.blob.BlobStorage``, whose ``tpc_abort`` removes
    the blob files of whichever transaction stored them last, after the FileStorage has
    let the next transaction in, and even for a transaction the storage is not committing:
    a request that aborted after a conflict deleted the file of an upload being committed
    by another thread at that moment, which was then acknowledged with its bytes gone
    (tests/test_durability.py). A FileStorage's own blob support does that bookkeeping
    under its lock, only for the transaction it is committing. The files on disk are the
    same (the same blob directory and layout).
    """
    if urlsplit(uri).scheme != "file":
        return None
    path, _sep, query = uri.split("file://", 1)[1].partition("?")
    kw, _unused = FileStorageURIResolver().interpret_kwargs(dict(parse_qsl(query)))
    blob_dir = kw.pop("blobstorage_dir", None)
    if blob_dir is None or kw.pop("blobstorage_layout", "automatic") != "automatic":
        return None
    if "demostorage" in kw:
        return None
    file_name = os.path.normpath(path)
    return lambda: FileStorage(file_name, blob_dir=blob_dir, **kw)


def open_database(uri: str, database_name: str, create: bool = True) -> DB:
    """Open the ZODB database behind a zodburi ``uri``.

    With ``create``, make what it needs first: the FileStorage's folder, or the PostgreSQL
    database of a RelStorage URI.
    """
    parts = urlsplit(uri)
    if create and parts.scheme == "file":
        Path(parts.path).parent.mkdir(parents=True, exist_ok=True)
    elif create and parts.scheme == "postgres":
        ensure_postgres_database(uri)
    try:
        factory, dbkw = resolve_storage(uri)
    except Exception as exc:  # zodburi raises KeyError/ValueError for unknown or bad URIs
        raise StorageError(f"bad storage URI for {database_name}: {exc!r}") from None
    dbkw = dict(dbkw)
    if "connection_cache_size" not in parts.query:
        dbkw["cache_size"] = CONNECTION_CACHE_SIZE
    dbkw["database_name"] = database_name
    try:
        storage = factory()
    except LockError:
        raise DatabaseInUse(
            f"the {database_name} database is in use by another process (a FileStorage "
            "allows one): stop that process first, or use ZEO or RelStorage"
        ) from None
    return PleioDB(storage, **dbkw)


class PleioDB(DB):
    """A ZODB database that finds classes stored under a module they have left (``moved``)."""

    def classFactory(self, connection: Connection, modulename: str, globalname: str) -> type:
        return class_factory(connection, modulename, globalname)


#: Storages that only one process can open (FileStorage locks its file): this process
#: sees every commit the moment it happens.
SINGLE_PROCESS_SCHEMES = frozenset({"file", "memory"})


def is_single_process(uri: str) -> bool:
    return urlsplit(uri).scheme in SINGLE_PROCESS_SCHEMES


class SiteDatabases:
    """The open site databases of this process, least recently used first."""

    def __init__(
        self,
        uri_for: Callable[[str], str],
        max_open: int,
    ) -> None:
        self._uri_for = uri_for
        self.max_open = max_open
        #: told the name of each site whose database is closed (``when_closed``)
        self._closed_listeners: list[Callable[[str], None]] = []
        self._dbs: OrderedDict[str, DB] = OrderedDict()
        self._single_process: set[str] = set()
        self._in_use: dict[str, int] = {}
        self._lock = threading.Lock()
        # One lock per site, kept for good: a lock dropped after opening would let two
        # threads open the same FileStorage after it was closed again (LockError).
        self._opening: dict[str, threading.Lock] = {}

    def __len__(self) -> int:
        return len(self._dbs)

    def open_names(self) -> list[str]:
        return list(self._dbs)

    def get(self, name: str) -> DB:
        """The database of site ``name``, opened if needed (without taking a connection)."""
        with self._lock:
            db = self._dbs.get(name)
            if db is not None:
                self._dbs.move_to_end(name)
                return db
            opening = self._opening.setdefault(name, threading.Lock())
        with opening:  # one opener per site; others wait for it
            with self._lock:
                db = self._dbs.get(name)
                if db is not None:
                    return db
            uri = self._uri_for(name)
            db = open_database(uri, name)
            with self._lock:
                self._dbs[name] = db
                if is_single_process(uri):
                    self._single_process.add(name)
                else:
                    self._single_process.discard(name)
                self._close_idle(keep=name)
        return db

    def sees_every_commit(self, name: str) -> bool:
        """True if no other process can write site ``name``'s (open) database."""
        return name in self._single_process

    def connect(self, name: str, transaction_manager: object) -> Connection:
        """A connection to site ``name`` for one request; give it back with ``release``."""
        while True:
            db = self.get(name)
            with self._lock:
                still_open = self._dbs.get(name) is db  # not closed between get() and here
                if still_open:
                    self._in_use[name] = self._in_use.get(name, 0) + 1
                    break
        try:
            return db.open(transaction_manager=transaction_manager)
        except BaseException:
            self._release_count(name)
            raise

    def release(self, name: str, connection: Connection) -> None:
        try:
            connection.close()
        finally:
            self._release_count(name)

    def _release_count(self, name: str) -> None:
        with self._lock:
            self._in_use[name] -= 1
            if not self._in_use[name]:
                del self._in_use[name]
            self._close_idle()

    def _close_idle(self, keep: str | None = None) -> None:
        """Close least recently used idle databases until at most ``max_open`` are open."""
        excess = len(self._dbs) - self.max_open
        if excess <= 0:
            return
        for name in list(self._dbs):
            if excess <= 0:
                break
            if name == keep or self._in_use.get(name):
                continue
            db = self._dbs.pop(name)
            excess -= 1
            try:
                db.close()
            except Exception:
                log.exception("closing the database of site %s failed", name)
            self._tell_closed(name)

    def close(self, name: str) -> None:
        """Close site ``name``'s database now (e.g. before its files are removed)."""
        with self._lock:
            db = self._dbs.pop(name, None)
        if db is not None:
            db.close()
            self._tell_closed(name)

    def when_closed(self, listener: Callable[[str], None]) -> None:
        """Call ``listener(name)`` whenever a site's database is closed (a cache of the
        site's pages, say, is then out of date)."""
        self._closed_listeners.append(listener)

    def _tell_closed(self, name: str) -> None:
        for listener in self._closed_listeners:
            listener(name)

    def close_all(self) -> None:
        with self._lock:
            dbs, self._dbs = list(self._dbs.values()), OrderedDict()
        for db in dbs:
            db.close()
