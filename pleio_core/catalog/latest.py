"""The newest content a visitor may open: short lists such as the home page's widgets.

The filters are ``search``'s — the visitor's principals, the publication moment of scheduled
items, the closed-site rule, the enabled modules — without a text, and the order is by when
content last changed or was published. Only the few items listed are loaded.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from pyramid.request import Request

from pleio_core.content.model import Content

from .model import site_catalog
from .query import allowed, field_filters, intersection, newest_first

ORDERS = ("modified", "date")
MAX_LIMIT = 100


def latest_content(
    request: Request,
    types: Sequence[str] = (),
    modules: Sequence[str] = (),
    order: str = "modified",
    limit: int = 5,
    within: str = "",
) -> list[Content]:
    """At most ``limit`` (and at most 100) of the content of ``types`` (any, if empty) in
    ``modules`` (any) that the visitor may open now, at or below the path ``within`` (the
    whole site if empty): the last changed first (``order="modified"``) or the last
    published first (``"date"``). Empty on a site the visitor may not view."""
    if order not in ORDERS:
        raise ValueError(f"latest_content: order is one of {ORDERS}, not {order!r}")
    if limit < 1:
        return []
    limit = min(limit, MAX_LIMIT)
    site = request.site_root
    catalog = site_catalog(site) if site is not None else None
    if catalog is None:
        return []
    among = intersection(field_filters(catalog, types, modules, (), None, None, (), within))
    if (among is not None and not among) or not request.has_permission("view", site):
        return []  # (the cheap answer first: nothing of these types yet)
    docids = allowed(request, catalog, among)
    if not docids:
        return []
    if order == "date":
        ranked = newest_first(catalog, docids, limit)
    elif "last_changed" in catalog.indexes:
        ranked = newest_first(catalog, docids, limit, by="last_changed")
    else:  # a catalog made before that index (``pleio site reindex`` adds it): n-best
        ranked = catalog.indexes["modified"].sort(
            docids, reverse=True, limit=limit, raise_unsortable=False
        )
    found = []
    for docid in ranked:  # the index is the filter; asking once more costs little for a few
        content = catalog.get(docid)
        if content is not None and request.has_permission("view", content):
            found.append(content)
    return found


def with_visible_content(request: Request, modules: Iterable[str]) -> set[str]:
    """Those of ``modules`` (enabled ones) that hold content the visitor may open now."""
    site = request.site_root
    catalog = site_catalog(site) if site is not None else None
    if catalog is None:
        return set()
    index = catalog.indexes["module"]
    candidates = set(modules).intersection(index.unique_values())  # (a few values)
    if not candidates or not request.has_permission("view", site):
        return set()
    return {m for m in candidates if allowed(request, catalog, index.applyEq(m))}
