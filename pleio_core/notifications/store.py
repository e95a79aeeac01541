"""The notifications of a deelsite: an inbox per account, in the site's own database.

Many requests write here at once (a comment notifies its page's author and followers), so
it is made not to conflict: each inbox is a tree keyed by minus the time in microseconds
(newest first) whose values are plain tuples, which ZODB's bucket conflict resolution can
merge, with ``Length`` counters, which merge too (``unread`` set to 0 by a visit while a
notification arrives resolves to 1). An inbox keeps the newest ``MAX_ENTRIES``.

An entry holds the content it is about, not a copy of its title: the list and the mails
read the title when they show it, and show it only to whom may see the content then.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, overload

from BTrees.Length import Length
from BTrees.LOBTree import LOBTree
from BTrees.OOBTree import OOBTree
from persistent import Persistent

from pleio_core.clock import now
from pleio_core.storage.parts import part

MAX_ENTRIES = 200
#: Trimmed by this many of the oldest at once, when this much over (not on every append).
TRIM_BATCH = 20


@dataclass(frozen=True)
class Notification:
    key: int  # minus the microseconds: the newest has the smallest key
    when: datetime
    kind: str
    actor: str | None  # account id
    actor_name: str
    content: Any  # the content it is about, or None
    #: With content: what follows its address ("#comment-12"); without: a path on the site.
    link: str
    #: Mailed at once (the digest leaves it out).
    mailed: bool


class Inbox(Persistent):
    """One account's notifications on one site."""

    def __init__(self) -> None:
        self.entries = LOBTree()
        self.count = Length()
        self.unread = Length()

    def add(
        self,
        kind: str,
        actor: str | None,
        actor_name: str,
        content: Any,
        link: str,
        mailed: bool,
    ) -> Notification:
        when = now()
        key = -int(when.timestamp() * 1_000_000)
        while key in self.entries:
            key -= 1
        self.entries[key] = (when, kind, actor, actor_name, content, link, mailed)
        self.count.change(1)
        self.unread.change(1)
        if self.count() > MAX_ENTRIES + TRIM_BATCH:
            for _ in range(TRIM_BATCH):
                del self.entries[self.entries.maxKey()]
            self.count.change(-TRIM_BATCH)
        return Notification(key, when, kind, actor, actor_name, content, link, mailed)

    def newest(self, after: int | None = None) -> Iterator[Notification]:
        """Newest first; with ``after``, only those newer than the entry of that key."""
        items = self.entries.items() if after is None else self.entries.items(max=after - 1)
        for key, (when, kind, actor, actor_name, content, link, mailed) in items:
            yield Notification(key, when, kind, actor, actor_name, content, link, mailed)

    def unread_count(self) -> int:
        return max(0, min(self.unread(), self.count()))

    def mark_read(self) -> bool:
        """Everything read; False (and nothing written) if it was already."""
        if self.unread() == 0:
            return False
        self.unread.set(0)
        return True


class SiteNotifications(Persistent):
    """Every account's inbox on one site (``SiteRoot.notifications``, made on first use)."""

    def __init__(self) -> None:
        self.inboxes = OOBTree()  # account id → Inbox

    @overload
    def inbox(self, account_id: str, create: Literal[True]) -> Inbox: ...
    @overload
    def inbox(self, account_id: str, create: Literal[False] = False) -> Inbox | None: ...
    def inbox(self, account_id: str, create: bool = False) -> Inbox | None:
        found = self.inboxes.get(account_id)
        if found is None and create:
            found = self.inboxes[account_id] = Inbox()
        return found

    def accounts(self) -> Iterator[str]:
        return iter(self.inboxes.keys())


@overload
def site_notifications(root: Any, create: Literal[True]) -> SiteNotifications: ...
@overload
def site_notifications(root: Any, create: Literal[False] = False) -> SiteNotifications | None: ...
def site_notifications(root: Any, create: bool = False) -> SiteNotifications | None:
    return part(root, "notifications", SiteNotifications, create)


def unread_count(root: Any, account_id: str) -> int:
    """How many of the account's notifications on this site are unread (no write)."""
    store = site_notifications(root)
    inbox = store.inbox(account_id) if store is not None else None
    return inbox.unread_count() if inbox is not None else 0
