"""A folder's contents a page at a time: folders first, then files, in the order asked.

By name, a page costs what is on it: the names come from the folder's BTree (no object is
loaded for them) and only the items up to the end of the page are loaded, to ask whether
the visitor may see them. By date or size every item is looked at: the page says so by
being slower in a folder of 10,000 files, never by being wrong.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pyramid.request import Request

from .model import File, WorkspaceFolder

PAGE_SIZE = 50
SORTS = ("name", "modified", "size")


@dataclass(frozen=True)
class Page:
    items: list[Any]
    page: int
    has_next: bool


def _names_by_name(folder: Any, descending: bool) -> Iterator[str]:
    if isinstance(folder, WorkspaceFolder):
        folders, files = folder.in_order(True), folder.in_order(False)
        if descending:
            return itertools.chain(list(folders)[::-1], list(files)[::-1])
        return itertools.chain(folders, files)
    # the module's own folder: a few items, looked at
    kinds = {name: isinstance(item, WorkspaceFolder) for name, item in folder.items()}
    names = sorted(kinds, key=lambda n: (not kinds[n], n.casefold(), n))
    if descending:
        names = [n for n in names if kinds[n]][::-1] + [n for n in names if not kinds[n]][::-1]
    return iter(names)


def _items_by(folder: Any, sort: str, descending: bool) -> Iterator[Any]:
    if sort == "name":
        return (folder[name] for name in _names_by_name(folder, descending))

    def key(item: Any) -> Any:
        return item.modified if sort == "modified" else getattr(item, "size", 0)

    if isinstance(folder, WorkspaceFolder):  # the files from the folder's order of them
        folders = sorted((folder[n] for n in folder.in_order(True)), key=key, reverse=descending)
        names = folder.files_by(sort)
        files = (folder[n] for n in (list(names)[::-1] if descending else names))
        return itertools.chain(folders, files)
    items = sorted(folder.values(), key=key, reverse=descending)
    items.sort(key=lambda item: not isinstance(item, WorkspaceFolder))  # (stable: folders first)
    return iter(items)


def folder_page(
    request: Request, folder: Any, sort: str = "name", descending: bool = False, page: int = 1
) -> Page:
    """Page ``page`` (from 1) of what the visitor may see in ``folder``."""
    skip, found = (page - 1) * PAGE_SIZE, list[Any]()
    for item in _items_by(folder, sort, descending):
        if not isinstance(item, (File, WorkspaceFolder)) or not request.has_permission(
            "view", item
        ):
            continue
        if skip:
            skip -= 1
            continue
        if len(found) == PAGE_SIZE:
            return Page(found, page, True)
        found.append(item)
    return Page(found, page, False)
