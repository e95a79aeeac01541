"""Each account's choices for notifications on one site: per kind, how it is delivered
(``kinds.DELIVERIES``), and how often the digest comes; and where the digest got to.

Kept in the site's database (``SiteRoot.notification_preferences``): one account, many
sites, a choice per site. Who never chose has each kind's default and a daily digest.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, overload

from BTrees.OOBTree import OOBTree
from persistent import Persistent

from pleio_core.storage.parts import part

from .kinds import DELIVERIES, NotificationKind

FREQUENCIES = ("never", "daily", "weekly")
DEFAULT_FREQUENCY = "daily"


@dataclass(frozen=True)
class Preferences:
    #: kind → delivery, for the kinds the account chose (the others: the kind's default)
    deliveries: Mapping[str, str] = field(default_factory=dict)
    frequency: str = DEFAULT_FREQUENCY

    def delivery(self, kind: NotificationKind) -> str:
        chosen = self.deliveries.get(kind.name, kind.default)
        if chosen == "digest" and self.frequency == "never":
            return "site"
        return chosen if chosen in DELIVERIES else kind.default


class SitePreferences(Persistent):
    def __init__(self) -> None:
        # account id → (frequency, ((kind, delivery), …)): plain tuples, which buckets merge
        self._chosen = OOBTree()
        #: account id → (frequency, key of the newest entry the last digest held)
        self.digested = OOBTree()

    def of(self, account_id: str) -> Preferences:
        entry = self._chosen.get(account_id)
        if entry is None:
            return Preferences()
        frequency, deliveries = entry
        return Preferences(dict(deliveries), frequency)

    def set(self, account_id: str, preferences: Preferences) -> None:
        entry = (preferences.frequency, tuple(sorted(preferences.deliveries.items())))
        if self._chosen.get(account_id) != entry:
            self._chosen[account_id] = entry


@overload
def site_preferences(root: Any, create: Literal[True]) -> SitePreferences: ...
@overload
def site_preferences(root: Any, create: Literal[False] = False) -> SitePreferences | None: ...
def site_preferences(root: Any, create: bool = False) -> SitePreferences | None:
    return part(root, "notification_preferences", SitePreferences, create)


def preferences_of(root: Any, account_id: str) -> Preferences:
    store = site_preferences(root)
    return store.of(account_id) if store is not None else Preferences()


def no_mail(kinds: Mapping[str, NotificationKind]) -> Preferences:
    """What unsubscribing chooses: every kind only in the site, no digest."""
    return Preferences(dict.fromkeys(kinds, "site"), "never")


# -- the unsubscribe link ---------------------------------------------------------------------


def _signature(secret: str, site: str, account_id: str) -> str:
    key = hashlib.sha256(b"pleio unsubscribe\0" + secret.encode()).digest()
    message = f"{site}\0{account_id}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


def unsubscribe_token(secret: str, site: str, account_id: str) -> str:
    """``<account id>.<signature>``: good for this account on this site only, for as long
    as the platform's secret stays (unsubscribing is harmless, so it does not expire)."""
    return f"{account_id}.{_signature(secret, site, account_id)}"


def token_account(secret: str, site: str, token: str) -> str | None:
    """The account id a token was made for, or None if it was not made here."""
    account_id, _, signature = (token or "").rpartition(".")
    if not account_id or not hmac.compare_digest(
        signature.encode(), _signature(secret, site, account_id).encode()
    ):
        return None
    return account_id
