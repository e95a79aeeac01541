"""Searching a site's catalog: only what the searcher may see, only from enabled modules.

``search`` is the one way in: every caller gets the security and module filters, whatever
else it asks for. Filters are sets of docids intersected in C; only the page's hits are
ranked with Python and only they are loaded.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from hypatia.interfaces import FWSCAN, NBEST
from hypatia.text import TextIndex
from hypatia.text.parsetree import ParseError
from pyramid.i18n import TranslationString
from pyramid.request import Request

from pleio_core.clock import now
from pleio_core.content.model import Content
from pleio_core.i18n import _
from pleio_core.services import CONTENT_TYPES

from .document import sort_key
from .model import FAMILY, SiteCatalog, site_catalog
from .textmatch import DocidsOnly

SORTS = ("relevance", "date")
MAX_TEXT = 200
MAX_PAGE_SIZE = 100
#: A glob needs this many letters before its ``*``: ``a*`` would mean most of the lexicon.
GLOB_STEM = 3
_TOKENS = re.compile(r'-?"[^"]*"|-?[^\s"]+')
_KEYWORDS = {"AND", "OR", "NOT"}
IF = FAMILY.IF
MEMBERS = "site:member"
#: Parses the text of a site that has no catalog yet (it only reads its empty lexicon).
_EMPTY_TEXT_INDEX = TextIndex("text", family=FAMILY)


class InvalidSearch(ValueError):
    """A filter that cannot be used; ``field`` names the form field, ``message`` says why."""

    def __init__(self, field: str, message: TranslationString) -> None:
        super().__init__(message.interpolate())
        self.field, self.message = field, message


@dataclass
class SearchResults:
    total: int = 0
    page: int = 1
    size: int = 20
    hits: list[Content] = field(default_factory=list)
    #: The words searched for (lower case; a glob ends in ``*``), to mark in snippets.
    terms: list[str] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))


def safe_query(text: str) -> str:
    """The visitor's words as a query for hypatia's parser: words (all must match),
    ``"phrases"`` and ``-excluded`` words; AND/OR/NOT and brackets are plain words here,
    so no input is a syntax error."""
    atoms = []
    for token in _TOKENS.findall(text):
        negated, token = token.startswith("-"), token.lstrip("-")
        if token.startswith('"'):
            words = re.findall(r"\w+", token)
            atom = '"' + " ".join(words) + '"' if words else ""
        else:
            stem = re.sub(r"[^\w]+", " ", token.rstrip("*")).strip()
            glob = token.endswith("*") and " " not in stem and len(stem) >= GLOB_STEM
            atom = stem + "*" if glob else (f'"{stem}"' if " " in stem else stem)
        if not atom or atom.upper() in _KEYWORDS:
            continue
        atoms.append(("-" if negated else "") + atom)
    return " ".join(atoms)


def parse_text(catalog_text_index: Any, text: str) -> Any:
    """The parse tree of the visitor's text; InvalidSearch if nothing in it can be searched."""
    if len(text) > MAX_TEXT:
        raise InvalidSearch(
            "text", _("Search with at most ${n} characters.", mapping={"n": MAX_TEXT})
        )
    query = safe_query(text)
    try:
        if not query:
            raise ParseError("no words")
        return catalog_text_index.parse_query(query)
    except ParseError:
        raise InvalidSearch(
            "text",
            _("Search for at least one word that is not very common and not excluded with -."),
        ) from None


def terms_of(tree: Any) -> list[str]:
    found: list[str] = []
    for term in tree.terms():
        found.extend(term if isinstance(term, list) else [term])
    return found


def visible(
    catalog: SiteCatalog, principals: Sequence[str], when: datetime, among: Any = None
) -> Any:
    """The docids these principals may view at ``when`` (see ``document.py``), of ``among``
    (None: of all).

    A member may see all but the restricted items not meant for them: subtracting those
    reads far fewer index pages than adding up everything public and members-only.
    """
    indexes = catalog.indexes
    if among is not None and MEMBERS in principals:
        hidden = IF.difference(
            indexes["audience"].applyEq("restricted"),
            indexes["restricted_to"].applyAny(principals),
        )
        allowed = IF.difference(among, hidden)
    else:
        allowed = indexes["allowed"].applyAny(principals)
        if among is not None:
            allowed = IF.intersection(among, allowed)
    # before its start, and after its end, only some see it (``document.py``)
    for moments, timed_viewers, upcoming in (
        ("embargo", "allowed_early", True),
        ("expires", "allowed_late", False),
    ):
        if moments not in indexes:  # a catalog made before the end of publication
            continue
        index = indexes[moments]
        timed = index.applyGt(when) if upcoming else index.applyLe(when)
        if among is not None:
            # what may be seen early or late is still only what the other filters let through
            timed = IF.intersection(among, timed)
        if timed:
            seen = IF.intersection(indexes[timed_viewers].applyAny(principals), timed)
            allowed = IF.union(IF.difference(allowed, timed), seen)
    return allowed


def from_enabled_modules(catalog: SiteCatalog, enabled: Iterable[str]) -> Any:
    """The docids to drop: those in (or below) a module that is switched off."""
    disabled = [m for m in catalog.indexes["module"].unique_values() if m not in set(enabled)]
    return catalog.indexes["module"].applyAny(disabled) if disabled else None


def check_filters(
    request: Request, types: Sequence[str], modules: Sequence[str], sort: str, page: int, size: int
) -> None:
    enabled = request.enabled_modules
    content_types = CONTENT_TYPES(request.registry)
    for name in types:
        if name not in content_types or content_types[name].module not in enabled:
            raise InvalidSearch(
                "type", _("There is no content type ${name} here.", mapping={"name": name})
            )
    for name in modules:
        if name not in enabled:
            raise InvalidSearch(
                "module", _("There is no module ${name} here.", mapping={"name": name})
            )
    if sort not in SORTS:
        raise InvalidSearch("order", _("Order by relevance or by date."))
    if page < 1 or not 1 <= size <= MAX_PAGE_SIZE:
        raise InvalidSearch("page", _("There is no such page of results."))


def search(
    request: Request,
    text: str = "",
    types: Sequence[str] = (),
    modules: Sequence[str] = (),
    tags: Sequence[str] = (),
    start: datetime | None = None,
    end: datetime | None = None,
    sort: str = "relevance",
    page: int = 1,
    size: int = 20,
    owners: Sequence[str] = (),
    within: str = "",
) -> SearchResults:
    """A page of what matches, newest first or most relevant first (with a text).

    ``start`` is inclusive, ``end`` exclusive (aware datetimes, on the item's date: when it
    was published); ``owners`` (account ids) keeps what any of them owns (one person's
    blog); ``within`` (a path, as ``request.resource_path`` gives it) what lies in one
    place (a group). Raises InvalidSearch for a filter that cannot be used.
    """
    check_filters(request, types, modules, sort, page, size)
    site = request.site_root
    catalog = site_catalog(site) if site is not None else None
    tree = text_query(catalog, text)
    if catalog is None:
        return SearchResults(page=page, size=size)
    results = SearchResults(page=page, size=size, terms=terms_of(tree) if tree else [])
    if not request.has_permission("view", site):  # a closed site, to an outsider
        return results

    weights = relevance(catalog, tree) if tree is not None and sort == "relevance" else None
    # the cheap, usually small filters first; the security filter, the largest, last
    filters = field_filters(catalog, types, modules, tags, start, end, owners, within)
    if tree is not None:
        filters.append(weights if weights is not None else text_matches(catalog, tree))
    docids = allowed(request, catalog, intersection(filters))
    results.total = len(docids)
    limit = page * size
    if limit - size < results.total:  # past the last page there is nothing to rank
        on_page = ranked(catalog, docids, weights, limit)[limit - size :]
        results.hits = _load(request, catalog, on_page)
    return results


def text_query(catalog: SiteCatalog | None, text: str) -> Any:
    """The parse tree of ``text`` (None: no text). Bad text gets the same answer whether
    the site has a catalog yet or not."""
    if not text.strip():
        return None
    return parse_text(catalog.indexes["text"] if catalog is not None else _EMPTY_TEXT_INDEX, text)


def field_filters(
    catalog: SiteCatalog,
    types: Sequence[str],
    modules: Sequence[str],
    tags: Sequence[str],
    start: datetime | None,
    end: datetime | None,
    owners: Sequence[str] = (),
    within: str = "",
) -> list[Any]:
    """The docids of each filter asked for (all of its tags, any of its types, modules or
    owners; what lies at or below the path ``within``)."""
    indexes = catalog.indexes
    filters = []
    if within:
        filters.append(indexes["path"].applyEq(within.rstrip("/") or "/"))
    if owners:
        filters.append(indexes["owner"].applyAny(list(owners)))
    if types:
        filters.append(indexes["type"].applyAny(types))
    if modules:
        filters.append(indexes["module"].applyAny(modules))
    if tags:
        filters.append(indexes["tags"].applyAll(tags))
    if start is not None or end is not None:
        low = sort_key(end) if end is not None else None
        high = sort_key(start) if start is not None else None
        filters.append(indexes["newest_first"].applyInRange(low, high, excludemin=True))
    return filters


def relevance(catalog: SiteCatalog, tree: Any) -> Any:
    """The docids the text matches, with their weights."""
    return tree.executeQuery(catalog.indexes["text"].index) or IF.Bucket()


def text_matches(catalog: SiteCatalog, tree: Any) -> Any:
    """The docids the text matches, unweighted (cheaper, for results by date)."""
    return tree.executeQuery(DocidsOnly(catalog.indexes["text"].index)) or IF.Set()


def intersection(filters: list[Any]) -> Any:
    """The docids in every filter, the smallest first (None: no filters); empty as soon as
    one intersection is."""
    docids = None
    for found in sorted(filters, key=len):
        docids = IF.intersection(docids, found) if docids is not None else found
        if not docids:
            break
    return docids


def allowed(request: Request, catalog: SiteCatalog, docids: Any) -> Any:
    """Of ``docids`` (None: of all), those the searcher may see now, from enabled modules.

    Nothing is looked up when nothing matched: this filter is the most costly.
    """
    if docids is not None and not docids:
        return docids
    principals = request.principals
    docids = visible(catalog, principals, now(), among=docids)
    hidden = from_enabled_modules(catalog, request.enabled_modules)
    return IF.difference(docids, hidden) if hidden else docids


def ranked(catalog: SiteCatalog, docids: Any, weights: Any, limit: int) -> list[int]:
    """The first ``limit`` docids: the most relevant with ``weights``, else the newest."""
    if weights is not None:
        return heapq.nlargest(limit, docids, key=weights.__getitem__)
    return newest_first(catalog, docids, limit)


def newest_first(
    catalog: SiteCatalog, docids: Any, limit: int, by: str = "newest_first"
) -> list[int]:
    """The first ``limit`` docids by date, newest first (``by``: a negated-moment index,
    ``newest_first`` for the publication date, ``last_changed`` for the last change).

    A forward scan of the date index stops after ``limit`` hits: cheap when hits are
    common; n-best over the hits is cheap when they are few.
    """
    index = catalog.indexes[by]
    common = len(docids) ** 2 > limit * max(index.indexed_count(), 1)
    sort_type = FWSCAN if common else NBEST
    return list(index.sort(docids, limit=limit, sort_type=sort_type, raise_unsortable=False))


def _load(request: Request, catalog: SiteCatalog, docids: Iterable[int]) -> list[Content]:
    """The page's content objects. Checking ``view`` once more costs little on a page."""
    hits = []
    for docid in docids:
        content = catalog.get(docid)
        if content is not None and request.has_permission("view", content):
            hits.append(content)
    return hits
