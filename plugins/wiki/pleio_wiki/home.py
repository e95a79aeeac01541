"""The wiki on the home page: the pages changed last that the visitor may open."""

from __future__ import annotations

from pyramid.request import Request

from pleio_core.plugin_api import WidgetItem, latest_content, publication_note


def recent_pages(request: Request, limit: int) -> list[WidgetItem]:
    """The last changed first. A draft, scheduled or ended page (shown only to who may open it:
    its author, the editors) says so, so that nobody takes it for a published one."""
    items = []
    for page in latest_content(request, types=("page",), order="modified", limit=limit):
        meta = publication_note(request, page)
        title = page.title or page.__name__ or ""
        items.append(WidgetItem(title, request.resource_url(page), meta, page.modified))
    return items
