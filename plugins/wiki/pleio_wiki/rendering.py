"""A page's HTML with its wiki links resolved, kept while nothing it shows has changed.

A link leads to a page only for a viewer who may see that page; for anyone else it is
exactly the link to a page still to be written (the same element, the same address), so
a title cannot be confirmed by guessing. What a viewer may see is asked anew on every view
(a scheduled page becomes visible without a write), and the pages a link leads to are
part of the rendering's key: viewers with different rights never share a rendering. (The
core's page cache keeps pages for anonymous visitors only, who all have the same rights,
and only until the next scheduled publication.)

Resolving is cheap but not free (a 5,000-word page with 200 links); the result is kept per
page, save, link-index generation, host, language and the pages the links lead to, in a
small LRU within the process; the titles a page links to, per page and save.
"""

from __future__ import annotations

from collections import OrderedDict
from threading import Lock
from typing import Any

from pyramid.request import Request

from pleio_core.plugin_api import clean

from .content import Page
from .i18n import _
from .index import WikiIndex, wiki_root
from .links import Heading, Target, link_titles, normal_title, render_page

MAX_ENTRIES = 1000
_cache: OrderedDict[tuple, Any] = OrderedDict()
_lock = Lock()


def _cached(key: tuple) -> Any:
    with _lock:
        found = _cache.get(key)
        if found is not None:
            _cache.move_to_end(key)
        return found


def _keep(key: tuple, value: Any) -> None:
    with _lock:
        _cache[key] = value
        if len(_cache) > MAX_ENTRIES:
            _cache.popitem(last=False)


def _titles(page: Page) -> tuple[str, ...]:
    """The normal titles the page's text links to (a parse, kept per page and save)."""
    key = ("titles", page._uid, page.serial)
    titles = _cached(key) if page._uid is not None else None
    if titles is None:
        titles = tuple(sorted(link_titles(page.body)))
        if page._uid is not None:
            _keep(key, titles)
    return titles


def visible_targets(request: Request, page: Page, index: WikiIndex | None) -> dict[str, Page]:
    """Normal title → the page a link with that title leads to for this viewer: the first
    of the pages with that title they may see."""
    if index is None:
        return {}
    targets = {}
    for title in _titles(page):
        for target in index.candidates(title):
            if request.has_permission("view", target):
                targets[title] = target
                break
    return targets


def rendered(request: Request, page: Page) -> tuple[str, list[Heading]]:
    """The page's HTML and headings for this viewer, from the cache when it is still right."""
    index = getattr(wiki_root(page), "wiki_index", None)
    generation = index.generation() if index is not None else 0
    targets = visible_targets(request, page, index)
    key = (
        "html", page._uid, page.serial, generation, request.application_url,
        request.locale_name, tuple(sorted((t, p.uid) for t, p in targets.items())),
    )  # fmt: skip
    found = _cached(key)
    if found is not None:
        return found
    result = render(request, page, targets)
    if page._uid is not None:  # (a key of its own: object ids repeat between databases)
        _keep(key, result)
    return result


def render(request: Request, page: Page, targets: dict[str, Page]) -> tuple[str, list[Heading]]:
    """``targets``: the pages links lead to (``visible_targets``); every other link is to a
    page still to be written."""
    hint = request.localizer.translate(_("This page does not exist yet: create it"))

    def resolve(title: str) -> Target:
        target = targets.get(normal_title(title))
        if target is not None:
            return Target(request.resource_url(target), True)
        query = {"type": "page", "title": title}
        return Target(request.resource_url(page.__parent__, "@@add", query=query), False)

    return render_page(clean(page.body), resolve, hint)  # (stored text of any kind)
