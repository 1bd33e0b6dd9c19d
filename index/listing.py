"""Every article a query matches, as ids: for exports and saved searches' "new since" counts.

No snippet is made and no article is read: `ranked_ids` gives the ids in the order a search
shows them (with scores), `matching_ids` the set alone, as cheaply as the index allows
(ranked by the answerer, the fast path where it can, each document's stored id read once per
reader).
"""

from __future__ import annotations

import threading
import weakref
from typing import TYPE_CHECKING, Any

from index.cancel import Cancelled, checker
from index.errors import reads_index
from index.expansion import budget_for
from index.query import QueryError

if TYPE_CHECKING:
    from index.engine import Engine

__all__ = ["matching_ids", "ranked_ids"]

SORTS = ("relevance", "date")


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
    if sort not in SORTS:
        raise QueryError(f"sort must be one of {', '.join(SORTS)}, not {sort!r}")
    check = checker(cancelled)
    if not text.strip() and actor is None:
        return [(article_id, None) for article_id in engine.store.ids_newest()]
    compiled = engine.compile(text) if text.strip() else None
    q, kwargs = engine._whoosh_query(compiled, actor, sort)
    scored = compiled is not None and sort == "relevance"
    with engine._reading() as reading:
        searcher = reading.searcher
        q = engine._answerer.prepare(q, budget_for(q, searcher, check, compiled))
        top, _ = engine._top(reading, q, max(1, engine.store.count()), kwargs, check)
        return [
            (searcher.stored_fields(docnum)["id"], score if scored else None)
            for docnum, score in top
        ]


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
    # Ranked by the answerer (the fast path scores block by block, faster than walking
    # Whoosh's matcher), never sorted by a field: the order is not wanted.
    unsorted = {"filter": kwargs["filter"]} if "filter" in kwargs else {}
    with engine._reading() as reading:
        searcher = reading.searcher
        q = engine._answerer.prepare(q, budget_for(q, searcher, check, compiled))
        top, _ = engine._top(reading, q, max(1, engine.store.count()), unsorted, check)
        reader = searcher.reader()
        known = _known_ids(reader)
        found = set()
        for docnum, _score in top:
            article_id = known.get(docnum)
            if article_id is None:
                article_id = known[docnum] = reader.stored_fields(docnum)["id"]
            found.add(article_id)
        return found


# Each reader's document numbers and the ids they hold, filled as counts meet them: a reader's
# numbers never change (a changed index gets a new reader), so a saved search counted again,
# or another that matches the same articles, reads no stored field twice. Dropped with the
# reader.
_IDS: weakref.WeakKeyDictionary[Any, dict[int, str]] = weakref.WeakKeyDictionary()
_IDS_LOCK = threading.Lock()


def _known_ids(reader: Any) -> dict[int, str]:
    with _IDS_LOCK:
        known = _IDS.get(reader)
        if known is None:
            known = _IDS[reader] = {}
        return known
