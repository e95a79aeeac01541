"""Keeping the catalog in step with the content: the content events, in the same transaction.

The handlers hold the registry themselves, since an event from the command line has no
request.
"""

from __future__ import annotations

from pyramid.config import Configurator
from pyramid.registry import Registry

from pleio_core.content.events import (
    ContentAdded,
    ContentEvent,
    ContentModified,
    ContentMoved,
    ContentRemoved,
    ContentTouched,
)

from .model import content_in, site_catalog, site_of


class IndexSubtree:
    """Index the content and everything in it (added, moved: paths and modules change)."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry

    def __call__(self, event: ContentEvent) -> None:
        site = site_of(event.content)
        if site is None:
            return
        catalog = site_catalog(site, create=True)
        for content in content_in(event.content):
            catalog.index(content, site, self.registry)


class IndexContent(IndexSubtree):
    """Index the content again (saved, commented, liked): its children are unchanged."""

    def __call__(self, event: ContentEvent) -> None:
        site = site_of(event.content)
        if site is not None:
            site_catalog(site, create=True).index(event.content, site, self.registry)


def unindex_subtree(event: ContentRemoved) -> None:
    """Sent before the removal, while the content still knows its site."""
    site = site_of(event.content)
    catalog = site_catalog(site) if site is not None else None
    if catalog is not None:
        for content in content_in(event.content):
            catalog.unindex(content)


def includeme(config: Configurator) -> None:
    subtree, one = IndexSubtree(config.registry), IndexContent(config.registry)
    config.add_subscriber(subtree, ContentAdded)
    config.add_subscriber(subtree, ContentMoved)
    config.add_subscriber(one, ContentModified)
    config.add_subscriber(one, ContentTouched)
    config.add_subscriber(unindex_subtree, ContentRemoved)
