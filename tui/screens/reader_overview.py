"""The overview, for the reader screen: the date histogram of the current results and the
views over them (facets, keyness, the actor matrix) or over the chosen actor (co-mentions).

Nothing here is on the way from a keystroke to its results: the counts start once the first
page is drawn (`_results_drawn`), in a thread worker of their own group, which the next search
cancels (`_search_now`); the handler drops counts that are not for the query in the box. The
filters the overview makes are written into the query (`tui/query_edit.py`), so the box shows
what is searched.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import getters, on, work
from textual.message import Message
from textual.worker import get_current_worker

from tui.messages import SearchKey
from tui.query_edit import date_range, with_range, without_range
from tui.screens.reader_search import SearchingReader
from tui.widgets.histogram import DateHistogram

if TYPE_CHECKING:
    from index import Engine
    from index.overview import Histogram, Key, Overview, PairSentence, ResultSet

__all__ = ["OverviewReader", "OverviewReady"]


class OverviewReady(Message):
    """The whole match set of a search, and its histogram, counted."""

    def __init__(self, key: SearchKey, results: ResultSet, histogram: Histogram) -> None:
        super().__init__()
        self.key = key
        self.results = results
        self.histogram = histogram


class OverviewReader(SearchingReader):
    """The reader's overview: histogram, facets, co-mentions, keyness, matrix."""

    date_histogram = getters.query_one("#histogram", DateHistogram)

    _overview: Overview | None = None
    result_set: ResultSet | None = None
    result_key: SearchKey | None = None

    def overview(self, engine: Engine) -> Overview:
        """The overview of the engine's index (one for the reader's life)."""
        from index.overview import Overview

        if self._overview is None or self._overview.engine is not engine:
            self._overview = Overview(engine)
        return self._overview

    def _results_failed(self) -> None:
        self.result_set = None
        self.date_histogram.show(None)  # the histogram of an older query would mislead

    def _results_drawn(self) -> None:
        if self.engine is not None:
            self._count_overview(self.overview(self.engine), self._key())

    @work(thread=True, exclusive=True, group="overview", exit_on_error=False)
    def _count_overview(self, view: Overview, key: SearchKey) -> None:
        """The match set and its histogram, after the results are drawn; a newer search
        cancels it part-way."""
        from index import EngineError, QueryError, SearchCancelled

        worker = get_current_worker()
        try:
            results = view.results(key.query, key.actor, lambda: worker.is_cancelled)
            histogram = view.histogram(results)
        except (QueryError, SearchCancelled, EngineError):
            # A query that cannot be run, or an index being repaired: the search says so.
            return
        if not worker.is_cancelled:
            self.post_message(OverviewReady(key, results, histogram))

    @on(OverviewReady)
    def _overview_ready(self, message: OverviewReady) -> None:
        if message.key != self._key():
            return  # counts of an older query
        self.result_set = message.results
        self.result_key = message.key
        self.date_histogram.show(message.histogram)
        self.date_histogram.narrowed = date_range(self.query_text)

    # --- the histogram's selection ----------------------------------------------------------

    def action_histogram_earlier(self) -> None:
        """Select the bar before."""
        self.date_histogram.move(-1)

    def action_histogram_later(self) -> None:
        """Select the bar after."""
        self.date_histogram.move(1)

    def action_histogram_widen_left(self) -> None:
        """Widen the selection to the left."""
        self.date_histogram.grow(-1)

    def action_histogram_widen_right(self) -> None:
        """Widen the selection to the right."""
        self.date_histogram.grow(1)

    def action_narrow_dates(self) -> None:
        """Narrow the query to the selected dates (a range already there: remove it)."""
        selected = self.date_histogram.selected
        if date_range(self.query_text) is not None and selected is None:
            self._set_query(without_range(self.query_text))
        elif selected is not None:
            self._set_query(with_range(self.query_text, *selected))
        else:
            self.say("Select dates first: < and > move along the histogram, { and } widen.", 4)

    def _set_query(self, text: str) -> None:
        """Put a query in the box and search it (as if typed)."""
        self.search_bar.input.value = text

    # --- the views --------------------------------------------------------------------------

    def _current(self) -> ResultSet | None:
        results = self.result_set
        if self.engine is None or results is None or self.result_key != self._key():
            self.say("The results are still being counted; try again in a moment.", 3)
            return None
        return results

    def action_facets(self) -> None:
        """Facets of the current results; the chosen values become the query's clauses."""
        results = self._current()
        if results is None or self.engine is None:
            return
        from tui.screens.facets import FacetsScreen

        def chosen(text: str | None) -> None:
            if text is not None and text != self.query_text:
                self._set_query(text)

        screen = FacetsScreen(self.engine, self.overview(self.engine), results, self.query_text)
        self.app.push_screen(screen, chosen)  # type: ignore[arg-type]

    def action_keyness(self) -> None:
        """What sets the current results apart; Enter adds the term or actor to the query."""
        results = self._current()
        if results is None or self.engine is None:
            return
        from tui.screens.overview_views import keyness_view

        def chosen(key: Key | None) -> None:
            if key is not None:
                added = f"actor:{key.value}" if key.kind == "actor" else key.value
                self._set_query(f"{self.query_text} {added}".strip())

        self.app.push_screen(keyness_view(self.engine, self.overview(self.engine), results), chosen)

    def action_matrix(self) -> None:
        """The actor-by-actor matrix of the current results; Enter chooses the row's actor."""
        results = self._current()
        if results is None or self.engine is None:
            return
        from tui.screens.overview_views import matrix_view

        def chosen(entity_id: str | None) -> None:
            if entity_id is not None:
                self.choose_actor(entity_id)

        self.app.push_screen(matrix_view(self.engine, self.overview(self.engine), results), chosen)

    def action_comentions(self) -> None:
        """The actors mentioned with the chosen one; Enter on one lists the sentences naming
        both, Enter on a sentence opens the article there."""
        if self.engine is None:
            return
        if self.actor is None:
            self.pick_actor(self.action_comentions)
            return
        from tui.screens.overview_views import comentions_view, pair_view

        engine, first = self.engine, self.actor
        view = self.overview(engine)

        def sentence_chosen(item: PairSentence | None) -> None:
            if item is not None:
                self.open_at_passage(first, item)

        def other_chosen(other: str | None) -> None:
            if other is not None:
                self.app.push_screen(pair_view(engine, view, first, other), sentence_chosen)

        self.app.push_screen(comentions_view(engine, view, first), other_chosen)

    def open_at_passage(self, entity_id: str, item: PairSentence) -> None:
        """Open the article of a sentence at the actor's mention in it."""
        from corpus import PartialDate
        from index import MentionRef
        from index.store import sort_key

        published = PartialDate.parse(item.published) if item.published else None
        ref = MentionRef(
            entity_id,
            item.article_n,
            item.article_id,
            sort_key(published),
            item.field,
            item.first_at,
            item.first_at,
        )
        self.open_at_mention(ref)
        self.article_view.focus()
