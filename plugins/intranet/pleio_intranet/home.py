"""The intranet on the home page: the latest news the visitor may open."""

from __future__ import annotations

from pyramid.request import Request

from pleio_core.plugin_api import WidgetItem, latest_content, publication_note

from .i18n import _


def latest_news(request: Request, limit: int) -> list[WidgetItem]:
    """The last published first. A draft or a scheduled item (shown only to who may open it:
    its author, the editors) says so; a featured one too."""
    translate = request.localizer.translate
    items = []
    for news in latest_content(request, types=("news",), order="date", limit=limit):
        meta = publication_note(request, news)
        if not meta and getattr(news, "featured", False):
            meta = translate(_("Featured"))
        when = news.publish_at or news.created
        items.append(WidgetItem(news.title, request.resource_url(news), meta, when))
    return items
