"""The parts a stored object is given on first write (its comments, a site's members…).

Objects made before a part existed have none, and most objects never need one: so a part
is made on first use, and read as None until then. ``part`` is that rule, once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def part(owner: object, name: str, make: Callable[[], T], create: bool) -> T | None:
    """``owner``'s attribute ``name``, made with ``make()`` first if it is missing and
    ``create``; else None while it is missing."""
    value = getattr(owner, name, None)
    if value is None and create:
        value = make()
        setattr(owner, name, value)
    return value
