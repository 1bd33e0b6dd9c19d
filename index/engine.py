"""The search engine one corpus gets: open (building or updating the index), search, mentions.

The app, the command line, the tests and the benchmark all use this class; it never imports
Textual. Its methods are safe to call from several threads at once (each search borrows its
own Whoosh searcher and SQLite connection).

Queries are answered by the fast path (`index/fastpath/`) or, with `AFREADER_PLAIN_WHOOSH=1`
or when the fast path finds a Whoosh internal changed, by plain Whoosh (`index/plain.py`):
the same rankings, totals and highlights either way.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.searching import Searcher

from corpus import BUNDLED_ARTICLES, Gazetteer, Problem
from index.build import Indexer, ProgressCallback, UpdateReport
from index.cancel import Cancelled, Check, SearchCancelled, checked, checker
from index.curate import Applied, affected_articles, apply_gazetteer
from index.errors import EngineError, IndexDamaged, reads_index
from index.expansion import budget_for
from index.fastpath import choose_answerer, open_whoosh
from index.gazcache import cached_gazetteer
from index.highlight import Highlighter, page_hits
from index.kwic import KwicLine
from index.lexicon import Lexicons, words_folder
from index.mentions_reader import EntityStats, MentionsReader
from index.paths import expand_user, index_dir_for
from index.plain import Answerer, Reading
from index.pool import Pool
from index.query import CompiledQuery, QueryCompiler, QueryError
from index.records import Hit, Mention, SearchResults, make_snippet
from index.store import Store, StoredArticle

__all__ = [
    "Engine",
    "EngineError",
    "EntityStats",
    "Hit",
    "KwicLine",
    "SearchCancelled",
    "SearchResults",
]

SORTS = ("relevance", "date")


class Engine(MentionsReader):
    """Search and mentions over the index of one corpus."""

    def __init__(
        self,
        corpus: Path | None = None,
        index_root: Path | None = None,
        gazetteer: Gazetteer | None = None,
        procs: int = 1,
    ) -> None:
        self.corpus = expand_user(corpus or BUNDLED_ARTICLES)
        self.index_root = None if index_root is None else expand_user(index_root)
        self.root = index_dir_for(self.corpus, self.index_root)
        if gazetteer is None:
            gazetteer, problems = cached_gazetteer(None, self.root.parent)
            self.gazetteer_problems = problems
        else:
            self.gazetteer_problems = list(gazetteer.layer_problems)
        self.gazetteer = gazetteer
        self.indexer = Indexer(self.corpus, self.root, gazetteer, procs=procs)
        self._lock = threading.Lock()
        # Not `searcher.refresh()` when the index changed: Whoosh 2.7 then reuses the old
        # segment readers, with their old deletions, and keeps segments merged away, so a
        # changed article is found twice. A searcher that is not up to date is closed.
        self._readings: Pool[Reading] = Pool(
            self._open_reading, Reading.close, fresh=lambda r: r.searcher.up_to_date()
        )
        self.notices: list[str] = []
        self._chosen: Answerer | None = None
        self._ix: whoosh_index.Index | None = None
        self._store: Store | None = None
        self._lexicons: Lexicons | None = None  # the open generation's word lists
        self._compiler: QueryCompiler | None = None
        self._generation_path: Path | None = None

    @property
    def answerer(self) -> str:
        """Which way queries are answered: "fast path" or "plain Whoosh"."""
        return self._answerer.name

    @property
    def _answerer(self) -> Answerer:
        """Plain Whoosh when AFREADER_PLAIN_WHOOSH=1 or when the fast path cannot be trusted
        (said in `notices`), else the fast path; chosen when first needed, so that the
        start-up check (`is_fresh`) does not pay for the fast path's own check."""
        if self._chosen is None:
            self._chosen, notice = choose_answerer(self.root.parent)
            if notice:
                self.notices.append(notice)
        return self._chosen

    # --- lifecycle ------------------------------------------------------------------------

    def prepare_root(self) -> None:
        """Make sure the index folder can be written; if not, fall back to a temporary one
        (said in `notices`). See `index.lifecycle.prepare_root`."""
        from index.lifecycle import prepare_root

        if (notice := prepare_root(self)) is not None:
            self.notices.append(notice)

    def is_fresh(self) -> bool:
        """The cheap start-up check: is the index there, whole and current?"""
        from index.lifecycle import is_fresh

        return is_fresh(self)

    def update(
        self, progress: ProgressCallback | None = None, rebuild: bool = False
    ) -> UpdateReport:
        """Build, resume or refresh the index in this process, then (re)open it; raises
        IndexBusy when another process is updating it."""
        from index.lifecycle import update_index

        self.prepare_root()
        report = update_index(self, progress, rebuild=rebuild)
        self.notices.extend(report.notices)
        if report.repaired:
            self.notices.append(f"{report.repaired}; it was rebuilt")
        self.reopen()
        return report

    def open(self, progress: ProgressCallback | None = None) -> UpdateReport | None:
        """Open the index, updating it first (in this process) unless it is fresh; None when
        nothing was done. What `index.lifecycle.open_index` said is added to `notices`.

        When another process is updating the index, opens the last complete one.
        """
        from index.lifecycle import open_index

        opened = open_index(self, progress, subprocess=False)
        self.notices.extend(opened.notices)
        if opened.warning:
            self.notices.append(opened.warning)
        return opened.report

    def reopen(self) -> None:
        """Open the current generation (after an update, or another process's)."""
        generation = self.indexer.current()
        if generation is None:
            raise EngineError(f"no index of {self.corpus} yet in {self.root}")
        with self._lock:
            if generation.path == self._generation_path and self._ix is not None:
                # Searchers open the files of the segments they read, and close them only when
                # closed: the next search opens the index as it now is.
                self._readings.clear()
                return
            # The new generation is opened before the old one is let go: a search on another
            # thread meanwhile reads the old one, never an engine with no index open.
            ix: whoosh_index.Index | None = None
            store: Store | None = None
            try:
                ix = self._answerer.open_index(generation.whoosh_dir)
                store = Store(generation.store_path)
                store.count()  # the store opens lazily: read it once now
                compiler = QueryCompiler(ix.schema, self.gazetteer)
            except Exception as error:  # any way Whoosh or SQLite fails to read it is damage
                for opened in (store, ix):
                    if opened is not None:
                        opened.close()
                self.close()
                raise IndexDamaged.of(error) from None
            old_ix, old_store = self._ix, self._store
            self._ix, self._store, self._compiler = ix, store, compiler
            self._lexicons = Lexicons(words_folder(generation.path))
            self._generation_path = generation.path
            self._readings.clear()
            if old_store is not None:
                old_store.close()
            if old_ix is not None:
                old_ix.close()

    def close(self) -> None:
        """Release the index files."""
        self._readings.clear()
        if self._store is not None:
            self._store.close()
        if self._ix is not None:
            self._ix.close()
        self._ix = self._store = None
        self._generation_path = None

    def apply_gazetteer(
        self,
        new: Gazetteer,
        commit: Callable[[], None] | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> Applied:
        """Apply a changed gazetteer in place, crash-safe (`index.curate`); `commit` runs once
        the change is journaled (it writes the overlay). Raises IndexBusy when busy."""
        generation = self.indexer.current()
        if generation is None or self._ix is None:
            raise EngineError("the index is not open")
        ids = affected_articles(self._ix, self.gazetteer, new)
        applied = apply_gazetteer(generation, self.gazetteer, new, ids, commit, progress)
        self.gazetteer = new
        self.gazetteer_problems = list(new.layer_problems)
        self.indexer = Indexer(self.corpus, self.root, new, procs=self.indexer.procs)
        with self._lock:
            self._readings.clear()
            self._compiler = QueryCompiler(self._ix.schema, new)
        return applied

    @property
    def lexicons(self) -> Lexicons | None:
        """The open generation's word lists and counts, kept beside it (None: not open)."""
        return self._lexicons

    @property
    def generation_path(self) -> Path | None:
        """The folder of the generation being read (None when the index is not open)."""
        return self._generation_path

    @property
    def store(self) -> Store:
        """The document and mention store."""
        if self._store is None:
            raise EngineError("the index is not open")
        return self._store

    @property
    def compiler(self) -> QueryCompiler:
        """The query compiler for this index and gazetteer."""
        if self._compiler is None:
            raise EngineError("the index is not open")
        return self._compiler

    def searcher(self) -> Searcher:
        """A new Whoosh searcher of the index as it now is, the caller's to close (for
        inspection; the engine's own searches borrow pooled ones, see `searching`)."""
        self._follow_rebuild()
        assert self._ix is not None
        return self._answerer.open_searcher(self._ix)

    @contextmanager
    def searching(self) -> Iterator[Searcher]:
        """A searcher of the index as it now is, for the `with` block (Whoosh's API, for
        inspection: the engine's own searches borrow one as this does)."""
        with self._reading() as reading:
            yield reading.searcher

    def reading(self) -> contextlib.AbstractContextManager[Reading]:
        """A searcher and what is learnt through it, lent for the `with` block (for
        `matching`, whose document numbers belong to that searcher)."""
        return self._reading()

    @contextmanager
    def _reading(self) -> Iterator[Reading]:
        """A searcher and the field lengths read through it, lent for one search."""
        self._follow_rebuild()
        with self._readings.lease() as reading:
            yield reading

    def _follow_rebuild(self) -> None:
        if self._ix is None:
            raise EngineError("the index is not open")
        if self.indexer.pointed_at() != self._generation_path:
            # Another process finished a rebuild: read the new generation (the old one is
            # being deleted; files this process has open stay readable until then).
            self.reopen()

    def _open_reading(self) -> Reading:
        if self._ix is None:
            raise EngineError("the index is not open")
        try:
            return Reading(self._answerer.open_searcher(self._ix))
        except Exception:
            # Another process's rebuild can finish between `_follow_rebuild`'s look at the
            # pointer and here, and delete the generation this engine reads: read the new one.
            if self.indexer.pointed_at() == self._generation_path:
                raise
        self.reopen()
        assert self._ix is not None
        return Reading(self._answerer.open_searcher(self._ix))

    # --- reading --------------------------------------------------------------------------

    @reads_index
    def problems(self) -> list[Problem]:
        """Every problem met loading the corpus and the gazetteer."""
        return [*self.gazetteer_problems, *self.store.problems()]

    @reads_index
    def article(self, article_id: str) -> StoredArticle | None:
        """One article by id."""
        return self.store.article(article_id)

    @reads_index
    def mentions_in(self, article: StoredArticle) -> list[Mention]:
        """The mentions in an article, in reading order."""
        return self.store.mentions_in(article.n)

    def compile(self, text: str) -> CompiledQuery:
        """Parse a query; raises QueryError."""
        return self.compiler.compile(text)

    @reads_index
    def search(
        self,
        text: str,
        *,
        offset: int = 0,
        limit: int = 20,
        sort: str = "relevance",
        actor: str | None = None,
        cancelled: Cancelled | None = None,
    ) -> SearchResults:
        """A page of results. An empty query lists every article, newest first.

        `actor` (an entity id) keeps only the articles that mention it. The total is counted
        in the same pass that ranks the hits, so it is always exact. `cancelled`, when given,
        is called every few hundred matching documents (and between the steps of the work):
        once it returns True the search stops with SearchCancelled.
        Raises QueryError for a query that cannot be run.
        """
        if sort not in SORTS:
            raise QueryError(f"sort must be one of {', '.join(SORTS)}, not {sort!r}")
        started = time.perf_counter()
        check = checker(cancelled)
        if check is not None:
            check()
        if not text.strip() and actor is None:
            newest = self.store.newest(offset, limit)
            hits = [Hit(a, None, make_snippet(a.article.body, []), ()) for a in newest]
            return SearchResults(
                text, "date", self.count(), offset, hits, time.perf_counter() - started
            )
        compiled = self.compile(text) if text.strip() else None
        q, kwargs = self._whoosh_query(compiled, actor, sort)
        with self._reading() as reading:
            searcher = reading.searcher
            budget = budget_for(q, searcher, check, compiled, self._lexicons)
            q = self._answerer.prepare(q, budget)
            top, total = self._top(reading, q, offset + limit, kwargs, check)
            entity_ids: set[str] = (
                set(compiled.entity_ids | compiled.filter_ids) if compiled else set()
            )
            if actor is not None:
                entity_ids.add(actor)
            # Sorted by date, Whoosh gives the sort key as the score: no score then.
            scored = compiled is not None and sort == "relevance"
            page = [(d, score if scored else None) for d, score in top[offset : offset + limit]]
            hits = page_hits(self.store, searcher, q, page, entity_ids, check)
            shown_sort = "date" if (sort == "date" or compiled is None) else "relevance"
            return SearchResults(
                text,
                shown_sort,
                total,
                offset,
                hits,
                time.perf_counter() - started,
                actor,
                budget.notices(),
            )

    def _top(
        self,
        reading: Reading,
        q: wq.Query,
        limit: int,
        kwargs: dict[str, Any],
        check: Check | None,
    ) -> tuple[list[tuple[int, float]], int]:
        """The first `limit` (docnum, score) pairs in order, and how many documents match:
        by score, the answerer's; by a field, Whoosh's sorting collector."""
        allow = kwargs.get("filter")
        if "sortedby" not in kwargs:
            return self._answerer.rank(reading, q, limit, allow, check)
        return self._answerer.sort_by(
            reading, q, limit, kwargs["sortedby"], kwargs.get("reverse", False), allow, check
        )

    @reads_index
    def count(
        self, text: str = "", actor: str | None = None, cancelled: Cancelled | None = None
    ) -> int:
        """How many articles match a query; with no query, how many the index holds.

        `cancelled` works as in `search`.
        """
        check = checker(cancelled)
        if check is not None:
            check()
        if not text.strip() and actor is None:
            return self.store.count()
        compiled = self.compile(text) if text.strip() else None
        q, kwargs = self._whoosh_query(compiled, actor, "relevance")
        allowed = kwargs.get("filter")
        with self.searching() as searcher:
            q = self._answerer.prepare(q, budget_for(q, searcher, check, compiled, self._lexicons))
            matched = checked(searcher.docs_for_query(q), check)
            if allowed is None:
                return sum(1 for _ in matched)
            keep = set(checked(searcher.docs_for_query(allowed), check))
            return sum(1 for docnum in matched if docnum in keep)

    @reads_index
    def matching(
        self,
        reading: Reading,
        text: str,
        actor: str | None = None,
        cancelled: Cancelled | None = None,
    ) -> list[int]:
        """Every document number, in `reading`'s searcher (from `reading()`), of the articles
        a query matches (the whole match set, as `count` counts it; an empty query: every
        article), ascending within each segment. For the overview's counts
        (`index/overview/`), which map document numbers to their own columns."""
        check = checker(cancelled)
        if not text.strip() and actor is None:
            return list(checked(reading.searcher.reader().all_doc_ids(), check))
        compiled = self.compile(text) if text.strip() else None
        q, kwargs = self._whoosh_query(compiled, actor, "relevance")
        q = self._answerer.prepare(q, budget_for(q, reading.searcher, check, compiled))
        allow = kwargs.get("filter")
        docs: list[int] = []
        for segment in self._answerer.matches(reading, q, allow, check):
            docs += segment
        return docs

    @staticmethod
    def _whoosh_query(
        compiled: CompiledQuery | None, actor: str | None, sort: str
    ) -> tuple[wq.Query, dict[str, object]]:
        q: wq.Query = compiled.query if compiled else wq.Term("actor", actor)
        kwargs: dict[str, object] = {}
        if actor is not None and compiled is not None:
            kwargs["filter"] = wq.Term("actor", actor)
        if sort == "date" or compiled is None:
            kwargs.update(sortedby="published", reverse=True)
        return q, kwargs

    @reads_index
    def highlights(self, text: str, article: StoredArticle) -> dict[str, list[tuple[int, int]]]:
        """The query's hits in an article's title and body, as character spans."""
        if not text.strip():
            return {"title": [], "body": []}
        compiled = self.compile(text)
        entity_ids = compiled.entity_ids | compiled.filter_ids
        mentions = self.store.mentions_in(article.n, entity_ids) if entity_ids else []
        with self.searching() as searcher:
            docnum = searcher.document_number(id=article.article.id)
            if docnum is None:
                return {"title": [], "body": []}
            budget = budget_for(compiled.query, searcher, None, compiled, self._lexicons)
            q = self._answerer.prepare(compiled.query, budget)
            highlighter = Highlighter(searcher, q, entity_ids)
            title, body = highlighter.page(
                [
                    (docnum, "title", article.article.title, mentions),
                    (docnum, "body", article.article.body, mentions),
                ]
            )
        return {"title": title, "body": body}


def open_engine(
    corpus: Path | None = None,
    index_root: Path | None = None,
    progress: ProgressCallback | None = None,
) -> Engine:
    """An engine with its index built or brought up to date."""
    engine = Engine(corpus, index_root)
    engine.open(progress)
    return engine


__all__ += ["QueryError", "open_engine", "open_whoosh"]
