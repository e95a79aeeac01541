"""What a deelsite keeps of its members' profiles, and the profile fields its admin defines.

Everything here is in the site's own database (a part of the ``SiteRoot``, ``people``): a
member's function, department and field values are theirs *on this site*. Their name and
photo are the account's (``names``), the same on every site.

A field's definition is a frozen ``ProfileField``; the site keeps them as one tuple, replaced
whole on a change. A profile is a ``Profile`` of its own per member, so two members saving
at once do not conflict, and two saves of one profile conflict and are retried whole: a
profile is always one save's, never a mix.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal, overload

from BTrees.OOBTree import OOBTree
from persistent import Persistent

from pleio_core.content.site import SiteRoot
from pleio_core.i18n import _
from pleio_core.storage.parts import part

TYPES = {
    "text": _("Text"),
    "choice": _("Choice"),
    "multiple": _("Multiple choice"),
    "date": _("Date"),
}
#: Who sees a field's value (the person themself always does).
VISIBILITY = {
    "everyone": _("Everyone who may see the profile"),
    "members": _("Members of this site"),
    "admins": _("Admins of this site"),
}
KEY = re.compile(r"[a-z][a-z0-9_-]{0,39}")
MAX_LABEL, MAX_TEXT, MAX_CHOICE = 100, 200, 100
MAX_CHOICES, MAX_FIELDS = 50, 50

Value = str | tuple[str, ...]


@dataclass(frozen=True)
class ProfileField:
    """One field the site admin added to the profiles of the site's members."""

    key: str
    label: str
    type: str  # one of TYPES
    choices: tuple[str, ...] = ()
    visibility: str = "members"  # one of VISIBILITY
    order: int = 0

    def as_data(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "type": self.type,
            "choices": list(self.choices),
            "visibility": self.visibility,
            "order": self.order,
        }


class Profile(Persistent):
    """A member's profile on one site. ``values`` is replaced whole on every save."""

    function = ""
    department = ""

    def __init__(self) -> None:
        self.values: dict[str, Value] = {}

    def set(self, function: str, department: str, values: dict[str, Value]) -> None:
        self.function, self.department, self.values = function, department, dict(values)

    def as_data(self) -> dict[str, Any]:
        return {
            "function": self.function,
            "department": self.department,
            "values": {k: list(v) if isinstance(v, tuple) else v for k, v in self.values.items()},
        }


class SitePeople(Persistent):
    """The site's profile fields, its members' profiles, and who may see the directory."""

    #: Anonymous visitors of a public site may see the directory and profiles.
    public_directory = False

    def __init__(self) -> None:
        self.fields: tuple[ProfileField, ...] = ()
        self.profiles = OOBTree()  # account id → Profile

    def ordered_fields(self) -> list[ProfileField]:
        return sorted(self.fields, key=lambda f: (f.order, f.label.casefold(), f.key))

    def field(self, key: str) -> ProfileField | None:
        return next((f for f in self.fields if f.key == key), None)

    def put_field(self, new: ProfileField) -> None:
        """Add the field, or replace the one with its key."""
        kept = [f for f in self.fields if f.key != new.key]
        self.fields = (*kept, new)

    def remove_field(self, key: str) -> bool:
        """Take the field away; its values stay in the profiles, unshown, until they are
        saved again (removing a field writes one object, not every profile)."""
        kept = tuple(f for f in self.fields if f.key != key)
        changed = len(kept) != len(self.fields)
        self.fields = kept
        return changed

    def profile(self, account_id: str) -> Profile | None:
        return self.profiles.get(account_id)

    def profile_for(self, account_id: str) -> Profile:
        found = self.profiles.get(account_id)
        if found is None:
            found = self.profiles[account_id] = Profile()
        return found

    def items(self) -> Iterator[tuple[str, Profile]]:
        return iter(self.profiles.items())

    def forget(self, account_id: str) -> None:
        self.profiles.pop(account_id, None)


@overload
def site_people(root: SiteRoot, create: Literal[True]) -> SitePeople: ...
@overload
def site_people(root: SiteRoot, create: Literal[False] = False) -> SitePeople | None: ...
def site_people(root: SiteRoot, create: bool = False) -> SitePeople | None:
    """The site's people part (made on the first write)."""
    return part(root, "people", SitePeople, create)
