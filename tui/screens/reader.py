"""The main screen: the mediator between the search box, results, article pane and sidebar.

Widgets never talk to each other: each posts a message (`SearchBar.QueryChanged`,
`ResultsList.ArticleChosen`, `EntitySidebar.ActorChosen`) and this screen calls methods on the
others. Everything slow (opening the index, searches, loading an article, finding the next
mention in another article) runs in a thread worker that only posts a message back; the
handler drops results that are no longer wanted.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from contextlib import suppress
from typing import TYPE_CHECKING, ClassVar

from textual import getters, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Input, Static
from textual.worker import Worker, WorkerState, get_current_worker

from tui.messages import (
    ActorArticlesCounted,
    ArticleLoaded,
    ArticleVanished,
    CorpusChanged,
    IndexFailed,
    IndexProgressed,
    IndexReady,
    MentionFound,
    ProblemsCounted,
    SearchFailed,
    SearchFinished,
    SearchKey,
    Target,
)
from tui.navigation import History, MarkCursor, Place
from tui.text import visible
from tui.widgets.article import ArticleView, Mark
from tui.widgets.build_panel import BuildPanel
from tui.widgets.footer import KeysFooter
from tui.widgets.results import ResultsList
from tui.widgets.search_bar import FilterChip, SearchBar
from tui.widgets.sidebar import EntitySidebar

if TYPE_CHECKING:
    from index import Engine, Mention, MentionRef, SearchResults, StoredArticle
    from index.subprocess_build import BuildProcess
    from tui.app import AfreaderApp

__all__ = ["ReaderScreen"]

# The first page is what a person sees at once; later pages load as the highlight nears them.
FIRST_PAGE = 20
# Later pages are larger: a page's cost is mostly finding and ranking every hit, not its size.
PAGE_SIZE = 100
# How often the corpus is checked for changes while the app is open (sizes and times only).
WATCH_SECONDS = 5.0
# Articles that could not be read are counted (and said) this long after the index opens.
PROBLEMS_DELAY = 1.0


def _binding(key: str, action: str, description: str, tooltip: str, show: bool = True) -> Binding:
    return Binding(key, action, description, show=show, tooltip=tooltip, id=f"reader.{action}")


class ReaderScreen(Screen[None]):
    """Search, read, and jump between the mentions of an actor."""

    BINDINGS: ClassVar[list[BindingType]] = [
        _binding("slash", "focus_search", "Search", "Put the cursor in the search box"),
        _binding("n", "next_hit", "Next hit", "Go to the next hit of the query in the article"),
        Binding(
            "N",
            "previous_hit",
            "Prev hit",
            show=False,
            tooltip="Go to the previous hit",
            id="reader.previous_hit",
            key_display="N",
        ),
        _binding(
            "right_square_bracket",
            "next_mention",
            "Next mention",
            "Next mention of the chosen actor, on into later articles",
        ),
        _binding(
            "left_square_bracket",
            "previous_mention",
            "Prev mention",
            "Previous mention of the chosen actor, back into earlier articles",
            show=False,
        ),
        _binding(
            "m", "mentions_view", "Mentions", "Every mention of the chosen actor across the corpus"
        ),
        _binding(
            "f", "filter_actor", "Filter", "Show only the articles that mention the chosen actor"
        ),
        _binding("s", "toggle_sort", "Sort", "Sort results by relevance or by date", show=False),
        _binding("e", "toggle_sidebar", "Entities", "Show or hide the entity sidebar", show=False),
        _binding(
            "p", "problems", "Problems", "Articles that could not be read, and why", show=False
        ),
        _binding("r", "refresh", "Refresh", "Re-read the corpus and update the index", show=False),
        _binding(
            "backspace,alt+left",
            "back",
            "Back",
            "Go back to where you were before the last jump",
            show=False,
        ),
        _binding(
            "escape",
            "escape",
            "Back out",
            "Close the view, clear the filter, return to the search box",
            show=False,
        ),
    ]

    search_bar = getters.query_one("#search", SearchBar)
    results = getters.query_one("#results", ResultsList)
    article_view = getters.query_one("#article", ArticleView)
    sidebar = getters.query_one("#entities", EntitySidebar)
    position = getters.query_one("#position", Static)
    build_panel = getters.query_one("#building", BuildPanel)

    def __init__(self) -> None:
        super().__init__()
        self.engine: Engine | None = None
        self.query_text = ""
        self.sort = "relevance"
        self.actor_filter: str | None = None
        self.actor: str | None = None
        self.hits = MarkCursor()
        self.mentions = MarkCursor()
        self.article_mentions: list[Mention] = []
        self.actor_articles: dict[str, list[int]] = {}
        self.history = History()
        self._last_moved = "hit"
        self._hits_query = ""
        self._sorted_by = "date"
        self._build: BuildProcess | None = None
        self._refreshing = False
        self._change_noticed = False
        self._frozen = False

    @property
    def reader_app(self) -> AfreaderApp:
        """The app, typed."""
        from tui.app import AfreaderApp

        assert isinstance(self.app, AfreaderApp)
        return self.app

    def compose(self) -> ComposeResult:
        yield SearchBar(id="search")
        yield BuildPanel(id="building")
        with Horizontal(id="main"):
            yield ResultsList(id="results")
            yield ArticleView(id="article")
            yield EntitySidebar(id="entities")
        yield Static(id="position")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.search_bar.input.focus()
        # After the first frame: the worker imports Whoosh, which holds the GIL while it runs.
        self.call_after_refresh(self._open_index, self._key())

    def on_resize(self) -> None:
        narrow = self.size.width < 100
        self.sidebar.set_class(narrow and not self.sidebar.has_class("-pinned"), "-hidden")

    # --- the index --------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="index", exit_on_error=False)
    def _open_index(self, key: SearchKey | None = None) -> None:
        """Open the index; build or update it first, in a separate process, if it is stale.

        With a `key`, the first page of its results is fetched here too, so that it is on
        screen as soon as the index is open (at launch: the newest articles, listed first from
        the store alone, before Whoosh is imported).
        """
        if key is not None and not key.query.strip() and key.actor is None:
            from index.peek import newest_page

            early = newest_page(*self.reader_app.index_location(), FIRST_PAGE)
            if early is not None:
                self.post_message(SearchFinished(key, early))

        from corpus import CorpusError, GazetteerError
        from index import BuildProgress, EngineError, QueryError

        def progressed(progress: BuildProgress) -> None:
            self.post_message(IndexProgressed(progress))

        try:
            engine = self.reader_app.make_engine()
            report = None
            if not engine.is_fresh():
                from index.subprocess_build import BuildFailed, BuildProcess

                engine.prepare_root()
                self._build = BuildProcess(engine.corpus, engine.index_root)
                try:
                    report = self._build.wait(progressed)
                    if report.repaired:
                        engine.notices.append(f"{report.repaired}; it was rebuilt")
                except BuildFailed as error:
                    if engine.indexer.current() is None:
                        raise EngineError(str(error)) from None
                    self.post_message(IndexFailed(str(error), fatal=False))
                finally:
                    self._build = None
            engine.reopen()
        except (CorpusError, GazetteerError, EngineError, OSError) as error:
            self.post_message(IndexFailed(str(error)))
            return
        page = None
        if key is not None:
            with suppress(QueryError):  # the search that follows says what is wrong
                page = self._fetch_page(engine, key)
        self.post_message(IndexReady(engine, report, key, page))

    def on_unmount(self) -> None:
        if self._build is not None:
            self._build.stop()  # committed batches stay; the next launch resumes
        if self._frozen:
            gc.unfreeze()

    @on(IndexProgressed)
    def _index_progressed(self, message: IndexProgressed) -> None:
        self.build_panel.report(message.progress)

    @on(IndexReady)
    def _index_ready(self, message: IndexReady) -> None:
        first = self.engine is None
        self.engine = message.engine
        self._refreshing = False
        self._change_noticed = False
        self.build_panel.finish()
        if not first and self.article_view.article is not None:
            self._hits_query = "\0"  # the article's hits and mentions may have changed
        page = message.page
        if page is not None and message.key == self._key():
            self._search_finished(SearchFinished(message.key, page))
        else:
            self._search_now()

        for notice in message.engine.notices:
            self.notify(visible(notice), title="Index", severity="warning", timeout=12)
        message.engine.notices.clear()
        if first:
            # Not on the way to the first results: once they are on screen.
            self.set_timer(PROBLEMS_DELAY, lambda: self._count_problems(message.engine))
            self.set_interval(WATCH_SECONDS, self._check_corpus)
            # What start-up made (modules, widgets, the open index) lives as long as the app:
            # kept out of the garbage collector's full passes, which otherwise walked all of it
            # every few searches, a pause of 20-40 ms between two keystrokes. (Not collected
            # first: that would be such a pause, just as the person starts to type; the little
            # garbage there is now is kept.)
            gc.freeze()
            self._frozen = True

    @work(thread=True, exclusive=True, group="problems", exit_on_error=False)
    def _count_problems(self, engine: Engine) -> None:
        errors = sum(1 for p in engine.problems() if p.severity == "error")
        self.post_message(ProblemsCounted(errors))

    @on(ProblemsCounted)
    def _problems_counted(self, message: ProblemsCounted) -> None:
        if message.errors:
            self.notify(
                f"{message.errors:,} article(s) could not be read: press p to see which and why.",
                severity="warning",
                timeout=8,
            )

    def _check_corpus(self) -> None:
        if self.engine is not None and not self._refreshing and not self._change_noticed:
            self._watch(self.engine)

    @work(thread=True, exclusive=True, group="watch", exit_on_error=False)
    def _watch(self, engine: Engine) -> None:
        if not engine.is_fresh():
            self.post_message(CorpusChanged())

    @on(CorpusChanged)
    def _corpus_changed(self) -> None:
        if self._change_noticed or self._refreshing:
            return
        self._change_noticed = True
        self.notify(
            "Articles were added, changed or removed on disk. Press r to refresh.",
            title="The corpus changed",
            timeout=15,
        )

    def action_refresh(self) -> None:
        """Re-read the corpus and update the index."""
        if self._refreshing or self.engine is None:
            return
        self._refreshing = True
        self.notify("Updating the index…", timeout=3)
        self._open_index()

    @on(ArticleVanished)
    async def _article_vanished(self, message: ArticleVanished) -> None:
        self.notify(
            f"The article {message.article_id!r} is no longer in the corpus.",
            severity="warning",
            timeout=8,
        )
        shown = self.article_view.article
        if shown is not None and shown.article.id == message.article_id:
            await self.article_view.show_notice(
                "This article is no longer in the corpus: it was deleted, or its file changed."
            )
            self.hits.reset([])
            self.mentions.reset([])
            self._update_position()

    @on(IndexFailed)
    def _index_failed(self, message: IndexFailed) -> None:
        if not message.fatal:
            self.notify(
                visible(message.message), title="Index not updated", severity="warning", timeout=10
            )
            return
        self.build_panel.fail(message.message)

    # --- searching --------------------------------------------------------------------------

    @on(SearchBar.QueryChanged)
    def _query_changed(self, message: SearchBar.QueryChanged) -> None:
        if message.query != self.query_text:
            self.query_text = message.query
            self._search_now()
        if message.submitted:
            self.results.focus()

    def _key(self) -> SearchKey:
        return SearchKey(self.query_text, self.sort, self.actor_filter)

    def _search_now(self) -> None:
        if self.engine is not None:
            self.workers.cancel_group(self, "page")  # pages of the previous results
            self._search(self.engine, self._key())

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def _search(self, engine: Engine, key: SearchKey) -> None:
        """Search in a worker. A newer keystroke cancels this worker, and the engine, which
        asks `is_cancelled` every few hundred matches, stops a slow query part-way."""
        from index import QueryError, SearchCancelled

        worker = get_current_worker()
        try:
            results = self._fetch_page(engine, key, cancelled=lambda: worker.is_cancelled)
            if worker.is_cancelled:
                return
            self.post_message(SearchFinished(key, results))
        except QueryError as error:
            if not worker.is_cancelled:
                self.post_message(SearchFailed(key, str(error)))
        except SearchCancelled:
            return

    @staticmethod
    def _fetch_page(
        engine: Engine,
        key: SearchKey,
        offset: int = 0,
        cancelled: Callable[[], bool] | None = None,
    ) -> SearchResults:
        """A page of results, with the exact total (from a worker)."""
        return engine.search(
            key.query,
            offset=offset,
            limit=FIRST_PAGE if offset == 0 else PAGE_SIZE,
            sort=key.sort,
            actor=key.actor,
            cancelled=cancelled,
        )

    @on(SearchFinished)
    def _search_finished(self, message: SearchFinished) -> None:
        if message.key != self._key():
            return  # a newer query is in the box
        results = message.results
        self.results.show(results)
        if results.offset == 0:
            self._sorted_by = results.sort
            self._show_count(results.total, results.seconds)
        article = self.article_view.article
        if results.offset == 0 and article is not None and self._hits_query != self.query_text:
            # The article stays; its hits are those of the new query.
            self._load_article(article.article.id, Target("keep"))

    def _show_count(self, total: int, seconds: float) -> None:
        text = f"{total:,} article{'s' if total != 1 else ''}"
        if self.reader_app.show_timings:
            text += f" · {seconds * 1000:.0f} ms"
        self.search_bar.show_status(f"{text} · by {self._sorted_by}")

    @on(SearchFailed)
    def _search_failed(self, message: SearchFailed) -> None:
        if message.key == self._key():
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
            results = self._fetch_page(engine, key, offset, lambda: worker.is_cancelled)
            if not worker.is_cancelled:
                self.post_message(SearchFinished(key, results))

    @on(Input.Submitted)
    def _stop_submitted(self, event: Input.Submitted) -> None:
        event.stop()

    # --- reading ----------------------------------------------------------------------------

    @on(ResultsList.ArticleChosen)
    def _article_chosen(self, message: ResultsList.ArticleChosen) -> None:
        self._leave_mark()
        self._load_article(message.article_id, Target("first-hit"))
        self.article_view.focus()

    def _leave_mark(self) -> None:
        article = self.article_view.article
        if article is not None:
            self.history.push(Place(article.article.id, self.article_view.scroll_y, self.actor))

    def _load_article(self, article_id: str, target: Target) -> None:
        if self.engine is not None:
            self._fetch_article(self.engine, article_id, target, self.query_text)

    @work(thread=True, exclusive=True, group="article", exit_on_error=False)
    def _fetch_article(self, engine: Engine, article_id: str, target: Target, query: str) -> None:
        from index import QueryError

        stored = engine.article(article_id)
        if stored is None:
            self.post_message(ArticleVanished(article_id))
            return
        try:
            hits = engine.highlights(query, stored)
        except QueryError:
            hits = {"title": [], "body": []}
        mentions = engine.mentions_in(stored)
        if not get_current_worker().is_cancelled:
            self.post_message(ArticleLoaded(stored, hits, mentions, target, query))

    @on(ArticleLoaded)
    async def _article_loaded(self, message: ArticleLoaded) -> None:
        if self.engine is None:
            return
        keep = message.target.kind == "keep"
        same = (
            self.article_view.article is not None
            and self.article_view.article.n == message.article.n
        )
        if not (keep and same):
            await self.article_view.show(message.article)
        self.article_mentions = message.mentions
        self._hits_query = message.query
        self.sidebar.show(message.mentions, self.engine.gazetteer)
        self.hits.reset(
            [
                Mark(field, s, e, "hit")
                for field in ("title", "body")
                for s, e in message.hits[field]
            ]
        )
        self._reset_actor_marks()
        target = message.target
        if target.kind == "first-hit" and self.hits.marks:
            self._move(self.hits, forward=True)
        elif target.kind == "mention":
            mark = self.mentions.point_at(target.field, target.start)
            self._last_moved = "mention"
            self._refresh_marks(scroll_to=mark)
        elif target.kind == "scroll":
            self._refresh_marks()
            self.call_after_refresh(self.article_view.scroll_to, y=target.scroll_y, animate=False)
        else:
            self._refresh_marks()

    def _reset_actor_marks(self) -> None:
        self.mentions.reset(
            [
                Mark(m.field, m.start, m.end, "mention")
                for m in self.article_mentions
                if m.entity_id == self.actor
            ]
        )

    def _refresh_marks(self, scroll_to: Mark | None = None) -> None:
        current = self.hits.current if self._last_moved == "hit" else self.mentions.current
        self.article_view.set_marks([*self.hits.marks, *self.mentions.marks], current)
        if scroll_to is not None:
            self.call_after_refresh(self.article_view.scroll_to_mark, scroll_to)
        self._update_position()

    def _move(self, cursor: MarkCursor, forward: bool) -> bool:
        mark = cursor.step(forward)
        if mark is None:
            return False
        self._last_moved = "hit" if cursor is self.hits else "mention"
        self._refresh_marks(scroll_to=mark)
        return True

    def _update_position(self) -> None:
        parts = []
        hits = self.hits.describe("hit")
        if hits:
            parts.append(hits)
        if self.actor is not None and self.engine is not None:
            entity = self.engine.entity(self.actor)
            name = entity.name if entity else self.actor
            where = self.mentions.describe("mention") or "no mention"
            line = f"{name}: {where} in this article"
            numbers = self.actor_articles.get(self.actor)
            article = self.article_view.article
            if numbers and article is not None and article.n in numbers:
                line += f" · article {numbers.index(article.n) + 1} of {len(numbers)}"
            elif numbers:
                line += f" · {len(numbers)} articles"
            parts.append(line)
        self.position.update(" │ ".join(parts) if parts else "")

    # --- actors and mentions ----------------------------------------------------------------

    @on(EntitySidebar.ActorChosen)
    def _actor_chosen(self, message: EntitySidebar.ActorChosen) -> None:
        self.choose_actor(message.entity_id)

    def choose_actor(self, entity_id: str) -> None:
        """Make an entity the actor whose mentions are marked and jumped between."""
        self.actor = entity_id
        self.sidebar.choose(entity_id)
        self._reset_actor_marks()
        if self.mentions.marks:
            self._move(self.mentions, forward=True)
        else:
            self._refresh_marks()
        if self.engine is not None and entity_id not in self.actor_articles:
            self._count_actor_articles(self.engine, entity_id)

    @work(thread=True, group="actor", exit_on_error=False)
    def _count_actor_articles(self, engine: Engine, entity_id: str) -> None:
        numbers = engine.store.article_numbers_mentioning(entity_id)
        self.post_message(ActorArticlesCounted(entity_id, numbers))

    @on(ActorArticlesCounted)
    def _actor_articles_counted(self, message: ActorArticlesCounted) -> None:
        self.actor_articles[message.entity_id] = message.article_numbers
        self._update_position()

    def _jump_mention(self, forward: bool) -> None:
        if self.actor is None:
            self.notify("Choose an actor first: Tab to the sidebar, then Enter.", timeout=4)
            return
        if self._move(self.mentions, forward):
            return
        if self.engine is None:
            return
        ref = self._edge_ref(forward)
        if ref is not None:
            self._find_mention(self.engine, ref, forward)

    def _edge_ref(self, forward: bool) -> MentionRef | None:
        """A position to search from: the current mention, or the article's edge."""
        from index import MentionRef

        article = self.article_view.article
        if article is None or self.actor is None:
            return None
        key = self._sort_key(article)
        mark = self.mentions.current
        if mark is not None:
            field, start = mark.field, mark.start
        elif forward:
            field, start = "body", 2**62
        else:
            field, start = "title", -1
        return MentionRef(self.actor, article.n, article.article.id, key, field, start, start)

    @staticmethod
    def _sort_key(article: StoredArticle) -> str:
        from index.store import sort_key

        return sort_key(article.article.published)

    @work(thread=True, exclusive=True, group="jump", exit_on_error=False)
    def _find_mention(self, engine: Engine, ref: MentionRef, forward: bool) -> None:
        found = engine.next_mention(ref, forward)
        if not get_current_worker().is_cancelled:
            self.post_message(MentionFound(ref.entity_id, found, forward))

    @on(MentionFound)
    def _mention_found(self, message: MentionFound) -> None:
        if message.entity_id != self.actor:
            return
        if message.ref is None:
            entity = self.engine.entity(message.entity_id) if self.engine else None
            name = entity.name if entity else message.entity_id
            self.notify(
                f"No {'later' if message.forward else 'earlier'} mention of {name}.", timeout=3
            )
            return
        self.open_at_mention(message.ref)

    def open_at_mention(self, ref: MentionRef) -> None:
        """Open an article with the pointer on one mention (remembering where we were)."""
        self._leave_mark()
        if self.actor != ref.entity_id:
            self.actor = ref.entity_id
            self.sidebar.choose(ref.entity_id)
            if self.engine is not None and ref.entity_id not in self.actor_articles:
                self._count_actor_articles(self.engine, ref.entity_id)
        self._load_article(ref.article_id, Target("mention", ref.field, ref.start))

    def go_to_actor(self, entity_id: str) -> None:
        """Choose an actor and, unless the open article mentions it, open its first mention."""
        self.choose_actor(entity_id)
        if self.mentions.marks or self.engine is None:
            return
        from index import MentionRef

        start = MentionRef(entity_id, -1, "", "", "title", -1, -1)
        self._find_mention(self.engine, start, True)

    def open_article(self, article_id: str) -> None:
        """Open an article by id (from the command palette)."""
        self._leave_mark()
        self._load_article(article_id, Target("first-hit"))
        self.article_view.focus()

    # --- actions ----------------------------------------------------------------------------

    def action_focus_search(self) -> None:
        """Put the cursor in the search box."""
        self.search_bar.input.focus()

    def action_next_hit(self) -> None:
        """Next hit of the query in this article."""
        if not self._move(self.hits, True) and self.hits.marks:
            self.notify("That was the last hit in this article.", timeout=2)

    def action_previous_hit(self) -> None:
        """Previous hit of the query in this article."""
        if not self._move(self.hits, False) and self.hits.marks:
            self.notify("That was the first hit in this article.", timeout=2)

    def action_next_mention(self) -> None:
        """Next mention of the chosen actor (into later articles)."""
        self._jump_mention(True)

    def action_previous_mention(self) -> None:
        """Previous mention of the chosen actor (into earlier articles)."""
        self._jump_mention(False)

    def action_mentions_view(self) -> None:
        """Every mention of the chosen actor, as keyword-in-context lines."""
        if self.actor is None or self.engine is None:
            self.notify("Choose an actor first: Tab to the sidebar, then Enter.", timeout=4)
            return
        from tui.screens.mentions import MentionsScreen

        def chosen(ref: MentionRef | None) -> None:
            if ref is not None:
                self.open_at_mention(ref)
                self.article_view.focus()

        self.app.push_screen(MentionsScreen(self.engine, self.actor), chosen)

    def action_filter_actor(self) -> None:
        """Filter the results to the articles that mention the chosen actor (again to remove)."""
        if self.actor_filter is not None:
            self.set_actor_filter(None)
        elif self.actor is None:
            self.notify("Choose an actor first: Tab to the sidebar, then Enter.", timeout=4)
        else:
            self.set_actor_filter(self.actor)

    def set_actor_filter(self, entity_id: str | None) -> None:
        """Show only articles mentioning an entity (None: all)."""
        self.actor_filter = entity_id
        entity = self.engine.entity(entity_id) if (self.engine and entity_id) else None
        self.search_bar.show_filter(entity.name if entity else entity_id)
        self._search_now()

    @on(FilterChip.Removed)
    def _chip_removed(self) -> None:
        self.set_actor_filter(None)

    def action_toggle_sort(self) -> None:
        """Sort by relevance or by date."""
        self.sort = "date" if self.sort == "relevance" else "relevance"
        self._search_now()

    def action_toggle_sidebar(self) -> None:
        """Show or hide the entity sidebar."""
        hidden = not self.sidebar.has_class("-hidden")
        self.sidebar.set_class(hidden, "-hidden")
        self.sidebar.set_class(not hidden, "-pinned")

    def action_problems(self) -> None:
        """Articles that could not be read, and why."""
        if self.engine is None:
            return
        from tui.screens.problems import ProblemsScreen

        self.app.push_screen(ProblemsScreen(self.engine.problems()))

    def action_back(self) -> None:
        """Return to where you were before the last jump."""
        place = self.history.pop()
        if place is None:
            self.notify("Nowhere to go back to.", timeout=2)
            return
        if place.actor is not None and place.actor != self.actor:
            self.actor = place.actor
            self.sidebar.choose(place.actor)
        self._load_article(place.article_id, Target("scroll", scroll_y=place.scroll_y))

    def action_escape(self) -> None:
        """Step back: clear the filter, then return to the search box."""
        if self.actor_filter is not None:
            self.set_actor_filter(None)
        elif self.focused is not self.search_bar.input:
            self.search_bar.input.focus()

    # --- worker errors ----------------------------------------------------------------------

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            error = event.worker.error
            self.notify(
                f"Something went wrong ({type(error).__name__}): {error}",
                title="afreader",
                severity="error",
                timeout=10,
            )
