"""The catalog of one deelsite: hypatia indexes over its content, stored on its SiteRoot.

A hit is a docid; ``SiteCatalog.objects`` maps it straight to the content object (a
persistent reference), so showing a page of hits loads those objects and nothing else.
"""

from __future__ import annotations

from typing import Literal, overload

import BTrees
from hypatia.catalog import Catalog
from hypatia.field import FieldIndex
from hypatia.keyword import KeywordIndex
from persistent import Persistent

from pleio_core.content.model import Content
from pleio_core.content.site import SiteRoot
from pleio_core.storage.parts import part

from .document import Document
from .ids import spread_id
from .textindex import make_text_index

FAMILY = BTrees.family64
TEXT = "text"  # the full-text index's name


def make_indexes() -> Catalog:
    """The indexes every site has; each reads the attribute of its name from a ``Document``.

    ``newest_first`` holds the negated date, so "newest first" is hypatia's cheap forward
    scan (``last_changed`` likewise the negated moment of the last change: "recently
    changed first"); ``allowed`` the principals that may view; ``embargo``/``allowed_early`` say who
    may see scheduled content before its publication moment, ``expires``/``allowed_late``
    who sees it after its end; ``audience`` (public,
    members, restricted) and ``restricted_to`` (the viewers of restricted items only) let
    a member's search subtract the few items hidden from them (see ``document.py``).
    """
    catalog = Catalog(family=FAMILY)
    catalog["text"] = make_text_index("text", family=FAMILY)
    catalog["type"] = FieldIndex("type", family=FAMILY)
    catalog["module"] = KeywordIndex("module", family=FAMILY)
    catalog["tags"] = KeywordIndex("tags", family=FAMILY)
    catalog["path"] = KeywordIndex("path", family=FAMILY)
    catalog["created"] = FieldIndex("created", family=FAMILY)
    catalog["modified"] = FieldIndex("modified", family=FAMILY)
    catalog["newest_first"] = FieldIndex("newest_first", family=FAMILY)
    catalog["last_changed"] = FieldIndex("last_changed", family=FAMILY)
    catalog["owner"] = FieldIndex("owner", family=FAMILY)
    catalog["group"] = FieldIndex("group", family=FAMILY)
    catalog["allowed"] = KeywordIndex("allowed", family=FAMILY)
    catalog["allowed_early"] = KeywordIndex("allowed_early", family=FAMILY)
    catalog["embargo"] = FieldIndex("embargo", family=FAMILY)
    add_expiry_indexes(catalog)
    catalog["audience"] = FieldIndex("audience", family=FAMILY)
    catalog["restricted_to"] = KeywordIndex("restricted_to", family=FAMILY)
    return catalog


def add_expiry_indexes(catalog: Catalog) -> None:
    """The indexes of the end of publication, which a catalog made before it lacks: they
    are added when first needed, empty (no content indexed before had an end)."""
    if "expires" not in catalog:
        catalog["expires"] = FieldIndex("expires", family=FAMILY)
        catalog["allowed_late"] = KeywordIndex("allowed_late", family=FAMILY)


class SiteCatalog(Persistent):
    """The indexes of a site and the objects they point to."""

    _v_next_docid: int | None = None

    def __init__(self) -> None:
        self.indexes = make_indexes()
        self.objects = FAMILY.IO.BTree()  # docid → content

    def __len__(self) -> int:
        return len(self.indexes["type"].indexed())

    def _new_docid(self) -> int:
        return spread_id(self, "_v_next_docid", self.objects, 2**31)

    def index(self, content: Content, site: SiteRoot, registry: object) -> int:
        """Index (or index again) ``content``; its docid."""
        docid = content.docid
        if docid is None or self.objects.get(docid) is not content:
            docid = self._new_docid()
            content.docid = docid
            self.objects[docid] = content
        document = Document.of(content, site, registry)
        if hasattr(document, "expires"):
            add_expiry_indexes(self.indexes)
        self.indexes.index_doc(docid, document)
        return docid

    def index_all_but_text(self, content: Content, site: SiteRoot, registry: object) -> bool:
        """Index already indexed ``content`` again, but for the full text (not new content:
        ``index`` that); whether the text index is out of date with it now.

        The text of a commented item changes with every comment, and two transactions that
        index one document's text again always conflict (its word list is one value): so
        the subscribers bring the text up to date after the commit (``index_text``). Asking
        changes nothing: words the index has never seen make it out of date.
        """
        assert self.is_indexed(content)
        docid = content.docid
        document = Document.of(content, site, registry)
        if hasattr(document, "expires"):
            add_expiry_indexes(self.indexes)
        for name, index in self.indexes.items():
            if name != TEXT:
                index.index_doc(docid, document)
        text = self.indexes[TEXT]
        if not text.index.has_doc(docid):
            return True
        wids = text.lexicon.termToWordIds(document.text)
        return 0 in wids or wids != text.index.get_words(docid)

    def index_text(self, content: Content, site: SiteRoot, registry: object) -> None:
        """Index the full text of indexed ``content`` again (see ``index_all_but_text``)."""
        self.indexes[TEXT].index_doc(content.docid, Document.of(content, site, registry))

    def is_indexed(self, content: Content) -> bool:
        return content.docid is not None and self.objects.get(content.docid) is content

    def unindex(self, content: Content) -> None:
        docid = content.docid
        if docid is not None and self.objects.get(docid) is content:
            self.indexes.unindex_doc(docid)
            del self.objects[docid]

    def get(self, docid: int) -> Content | None:
        return self.objects.get(docid)


def site_of(obj: object) -> SiteRoot | None:
    """The SiteRoot above ``obj``; None while it is not in a site's tree."""
    while obj is not None:
        if isinstance(obj, SiteRoot):
            return obj
        obj = getattr(obj, "__parent__", None)
    return None


@overload
def site_catalog(site: SiteRoot, create: Literal[True]) -> SiteCatalog: ...
@overload
def site_catalog(site: SiteRoot, create: Literal[False] = False) -> SiteCatalog | None: ...
def site_catalog(site: SiteRoot, create: bool = False) -> SiteCatalog | None:
    """The site's catalog; made on first use when ``create``."""
    return part(site, "catalog", SiteCatalog, create)
