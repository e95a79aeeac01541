"""Bookmarks: each account's "saved" list on a deelsite, kept in the site's database."""

from __future__ import annotations

from datetime import datetime
from typing import Literal, overload

from BTrees.OOBTree import OOBTree
from persistent import Persistent

from pleio_core.clock import now
from pleio_core.storage.parts import part

from .model import Content, is_attached


class Bookmarks(Persistent):
    """Account id → {content oid → (saved at, content)}; on the SiteRoot as ``bookmarks``."""

    def __init__(self) -> None:
        self._by_account: OOBTree = OOBTree()

    @overload
    def _saved(self, account_id: str, create: Literal[True]) -> OOBTree: ...
    @overload
    def _saved(self, account_id: str, create: Literal[False] = False) -> OOBTree | None: ...
    def _saved(self, account_id: str, create: bool = False) -> OOBTree | None:
        saved = self._by_account.get(account_id)
        if saved is None and create:
            saved = self._by_account[account_id] = OOBTree()
        return saved

    def has(self, account_id: str, content: Content) -> bool:
        saved = self._saved(account_id)
        return saved is not None and content._p_oid in saved

    def add(self, account_id: str, content: Content) -> bool:
        saved = self._saved(account_id, create=True)
        if content._p_oid is None or content._p_oid in saved:
            return False
        saved[content._p_oid] = (now(), content)
        return True

    def remove(self, account_id: str, content: Content) -> bool:
        saved = self._saved(account_id)
        return saved is not None and saved.pop(content._p_oid, None) is not None

    def list(self, account_id: str) -> list[tuple[datetime, Content]]:
        """What the account saved, newest first; content removed since is left out."""
        saved = self._saved(account_id)
        if saved is None:
            return []
        entries = [(when, c) for when, c in saved.values() if is_attached(c)]
        return sorted(entries, key=lambda entry: entry[0], reverse=True)


@overload
def site_bookmarks(root: object, create: Literal[True]) -> Bookmarks: ...
@overload
def site_bookmarks(root: object, create: Literal[False] = False) -> Bookmarks | None: ...
def site_bookmarks(root: object, create: bool = False) -> Bookmarks | None:
    return part(root, "bookmarks", Bookmarks, create)
