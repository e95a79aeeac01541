"""Following: a person, a piece of content or a group, per account and per site.

Keys name what is followed: ``content:<uid>`` (``Content.uid``), ``account:<id>`` and
``group:<id>`` (the group's principal, as the community module hands it out). The site
keeps both directions — who follows a key, what an account follows — in trees of tree
sets, which merge concurrent follows of different keys.
"""

from __future__ import annotations

import re
from typing import Any, Literal, overload

from BTrees.OOBTree import OOBTree, OOTreeSet
from persistent import Persistent
from pyramid.i18n import TranslationString
from pyramid.request import Request

from pleio_core.content.model import Content
from pleio_core.i18n import _
from pleio_core.storage.parts import part

KEY = re.compile(r"(content|account|group):[A-Za-z0-9_-]{1,64}")
#: What one account may follow on one site: a bound, so a script cannot grow it forever.
MAX_FOLLOWED = 1000


class FollowError(ValueError):
    """A key that is not one, or one too many; ``message`` says which (a translation
    string, for the page)."""

    def __init__(self, message: TranslationString) -> None:
        super().__init__(message.interpolate())
        self.message = message


def content_key(content: Content) -> str:
    return f"content:{content.uid}"


def check_key(key: object) -> str:
    if not isinstance(key, str) or not KEY.fullmatch(key):
        raise FollowError(
            _("This is not something to follow: the key (key) is content:…, account:… or "
              "group:…, with letters, digits, - or _.")
        )  # fmt: skip
    return key


class Follows(Persistent):
    def __init__(self) -> None:
        self.by_key = OOBTree()  # key → OOTreeSet of account ids
        self.by_account = OOBTree()  # account id → OOTreeSet of keys

    def add(self, account_id: str, key: str) -> bool:
        mine = self.by_account.get(account_id)
        if mine is not None and key in mine:
            return False
        if mine is None:
            mine = self.by_account[account_id] = OOTreeSet()
        if len(mine) >= MAX_FOLLOWED:
            raise FollowError(
                _("You follow ${max} things on this site: unfollow something first.",
                  mapping={"max": MAX_FOLLOWED})
            )  # fmt: skip
        mine.add(key)
        followers = self.by_key.get(key)
        if followers is None:
            followers = self.by_key[key] = OOTreeSet()
        followers.add(account_id)
        return True

    def remove(self, account_id: str, key: str) -> bool:
        mine = self.by_account.get(account_id)
        if mine is None or key not in mine:
            return False
        mine.remove(key)
        followers = self.by_key.get(key)
        if followers is not None and account_id in followers:
            followers.remove(account_id)
        return True

    def has(self, account_id: str, key: str) -> bool:
        mine = self.by_account.get(account_id)
        return mine is not None and key in mine

    def followers(self, key: str) -> list[str]:
        found = self.by_key.get(key)
        return list(found) if found is not None else []

    def followed(self, account_id: str) -> set[str]:
        mine = self.by_account.get(account_id)
        return set(mine) if mine is not None else set()


@overload
def site_follows(root: Any, create: Literal[True]) -> Follows: ...
@overload
def site_follows(root: Any, create: Literal[False] = False) -> Follows | None: ...
def site_follows(root: Any, create: bool = False) -> Follows | None:
    return part(root, "follows", Follows, create)


def follow(request: Request, key: str) -> bool:
    """The signed-in account follows ``key`` on this site; False if it did already."""
    return site_follows(request.site_root, create=True).add(request.identity.id, check_key(key))


def unfollow(request: Request, key: str) -> bool:
    """The signed-in account stops following ``key``; False if it did not follow it."""
    follows = site_follows(request.site_root)
    return follows is not None and follows.remove(request.identity.id, check_key(key))


def is_following(request: Request, key: str) -> bool:
    """Does the signed-in visitor follow ``key`` on this site (False when signed out)?"""
    identity = request.identity
    follows = site_follows(request.site_root) if identity is not None else None
    return follows is not None and follows.has(identity.id, key)


def followers(site_root: Any, key: str) -> list[str]:
    """The account ids that follow ``key`` on this site."""
    follows = site_follows(site_root)
    return follows.followers(key) if follows is not None else []
