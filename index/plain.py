"""Plain Whoosh answering a query: its own searcher, collectors and term readers.

The engine asks one of two answerers to open the index and rank a query: this one, or the
fast path (`index/fastpath/`), which gives the same rankings and totals faster by reading
Whoosh's files and matchers through their private parts. This one is what runs when
`AFREADER_PLAIN_WHOOSH=1` is set, or when the fast path finds that an internal it relies on
has changed shape (another Whoosh release or fork); it uses Whoosh's public API only.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from whoosh import collectors
from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.searching import Searcher

from index.cancel import Check, Checks, SortingCollector, checked
from index.expansion import Budget, bounded

__all__ = ["ENV_PLAIN_WHOOSH", "Answerer", "PlainWhoosh", "Reading", "sorted_top"]

# Set to 1 to answer every query with plain Whoosh.
ENV_PLAIN_WHOOSH = "AFREADER_PLAIN_WHOOSH"

Ranked = tuple[list[tuple[int, float]], int]


@dataclass(frozen=True, slots=True)
class Reading:
    """A Whoosh searcher and what an answerer learns through it (per segment and field)."""

    searcher: Searcher
    lengths: dict[int, dict[str, Any]] = field(default_factory=dict)

    def close(self) -> None:
        """Release the searcher's files."""
        self.searcher.close()


class Answerer(Protocol):
    """What the engine asks of a way to run queries: open, prepare, rank."""

    name: str

    def open_index(self, path: Path) -> whoosh_index.Index:
        """The Whoosh index in `path`, opened for reading."""

    def open_searcher(self, ix: whoosh_index.Index) -> Searcher:
        """A new searcher of `ix` as it now is."""

    def prepare(self, q: wq.Query, budget: Budget) -> wq.Query:
        """The query to run and highlight, its wildcard, prefix and fuzzy parts expanding
        within `budget` (the fast path keeps their words from one search to the next)."""

    def rank(
        self, reading: Reading, q: wq.Query, limit: int, allow: wq.Query | None, check: Check | None
    ) -> Ranked:
        """The first `limit` (docnum, score) pairs by score (ties: lower docnum first), only
        among the documents `allow` matches when given, and how many documents match."""

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
        """The first `limit` (docnum, sort key) pairs in the order of `field`'s column
        (`reverse`: largest first; ties as Whoosh's sorting collector orders them), only among
        the documents `allow` matches, and how many documents match."""

    def matches(
        self, reading: Reading, q: wq.Query, allow: wq.Query | None, check: Check | None
    ) -> Iterator[list[int]]:
        """Every matching document number, a segment's at a time (ascending within it),
        among the documents `allow` matches when given: neither ranked nor sorted (the
        counts of the overview and of saved searches need neither)."""


class _TopCollector(Checks, collectors.TopCollector):
    """Whoosh's top-N collector, with checks, scoring every match.

    Without block-quality skipping and matcher replacement: those make Whoosh's count
    inexact and can lose a document that belongs in the top N (a `britain` search lost its
    second-best hit)."""

    def __init__(self, limit: int, check: Check | None) -> None:
        super().__init__(limit=limit, usequality=False, replace=0)
        self.check = check


class PlainWhoosh:
    """Answers with Whoosh's public API only."""

    name = "plain Whoosh"

    def open_index(self, path: Path) -> whoosh_index.Index:
        """Whoosh's own opening (its files memory-mapped)."""
        return whoosh_index.open_dir(str(path), readonly=True)

    def open_searcher(self, ix: whoosh_index.Index) -> Searcher:
        """Whoosh's own searcher."""
        return ix.searcher()

    def prepare(self, q: wq.Query, budget: Budget) -> wq.Query:
        """The query, its expansions bounded (and walked again by every search)."""
        return bounded(q, budget)

    def rank(
        self, reading: Reading, q: wq.Query, limit: int, allow: wq.Query | None, check: Check | None
    ) -> Ranked:
        """Whoosh's top-N collector over every match."""
        collector: Any = _TopCollector(max(1, limit), check)
        if allow is not None:
            collector = collectors.FilterCollector(collector, allow=allow)
        reading.searcher.search_with_collector(q, collector)
        top = [(docnum, score) for score, docnum in collector.results().top_n[: max(0, limit)]]
        return top, collector.count()

    def matches(
        self, reading: Reading, q: wq.Query, allow: wq.Query | None, check: Check | None
    ) -> Iterator[list[int]]:
        """Whoosh's matcher walked over the whole index."""
        searcher = reading.searcher
        matched = checked(searcher.docs_for_query(q), check)
        if allow is None:
            yield list(matched)
            return
        allowed = set(checked(searcher.docs_for_query(allow), check))
        yield [d for d in matched if d in allowed]

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
        """Whoosh's sorting collector."""
        return sorted_top(reading, q, limit, field, reverse, allow, check)


def sorted_top(
    reading: Reading,
    q: wq.Query,
    limit: int,
    sortedby: Any,
    reverse: bool,
    allow: wq.Query | None,
    check: Check | None,
) -> Ranked:
    """The first `limit` (docnum, sort key) pairs sorted by a field, and how many match
    (Whoosh's sorting collector, whichever answerer ranks by score)."""
    collector: Any = SortingCollector(sortedby, max(1, limit), reverse, check)
    if allow is not None:
        collector = collectors.FilterCollector(collector, allow=allow)
    reading.searcher.search_with_collector(q, collector)
    top = [(docnum, score) for score, docnum in collector.results().top_n[:limit]]
    return top, collector.count()
