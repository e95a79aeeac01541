"""A page cache for anonymous visitors that is never stale.

An entry remembers the site database's last transaction id when the page was rendered, and
the stamp of the accounts' names and photos (``AccountSummaries.names_stamp``: pages show
them as the accounts have them now); it is served only while both are unchanged, so any
commit to the site, and any rename, invalidates every page of that site. It is used only
where this process sees every commit at once (a FileStorage, which only one process can
open), only for public sites (as the page's own
request found them), only for visitors without a sign-in cookie, and only for 200
responses that set no cookie and are not private. A page rendered while content waits
for its scheduled publication is kept only until then.

``SiteStateMemo`` keeps smaller things on the same terms, for signed-in visitors too: what a
page works out from the site's database for one kind of visitor (the home page's widgets),
valid while the database is at the transaction the request began at.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from pyramid.config import Configurator
from pyramid.events import BeforeRender
from pyramid.httpexceptions import HTTPException
from pyramid.registry import Registry
from pyramid.request import Request
from pyramid.response import Response

from pleio_core import clock
from pleio_core.content.schedule import next_publication
from pleio_core.content.site import SiteRoot
from pleio_core.i18n import COOKIE as LANGUAGE_COOKIE
from pleio_core.i18n import LANGUAGES
from pleio_core.services import ACCOUNT_SUMMARIES, PAGE_CACHE, SETTINGS, SITE_DATABASES

CACHEABLE_TYPES = ("text/html", "text/css")


class PageCache:
    def __init__(self, max_entries: int) -> None:
        self.max_entries = max_entries
        # key → (tid, valid until (POSIX time or None), status, headers, body)
        self._entries: OrderedDict[Any, tuple] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: Any, tid: Hashable) -> tuple[str, list, bytes] | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if entry[0] != tid or (entry[1] is not None and entry[1] <= clock.timestamp()):
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return entry[2:]

    def put(self, key: Any, tid: Hashable, response: Response, until: float | None = None) -> None:
        headers = [(k, v) for k, v in response.headerlist if k.lower() != "content-length"]
        with self._lock:
            self._entries[key] = (tid, until, response.status, headers, response.body)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def drop_site(self, site: str) -> None:
        with self._lock:
            for key in [k for k in self._entries if k[0].name == site]:
                del self._entries[key]


def _cacheable(response: Response) -> bool:
    cc = response.cache_control
    return (
        response.status_int == 200
        and response.content_type in CACHEABLE_TYPES
        and "Set-Cookie" not in response.headers
        and not cc.private
        and not cc.no_store
    )


def _chosen_language(request: Request) -> str | None:
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    return chosen if chosen in LANGUAGES else None


@dataclass
class PageFacts:
    """``request.page_facts``: what the cache must know of a page, noted while it is made.

    The tween sits over the transaction and only sees the response after the commit; what
    the page's site was like at ``tid`` is noted inside the transaction, by ``note_page``.
    """

    public: bool = False  # made for a public site (so an entry only holds what was public)
    valid_until: float | None = None  # the next scheduled publication (POSIX time), if any
    #: The site database's last transaction when the request began, read before its
    #: connection opened (so the page reads that state or a later one), with the names'
    #: stamp read then too; None where another process may commit, or where the tween is off.
    site_tid: tuple[bytes, Hashable] | None = None


def page_facts(request: Request) -> PageFacts:
    return PageFacts()


def note_page(request: Request) -> None:
    """Note whether this page is of a public site, and until when it holds.

    Called for every rendered page (``BeforeRender``) and by the views that answer
    without a renderer (``theme.css``). Pages that are not of a site (the platform's, or
    when the site could not be found) are not noted, so they are never kept.
    """
    root = getattr(request, "root", None)  # (not there if the root factory failed)
    if isinstance(root, SiteRoot):
        facts = request.page_facts
        settings = request.site_settings
        facts.public = settings is not None and settings.access == "public"
        facts.valid_until = next_publication(root)


def page_cache_tween_factory(
    handler: Callable[[Request], Response], registry: Registry
) -> Callable[[Request], Response]:
    cache: PageCache = PAGE_CACHE(registry)
    names = ACCOUNT_SUMMARIES(registry)

    def page_cache_tween(request: Request) -> Response:
        if request.method not in ("GET", "HEAD"):
            return handler(request)
        try:
            site = None if request.is_platform else request.site
        except HTTPException:
            return handler(request)  # the exception view answers it
        if site is None or site.disabled:
            return handler(request)
        databases = SITE_DATABASES(registry)
        db = databases.get(site.name)
        if not databases.sees_every_commit(site.name):
            return handler(request)
        tid = (db.lastTransaction(), names.names_stamp())
        request.page_facts.site_tid = tid  # (for SiteStateMemo, signed in or not)
        if request.may_be_signed_in:
            return handler(request)
        # The inputs of the language choice, not its result: without a cookie the site's
        # language decides, and that is in the database, which ``tid`` already stands for.
        key = (site, request.host_url, request.path_qs, _chosen_language(request))
        hit = cache.get(key, tid)
        if hit is not None:
            status, headers, body = hit
            response = Response(status=status, headerlist=list(headers), body=body)
            response.headers["X-Pleio-Cache"] = "hit"
            return response
        response = handler(request)
        facts = request.page_facts
        if _cacheable(response) and facts.public:
            cache.put(key, tid, response, facts.valid_until)
            response.headers["X-Pleio-Cache"] = "miss"
        return response

    return page_cache_tween


class SiteStateMemo:
    """Values a page works out from its site's database, kept on the page cache's terms.

    ``get(request, key)`` gives what ``put`` kept under ``key`` while the site's database is
    still at the transaction that request began at (``PageFacts.site_tid``) and no scheduled
    item has come out since; None otherwise, and always where the tween does not know the
    transaction (another process may commit, or the page cache is off). Put into ``key``
    everything else the value depends on (the site, the address, the language, the
    visitor's principals); the value must hold no persistent objects (it outlives the
    connection).
    """

    def __init__(self, max_entries: int) -> None:
        self.max_entries = max_entries
        self._entries: dict[Any, tuple[Hashable, float | None, Any]] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, request: Request, key: Any) -> Any:
        tid = request.page_facts.site_tid
        entry = self._entries.get(key) if tid is not None else None
        if entry is None or entry[0] != tid:
            return None
        if entry[1] is not None and entry[1] <= clock.timestamp():
            return None
        return entry[2]

    def put(self, request: Request, key: Any, value: Any) -> None:
        tid = request.page_facts.site_tid
        if tid is None:
            return
        until = next_publication(request.site_root)
        with self._lock:
            if len(self._entries) >= self.max_entries:  # keys come from clients: stay bounded
                self._entries.clear()
            self._entries[key] = (tid, until, value)


def note_rendered_page(event: BeforeRender) -> None:
    request = event.get("request")
    if request is not None:
        note_page(request)


def includeme(config: Configurator) -> None:
    """The cache, emptied of a site's pages when its database closes; the tween only when
    it is switched on (``pleio.page_cache``, ``pleio.page_cache_entries``)."""
    registry = config.registry
    settings = SETTINGS(registry)
    cache = PAGE_CACHE.provide(config, PageCache(settings.page_cache_entries))
    # storage's databases, taken when the configuration is committed: in whatever order
    # the includes came
    config.action(None, lambda: SITE_DATABASES(registry).when_closed(cache.drop_site))
    config.add_request_method(page_facts, "page_facts", reify=True)
    if settings.page_cache and settings.page_cache_entries:
        config.add_tween(
            "pleio_core.pagecache.page_cache_tween_factory", over="pyramid_tm.tm_tween_factory"
        )
        config.add_subscriber(note_rendered_page, BeforeRender)
