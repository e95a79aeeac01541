"""A page's HTML with its wiki links resolved, kept while nothing it shows has changed.

Resolving is cheap but not free (a 5,000-word page with 200 links); the result is kept per
page, save, link-index generation, host and language, in a small LRU within the process.
"""

from __future__ import annotations

from collections import OrderedDict
from threading import Lock

from pyramid.request import Request

from .content import Page
from .i18n import _
from .index import wiki_root
from .links import Heading, Target, render_page

MAX_ENTRIES = 1000
_cache: OrderedDict[tuple, tuple[str, list[Heading]]] = OrderedDict()
_lock = Lock()


def rendered(request: Request, page: Page) -> tuple[str, list[Heading]]:
    """The page's HTML and headings, from the cache when it is still right."""
    index = getattr(wiki_root(page), "wiki_index", None)
    generation = index.generation() if index is not None else 0
    key = (
        page._uid, page.serial, generation, request.application_url, request.locale_name,
    )  # fmt: skip
    with _lock:
        found = _cache.get(key)
        if found is not None:
            _cache.move_to_end(key)
            return found
    result = render(request, page)
    if page._uid is not None:  # (a key of its own: object ids repeat between databases)
        with _lock:
            _cache[key] = result
            if len(_cache) > MAX_ENTRIES:
                _cache.popitem(last=False)
    return result


def render(request: Request, page: Page) -> tuple[str, list[Heading]]:
    index = getattr(wiki_root(page), "wiki_index", None)
    hint = request.localizer.translate(_("This page does not exist yet: create it"))

    def resolve(title: str) -> Target:
        target = index.resolve(title) if index is not None else None
        if target is not None:
            return Target(request.resource_url(target), True)
        query = {"type": "page", "title": title}
        return Target(request.resource_url(page.__parent__, "@@add", query=query), False)

    return render_page(page.body, resolve, hint)
