"""``/api/v1/search``: the catalog's ``search``, with its filters, as JSON.

Only a thin wrapper: what may be found (the searcher's principals, enabled modules) is the
catalog's business, so the API finds exactly what the search page finds.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Any

from pyramid.request import Request

from pleio_core.catalog import InvalidSearch, search
from pleio_core.catalog.document import item_date
from pleio_core.catalog.query import MAX_PAGE_SIZE
from pleio_core.catalog.snippets import snippet
from pleio_core.clock import LOCAL_ZONE
from pleio_core.i18n import _
from pleio_core.text import whole_number

from .auth import require_permission
from .errors import ApiError
from .serialise import summary_json, to_json

MAX_PAGE = 10**6


#: A day as the document's ``format: date`` has it (not the other forms Python reads).
DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _day(request: Request, name: str) -> date | None:
    raw = request.GET.get(name)
    if raw is None:
        return None
    try:
        if not DAY.fullmatch(raw):
            raise ValueError(raw)
        return date.fromisoformat(raw)
    except ValueError:
        message = _("Give a date as year-month-day, like 2024-03-31.")
        raise ApiError(422, errors={name: message}) from None


def _moment(day: date | None, after: bool = False) -> datetime | None:
    """The start of ``day`` (of the day after it), local time; None for no bound."""
    if day is None or (after and day == date.max):  # nothing is later than the last day
        return None
    return datetime.combine(day + timedelta(days=1) if after else day, time(), LOCAL_ZONE)


def _number(request: Request, name: str, default: int, maximum: int) -> int:
    raw = request.GET.get(name)
    value = default if raw is None else whole_number(raw, maximum)
    if value is None or value < 1:
        message = _("A whole number from 1 to ${max}.", mapping={"max": maximum})
        raise ApiError(422, errors={name: message})
    return value


def search_view(context: Any, request: Request) -> dict[str, Any]:
    require_permission(request, "view", request.site_root)
    params = request.GET
    text = params.get("text", "").strip()
    first, last = _day(request, "from"), _day(request, "to")
    try:
        results = search(
            request,
            text=text,
            types=params.getall("type"),
            modules=params.getall("module"),
            tags=params.getall("tag"),
            start=_moment(first),
            end=_moment(last, after=True),
            sort=params.get("order") or ("relevance" if text else "date"),
            page=_number(request, "page", 1, MAX_PAGE),
            size=_number(request, "size", 20, MAX_PAGE_SIZE),
        )
    except InvalidSearch as exc:
        raise ApiError(422, errors={exc.field: exc.message}) from None
    return {
        "total": results.total,
        "page": results.page,
        "size": results.size,
        "pages": results.pages,
        "items": [
            {
                **summary_json(request, content),
                "date": to_json(item_date(content)),
                "snippet": snippet(content.text, results.terms),
            }
            for content in results.hits
        ],
    }
