"""Ids that two processes adding at once rarely both pick (documents, words)."""

from __future__ import annotations

import random
from collections.abc import Container


def spread_id(holder: object, attribute: str, taken: Container[int], limit: int) -> int:
    """A new id below ``limit`` that ``taken`` does not hold.

    Counted up from a random starting point per process, kept in ``holder``'s volatile
    ``attribute`` (as zope.intid does): ids counted from one shared last id make every two
    additions at once write the same place and conflict; these rarely meet, and a clash is
    checked (the next id then starts from a new random point).
    """
    while True:
        next_id = getattr(holder, attribute)
        if next_id is None or next_id >= limit:
            next_id = random.randrange(1, limit)
        setattr(holder, attribute, next_id + 1)
        if next_id not in taken:
            return next_id
        setattr(holder, attribute, None)
