"""Every article a query matches, as ids: for exports and saved searches' "new since" counts.

No snippet is made and no article is read: `ranked_ids` gives the ids in the order a search
shows them (with scores), `matching_ids` the set alone, as cheaply as the index allows
(ranked by the answerer, the fast path where it can, each document's stored id read once per
reader).
"""

from __future__ import annotations

import heapq
import operator
import threading
import weakref
from array import array
from collections.abc import Iterator
from contextlib import ExitStack
from typing import TYPE_CHECKING, Any

from index.cancel import Cancelled, Check, checked, checker
from index.errors import reads_index
from index.expansion import budget_for
from index.fastpath import FastPath
from index.fastpath.evaluate import segment_scores
from index.plain import Reading
from index.query import QueryError

if TYPE_CHECKING:
    from index.engine import Engine

__all__ = ["PAGE", "matching_ids", "ranked_ids", "ranked_pages"]

SORTS = ("relevance", "date")
# Ids read from the index at a time by `ranked_pages`.
PAGE = 500


@reads_index
def ranked_ids(
    engine: Engine,
    text: str,
    *,
    sort: str = "relevance",
    actor: str | None = None,
    cancelled: Cancelled | None = None,
) -> list[tuple[str, float | None]]:
    """Every matching article's id, in the order `Engine.search` gives them, with its score
    (None when sorted by date). Raises QueryError for a query that cannot be run."""
    _, pages = ranked_pages(engine, text, sort=sort, actor=actor, cancelled=cancelled)
    return [item for page in pages for item in page]


@reads_index
def ranked_pages(
    engine: Engine,
    text: str,
    *,
    sort: str = "relevance",
    actor: str | None = None,
    page: int = PAGE,
    cancelled: Cancelled | None = None,
) -> tuple[int, Iterator[list[tuple[str, float | None]]]]:
    """How many articles match, and their (id, score) pairs `page` at a time, in the order
    of `ranked_ids`: for exports, which write each page before reading the next. The order
    is kept as two arrays (8 bytes a match each) and each page's ids are read from the
    index as it is asked for, so what is held is never proportional to the matches in
    Python objects. Raises QueryError (at once) for a query that cannot be run."""
    if sort not in SORTS:
        raise QueryError(f"sort must be one of {', '.join(SORTS)}, not {sort!r}")
    check = checker(cancelled)
    if not text.strip() and actor is None:
        return engine.store.count(), _newest_pages(engine, page)
    compiled = engine.compile(text) if text.strip() else None
    q, kwargs = engine._whoosh_query(compiled, actor, sort)
    scored = compiled is not None and sort == "relevance"
    lease = ExitStack()  # the searcher is held until the last page is read
    reading = lease.enter_context(engine._reading())
    try:
        searcher = reading.searcher
        q = engine._answerer.prepare(q, budget_for(q, searcher, check, compiled))
        docs, scores = _order(engine, reading, q, kwargs, scored, check)
    except BaseException:
        lease.close()
        raise

    def pages() -> Iterator[list[tuple[str, float | None]]]:
        with lease:
            stored = searcher.stored_fields
            for first in range(0, len(docs), page):
                last = min(first + page, len(docs))
                yield [
                    (stored(docs[n])["id"], scores[n] if scored else None)
                    for n in range(first, last)
                ]

    return len(docs), pages()


def _order(
    engine: Engine,
    reading: Reading,
    q: Any,
    kwargs: dict[str, Any],
    scored: bool,
    check: Check | None,
) -> tuple[array[int], array[float]]:
    """Every match's document number and (when `scored`) score, in the search's order."""
    docs, scores = array("q"), array("d")
    if "sortedby" in kwargs or not isinstance(engine._answerer, FastPath):
        top, _ = engine._top(reading, q, max(1, engine.store.count()), kwargs, check)
        for docnum, score in top:
            docs.append(docnum)
            if scored:
                scores.append(score)
        return docs, scores
    # By score, as `fastpath.evaluate.ranked` orders them (score, then the lower document
    # number first), without its (score, docnum) pair per match: each segment's numbers are
    # sorted by score (a stable sort of the numbers in order keeps ties in order) into two
    # arrays as the segment is scored, and the segments, whose numbers do not overlap, merged.
    searcher = reading.searcher
    allow = kwargs.get("filter")
    allowed = None if allow is None else set(checked(searcher.docs_for_query(allow), check))
    runs = []
    for _, offset, segment in segment_scores(searcher, q, allowed, reading.lengths, check):
        numbers = sorted(segment)
        numbers.sort(key=segment.__getitem__, reverse=True)
        runs.append(
            (
                array("d", map(segment.__getitem__, numbers)),
                array("q", (d + offset for d in numbers)),
            )
        )
        del numbers, segment
    merged = heapq.merge(*(zip(map(operator.neg, s), d, strict=True) for s, d in runs))
    for negated, docnum in merged:
        docs.append(docnum)
        scores.append(-negated)
    return docs, scores


def _newest_pages(engine: Engine, page: int) -> Iterator[list[tuple[str, float | None]]]:
    ids = engine.store.ids_newest()
    for first in range(0, len(ids), page):
        yield [(article_id, None) for article_id in ids[first : first + page]]


@reads_index
def matching_ids(
    engine: Engine, text: str, actor: str | None = None, cancelled: Cancelled | None = None
) -> set[str]:
    """The ids of every article a query matches, in no order."""
    check = checker(cancelled)
    if not text.strip() and actor is None:
        return set(engine.store.hashes())
    compiled = engine.compile(text) if text.strip() else None
    q, kwargs = engine._whoosh_query(compiled, actor, "relevance")
    allow = kwargs.get("filter")
    with engine._reading() as reading:
        searcher = reading.searcher
        q = engine._answerer.prepare(q, budget_for(q, searcher, check, compiled))
        reader = searcher.reader()
        known = _known_ids(reader)
        found: set[str] = set()
        # A segment's matches at a time (`Answerer.matches`: neither ranked nor sorted, a count
        # needs neither), looked up in C (`map`); an id not yet known is read from the index once.
        for docs in engine._answerer.matches(reading, q, allow, check):
            ids = list(map(known.__getitem__, docs))
            if None in ids:
                for n, docnum in enumerate(docs):
                    if ids[n] is None:
                        ids[n] = known[docnum] = reader.stored_fields(docnum)["id"]
            found.update(ids)  # type: ignore[arg-type]
        return found


# Each reader's document numbers and the ids they hold (None: not read yet), filled as counts
# meet them: a reader's numbers never change (a changed index gets a new reader), so a saved
# search counted again, or another that matches the same articles, reads no stored field
# twice. Dropped with the reader.
_IDS: weakref.WeakKeyDictionary[Any, list[str | None]] = weakref.WeakKeyDictionary()
_IDS_LOCK = threading.Lock()


def _known_ids(reader: Any) -> list[str | None]:
    with _IDS_LOCK:
        known = _IDS.get(reader)
        if known is None:
            known = _IDS[reader] = [None] * reader.doc_count_all()
        return known
