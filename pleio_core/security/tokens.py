"""One-time tokens: sign-on tickets, e-mail verification, password reset, invitations.

Only a hash of each token is stored (in the platform database), so a copy of the database
gives no usable links. A redeemed token is marked used (a second use is refused) and
removed with the expired ones: two sign-ins at the same moment then change two values in
a bucket, which ZODB merges, where removing a key can conflict (when it is the first of
its bucket, ZODB cannot merge the change).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from BTrees.OOBTree import OOBTree
from persistent import Persistent
from pyramid.i18n import TranslationString

from pleio_core import clock
from pleio_core.i18n import _

#: Seconds past the oldest expiry before expired tokens are purged (``purge``).
PURGE_AFTER = 60.0
#: The value of a redeemed token until it is purged.
USED = None


class TokenError(ValueError):
    """The token is unknown, used already, expired, or meant for something else."""

    def __init__(self, message: TranslationString) -> None:
        self.message = message  # for the person who clicked the link
        super().__init__(message.interpolate())


@dataclass(frozen=True)
class Redeemed:
    account_id: str
    data: dict[str, Any]


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class OneTimeTokens(Persistent):
    def __init__(self) -> None:
        #: digest → (purpose, account id, expires, data), or USED once redeemed
        self._tokens: OOBTree = OOBTree()
        self._expiry: OOBTree = OOBTree()  # (expires, digest) → None, to purge in order

    def __len__(self) -> int:
        """The tokens that can still be used (or have expired, until purged)."""
        return sum(1 for entry in self._tokens.values() if entry is not USED)

    def issue(
        self, purpose: str, account_id: str, ttl: float, now: float | None = None, **data: Any
    ) -> str:
        now = clock.timestamp() if now is None else now
        self.purge(now)
        token = secrets.token_urlsafe(32)
        digest = _digest(token)
        expires = now + ttl
        self._tokens[digest] = (purpose, account_id, expires, dict(data))
        self._expiry[(expires, digest)] = None
        return token

    def redeem(self, token: str, purpose: str, now: float | None = None) -> Redeemed:
        """Use the token once; TokenError if it cannot be used (then nothing changes)."""
        now = clock.timestamp() if now is None else now
        digest = _digest(token or "")
        entry = self._tokens.get(digest)
        if entry is None or entry is USED:
            raise TokenError(_("This link or ticket is unknown or has been used already."))
        kind, account_id, expires, data = entry
        if kind != purpose:
            raise TokenError(_("This link or ticket is meant for something else."))
        self._tokens[digest] = USED  # removed with its expiry entry (``purge``)
        if expires < now:
            raise TokenError(_("This link or ticket has expired."))
        return Redeemed(account_id, data)

    def peek(self, token: str, purpose: str, now: float | None = None) -> Redeemed:
        """What the token is for, without using it (to show a form before redeeming)."""
        now = clock.timestamp() if now is None else now
        entry = self._tokens.get(_digest(token or ""))
        if entry is None or entry is USED or entry[0] != purpose:
            raise TokenError(_("This link or ticket is unknown or has been used already."))
        if entry[2] < now:
            raise TokenError(_("This link or ticket has expired."))
        return Redeemed(entry[1], dict(entry[3]))

    def revoke_all(self, account_id: str, purpose: str) -> None:
        for digest, entry in list(self._tokens.items()):
            if entry is not USED and entry[0] == purpose and entry[1] == account_id:
                del self._tokens[digest]
                self._expiry.pop((entry[2], digest), None)

    def purge(self, now: float) -> None:
        """Drop expired tokens (oldest first); keeps the tree from growing without bound.

        Only once the oldest has been expired for PURGE_AFTER seconds, and then all of them
        at once: deleting a bucket's first key is a change ZODB cannot merge, so sign-ins
        at the same moment, each deleting the oldest entry, would conflict every time.
        """
        if not self._expiry or self._expiry.minKey()[0] >= now - PURGE_AFTER:
            return
        while self._expiry:
            expires, digest = self._expiry.minKey()
            if expires >= now:
                break
            del self._expiry[(expires, digest)]
            self._tokens.pop(digest, None)
