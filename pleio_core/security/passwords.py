"""Passwords: Argon2id hashes (argon2-cffi), rehashed when the parameters change."""

from __future__ import annotations

import contextlib
import functools

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from pleio_core.i18n import _

from .accounts import Account, AccountError

MIN_LENGTH = 12  # OWASP ASVS 2.1.1
MAX_LENGTH = 1024  # long enough for any passphrase, short enough not to be a DoS

_hasher = PasswordHasher()


@functools.cache
def _dummy_hash() -> str:
    """Verified against for unknown accounts, so a wrong address costs as much time as a
    wrong password: sign-in timing does not reveal which addresses have accounts. Made on
    first use: hashing costs a fifth of a second and 64 MiB, too much for every start-up."""
    return _hasher.hash("pleio-no-such-account")


def use_hasher(hasher: PasswordHasher) -> PasswordHasher:
    """Hash and verify with ``hasher`` from now on; the one it replaces. For the test suite,
    which hashes at test strength (``pleio_core.testing.passwords``); production keeps the
    library's defaults. Note: an account hashed with other parameters is rehashed at its
    next sign-in (``verify_password``)."""
    global _hasher
    before, _hasher = _hasher, hasher
    _dummy_hash.cache_clear()  # made with the hasher in use
    return before


def check_new_password(password: str) -> str:
    if len(password) < MIN_LENGTH:
        raise AccountError(
            "password", _("A password has at least ${min} characters.", mapping={"min": MIN_LENGTH})
        )
    if len(password) > MAX_LENGTH:
        raise AccountError(
            "password", _("A password has at most ${max} characters.", mapping={"max": MAX_LENGTH})
        )
    return password


def set_password(account: Account, password: str) -> None:
    account.password_hash = _hasher.hash(check_new_password(password))


def verify_password(account: Account | None, password: str) -> bool:
    """True if ``password`` is ``account``'s; rehashes it if the parameters changed."""
    if account is None or account.password_hash is None or len(password) > MAX_LENGTH:
        with contextlib.suppress(VerificationError):
            _hasher.verify(_dummy_hash(), password[:MAX_LENGTH] or "x")
        return False
    try:
        _hasher.verify(account.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    if _hasher.check_needs_rehash(account.password_hash):
        account.password_hash = _hasher.hash(password)
    return True
