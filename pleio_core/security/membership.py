"""Membership of a deelsite: who is a member, editor or admin — in the site's own database."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, overload

from BTrees.Length import Length
from BTrees.OOBTree import OOBTree
from persistent import Persistent

from pleio_core.clock import now
from pleio_core.content.site import SiteRoot
from pleio_core.storage.parts import part

ROLES = ("member", "editor", "admin")  # each role includes the ones before it


def principals_for_role(role: str) -> list[str]:
    """``site:member`` plus ``role:<r>`` for the role and every role it includes."""
    return ["site:member", *(f"role:{r}" for r in ROLES[: ROLES.index(role) + 1])]


class MemberRemoved:
    """An account stopped being a member of ``site`` (an admin removed it, or the command
    line did), inside that transaction. Plugins forget what they keep of it there: the
    community takes it out of the site's groups. ``request`` is None on the command line."""

    def __init__(self, site: SiteRoot, account_id: str, request: object = None) -> None:
        self.site, self.account_id, self.request = site, account_id, request


@dataclass(frozen=True)
class Membership:
    account_id: str
    role: str
    since: datetime


class Members(Persistent):
    def __init__(self) -> None:
        self._roles: OOBTree = OOBTree()  # account id → (role, since)
        self._count = Length()

    def __len__(self) -> int:
        return self._count()

    def __iter__(self) -> Iterator[Membership]:
        for account_id, (role, since) in self._roles.items():
            yield Membership(account_id, role, since)

    def role_of(self, account_id: str) -> str | None:
        entry = self._roles.get(account_id)
        return entry[0] if entry else None

    def set_role(self, account_id: str, role: str, since: datetime | None = None) -> None:
        """``since`` is when a new member joined (now, unless an import knows better)."""
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r} (roles: {', '.join(ROLES)})")
        entry = self._roles.get(account_id)
        if entry is None:
            self._count.change(1)
            self._roles[account_id] = (role, since or now())
        elif entry[0] != role:
            self._roles[account_id] = (role, entry[1])

    def remove(self, account_id: str) -> bool:
        if self._roles.pop(account_id, None) is None:
            return False
        self._count.change(-1)
        return True

    def admins(self) -> list[str]:
        return [a for a, (role, _since) in self._roles.items() if role == "admin"]


@overload
def site_members(root: SiteRoot, create: Literal[True]) -> Members: ...
@overload
def site_members(root: SiteRoot, create: Literal[False] = False) -> Members | None: ...
def site_members(root: SiteRoot, create: bool = False) -> Members | None:
    """The site's members (created on the first write; sites made before have none)."""
    return part(root, "members", Members, create)
