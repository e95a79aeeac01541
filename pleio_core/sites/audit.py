"""The audit log of a deelsite: who did what to its membership and modules, and when.

It lives in the site's own database, so it leaves with the site. Entries are keyed by the
negated time in microseconds (plus random low bits), so that concurrent writers add
different keys to a BTree bucket, which ZODB merges instead of raising a conflict (a rare
bucket split still conflicts, and pyramid_retry replays the request); the natural key
order is newest first. A second index by kind keeps filtering cheap on a long log.

This is the log itself, which the site's own lifecycle writes to; ``security.audit``
records from a request (with the actor's address) and shows the log to admins.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, overload

from BTrees.Length import Length
from BTrees.LOBTree import LOBTree
from BTrees.OOBTree import OOBTree
from persistent import Persistent
from pyramid.i18n import TranslationString

from pleio_core.clock import now
from pleio_core.content.site import SiteRoot
from pleio_core.i18n import _
from pleio_core.storage.parts import part

#: Every kind of entry, with what the audit page calls it.
KINDS: dict[str, TranslationString] = {
    "sign-in": _("Signed in"),
    "role-change": _("Role changed"),
    "member-removed": _("Member removed"),
    "joined": _("Joined"),
    "auto-join": _("Joined by e-mail domain"),
    "join-request": _("Asked to join"),
    "join-approved": _("Request approved"),
    "join-denied": _("Request denied"),
    "invitation-sent": _("Invitation sent"),
    "invitation-accepted": _("Invitation accepted"),
    "join-policy": _("Joining rules changed"),
    "two-factor-policy": _("Two-factor requirement changed"),
    "module-enabled": _("Module switched on"),
    "module-disabled": _("Module switched off"),
    "module-evolved": _("Module's data updated"),
    "module-purged": _("Module's data deleted"),
    "evolve-failed": _("Update of a module's data failed"),
    "site-settings": _("Site settings changed"),
    "appearance": _("Appearance changed"),
    "menu": _("Menu changed"),
    "home-page": _("Home page changed"),
    "module-settings": _("Module settings changed"),
    "access-changed": _("Who sees someone's content changed"),
    "admin-override": _("Content changed by an admin only"),
    "virus-found": _("Virus found in an upload"),
}
RANDOM_BITS = 10  # 2**63 / 2**10 microseconds is beyond the year 2250
KEY_MIN, KEY_MAX = -(2**63), 2**63 - 1


@dataclass(frozen=True)
class AuditEntry:
    key: int
    time: datetime  # aware, UTC
    kind: str
    actor_id: str | None
    actor_email: str  # the actor's address when it happened; addresses change
    details: dict[str, Any]


class AuditLog(Persistent):
    """Append-only entries, newest first; never a growing list (one object per write)."""

    def __init__(self) -> None:
        self._entries: LOBTree = LOBTree()  # -(µs << bits | random) → entry tuple
        self._by_kind: OOBTree = OOBTree()  # (kind, key) → None
        self._count = Length()

    def __len__(self) -> int:
        return self._count()

    def append(
        self,
        kind: str,
        actor_id: str | None,
        actor_email: str,
        details: dict[str, Any],
        when: datetime | None = None,
    ) -> AuditEntry:
        if kind not in KINDS:
            raise ValueError(f"unknown audit kind {kind!r} (kinds: {', '.join(KINDS)})")
        when = when or now()
        micros = int(when.timestamp() * 1_000_000)
        key = -((micros << RANDOM_BITS) | secrets.randbits(RANDOM_BITS))
        while key in self._entries:  # the same microsecond and the same random bits
            key -= 1
        self._entries[key] = (when, kind, actor_id, actor_email, dict(details))
        self._by_kind[(kind, key)] = None
        self._count.change(1)
        return AuditEntry(key, when, kind, actor_id, actor_email, dict(details))

    def entries(self, kind: str | None = None, after: int | None = None) -> Iterator[AuditEntry]:
        """Newest first; ``after`` is the key of the last entry already shown (paging)."""
        low = KEY_MIN if after is None else after + 1
        if kind is None:
            for key, entry in self._entries.items(min=low):
                yield AuditEntry(key, *entry)
            return
        for _kind, key in self._by_kind.keys(min=(kind, low), max=(kind, KEY_MAX)):
            yield AuditEntry(key, *self._entries[key])


@overload
def audit_log(root: SiteRoot, create: Literal[True]) -> AuditLog: ...
@overload
def audit_log(root: SiteRoot, create: Literal[False] = False) -> AuditLog | None: ...
def audit_log(root: SiteRoot, create: bool = False) -> AuditLog | None:
    """The site's audit log (made on the first entry: sites made before have none)."""
    return part(root, "audit_log", AuditLog, create)


def append_entry(
    root: SiteRoot, kind: str, actor_id: str | None, actor_email: str = "", **details: Any
) -> AuditEntry:
    """Add an entry to ``root``'s log, in the current transaction (undone with it)."""
    return audit_log(root, create=True).append(kind, actor_id, actor_email, details)
