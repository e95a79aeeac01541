"""The wiki's part of a site export and import: what a page's fields do not hold.

A page's key in the link index, the order of its sub-pages (for a top page also the order
of the top pages) and the titles it had before a rename travel in its document
(``extra.wiki``). An import sends no content events, so the
wiki index of the new site is built here, page by page, as they come in; a page whose name is
more than a plain part of an address (``PAGE_NAME``) is refused, and the import with it.
"""

from __future__ import annotations

from typing import Any

from pyramid.registry import Registry

from pleio_core.plugin_api import ITEM_NAME_RULE, is_item_name

from .content import Page
from .index import index_of, wiki_root


def export_extra(content: object) -> dict[str, Any] | None:
    if not isinstance(content, Page):
        return None
    root = wiki_root(content)
    index = getattr(root, "wiki_index", None)
    former = (
        sorted(k for k, v in index.former_titles.items() if v == content.uid)
        if index is not None
        else []
    )
    extra = {"uid": content.uid, "child_order": list(content.child_order), "former": former}
    if content.__parent__ is root:  # the order of the top pages is kept on the wiki's root
        extra["top_order"] = list(getattr(root, "child_order", ()))
    return extra


def import_extra(content: object, data: Any, registry: Registry) -> None:
    if not isinstance(content, Page):
        raise ValueError("wiki data on something that is not a wiki page")
    if not isinstance(data, dict):
        raise ValueError("the wiki's data is not an object")
    name = content.__name__ or ""
    if not is_item_name(name):  # the core's import refuses it first; and here
        raise ValueError(f"a wiki page cannot be named {name[:60]!r}: {ITEM_NAME_RULE}")
    uid, order, former = data.get("uid"), data.get("child_order", []), data.get("former", [])
    top_order = data.get("top_order", [])
    if not (isinstance(uid, str) and 0 < len(uid) <= 64):
        raise ValueError("a wiki page's key is missing or too long")
    lists = (order, former, top_order)
    if not all(isinstance(x, list) and all(isinstance(s, str) for s in x) for x in lists):
        raise ValueError("a wiki page's order and former titles are lists of text")
    content._uid = uid
    content.child_order = tuple(order)
    root = wiki_root(content)
    if top_order and content.__parent__ is root:
        root.child_order = tuple(top_order)
    index = index_of(root)
    index.add(content)
    for title in former:
        if title not in index.titles:
            index.former_titles[title] = uid
