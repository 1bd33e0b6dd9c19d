"""Per-article columns for the overview: each article's date, source and actors, as arrays.

Built once per state of the index (a generation and its Whoosh commit) from the store and the
Whoosh document ids, and kept by `Columns.of`: every count of the overview is then a walk
over the document numbers of a match set, with no read of the store per article.

Dates keep their precision: `month` is 0 for an article dated only to the year, and `year` is
0 for an undated one.
"""

from __future__ import annotations

import threading
from array import array
from dataclasses import dataclass
from typing import TYPE_CHECKING

from whoosh.searching import Searcher

from index.cancel import Check

if TYPE_CHECKING:
    from index.store import Store

__all__ = ["Columns"]


@dataclass(frozen=True, slots=True)
class Columns:
    """What the overview reads of every article, by Whoosh document number (`year`, `month`,
    `source`, `actors`) and by the store's article number (`doc_of`)."""

    key: tuple[str, int]
    # By document number; -1 for a document number no article holds (deleted).
    article_n: array[int]
    year: array[int]
    month: array[int]
    source: array[int]  # an index into `sources`, -1 for none
    actors: list[tuple[int, ...]]  # indexes into `entities`, each article's distinct actors
    sources: list[str]
    entities: list[str]
    entity_index: dict[str, int]
    doc_of: dict[int, int]  # article number to document number
    articles: int  # how many live articles
    actor_articles: list[int]  # by entity index: how many live articles mention it
    # By document number: year * 12 + month - 1; YEAR_ONLY - year when dated only to a
    # year; UNDATED (so that one Counter over a match set gives the histogram).
    month_code: array[int]

    @staticmethod
    def of(
        searcher: Searcher, store: Store, generation: str, check: Check | None = None
    ) -> Columns:
        """The columns of the index as `searcher` reads it, built once and kept."""
        key = (generation, int(searcher.reader().generation()))
        with _LOCK:
            found = _KEPT.get(generation)
        if found is not None and found.key == key:
            return found
        built = _build(searcher, store, key, check)
        with _LOCK:
            _KEPT.clear()  # one state at a time: an older one is never read again
            _KEPT[generation] = built
        return built

    def period(self, doc: int, by: str) -> str | None:
        """The period of a document: `2015-06` (by month), `2015` (by year or dated only to
        the year), None when undated."""
        year = self.year[doc]
        if not year:
            return None
        month = self.month[doc]
        if by == "year" or not month:
            return f"{year:04d}"
        return f"{year:04d}-{month:02d}"


UNDATED = -1
YEAR_ONLY = -2  # minus the year: -2 - 2015 for an article dated 2015

_LOCK = threading.Lock()
_KEPT: dict[str, Columns] = {}


def _build(searcher: Searcher, store: Store, key: tuple[str, int], check: Check | None) -> Columns:
    db = store.db
    by_id: dict[str, tuple[int, int, int, int]] = {}
    sources: list[str] = []
    source_index: dict[str, int] = {}
    for n, aid, published, source in db.execute("SELECT n, id, published, source FROM articles"):
        year = month = 0
        if published:
            year = int(published[:4])
            month = int(published[5:7]) if len(published) >= 7 else 0
        code = -1
        if source:
            code = source_index.get(source, -1)
            if code < 0:
                code = source_index[source] = len(sources)
                sources.append(source)
        by_id[aid] = (n, year, month, code)
    if check is not None:
        check()
    entities: list[str] = []
    entity_index: dict[str, int] = {}
    per_article: dict[int, list[int]] = {}
    rows = db.execute("SELECT DISTINCT article, entity FROM mentions")
    for n, entity in rows:
        code = entity_index.get(entity, -1)
        if code < 0:
            code = entity_index[entity] = len(entities)
            entities.append(entity)
        per_article.setdefault(n, []).append(code)
    if check is not None:
        check()
    size = searcher.doc_count_all()
    article_n = array("l", [-1]) * size
    year_col = array("h", [0]) * size
    month_col = array("b", [0]) * size
    source_col = array("l", [-1]) * size
    actors: list[tuple[int, ...]] = [()] * size
    doc_of: dict[int, int] = {}
    reader = searcher.reader()
    for doc, stored in reader.iter_docs():
        found = by_id.get(stored.get("id", ""))
        if found is None:
            continue
        n, year, month, code = found
        article_n[doc], year_col[doc], month_col[doc], source_col[doc] = n, year, month, code
        actors[doc] = tuple(sorted(per_article.get(n, ())))
        doc_of[n] = doc
    month_code = array("l", [UNDATED]) * size
    for doc in doc_of.values():
        year, month = year_col[doc], month_col[doc]
        if year:
            month_code[doc] = year * 12 + month - 1 if month else YEAR_ONLY - year
    actor_articles = [0] * len(entities)
    for doc_actors in actors:
        for code in doc_actors:
            actor_articles[code] += 1
    return Columns(
        key,
        article_n,
        year_col,
        month_col,
        source_col,
        actors,
        sources,
        entities,
        entity_index,
        doc_of,
        len(doc_of),
        actor_articles,
        month_code,
    )
