"""The fast path: Whoosh's query execution, re-done for speed, with the same answers.

Measured on the 57,000-article benchmark (docs/performance.md), Whoosh spends most of a
search building matcher trees, stepping them one document at a time and unpickling
positions that scoring never uses. This package plans each segment's query as Whoosh would
build it (`plan.py`), scores every match of a node at once (`evaluate.py`), reads only a
block's ids and weights (`postings.py`), reads small parts of segment files into memory
(`storage.py`) and remembers looked-up words and expansions (`terms.py`). It reads about 35
private attributes of Whoosh: `shapes.py` checks each of them once, and the engine falls back
to plain Whoosh (`index/plain.py`) with a notice when one has changed.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.searching import Searcher

from index.cancel import Check, checked
from index.expansion import Budget
from index.fastpath.evaluate import ranked, segment_scores
from index.fastpath.storage import open_whoosh
from index.fastpath.terms import Expansions, expanding_once, open_searcher
from index.plain import ENV_PLAIN_WHOOSH, Answerer, PlainWhoosh, Ranked, Reading

__all__ = ["FastPath", "choose_answerer", "open_whoosh"]


class FastPath:
    """Answers as plain Whoosh does, faster; one per engine (it keeps expansions)."""

    name = "fast path"

    def __init__(self) -> None:
        self.expansions = Expansions()

    def open_index(self, path: Path) -> whoosh_index.Index:
        """The index, its files read rather than memory-mapped (see `open_whoosh`)."""
        return open_whoosh(path)

    def open_searcher(self, ix: whoosh_index.Index) -> Searcher:
        """A searcher that remembers looked-up words and average field lengths."""
        return open_searcher(ix)

    def prepare(self, q: wq.Query, budget: Budget) -> wq.Query:
        """`q` with its wildcard and fuzzy terms expanded once per segment within `budget`,
        and kept."""
        return expanding_once(q, self.expansions, budget)

    def rank(
        self, reading: Reading, q: wq.Query, limit: int, allow: wq.Query | None, check: Check | None
    ) -> Ranked:
        """Every match planned and scored at once per segment (see `evaluate.ranked`)."""
        searcher = reading.searcher
        allowed = None if allow is None else set(checked(searcher.docs_for_query(allow), check))
        return ranked(searcher, q, limit, allowed, reading.lengths, check)

    def matches(
        self, reading: Reading, q: wq.Query, allow: wq.Query | None, check: Check | None
    ) -> Iterator[list[int]]:
        """Each segment's matches scored block by block (`evaluate.segment_scores`), faster
        than walking Whoosh's matcher; the scores are dropped."""
        searcher = reading.searcher
        allowed = None if allow is None else set(checked(searcher.docs_for_query(allow), check))
        for _, offset, scores in segment_scores(searcher, q, allowed, reading.lengths, check):
            docs = sorted(scores)
            yield [d + offset for d in docs] if offset else docs

    def sort_by(
        self,
        reading: Reading,
        q: wq.Query,
        limit: int,
        field: str,
        reverse: bool,
        allow: wq.Query | None,
        check: Check | None,
    ) -> Ranked:
        """Every match planned at once per segment, sorted by a column (`datesort`)."""
        from index.fastpath.datesort import sorted_by_column

        searcher = reading.searcher
        allowed = None if allow is None else set(checked(searcher.docs_for_query(allow), check))
        return sorted_by_column(searcher, q, limit, field, reverse, allowed, reading.lengths, check)


def choose_answerer(index_root: Path | None = None) -> tuple[Answerer, str | None]:
    """The answerer for a new engine, and a notice when it is not the one expected: plain
    Whoosh when AFREADER_PLAIN_WHOOSH=1, or when an internal the fast path reads has changed
    shape (another Whoosh release or fork); else the fast path. `index_root` keeps the check's
    outcome for the next process."""
    from index.fastpath.shapes import shape_problems  # it imports this package

    if os.environ.get(ENV_PLAIN_WHOOSH, "").strip() not in ("", "0"):
        return PlainWhoosh(), None
    problems = shape_problems(index_root)
    if problems:
        return PlainWhoosh(), (
            "searching with plain Whoosh (slower): the installed Whoosh differs from the one "
            f"the fast path was written for ({problems[0]})"
        )
    return FastPath(), None
