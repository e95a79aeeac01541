"""Clean the text of a whole database: every string a stored object holds, however deep.

Since the edge refuses characters no text may hold (``pleio_core.text``), new text is clean;
this is for what was stored before, or by a script. It walks every persistent object that
can be reached from the root — content, comments, revisions, settings, a plugin's own data —
and replaces each forbidden character by U+FFFD, in attributes, in the lists, dicts and
tuples they hold, and in the keys and values of BTrees. It knows no content type, so a
plugin's data is cleaned without the plugin doing anything.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from persistent import Persistent

from pleio_core.text import clean

#: (the cleaned value, whether it changed); persistent values found are added to ``found``
Cleaned = tuple[Any, bool]


def _cleaned(value: Any, found: list[Persistent]) -> Cleaned:
    if isinstance(value, str):
        new = clean(value)
        return new, new is not value
    if isinstance(value, Persistent):
        found.append(value)
        return value, False
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [_cleaned(item, found) for item in value]
        if not any(changed for _item, changed in items):
            return value, False
        kind = type(value)
        cleaned = [item for item, _changed in items]
        return (kind(*cleaned) if hasattr(kind, "_fields") else kind(cleaned)), True
    if isinstance(value, dict):
        pairs = [(_cleaned(k, found), _cleaned(v, found)) for k, v in value.items()]
        if not any(k[1] or v[1] for k, v in pairs):
            return value, False
        new_dict = type(value)()
        new_dict.update((k[0], v[0]) for k, v in pairs)
        return new_dict, True
    return value, False


def _is_btree(obj: Persistent) -> bool:
    return type(obj).__module__.startswith("BTrees.") and hasattr(obj, "keys")


def _clean_btree(tree: Any, found: list[Persistent]) -> bool:
    if not hasattr(tree, "items"):  # a set: keys only
        bad = [key for key in tree if _cleaned(key, found)[1]]
        for key in bad:
            tree.remove(key)
            tree.insert(_cleaned(key, [])[0])
        return bool(bad)
    changes = []
    for key, value in tree.items():
        new_key, key_changed = _cleaned(key, found)
        new_value, value_changed = _cleaned(value, found)
        if key_changed or value_changed:
            changes.append((key, new_key, new_value))
    for key, new_key, new_value in changes:
        del tree[key]
        tree[new_key] = new_value
    return bool(changes)


def _clean_object(obj: Persistent, found: list[Persistent]) -> bool:
    if _is_btree(obj):
        return _clean_btree(obj, found)
    obj._p_activate()  # a ghost's __dict__ is empty
    state = getattr(obj, "__dict__", None)
    if not state:
        return False
    changed = False
    for name, value in list(state.items()):
        new, was_changed = _cleaned(value, found)
        if was_changed:
            setattr(obj, name, new)
            changed = True
    if changed:
        obj._p_changed = True
    return changed


def clean_database(
    root: Persistent,
    skip: Callable[[Persistent], bool] = lambda obj: False,
    checkpoint: Callable[[int], None] | None = None,
    every: int = 1000,
) -> int:
    """Clean every object reachable from ``root`` but those ``skip`` names (and what only
    they reach); the number of objects changed. ``checkpoint(seen)`` is called every
    ``every`` objects, where the command line commits so memory stays flat."""
    seen: set[Any] = set()
    todo: list[Persistent] = [root]
    changed = 0
    visited = 0
    while todo:
        obj = todo.pop()
        key = obj._p_oid if obj._p_oid is not None else id(obj)
        if key in seen or skip(obj):
            continue
        seen.add(key)
        found: list[Persistent] = []
        if _clean_object(obj, found):
            changed += 1
        todo.extend(found)
        visited += 1
        if checkpoint is not None and visited % every == 0:
            checkpoint(visited)
    return changed
