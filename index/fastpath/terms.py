"""What the fast path remembers: each segment's looked-up words, wildcard and fuzzy expansions,
the fields' average lengths.
"""

from __future__ import annotations

import copy
import threading
from collections import OrderedDict
from typing import Any

from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.codec.whoosh3 import W3TermsReader
from whoosh.reading import TermNotFound
from whoosh.searching import Searcher

from index.expansion import Budget, Expansion

__all__ = ["Expansions", "TermCache", "expanding_once", "open_searcher"]

# How many (segment, wildcard or fuzzy term) expansions an engine keeps.
EXPANSIONS_KEPT = 256


class Expansions:
    """The words each wildcard or fuzzy term stands for in each segment, kept across searches
    and threads: a segment's words never change (deleting articles leaves them), so the
    article opened from a `goverment~` search does not walk every term index again.

    Kept with the shares of the bounds they were found within (`index/expansion.py`), and
    whether those cut them short, so that a search finds the same words, and says the same,
    whether they are kept or walked."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._words: OrderedDict[tuple[str, str, tuple[int, int]], Expansion] = OrderedDict()

    def of(self, q: wq.MultiTerm, reader: Any, budget: Budget) -> list[bytes]:
        """The words `q` stands for in `reader`, within `budget`."""
        segment = getattr(reader, "segment", None)
        if segment is None:  # not one segment's reader: nothing to key the words by
            return budget.expand(q, reader)

        def kept_or_walked() -> Expansion:  # once per search: the budget remembers it
            key = (segment().segment_id(), repr(q), budget.shares(reader))
            with self._lock:
                kept = self._words.get(key)
                if kept is not None:
                    self._words.move_to_end(key)
                    return kept
            walked = budget.walk(q, reader)
            with self._lock:
                self._words[key] = walked
                while len(self._words) > EXPANSIONS_KEPT:
                    self._words.popitem(last=False)
            return walked

        return budget.expand(q, reader, kept_or_walked)


def expanding_once(q: wq.Query, expansions: Expansions, budget: Budget) -> wq.Query:
    """A copy of `q` whose wildcard and fuzzy terms expand once per segment, within `budget`.

    Whoosh expands such a term when it builds the matcher, again to estimate its size, and
    the highlighter a third time; each expansion walks the segment's term index (for a
    fuzzy term, half a second on 57k articles). The copy takes each segment's words from
    `expansions`, which keeps them for later searches too.
    """
    if isinstance(q, wq.MultiTerm):
        part = copy.copy(q)
        part._btexts = lambda reader: expansions.of(part, reader, budget)
        return part
    # `apply` rebuilds a compound node from its subqueries and boost only: an Or's `scale`,
    # a DisjunctionMax's tiebreak or an Ordered's slop would be lost. The query compiler
    # makes none of those (tests/test_search.py compares every ranking with Whoosh's).
    return q.apply(lambda child: expanding_once(child, expansions, budget))


# How many looked-up words each segment reader remembers (a search looks each of its words up
# several times in every segment: to plan, to score, to open its postings).
TERMS_KEPT = 4096


class TermCache:
    """A segment's term index (Whoosh's W3TermsReader) that remembers the words looked up.

    Whoosh looks a word up in a segment's hash table each time it is asked (its document
    frequency to plan, whether the segment holds it, its postings to open): six times per
    word and segment in a search of 25 segments, each a dozen small reads. A segment's words
    never change, so each answer is kept, for as long as the searcher lives.
    """

    def __init__(self, terms: Any) -> None:
        self._terms = terms
        self._infos: dict[tuple[str, bytes], Any] = {}

    def __getattr__(self, name: str) -> Any:  # everything else, as Whoosh does it
        return getattr(self._terms, name)

    def _info(self, fieldname: str, tbytes: bytes) -> Any:
        key = (fieldname, tbytes)
        try:
            return self._infos[key]
        except KeyError:
            pass
        try:
            info = self._terms.term_info(fieldname, tbytes)
        except TermNotFound:
            info = None
        if len(self._infos) >= TERMS_KEPT:
            self._infos.clear()
        self._infos[key] = info
        return info

    def __contains__(self, term: tuple[str, bytes]) -> bool:
        return self._info(*term) is not None

    def term_info(self, fieldname: str, tbytes: bytes) -> Any:
        info = self._info(fieldname, tbytes)
        if info is None:
            raise TermNotFound(f"No term {fieldname}:{tbytes!r}")
        # A copy: Whoosh's MultiReader.term_info shifts the document ids of the one it gets.
        return copy.copy(info)

    # For a word the segment does not hold, these two raise KeyError, as Whoosh's do.
    def frequency(self, fieldname: str, tbytes: bytes) -> Any:
        info = self._info(fieldname, tbytes)
        if info is None:
            raise KeyError((fieldname, tbytes))
        return info.weight()

    def doc_frequency(self, fieldname: str, tbytes: bytes) -> Any:
        info = self._info(fieldname, tbytes)
        if info is None:
            raise KeyError((fieldname, tbytes))
        return info.doc_frequency()

    def matcher(self, fieldname: str, tbytes: bytes, format_: Any, scorer: Any = None) -> Any:
        return self._terms._codec.postings_reader(
            self._terms._postfile,
            self.term_info(fieldname, tbytes),
            format_,
            term=(fieldname, tbytes),
            scorer=scorer,
        )


def open_searcher(ix: whoosh_index.Index) -> Searcher:
    """A Whoosh searcher whose segments remember the words looked up in them, and which
    computes each field's average length once (Whoosh sums it over every segment for every
    term of every segment a search scores)."""
    searcher = ix.searcher()
    for subsearcher, _ in searcher.leaf_searchers():
        reader = subsearcher.reader()
        if type(getattr(reader, "_terms", None)) is W3TermsReader:
            reader._terms = TermCache(reader._terms)
    # Every field's, now (a closure over the searcher itself would be a reference cycle).
    averages = {name: searcher.avg_field_length(name) for name in searcher.schema.names()}

    def avg_field_length(fieldname: str, default: Any = None) -> Any:
        average = averages.get(fieldname)  # None: not a scored field
        return default if average is None else average

    searcher.avg_field_length = avg_field_length
    return searcher
