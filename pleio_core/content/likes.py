"""Likes: one per account, counted with a ``Length`` so that likes at once do not conflict."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Literal, overload

from BTrees.Length import Length
from BTrees.OOBTree import OOTreeSet
from persistent import Persistent
from pyramid.request import Request

from pleio_core.storage.parts import part

from .activity import record_activity
from .events import ContentTouched


class Likes(Persistent):
    """Who liked a content object (``content.likes``, made with the first like)."""

    def __init__(self) -> None:
        self._accounts = OOTreeSet()
        self._count = Length()

    def __len__(self) -> int:
        return self._count()

    def __contains__(self, account_id: object) -> bool:
        return account_id in self._accounts

    def accounts(self) -> Iterator[str]:
        """Who liked it, in id order (an export names them)."""
        return iter(self._accounts)

    def like(self, account_id: str) -> bool:
        """True if this is a new like."""
        if not self._accounts.add(account_id):
            return False
        self._count.change(1)
        return True

    def unlike(self, account_id: str) -> bool:
        if account_id not in self._accounts:
            return False
        self._accounts.remove(account_id)
        self._count.change(-1)
        return True


def like_count(content: object) -> int:
    likes = getattr(content, "likes", None)
    return len(likes) if likes is not None else 0


@overload
def likes_of(content: object, create: Literal[True]) -> Likes: ...
@overload
def likes_of(content: object, create: Literal[False] = False) -> Likes | None: ...
def likes_of(content: object, create: bool = False) -> Likes | None:
    return part(content, "likes", Likes, create)


def set_like(request: Request, content: Any, liked: bool) -> bool:
    """Like or unlike as the signed-in account (the caller checked ``add``); True if changed."""
    account_id = request.identity.id
    if liked:
        changed = likes_of(content, create=True).like(account_id)
        if changed:
            record_activity(request, "liked", content)
    else:
        likes = likes_of(content)
        changed = likes is not None and likes.unlike(account_id)
    if changed:
        request.registry.notify(ContentTouched(content, request))
    return changed
