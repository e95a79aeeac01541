"""WebDAV locks (RFC 4918 class 2) that are the file's check-out: ``File.lock``.

wsgidav keeps locks in a store of its own by URL; here there is none. This lock manager
answers wsgidav's questions from the model, for one request: the lock of the file at a URL
is its ``File.lock``, taken and released with the same functions as the web's check-out
(``files.locks``). So a lock a desktop client takes shows on the file's page, a web
check-out makes another client's PUT wait (423), and a lock is part of the request's
transaction like everything else. Only files are locked, exclusively: folders are not
(``prevent_locking``), and a shared lock is refused.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote

from wsgidav.dav_error import (
    HTTP_FORBIDDEN,
    HTTP_LOCKED,
    DAVError,
    DAVErrorCondition,
    PRECONDITION_CODE_LockConflict,
)

from pleio_core.plugin_api import FileRefused, now

from ..files.locks import lock_file, unlock_file
from ..files.model import File, Lock
from ..i18n import _
from .errors import Refusal, refused

if TYPE_CHECKING:
    from .resources import WorkspaceProvider


def token_for(environ: dict, file: Any) -> str | None:
    """The lock token the request's ``If`` header gives for ``file``: its lock's, if the
    header names it, else the first one it names (someone else's is worth nothing)."""
    tokens = environ.get("wsgidav.ifLockTokenList") or []
    lock = file.active_lock() if isinstance(file, File) else None
    if lock is not None and lock.token in tokens:
        return str(lock.token)
    return str(tokens[0]) if tokens else None


class FileLocks:
    """wsgidav's ``LockManager``, over the files' own locks, for one request."""

    def __init__(self, provider: WorkspaceProvider) -> None:
        self.provider = provider
        self.request = provider.request
        #: The files whose locks this request has looked at, by token.
        self._seen: dict[str, File] = {}

    def _file(self, url: str) -> File | None:
        try:
            item = self.provider.item_at(self.provider.ref_url_to_path(url))
        except DAVError:  # (not signed in: nothing of theirs is locked)
            return None
        return item if isinstance(item, File) else None

    def _lock_dict(self, file: File, lock: Lock) -> dict[str, Any]:
        self._seen[lock.token] = file
        expires = lock.expires
        left = (expires - now()).total_seconds() if expires is not None else -1
        url = self.provider.share_path + "/" + "/".join(_path_of(file, self.provider))
        return {
            "root": _quote(url),
            "type": "write",
            "scope": "exclusive",
            "depth": "0",
            "owner": lock.client_owner.encode("utf-8"),
            "timeout": max(1, int(left)) if expires is not None else -1,
            "expire": expires.timestamp() if expires is not None else -1,
            "principal": lock.owner,
            "token": lock.token,
        }

    def _locks(self, url: str) -> list[dict[str, Any]]:
        file = self._file(url)
        lock = file.active_lock() if file is not None else None
        return [self._lock_dict(file, lock)] if file is not None and lock is not None else []

    # -- what wsgidav asks ---------------------------------------------------------------

    def get_url_lock_list(self, url: str, *, recursive: bool = False) -> list[dict[str, Any]]:
        return self._locks(url)

    def get_indirect_url_lock_list(self, url: str, *, principal: Any = None) -> list[dict]:
        return [
            lock for lock in self._locks(url) if principal is None or lock["principal"] == principal
        ]

    def is_url_locked(self, url: str) -> bool:
        return bool(self._locks(url))

    def is_url_locked_by_token(self, url: str, lock_token: str) -> bool:
        return any(lock["token"] == lock_token for lock in self._locks(url))

    def is_token_locked_by_user(self, token: str, principal: Any) -> bool:
        file = self._seen.get(token)
        lock = file.active_lock() if file is not None else None
        return lock is not None and lock.token == token and lock.owner == principal

    def get_lock(self, token: str, *, key: str | None = None) -> Any:
        file = self._seen.get(token)
        lock = file.active_lock() if file is not None else None
        if file is None or lock is None or lock.token != token:
            return None
        found = self._lock_dict(file, lock)
        return found if key is None else found[key]

    def check_write_permission(
        self, *, url: str, depth: str, token_list: list[str], principal: Any
    ) -> None:
        """423 when someone else holds the file's lock. Its holder goes on, as on the web
        (``check_unlocked``): the check-out is the person's, whichever program they use."""
        for lock in self._locks(url):
            if lock["principal"] != principal:
                condition = DAVErrorCondition(PRECONDITION_CODE_LockConflict)
                condition.add_href(lock["root"])
                raise DAVError(HTTP_LOCKED, err_condition=condition)

    @contextmanager
    def write_transaction(
        self, *, url: str, token_list: list[str], principal: Any, depth: str = "0"
    ) -> Iterator[None]:
        # (one transaction of the database: a lock taken meanwhile conflicts in ZODB)
        self.check_write_permission(
            url=url, depth=depth, token_list=token_list, principal=principal
        )
        yield

    def acquire(
        self,
        *,
        url: str,
        lock_type: str,
        lock_scope: str,
        lock_depth: str,
        lock_owner: bytes,
        timeout: float | None,
        principal: Any,
        token_list: list[str],
    ) -> dict[str, Any]:
        file = self._file(url)
        if file is None:
            raise DAVError(HTTP_FORBIDDEN)
        if lock_scope != "exclusive":
            message = _("A file is checked out by one person at a time: no shared locks.")
            raise Refusal(HTTP_FORBIDDEN, self.request.localizer.translate(message))
        # The holder's own check-out (from the web, say) is given back, refreshed: one
        # person holds a file, whichever program they use (``lock_file``).
        owner = lock_owner.decode("utf-8", "replace") if lock_owner else ""
        try:
            lock = lock_file(
                self.request, file, _timeout(timeout), client_owner=owner, token=_first(token_list)
            )
        except FileRefused as refusal:
            raise refused(self.request, refusal) from None
        return self._lock_dict(file, lock)

    def refresh(self, token: str, *, timeout: float | None = None) -> dict[str, Any]:
        file = self._seen.get(token)
        if file is None:
            raise DAVError(412)
        try:
            lock = lock_file(self.request, file, _timeout(timeout), token=token)
        except FileRefused as refusal:
            raise refused(self.request, refusal) from None
        return self._lock_dict(file, lock)

    def release(self, token: str) -> None:
        file = self._seen.get(token)
        if file is None:
            return
        try:
            unlock_file(self.request, file, token)
        except FileRefused as refusal:
            raise refused(self.request, refusal) from None

    def remove_all_locks_from_url(self, url: str, *, recursive: bool = False) -> None:
        pass  # (moved and deleted files keep their lock: they are in the trash, or elsewhere)


def _timeout(seconds: float | None) -> timedelta | None:
    """wsgidav's timeout (None: none asked, -1: infinite) as the model's (None: the longest
    a lock may hold, ``locks.MAX_TIMEOUT``)."""
    if seconds is None or seconds < 0:
        return None
    return timedelta(seconds=max(1, int(seconds)))


def _first(tokens: list[str]) -> str | None:
    return tokens[0] if tokens else None


def _path_of(file: File, provider: WorkspaceProvider) -> list[str]:
    names: list[str] = []
    node: Any = file
    top = provider.root_folder()
    while node is not None and node is not top:
        names.append(str(node.__name__))
        node = node.__parent__
    return list(reversed(names))


def _quote(url: str) -> str:
    return quote(unquote(url))
