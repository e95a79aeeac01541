"""Keeping the catalog in step with the content: the content events, in the same transaction.

The handlers hold the registry themselves, since an event from the command line has no
request.

One part waits for the commit: the full text of content that was commented on (or liked).
People comment on one item at the same time, and each comment changes the item's text;
indexing it in each request's transaction would make every two of them conflict. So a
request indexes the rest at once and, when the text changed, brings the text index up to
date right after its commit, in a transaction of its own (``TextAfterCommit``): one at a
time per item in this process, each reading everything committed so far, retried with a
wait if another process wrote the same at once. Until then, search finds the item by its
previous text. Access is not in the text index: who may see a hit never waits.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

import transaction
from pyramid.config import Configurator
from pyramid.registry import Registry
from pyramid.request import Request
from ZODB.POSException import ConflictError

from pleio_core.content.events import (
    ContentAdded,
    ContentEvent,
    ContentModified,
    ContentMoved,
    ContentRemoved,
    ContentTouched,
)
from pleio_core.content.model import content_in
from pleio_core.content.site import ROOT_KEY, SiteRoot
from pleio_core.services import SETTINGS, SITE_DATABASES
from pleio_core.storage.retry import backoff

from .model import site_catalog, site_of


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
    """Index the content again (saved): its children are unchanged, unless the save
    changed who may see them (``ContentModified.inside``)."""

    def __call__(self, event: ContentEvent) -> None:
        if getattr(event, "inside", False):
            return super().__call__(event)
        site = site_of(event.content)
        if site is not None:
            site_catalog(site, create=True).index(event.content, site, self.registry)


class IndexTouched(IndexSubtree):
    """Index content again that was commented on or liked: its text after the commit."""

    def __init__(self, registry: Registry, later: TextAfterCommit) -> None:
        super().__init__(registry)
        self.later = later

    def __call__(self, event: ContentEvent) -> None:
        content, request = event.content, event.request
        site = site_of(content)
        if site is None:
            return
        catalog, docid = site_catalog(site, create=True), content.docid
        if (
            request is None
            or docid is None
            or not catalog.is_indexed(content)
            or content._p_oid is None
        ):
            catalog.index(content, site, self.registry)  # the command line, or new content
        elif catalog.index_all_but_text(content, site, self.registry):
            self.later.schedule(request, docid)


log = logging.getLogger(__name__)


class TextAfterCommit:
    """Index an item's text again once the request that changed it has committed."""

    #: Writers of the text of one item wait for each other on one of these locks.
    LOCKS = 64

    def __init__(self, registry: Registry, attempts: int) -> None:
        self.registry = registry
        self.attempts = attempts
        self._locks = [threading.Lock() for _ in range(self.LOCKS)]

    def schedule(self, request: Request, docid: int) -> None:
        site = request.site.name
        pending = request.text_after_commit
        if (site, docid) not in pending:
            pending.add((site, docid))
            request.tm.get().addAfterCommitHook(self.run, args=(site, docid))

    def run(self, committed: bool, site: str, docid: int) -> None:
        if not committed:
            return
        db = SITE_DATABASES(self.registry).get(site)
        with self._locks[hash((site, docid)) % self.LOCKS]:
            for attempt in range(self.attempts):
                try:
                    self._index_text(db, docid)
                    return
                except ConflictError as exc:
                    log.info("text of %s %s: conflict (%s), again", site, docid, exc)
                    time.sleep(backoff(attempt))
        log.error("text of %s %s: not indexed after %d conflicts; it will be with the "
                  "next change, or `pleio site reindex`", site, docid, self.attempts)  # fmt: skip

    def _index_text(self, db: Any, docid: int) -> None:
        tm = transaction.TransactionManager()
        conn = db.open(transaction_manager=tm)
        try:
            with tm:
                root = conn.root().get(ROOT_KEY)
                if root is not None:
                    self._index_text_in(root, docid)
        finally:
            conn.close()

    def _index_text_in(self, root: SiteRoot, docid: int) -> None:
        catalog = site_catalog(root)
        content = catalog.get(docid) if catalog is not None else None
        if catalog is not None and content is not None and site_of(content) is root:
            catalog.index_text(content, root, self.registry)


def unindex_subtree(event: ContentRemoved) -> None:
    """Sent before the removal, while the content still knows its site."""
    site = site_of(event.content)
    catalog = site_catalog(site) if site is not None else None
    if catalog is not None:
        for content in content_in(event.content):
            catalog.unindex(content)


def text_after_commit(request: Request) -> set[tuple[str, int]]:
    """``request.text_after_commit``: the items whose text is indexed after the commit."""
    return set()


def includeme(config: Configurator) -> None:
    config.add_request_method(text_after_commit, "text_after_commit", reify=True)
    registry = config.registry
    subtree, one = IndexSubtree(registry), IndexContent(registry)
    later = TextAfterCommit(registry, SETTINGS(registry).retry_attempts)
    config.add_subscriber(subtree, ContentAdded)
    config.add_subscriber(subtree, ContentMoved)
    config.add_subscriber(one, ContentModified)
    config.add_subscriber(IndexTouched(registry, later), ContentTouched)
    config.add_subscriber(unindex_subtree, ContentRemoved)
