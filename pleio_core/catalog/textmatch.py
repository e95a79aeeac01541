"""Which documents contain the words searched for, without scoring them.

Hypatia's Okapi index scores every document a word occurs in, reading each one's length
from a BTree of all documents: on a large site that is most of the objects a query loads.
Newest-first order needs no score, so the parse tree is run against ``DocidsOnly``, which
answers from the word's posting list alone. It reads hypatia 0.5's ``_wordinfo`` and
``_lexicon``; a phrase still goes through the scoring index (it needs word positions).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


class DocidsOnly:
    """Stands in for an Okapi index in ``tree.executeQuery``: sets of docids, no weights."""

    def __init__(self, okapi: Any) -> None:
        self._okapi = okapi
        self.family = okapi.family

    def _docids(self, wids: Iterable[int]) -> Any:
        IF = self.family.IF
        postings = self._okapi._wordinfo
        found = []
        for wid in wids:
            docs = postings.get(wid)  # {docid: frequency}: a dict while small, then a BTree
            if docs is not None:
                found.append(IF.Set(docs) if isinstance(docs, dict) else IF.multiunion([docs]))
        return IF.multiunion(found) if found else IF.Set()

    def search(self, term: str) -> Any:
        wids = self._okapi._lexicon.termToWordIds(term)
        return self._docids(wids) if wids else None  # None: a stop word, matches anything

    def search_glob(self, pattern: str) -> Any:
        return self._docids(self._okapi._lexicon.globToWordIds(pattern))

    def search_phrase(self, phrase: str) -> Any:
        return self._okapi.search_phrase(phrase)
