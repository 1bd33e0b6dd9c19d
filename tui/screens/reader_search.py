"""Searching, for the reader screen: the query's state turned into searches, results and the
status beside the box.

A search runs in a thread worker that a newer one cancels; the handler drops results that are
not for the query in the box (an older query, or one a pending keystroke is about to replace).
A search still running after `BUSY_DELAY` says so in the status, and the status only ever
counts the query it is shown beside.
"""

from __future__ import annotations

from contextlib import suppress
from typing import TYPE_CHECKING

from textual import on, work
from textual.timer import Timer
from textual.widgets import Input
from textual.worker import get_current_worker

from tui.messages import SearchFailed, SearchFinished, SearchKey, Target
from tui.navigation import query_actor
from tui.opening import EngineFactory, Location, fetch_page
from tui.screens.reader_base import Preferences, ReaderBase
from tui.widgets.results import ResultsList
from tui.widgets.search_bar import SearchBar

if TYPE_CHECKING:
    from index import Engine, SearchResults

__all__ = ["BUSY_DELAY", "SearchingReader"]

# A search still running after this long says so (a quicker one would only flicker).
BUSY_DELAY = 0.15


class SearchingReader(ReaderBase):
    """The reader's searches: what to search, when, and what the results say."""

    def __init__(
        self,
        make_engine: EngineFactory,
        location: Location,
        preferences: Preferences | None = None,
    ) -> None:
        super().__init__(make_engine, location, preferences)
        self._hits_query = ""
        self._sorted_by = "date"
        self._busy_timer: Timer | None = None
        self._held: SearchFinished | None = None

    def _update_position(self) -> None:
        raise NotImplementedError

    def record_search(self, results: SearchResults) -> None:
        """A search's first page is drawn (the workbench keeps it in the history)."""

    # --- searching --------------------------------------------------------------------------

    @on(SearchBar.QueryChanged)
    def _query_changed(self, message: SearchBar.QueryChanged) -> None:
        held, self._held = self._held, None
        if held is not None and message.query == self.query_text:
            self._search_finished(held)  # typed and undone while its results arrived
        self.query_text = message.query  # its watcher searches when it changed
        if self.engine is None and message.query.strip():
            self.search_bar.show_status(
                f"the index is being built: {message.query!r} is searched when it is ready"
            )
        if message.submitted:
            self.results.focus()

    def watch_query_text(self) -> None:
        self._search_now()

    def watch_sort(self) -> None:
        self._search_now()

    def watch_actor_filter(self, entity_id: str | None) -> None:
        entity = self.engine.entity(entity_id) if (self.engine and entity_id) else None
        self.search_bar.show_filter(entity.name if entity else entity_id)
        self._search_now()

    def _key(self) -> SearchKey:
        return SearchKey(self.query_text, self.sort, self.actor_filter)

    def _wanted(self, key: SearchKey | None) -> bool:
        """Results are for the query in the box: not for an older one, and not while a newer
        keystroke waits for its debounce (the box would show one query, the list another)."""
        return key == self._key() and not self.search_bar.pending

    def _search_now(self) -> None:
        if self.engine is None:
            return
        self.workers.cancel_group(self, "page")  # pages of the previous results
        key = self._key()
        if self._busy_timer is not None:
            self._busy_timer.stop()
        self._busy_timer = self.set_timer(BUSY_DELAY, lambda: self._still_searching(key))
        self._search(self.engine, key)

    def _still_searching(self, key: SearchKey) -> None:
        """A slow search says so, instead of leaving the last query's count beside this one."""
        self._busy_timer = None
        if key == self._key():
            self.search_bar.show_busy(key.query)

    def _searched(self) -> None:
        if self._busy_timer is not None:
            self._busy_timer.stop()
            self._busy_timer = None
        self.search_bar.show_busy(None)

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def _search(self, engine: Engine, key: SearchKey) -> None:
        """Search in a worker. A newer keystroke cancels this worker, and the engine, which
        asks `is_cancelled` every few hundred matches, stops a slow query part-way."""
        from index import QueryError, SearchCancelled

        worker = get_current_worker()
        try:
            results = fetch_page(engine, key, cancelled=lambda: worker.is_cancelled)
            if worker.is_cancelled:
                return
            self.post_message(SearchFinished(key, results))
        except QueryError as error:
            if not worker.is_cancelled:
                self.post_message(SearchFailed(key, str(error)))
        except SearchCancelled:
            return

    @on(SearchFinished)
    def _search_finished(self, message: SearchFinished) -> None:
        if not self._wanted(message.key):
            if message.key == self._key() and message.results.offset == 0:
                self._held = message  # shown if the pending keystroke leaves the query as it is
            return  # a newer query is in the box
        results = message.results
        self.results.show(results)
        if results.offset != 0:
            return
        self._searched()
        self._sorted_by = results.sort
        self._show_count(results.total, results.seconds)
        self.record_search(results)
        for notice in results.notices:  # what the search bounded (a wildcard of too many words)
            self.say(notice, 8, title="Search", severity="warning")
        if results.total == 0:
            self.call_later(self._nothing_found)
            return
        self._choose_query_actor()
        article = self.article_view.article
        if article is not None and self._hits_query != self.query_text:
            # The article stays; its hits are those of the new query.
            self._load_article(article.article.id, Target("keep"))

    async def _nothing_found(self) -> None:
        """No result: the pane says so, and the article of another query does not stay open
        as if it matched."""
        await self.article_view.show_notice(self._empty_message())
        self.nav.clear()
        self._update_position()

    def _empty_message(self) -> str:
        if not self.query_text.strip() and self.actor_filter is None:
            corpus = self.engine.corpus if self.engine is not None else None
            where = str(corpus) if corpus is not None else "the bundled corpus"
            return f"no articles found in {where}: afreader reads .md, .txt, .jsonl, .jsonl.gz"
        return f"no articles match {self.query_text.strip()!r}" + (
            " with the actor filter (Escape removes it)" if self.actor_filter else ""
        )

    def _show_count(self, total: int, seconds: float) -> None:
        if total == 0:
            self.search_bar.show_status(self._empty_message())
            return
        text = f"{total:,} article{'s' if total != 1 else ''}"
        if self.show_timings:
            text += f" · {seconds * 1000:.0f} ms"
        self.search_bar.show_status(f"{text} · by {self._sorted_by}")

    def _choose_query_actor(self) -> None:
        """The query's own actor is the chosen one when the query names one."""
        if self.engine is None:
            return
        entity_id = query_actor(self.query_text, self.engine.resolve_entity)
        if entity_id is not None and entity_id != self.actor:
            self.actor = entity_id

    @on(SearchFailed)
    def _search_failed(self, message: SearchFailed) -> None:
        if message.key != self._key():
            return
        self._searched()
        if len(message.key.query.strip()) < 2:
            # One letter is not yet a search: nothing to say until there is something to search.
            self.search_bar.show_status("")
            return
        self.search_bar.show_status(message.message, error=True)

    @on(ResultsList.MoreWanted)
    def _more_wanted(self, message: ResultsList.MoreWanted) -> None:
        if self.engine is not None:
            self._fetch_more(self.engine, self._key(), message.offset)

    @work(thread=True, exclusive=True, group="page", exit_on_error=False)
    def _fetch_more(self, engine: Engine, key: SearchKey, offset: int) -> None:
        """A later page, in its own group: a newer query cancels it, a later page does not
        cancel the first page."""
        from index import QueryError, SearchCancelled

        worker = get_current_worker()
        # QueryError: the first page said what is wrong with the query.
        with suppress(QueryError, SearchCancelled):
            results = fetch_page(engine, key, offset, lambda: worker.is_cancelled)
            if not worker.is_cancelled:
                self.post_message(SearchFinished(key, results))

    @on(Input.Submitted)
    def _stop_submitted(self, event: Input.Submitted) -> None:
        event.stop()
