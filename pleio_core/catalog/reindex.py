"""Building a site's catalog anew from its content (``pleio site reindex``)."""

from __future__ import annotations

from collections.abc import Callable

from pyramid.registry import Registry

from pleio_core.content.model import content_in
from pleio_core.content.site import SiteRoot

from .model import SiteCatalog


def count_content(site: SiteRoot) -> int:
    return sum(1 for _ in content_in(site))


def reindex_site(
    site: SiteRoot,
    registry: Registry,
    checkpoint: Callable[[int], None] | None = None,
    every: int = 1000,
) -> int:
    """Replace the site's catalog with a new one holding all of its content; the count.

    ``checkpoint(done)`` is called after every ``every`` items: the command line commits
    there (so memory stays flat) and shows its progress. Content of switched-off modules is
    indexed too: the query leaves it out while its module is off.
    """
    catalog = site.catalog = SiteCatalog()
    done = 0
    for content in content_in(site):
        catalog.index(content, site, registry)
        done += 1
        if checkpoint is not None and done % every == 0:
            checkpoint(done)
    return done
