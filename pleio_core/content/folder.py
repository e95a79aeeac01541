"""Folders: persistent containers that keep their children in an OOBTree with a Length."""

from __future__ import annotations

from collections.abc import Iterator

from BTrees.Length import Length
from BTrees.OOBTree import OOBTree
from persistent import Persistent


class Item(Persistent):
    """The smallest piece of content: a title, a plain text, a place in the tree."""

    __name__: str | None = None
    __parent__: Folder | None = None
    text: str = ""

    def __init__(self, title: str = "", text: str = "") -> None:
        self.title = title
        if text:
            self.text = text


_EMPTY: OOBTree = OOBTree()  # what a folder without children reads from; never written


class Folder(Item):
    """A container; the child count is a ``Length`` so concurrent adds do not conflict.

    The tree and the count are made with the first child: most content never has any.
    """

    _items: OOBTree = _EMPTY
    _count: Length | None = None

    def __getitem__(self, name: str) -> Item:
        return self._items[name]

    def get(self, name: str, default: Item | None = None) -> Item | None:
        return self._items.get(name, default)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name in self._items

    def __len__(self) -> int:
        return self._count() if self._count is not None else 0

    def keys(self) -> Iterator[str]:
        return iter(self._items.keys())

    def __iter__(self) -> Iterator[str]:  # the names, as a mapping's iteration gives
        return self.keys()

    def values(self) -> Iterator[Item]:
        return iter(self._items.values())

    def items(self) -> Iterator[tuple[str, Item]]:
        return iter(self._items.items())

    def add(self, name: str, item: Item) -> Item:
        if not name or "/" in name or name.startswith("@@") or name in (".", ".."):
            raise ValueError(f"{name!r} cannot be the name of an item")
        if name in self._items:
            raise KeyError(f"{name!r} already exists in this folder")
        if self._count is None:
            self._items, self._count = OOBTree(), Length()
        item.__name__, item.__parent__ = name, self
        self._items[name] = item
        self._count.change(1)
        return item

    def remove(self, name: str) -> Item:
        item = self._items.pop(name)
        assert self._count is not None  # made with the first child, so with the one just taken
        self._count.change(-1)
        item.__parent__ = None
        return item


def parent_of(item: Item) -> Folder:
    """The folder ``item`` lies in. Content that a request, an event or an import is about
    always lies in one; only a site's root and an item already removed have none."""
    if item.__parent__ is None:
        raise LookupError(f"{item!r} lies in no folder")
    return item.__parent__


def name_of(item: Item) -> str:
    """``item``'s name in its folder (``parent_of``'s counterpart; the root's is "")."""
    if item.__name__ is None:
        raise LookupError(f"{item!r} has no name: it lies in no folder")
    return item.__name__
