"""The content events keep each wiki's link index right, and a renamed page's address.

A page's address follows its title (``/wiki/new-title/``); the old address and the old
title keep leading to it (the core's ``move_content`` remembers the old path).
"""

from __future__ import annotations

from pyramid.config import Configurator

from pleio_core.plugin_api import (
    ContentAdded,
    ContentModified,
    ContentMoved,
    ContentRemoved,
    move_content,
    parent_of,
    slugify,
    unique_name,
)

from .content import Page
from .index import index_of, pages_in, wiki_root


def page_added(event: ContentAdded) -> None:
    if isinstance(event.content, Page):
        index_of(wiki_root(event.content)).add(event.content)


def page_modified(event: ContentModified) -> None:
    page = event.content
    if not isinstance(page, Page):
        return
    index = index_of(wiki_root(page))
    if page.uid not in index.pages:  # made before the wiki kept an index
        index.add(page)
    old_title = event.old.get("title", page.title)
    index.renamed(page, old_title)
    index.set_links(page)
    request = event.request
    if request is not None and old_title != page.title and slugify(page.title) != page.__name__:
        parent = parent_of(page)
        move_content(request, page, parent, unique_name(parent, page.title))


def page_removed(event: ContentRemoved) -> None:
    if isinstance(event.content, Page):
        index = index_of(wiki_root(event.content))
        for page in list(pages_in(event.content)):
            index.remove(page)


def page_moved(event: ContentMoved) -> None:
    if isinstance(event.content, Page):
        index_of(wiki_root(event.content)).changed()  # links to it have a new address


def includeme(config: Configurator) -> None:
    config.add_subscriber(page_added, ContentAdded)
    config.add_subscriber(page_modified, ContentModified)
    config.add_subscriber(page_removed, ContentRemoved)
    config.add_subscriber(page_moved, ContentMoved)
