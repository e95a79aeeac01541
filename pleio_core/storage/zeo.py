"""One ZEO server for every FileStorage of an installation, each opened on first use.

A FileStorage can be opened by one process only. With a ZEO server holding the files, the
web server and every ``pleio`` command are ZEO clients of it, so a command works while the
server runs and the server sees the command's changes at once (ZEO's invalidations).

ZEO's own server is given its storages when it starts; ``LazyStorageServer`` opens a
storage when a client first asks for it by name, so a new deelsite needs no change to the
ZEO server's configuration. Which names it serves, and from which files, is
``ServedFiles``: a site's name gives ``storage_uri`` with ``{site}`` replaced, and
``PLATFORM_STORAGE`` the platform database's. Blobs go through a shared blob directory:
the client writes and reads the blob files where the server's FileStorage keeps them.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from zc.lockfile import LockError
from ZEO.monitor import StorageStats
from ZEO.StorageServer import (
    LockManager,
    StorageServer,
    StorageServerDB,
    StubTimeoutThread,
    ZEOStorage,
)

from .databases import StorageError, resolve_storage

log = logging.getLogger(__name__)

#: The ZEO storage name of the platform database: not a site name (those never start
#: with ``_``), so no site can be served the platform's files.
PLATFORM_STORAGE = "_platform"

#: The longest path a Unix socket can have (``sun_path`` less its final NUL) on Linux.
MAX_SOCKET_PATH = 107

Address = tuple[str, int] | str


def parse_address(listen: str) -> Address:
    """``HOST:PORT`` for TCP, an absolute path for a Unix socket."""
    if listen.startswith("/"):
        if len(os.fsencode(listen)) > MAX_SOCKET_PATH:
            raise StorageError(
                f"the ZEO socket path {listen} is longer than a Unix socket allows "
                f"({MAX_SOCKET_PATH} bytes): use a shorter path or HOST:PORT"
            )
        return listen
    host, _, port = listen.rpartition(":")
    if not host or not port.isdigit():
        raise StorageError(f"a ZEO address is HOST:PORT or an absolute path, not {listen!r}")
    return (host.strip("[]"), int(port))


def answers(address: Address, timeout: float = 1.0) -> bool:
    """True if something accepts connections at ``address`` (a ZEO server, we assume)."""
    family = socket.AF_UNIX if isinstance(address, str) else socket.AF_INET
    if not isinstance(address, str) and ":" in address[0]:
        family = socket.AF_INET6
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.settimeout(timeout)
        try:
            probe.connect(address)
        except OSError:
            return False
    return True


def zeo_address(uri: str) -> Address | None:
    """The server address of a ``zeo://`` URI (as zodburi reads it); None for others."""
    if not uri.startswith("zeo://"):
        return None
    parts = urlsplit(uri.replace("zeo://", "http://", 1))
    if parts.netloc:
        return (parts.hostname or "", parts.port or 9991)
    return os.path.normpath(parts.path)


def zeo_option(uri: str, name: str, default: str = "") -> str:
    """One option of a ``zeo://`` URI's query string (``storage``, ``blob_dir`` …)."""
    return (parse_qs(urlsplit(uri).query).get(name) or [default])[0]


@dataclass(frozen=True)
class ServedFiles:
    """The FileStorages one ZEO server serves, and the address it listens on.

    ``storage_uri`` (with ``{site}``) and ``platform_storage_uri`` are ``file://`` zodburi
    URIs, as ``pleio.storage_uri`` would be without ZEO.
    """

    listen: str
    storage_uri: str
    platform_storage_uri: str
    #: which storage names are sites (the CLI passes the site-name rule)
    is_site_name: Callable[[str], bool]

    def __post_init__(self) -> None:
        parse_address(self.listen)
        for key, uri in (
            ("storage_uri", self.storage_uri),
            ("platform_storage_uri", self.platform_storage_uri),
        ):
            if not uri.startswith("file://"):
                raise StorageError(f"the ZEO server's {key} must be a file:// URI, not {uri!r}")
        if "{site}" not in self.storage_uri:
            raise StorageError("the ZEO server's storage_uri must contain {site}")

    @property
    def address(self) -> Address:
        return parse_address(self.listen)

    def file_uri(self, storage_name: str) -> str | None:
        """The ``file://`` URI behind a storage name; None for a name it does not serve."""
        if storage_name == PLATFORM_STORAGE:
            return self.platform_storage_uri
        if self.is_site_name(storage_name):
            return self.storage_uri.replace("{site}", storage_name)
        return None

    def file_uri_behind(self, uri: str) -> str | None:
        """The ``file://`` URI that ``uri`` reaches through this server; None if ``uri`` is
        not a ``zeo://`` URI of this server.

        A client's blob directory must be the server's (a shared blob directory): a URI
        that names another one is refused, as its blobs would go where the server never
        looks.
        """
        if zeo_address(uri) != self.address:
            return None
        name = zeo_option(uri, "storage", "1")
        file_uri = self.file_uri(name)
        if file_uri is None:
            raise StorageError(f"{uri}: the ZEO server at {self.listen} serves no {name!r}")
        blobs = _blob_dir(file_uri)
        client_blobs = zeo_option(uri, "blob_dir")
        if blobs and client_blobs and os.path.normpath(client_blobs) != blobs:
            raise StorageError(
                f"{uri}: blob_dir must be the server's own blob directory {blobs} "
                "(a shared blob directory)"
            )
        return file_uri

    def exists(self, uri: str) -> bool | None:
        """Whether the Data.fs behind ``uri`` exists; None if this server does not serve it."""
        file_uri = self.file_uri_behind(uri)
        if file_uri is None:
            return None
        return Path(urlsplit(file_uri).path).exists()


def _blob_dir(file_uri: str) -> str | None:
    found = parse_qs(urlsplit(file_uri).query).get("blobstorage_dir")
    return os.path.normpath(found[0]) if found else None


def open_file_storage(uri: str) -> Any:
    """The storage behind a ``file://`` URI, its folders made first."""
    parts = urlsplit(uri)
    Path(parts.path).parent.mkdir(parents=True, exist_ok=True)
    blobs = _blob_dir(uri)
    if blobs:
        Path(blobs).mkdir(parents=True, exist_ok=True)
    factory, _dbkw = resolve_storage(uri)  # (a FileStorage with its own blob support)
    return factory()


#: Storages a server keeps open with no client connected, the most recently left ones:
#: each open FileStorage holds its index in memory and three files, so a server of
#: thousands of sites closes the ones nobody uses (a web process closes its least
#: recently used site databases too, ``pleio.max_open_sites``).
MAX_IDLE_STORAGES = 32


class LazyStorageServer(StorageServer):
    """ZEO's ``StorageServer``, opening each storage when a client first registers for it.

    ``open_storage(name)`` gives the storage for a name, or None for a name it does not
    serve (the client is refused). A storage no client has open is closed again once more
    than ``max_idle`` are open like that, the longest idle first.
    """

    def __init__(
        self,
        addr: Address,
        open_storage: Callable[[str], Any],
        max_idle: int = MAX_IDLE_STORAGES,
        **options: object,
    ) -> None:
        self._open_storage = open_storage
        self._opening = threading.RLock()
        self.max_idle = max_idle
        #: open storages without a client, longest idle first
        self._idle: OrderedDict[str, None] = OrderedDict()
        super().__init__(addr, {}, **options)

    def create_client_handler(self) -> ZEOStorage:
        return LazyZEOStorage(self, self.read_only)

    def serve(self, name: str) -> bool:
        """Make sure storage ``name`` is open; False if it is not one this server serves."""
        with self._opening:
            if name in self.storages:
                return True
            try:
                storage = self._open_storage(name)
            except LockError:
                log.error("storage %s is in use by another process (its lock is held)", name)
                return False
            except Exception:
                log.exception("storage %s could not be opened", name)
                return False
            if storage is None:
                log.warning("a client asked for storage %r, which this server does not serve", name)
                return False
            self._add(name, storage)
            log.info("opened storage %s: %s", name, storage.getName())
            return True

    def register_connection(self, storage_id: str, zeo_storage: ZEOStorage) -> Any:
        with self._opening:
            self._idle.pop(storage_id, None)
            return super().register_connection(storage_id, zeo_storage)

    def close_conn(self, zeo_storage: ZEOStorage) -> None:
        with self._opening:
            super().close_conn(zeo_storage)
            name = zeo_storage.storage_id
            if name in self.storages and not self.zeo_storages_by_storage_id[name]:
                self._idle[name] = None
                self._idle.move_to_end(name)
            while len(self._idle) > self.max_idle:
                self._close(self._idle.popitem(last=False)[0])

    def _close(self, name: str) -> None:
        storage = self.storages.pop(name)
        for per_storage in (self.invq, self.stats, self.lock_managers):
            del per_storage[name]
        del self.zeo_storages_by_storage_id[name]
        storage.close()
        log.info("closed storage %s: no client had it open", name)

    def _add(self, name: str, storage: Any) -> None:
        # What StorageServer.__init__ does for each storage it is given.
        self._setup_invq(name, storage)
        storage.registerDB(StorageServerDB(self, name))
        self.zeo_storages_by_storage_id[name] = []
        self.stats[name] = stats = StorageStats(self.zeo_storages_by_storage_id[name])
        self.lock_managers[name] = LockManager(name, stats, StubTimeoutThread())
        self.storages[name] = storage


class LazyZEOStorage(ZEOStorage):
    """One client's connection: its storage is opened when it registers for it."""

    def register(self, storage_id: str, read_only: bool) -> bytes:
        self.server.serve(storage_id)
        return super().register(storage_id, read_only)


def start_server(served: ServedFiles, max_idle: int = MAX_IDLE_STORAGES) -> LazyStorageServer:
    """A ``LazyStorageServer`` for ``served``, listening (a stale socket file removed) and
    serving in a thread of its own."""
    address = served.address
    if isinstance(address, str):
        Path(address).parent.mkdir(parents=True, exist_ok=True)
        if Path(address).exists():
            if answers(address):
                raise StorageError(f"a ZEO server already answers on {served.listen}")
            Path(address).unlink()  # left by a server that was killed

    def open_storage(name: str) -> Any:
        uri = served.file_uri(name)
        return open_file_storage(uri) if uri is not None else None

    # Made in a thread of its own: ZEO runs an event loop of its own to start listening,
    # which asyncio refuses in a thread whose loop is running (a caller's, e.g. a test's).
    made: list[Any] = []

    def make() -> None:
        try:
            made.append(LazyStorageServer(address, open_storage, max_idle))
        except BaseException as exc:  # (raised again in the caller's thread)
            made.append(exc)

    maker = threading.Thread(target=make)
    maker.start()
    maker.join()
    if isinstance(made[0], OSError):
        raise StorageError(f"the ZEO server cannot listen on {served.listen}: {made[0]}") from None
    if isinstance(made[0], BaseException):
        raise made[0]
    server = made[0]
    server.start_thread()
    return server
