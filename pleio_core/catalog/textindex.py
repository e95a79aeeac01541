"""The full-text index of a site: hypatia's, shaped so that writes at once do not conflict.

Two requests that commit at once and each index a text with a word the site has not seen
yet (a name, a number, a file name: most writes bring one) conflict twice in hypatia's
own text index, and neither conflict can be resolved, so they come back on every retry
while writes keep coming (tests/test_durability.py found an upload refused with a 500
after 20 attempts):

- its lexicon counts word ids up, so both new words take the same next id;
- its index keeps the documents of a word seen in fewer than ten of them in a plain dict
  inside the word → documents BTree, and two changes to dicts in one bucket cannot be
  merged.

So new word ids start from a random point per connection and count up from there (as
``SiteCatalog`` does for docids), and every word's documents are a BTree of their own,
whose changes by two transactions merge like any BTree's. Scores, search and the stored
format of everything else are hypatia's. The price: one more small persistent object
per distinct word (a rare word in a query loads one more object).
"""

from __future__ import annotations

from typing import Any

from hypatia.text import TextIndex
from hypatia.text.lexicon import CaseNormalizer, Lexicon, Splitter, StopWordRemover
from hypatia.text.okapiindex import OkapiIndex

from .ids import spread_id

#: Word ids are below this: hypatia's widcode encodes at most 28 bits.
MAX_WID = 2**28


class SpreadLexicon(Lexicon):
    """hypatia's lexicon with its default pipeline; new words' ids spread out."""

    _v_next_wid: int | None = None

    def __init__(self) -> None:
        super().__init__(Splitter(), CaseNormalizer(), StopWordRemover())

    def _new_wid(self) -> int:
        self.word_count.change(1)  # (still the number of words; no longer the last id)
        return spread_id(self, "_v_next_wid", self._words, MAX_WID)


class MergingOkapiIndex(OkapiIndex):
    """hypatia's Okapi BM25 index, with every word's documents in a BTree of its own."""

    def _add_wordinfo(self, wid: int, f: float, docid: int) -> None:
        self._mass_add_wordinfo({wid: f}, docid)

    def _mass_add_wordinfo(self, wid2weight: dict[int, float], docid: int) -> None:
        new_words = 0
        for wid, weight in wid2weight.items():
            doc2score = self._wordinfo.get(wid)
            new_words += doc2score is None
            if not isinstance(doc2score, self.family.IF.BTree):  # none yet, or hypatia's dict
                doc2score = self._wordinfo[wid] = self.family.IF.BTree(doc2score or {})
            doc2score[docid] = weight
        self.word_count.change(new_words)


def make_text_index(discriminator: str, family: Any) -> TextIndex:
    lexicon = SpreadLexicon()
    index = MergingOkapiIndex(lexicon, family=family)
    return TextIndex(discriminator, lexicon=lexicon, index=index, family=family)
