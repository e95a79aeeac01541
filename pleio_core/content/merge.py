"""Merging a stale edit: two people changed the same content, in different places.

An edit form carries the serial it started from. When someone saved in between, the edit
of a type declared with ``merges_edits=True`` is merged with theirs instead of refused:
the body line by line (a three-way merge against the revision the edit started from),
the other fields whole. Only when both changed the same lines or the same field
differently is there a conflict, and the editor chooses (409, nothing written).
"""

from __future__ import annotations

from difflib import SequenceMatcher
from typing import Any

from .model import Content
from .revisions import history_of
from .types import ContentType

Hunk = tuple[int, int, list[str]]  # base[start:end] is replaced by these lines


def _hunks(base: list[str], other: list[str]) -> list[Hunk]:
    matcher = SequenceMatcher(None, base, other, autojunk=False)
    return [
        (i1, i2, other[j1:j2]) for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"
    ]


def _touch(a: Hunk, b: Hunk) -> bool:
    """Two changes of the base overlap (or are insertions at the same place)."""
    (a1, a2, _), (b1, b2, _) = a, b
    if a1 == a2 or b1 == b2:  # an insertion conflicts with a change that touches its place
        return a1 <= b2 and b1 <= a2
    return a1 < b2 and b1 < a2


def merge_text(base: str, mine: str, theirs: str) -> str | None:
    """A text with both sides' changes to ``base``, or None when they touch the same lines.

    A change made identically on both sides counts once.
    """
    if theirs in (mine, base):
        return mine
    if mine == base:
        return theirs
    lines = base.splitlines(keepends=True)
    ours, their = _hunks(lines, mine.splitlines(True)), _hunks(lines, theirs.splitlines(True))
    for a in ours:
        for b in their:
            if _touch(a, b) and a != b:
                return None
    result, at = [], 0
    for start, end, new in sorted(set(map(_frozen, ours + their))):
        result += lines[at:start] + list(new)
        at = end
    return "".join(result + lines[at:])


def _frozen(hunk: Hunk) -> tuple[int, int, tuple[str, ...]]:
    return hunk[0], hunk[1], tuple(hunk[2])


def merge_edit(
    content: Content, content_type: ContentType, values: dict[str, Any], started_from: int
) -> dict[str, Any] | None:
    """The posted ``values`` merged with what was saved since ``started_from``; None when
    the two edits conflict, the type does not merge, or the starting version is unknown."""
    if not content_type.merges_edits:
        return None
    history = history_of(content)
    base = None
    for revision in history.newest_first() if history is not None else ():
        if getattr(revision, "serial", None) == started_from:
            base = revision
            break
    if base is None:
        return None
    merged: dict[str, Any] = {}
    for name, mine in values.items():
        was, theirs = base.value(name), getattr(content, name, None)
        if name == "body":
            body = merge_text(was or "", mine or "", theirs or "")
            if body is None:
                return None
            merged[name] = body
        elif mine in (was, theirs):
            merged[name] = theirs
        elif theirs == was:
            merged[name] = mine
        else:
            return None
    return merged
