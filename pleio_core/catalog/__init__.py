"""The catalog of a deelsite: hypatia indexes kept in step by the content events, and search.

Public API for plugin authors: ``search`` (always filtered by the searcher's principals and
the enabled modules), ``latest_content`` (the newest a visitor may open, with the same
filters), ``site_catalog`` (the indexes, for queries of one's own) and ``reindex_site``.
"""

from pyramid.config import Configurator

from .latest import latest_content, with_visible_content
from .model import SiteCatalog, site_catalog
from .query import InvalidSearch, SearchResults, search
from .reindex import reindex_site

__all__ = [
    "InvalidSearch",
    "SearchResults",
    "SiteCatalog",
    "latest_content",
    "reindex_site",
    "search",
    "site_catalog",
    "with_visible_content",
]


def includeme(config: Configurator) -> None:
    config.include(".subscribers")
    config.include(".views")
