"""The search page of a deelsite: ``/@@search`` with its filters, results and pages."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

from pyramid.config import Configurator
from pyramid.request import Request

from pleio_core.clock import LOCAL_ZONE
from pleio_core.content.folder import name_of
from pleio_core.content.model import Content
from pleio_core.content.site import SiteRoot
from pleio_core.i18n import _
from pleio_core.security.forms import FieldErrors
from pleio_core.services import CONTENT_TYPES, PLUGINS

from .document import item_date
from .query import SORTS, InvalidSearch, SearchResults, search
from .snippets import snippet

FIELDS = ("text", "type", "module", "tag", "from", "to")
ORDER_LABELS = {"relevance": _("Relevance"), "date": _("Newest first")}


@dataclass(frozen=True)
class Hit:
    title: str
    url: str
    type_title: str
    date: datetime
    snippet_html: str


def _day(value: str, field: str, errors: FieldErrors) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors.add(field, _("Give a date as year-month-day, like 2024-03-31."))
        return None


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time(), LOCAL_ZONE)


def _hit(request: Request, content: Content, terms: list[str]) -> Hit:
    content_type = CONTENT_TYPES(request.registry).of(content)
    type_title = request.localizer.translate(content_type.title) if content_type else ""
    return Hit(
        content.title or name_of(content),
        request.resource_url(content),
        type_title,
        item_date(content).astimezone(LOCAL_ZONE),
        snippet(content.text, terms),
    )


def search_page(context: SiteRoot, request: Request) -> dict[str, Any]:
    values, order = _asked(request.GET)
    errors = FieldErrors(request)
    page = _page_number(request.GET)
    searched = any(values.values()) or "order" in request.GET
    results = _results(request, values, order, page, errors) if searched else SearchResults()
    if errors:
        request.response.status_int = 400
    return {
        "values": values,
        "order": order,
        "errors": errors,
        "searched": searched and not errors,
        "results": results,
        "summary": _summary(request, results),
        "hits": [_hit(request, content, results.terms) for content in results.hits],
        "types": _type_choices(request),
        "modules": _module_choices(request),
        "orders": _order_choices(request),
        "previous": _page_link(request, values, order, page - 1) if results.page > 1 else None,
        "next": _page_link(request, values, order, page + 1)
        if results.page < results.pages
        else None,
    }


def _asked(params: Mapping[str, str]) -> tuple[dict[str, str], str]:
    """The form's fields, and the order: by relevance when there is text to weigh."""
    values = {k: params.get(k, "").strip() for k in FIELDS}
    return values, params.get("order") or ("relevance" if values["text"] else "date")


def _page_number(params: Mapping[str, str]) -> int:
    try:
        return int(params.get("page", "1"))
    except ValueError:
        return 0  # no such page: search says so


def _results(
    request: Request, values: dict[str, str], order: str, page: int, errors: FieldErrors
) -> SearchResults:
    """What the form asks for; none when a field is wrong (``errors`` says which)."""
    start, end = _period(values, errors)
    if errors:
        return SearchResults()
    try:
        return search(
            request,
            text=values["text"],
            types=_one(values["type"]),
            modules=_one(values["module"]),
            tags=_one(values["tag"]),
            start=start,
            end=end,
            sort=order,
            page=page,
        )
    except InvalidSearch as exc:
        errors.add("text" if exc.field == "page" else exc.field, exc.message)
        return SearchResults()


def _one(value: str) -> list[str]:
    return [value] if value else []


def _period(values: dict[str, str], errors: FieldErrors) -> tuple[datetime | None, datetime | None]:
    """From the start of the day ``from`` to the end of the day ``to``, each if given."""
    first, last = _day(values["from"], "from", errors), _day(values["to"], "to", errors)
    if first and last and last < first:
        errors.add("to", _("The end date is before the start date."))
    start = _start_of(first) if first else None
    end = _start_of(last + timedelta(days=1)) if last else None
    return start, end


def _summary(request: Request, results: SearchResults) -> str:
    """ "24 results (page 1 of 2)": read out when the page loads (role=status)."""
    translate = request.localizer.translate
    text = request.localizer.pluralize(
        "${count} result",
        "${count} results",
        results.total,
        domain="pleio",
        mapping={"count": results.total},
    )
    if results.pages > 1:
        mapping = {"page": results.page, "pages": results.pages}
        text += " " + translate(_("(page ${page} of ${pages})", mapping=mapping))
    return text


def _type_choices(request: Request) -> list[tuple[str, str]]:
    enabled = request.enabled_modules
    translate = request.localizer.translate
    choices = [
        (ct.name, translate(ct.title))
        for ct in CONTENT_TYPES(request.registry).values()
        if ct.module in enabled
    ]
    return sorted(choices, key=lambda choice: choice[1].lower())


def _module_choices(request: Request) -> list[tuple[str, str]]:
    plugins = PLUGINS(request.registry).plugins
    translate = request.localizer.translate
    return [(name, translate(plugins[name].info.title)) for name in request.enabled_modules]


def _order_choices(request: Request) -> list[tuple[str, str]]:
    return [(name, request.localizer.translate(ORDER_LABELS[name])) for name in SORTS]


def _page_link(request: Request, values: dict[str, str], order: str, page: int) -> str:
    query = {k: v for k, v in values.items() if v}
    query.update(order=order, page=str(page))
    return f"{request.application_url}/@@search?{urlencode(query)}"


def includeme(config: Configurator) -> None:
    config.add_view(
        search_page,
        context=SiteRoot,
        name="search",
        permission="view",
        request_method=("GET", "HEAD"),
        renderer="pleio_core:templates/search.pt",
    )
