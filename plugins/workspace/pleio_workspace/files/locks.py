"""Check-out: one person holds a file for a while, and nobody else changes it meanwhile.

The web's "check out" and WebDAV's exclusive write lock are one thing, ``File.lock``: a
desktop client's lock shows on the file's page, and a web check-out makes a client's PUT
wait (423). A lock ends when its holder releases it, when it times out, or when someone who
looks after the place breaks it (``force``).
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from pyramid.request import Request

from pleio_core.plugin_api import FileRefused, now

from ..i18n import _
from .model import File, Lock

#: How long a check-out from the web holds unless it is checked in: a working day or so.
WEB_TIMEOUT = timedelta(hours=24)
#: The longest lock anyone gets (a WebDAV client may ask for "Infinite").
MAX_TIMEOUT = timedelta(days=7)
TOKEN_PREFIX = "opaquelocktoken:"


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_hex(16)


def holds(request: Request, lock: Lock, token: str | None) -> bool:
    """Whether this request speaks for ``lock``: its holder, with its token when one is
    given (a token is bound to who took the lock: someone else's is worth nothing)."""
    identity = request.identity
    if identity is None or identity.id != lock.owner:
        return False
    return token is None or secrets.compare_digest(token, lock.token)


def check_unlocked(request: Request, file: File, token: str | None = None) -> None:
    """Refuse (423) a change to ``file`` while someone else holds its lock."""
    lock = file.active_lock()
    if lock is not None and not holds(request, lock, token):
        raise FileRefused(
            423,
            _(
                "“${name}” is checked out by ${holder}: it cannot be changed until it is "
                "checked in.",
                mapping={"name": file.title, "holder": lock.owner_name or "…"},
            ),
        )


def may_break(request: Request, file: File) -> bool:
    """Whoever may change the file's access (its owner, the site's editors and admins for
    what they look after) may break another's lock."""
    return bool(request.has_permission("change_access", file))


def lock_file(
    request: Request,
    file: File,
    timeout: timedelta | None = WEB_TIMEOUT,
    client_owner: str = "",
    token: str | None = None,
) -> Lock:
    """Check ``file`` out to the visitor (``edit`` needed); their own lock is refreshed."""
    identity = request.identity
    if identity is None or not request.has_permission("edit", file):
        raise FileRefused(403, _("You may not check this file out."))
    timeout = min(timeout, MAX_TIMEOUT) if timeout is not None else MAX_TIMEOUT
    lock = file.active_lock()
    if lock is not None:
        check_unlocked(request, file, token)  # (someone else's: refused)
        lock.refresh(timeout)
        return lock
    file.lock = Lock(new_token(), identity.id, identity.name, timeout, client_owner[:1000])
    return file.lock


def unlock_file(
    request: Request, file: File, token: str | None = None, force: bool = False
) -> None:
    """Check ``file`` in: its holder (or the token's bearer), or with ``force`` whoever
    ``may_break``. Nothing to do when it is not checked out."""
    lock = file.active_lock()
    if lock is None:
        file.lock = None
        return
    if holds(request, lock, token):
        file.lock = None
        return
    if force and may_break(request, file):
        file.lock = None
        return
    check_unlocked(request, file, token)


def lock_left(lock: Lock) -> timedelta | None:
    expires = lock.expires
    return expires - now() if expires is not None else None
