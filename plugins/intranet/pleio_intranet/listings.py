"""What the intranet's pages list: its content of one kind, the newest first, a page at a time.

Everything comes from the core's ``search``, so a listing holds only what the visitor may
open now (access level, publication start and end, a closed site, the module switched on)
and only the page's items are loaded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pyramid.httpexceptions import HTTPBadRequest
from pyramid.request import Request

from pleio_core.plugin_api import Content, InvalidSearch, search, whole_number

from .i18n import _

MODULE = "intranet"
PAGE_SIZE = 20
#: A listing page's kinds: view name → (content type, the heading).
KINDS: dict[str, tuple[str, Any]] = {
    "news": ("news", _("News")),
    "blogs": ("blog", _("Blogs")),
    "status-updates": ("status", _("Status updates")),
    "pages": ("intranet_page", _("Pages")),
}


@dataclass
class Batch:
    """One page of a listing, with the way to the pages before and after it."""

    items: list[Content] = field(default_factory=list)
    total: int = 0
    page: int = 1
    pages: int = 1
    previous_url: str | None = None
    next_url: str | None = None


def page_number(request: Request) -> int:
    """The ``page`` asked for (1 by default); 400 for one that is not a page number."""
    number = whole_number(request.params.get("page", "1"), 10_000)
    if not number:
        raise HTTPBadRequest(_("There is no such page of the list."))
    return number


def latest(
    request: Request,
    type_name: str,
    page: int = 1,
    size: int = PAGE_SIZE,
    owners: tuple[str, ...] = (),
    url: str | None = None,
) -> Batch:
    """A page of the visitor's visible content of ``type_name``, the newest first; ``url``
    (the listing's address) gives the links to the pages before and after."""
    try:
        found = search(
            request, types=(type_name,), modules=(MODULE,), sort="date", page=page, size=size,
            owners=owners,
        )  # fmt: skip
    except InvalidSearch:  # (the type's module is off: the guard answers 404 before this)
        return Batch()
    batch = Batch(found.hits, found.total, page, found.pages)
    if url is not None:
        if page > 1:
            batch.previous_url = f"{url}?page={page - 1}"
        if page < found.pages:
            batch.next_url = f"{url}?page={page + 1}"
    return batch


def top_pages(request: Request, folder: Any, limit: int = 100) -> list[Content]:
    """The organisation's top pages (not their sub-pages) the visitor may open, by title."""
    pages = latest(request, "intranet_page", size=limit).items
    top = [p for p in pages if p.__parent__ is folder]
    return sorted(top, key=lambda p: p.title.casefold())
