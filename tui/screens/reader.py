"""The main screen: the mediator between the search box, results, article pane and sidebar.

Widgets never talk to each other: each posts a message (`SearchBar.QueryChanged`,
`ResultsList.ArticleChosen`, `EntitySidebar.ActorChosen`) and this screen calls methods on the
others. The search state (`query_text`, `sort`, `actor_filter`, `actor`) is reactive: setting
it searches again or re-marks the article, and the position line follows. Opening the index
and watching the corpus live in `tui/opening.py`, where the reader is in an article in
`tui/navigation.py`. Everything slow runs in a thread worker that only posts a message back;
the handler drops results that are no longer wanted.
"""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING

from textual import getters, on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static
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
    SearchFinished,
    Target,
)
from tui.navigation import Mark, Place
from tui.opening import EngineFactory, IndexKeeper, Location
from tui.screens.reader_base import Preferences
from tui.screens.reader_curation import CuratingReader
from tui.screens.reader_overview import OverviewReader
from tui.text import safe
from tui.widgets.article import ArticleView
from tui.widgets.build_panel import BuildPanel
from tui.widgets.footer import KeysFooter
from tui.widgets.histogram import DateHistogram
from tui.widgets.results import ResultsList
from tui.widgets.search_bar import SearchBar
from tui.widgets.sidebar import EntitySidebar

if TYPE_CHECKING:
    from index import Engine, MentionRef

__all__ = ["ReaderScreen"]

# Articles that could not be read are counted (and said) this long after the index opens.
PROBLEMS_DELAY = 1.0
# The narrowest article pane worth reading; the sidebar gives way below it.
MIN_ARTICLE_WIDTH = 20
# The sidebar collapses by itself below this width, unless `e` pinned it open.
SIDEBAR_WIDTH = 100


class ReaderScreen(OverviewReader, CuratingReader):
    """Search, read, and jump between the mentions of an actor."""

    keeper = getters.query_one(IndexKeeper)

    def __init__(
        self,
        make_engine: EngineFactory,
        location: Location,
        preferences: Preferences | None = None,
    ) -> None:
        super().__init__(make_engine, location, preferences)
        self._frozen = False

    def compose(self) -> ComposeResult:
        yield IndexKeeper(self._make_engine, self._location)
        yield SearchBar(id="search")
        yield BuildPanel(id="building")
        yield DateHistogram(id="histogram")
        with Horizontal(id="main"):
            yield ResultsList(id="results")
            yield ArticleView(id="article")
            yield EntitySidebar(id="entities")
        yield Static(id="position")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.search_bar.input.focus()
        # After the first frame: the worker imports Whoosh, which holds the GIL while it runs.
        self.call_after_refresh(self.keeper.open, self._key())
        # The user database, filed under the corpus (the engine's, before the engine exists).
        self.call_after_refresh(self.open_workbench, self._location()[0])

    def on_resize(self) -> None:
        self._lay_out()

    def _lay_out(self) -> None:
        """Collapse the sidebar when it does not fit, whatever was toggled: below 100 columns
        unless pinned open with `e`, never when hidden with `e` (or by the settings), and
        always when the article would be too narrow to read."""
        size, viewport = self.size, self.app.size
        wanted = self.sidebar_wanted
        results = self.results.styles
        taken = max(
            results.width.resolve(size, viewport) if results.width else 0,
            results.min_width.resolve(size, viewport) if results.min_width else 0,
        )
        sidebar = self.sidebar.styles.width
        taken += sidebar.resolve(size, viewport) if sidebar else 0
        fits = size.width - taken >= MIN_ARTICLE_WIDTH
        shown = wanted is True or (wanted is None and size.width >= SIDEBAR_WIDTH)
        self.sidebar.set_class(not (shown and fits), "-hidden")

    def on_unmount(self) -> None:
        if self._frozen:
            gc.unfreeze()

    # --- the index --------------------------------------------------------------------------

    @on(IndexProgressed)
    def _index_progressed(self, message: IndexProgressed) -> None:
        self.build_panel.report(message.progress)

    @on(IndexReady)
    def _index_ready(self, message: IndexReady) -> None:
        first = self.keeper.opened(message.engine)
        self.engine = message.engine
        self.build_panel.finish()
        if not first and self.article_view.article is not None:
            self._hits_query = "\0"  # the article's hits and mentions may have changed
        page = message.page
        if page is not None and self._wanted(message.key):
            self._search_finished(SearchFinished(message.key, page))  # type: ignore[arg-type]
        else:
            self._search_now()
        for notice in message.notices:
            self.say(notice, title="Index", severity="warning", timeout=12)
        if first:
            # Not on the way to the first results: once they are on screen.
            self.set_timer(PROBLEMS_DELAY, lambda: self._count_problems(message.engine))
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
            self.say(
                f"{message.errors:,} article(s) could not be read: press p to see which and why.",
                severity="warning",
                timeout=8,
            )

    @on(CorpusChanged)
    def _corpus_changed(self) -> None:
        if self.keeper.notice_change():
            self.say(
                "Articles were added, changed or removed on disk. Press r to refresh.",
                title="The corpus changed",
                timeout=15,
            )

    @on(ArticleVanished)
    async def _article_vanished(self, message: ArticleVanished) -> None:
        self.say(
            f"The article {message.article_id!r} is no longer in the corpus.",
            severity="warning",
            timeout=8,
        )
        shown = self.article_view.article
        if shown is not None and shown.article.id == message.article_id:
            await self.article_view.show_notice(
                "This article is no longer in the corpus: it was deleted, or its file changed."
            )
            self.nav.clear()
            self._update_position()

    @on(IndexFailed)
    def _index_failed(self, message: IndexFailed) -> None:
        if not message.fatal:
            self.say(message.message, title="Index not updated", severity="warning", timeout=10)
            return
        self.build_panel.fail(message.message)

    # --- reading ----------------------------------------------------------------------------

    @on(ResultsList.ArticleChosen)
    def _article_chosen(self, message: ResultsList.ArticleChosen) -> None:
        self._leave_mark()
        self._load_article(message.article_id, Target("first-hit"))
        self.article_view.focus()

    def _leave_mark(self) -> None:
        self.remember_scroll()
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
            self.record_article(message.article)
        self._hits_query = message.query
        self.sidebar.show(message.mentions, self.engine.gazetteer)
        self.nav.load(message.hits, message.mentions, self.actor)
        target = message.target
        if target.kind == "first-hit" and self.hits.marks:
            self._move("hit", forward=True)
        elif target.kind == "mention":
            mark = self.nav.point_at_mention(target.field, target.start)
            self._refresh_marks(scroll_to=mark)
        elif target.kind == "passage":
            from tui.selection import Selection

            self._refresh_marks()
            passage = Selection(target.field, target.start, target.end)
            self.article_view.select(passage, scroll=True)
        elif target.kind == "scroll":
            self._refresh_marks()
            self.call_after_refresh(self.article_view.scroll_to, y=target.scroll_y, animate=False)
        else:
            self._refresh_marks()

    def _refresh_marks(self, scroll_to: Mark | None = None) -> None:
        marks, current = self.nav.marks()
        self.article_view.set_marks(marks, current)
        if scroll_to is not None:
            self.call_after_refresh(self.article_view.scroll_to_mark, scroll_to)
        self._update_position()

    def _move(self, kind: str, forward: bool) -> bool:
        mark = self.nav.move(kind, forward)
        if mark is None:
            return False
        self._refresh_marks(scroll_to=mark)
        return True

    def _update_position(self) -> None:
        name = None
        if self.actor is not None and self.engine is not None:
            entity = self.engine.entity(self.actor)
            name = entity.name if entity else self.actor
        article = self.article_view.article
        numbers = self.actor_articles.get(self.actor) if self.actor else None
        line = self.nav.position(name, numbers, article.n if article else None)
        self.position.update(safe(line))

    # --- actors and mentions ----------------------------------------------------------------

    @on(EntitySidebar.ActorChosen)
    def _actor_chosen(self, message: EntitySidebar.ActorChosen) -> None:
        self.choose_actor(message.entity_id)

    def watch_actor(self, entity_id: str | None) -> None:
        if entity_id is None:
            return
        self.sidebar.choose(entity_id)
        self.nav.choose(entity_id)
        self._refresh_marks()
        if self.engine is not None and entity_id not in self.actor_articles:
            self._count_actor_articles(self.engine, entity_id)

    @work(thread=True, group="actor", exit_on_error=False)
    def _count_actor_articles(self, engine: Engine, entity_id: str) -> None:
        numbers = engine.store.article_numbers_mentioning(entity_id)
        self.post_message(ActorArticlesCounted(entity_id, numbers))

    def recount_actor(self, entity_id: str) -> None:
        """Count again the articles mentioning an actor (after a curation)."""
        if self.engine is not None:
            self._count_actor_articles(self.engine, entity_id)

    @on(ActorArticlesCounted)
    def _actor_articles_counted(self, message: ActorArticlesCounted) -> None:
        self.actor_articles[message.entity_id] = message.article_numbers
        self._update_position()

    def _jump_mention(self, forward: bool) -> None:
        if self.actor is None:
            # Choosing marks the article's first mention; only an actor it does not mention
            # (the query's own) sends the jump on into other articles.
            self.pick_actor(lambda: None if self.mentions.current else self._jump_mention(forward))
            return
        if self._move("mention", forward):
            return
        article = self.article_view.article
        if self.engine is None:
            return
        if article is None:  # no article open: the actor's first mention, in date order
            self.go_to_actor(self.actor)
            return
        self._find_mention(self.engine, self.nav.edge_ref(article, self.actor, forward), forward)

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
            self.say(f"No {'later' if message.forward else 'earlier'} mention of {name}.", 3)
            return
        self.open_at_mention(message.ref)

    def refresh_index(self) -> None:
        """Re-read the corpus and update the index."""
        if self.keeper.refresh_index():
            self.say("Updating the index…", 3)

    def open_at_mention(self, ref: MentionRef) -> None:
        """Open an article with the pointer on one mention (remembering where we were)."""
        self._leave_mark()
        self.actor = ref.entity_id
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

    # --- worker errors ----------------------------------------------------------------------

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            error = event.worker.error
            from index import IndexDamaged

            if isinstance(error, IndexDamaged):
                self._searched()
                if self.keeper.repair():
                    self.say(f"The index was damaged ({error}); rebuilding it…", 10)
                return
            if event.worker.group == "search":
                # The status said "searching…": it says what went wrong instead.
                self._searched()
                self.search_bar.show_status(f"the search failed: {error}", error=True)
            self.say(
                f"Something went wrong ({type(error).__name__}): {error}",
                10,
                title="afreader",
                severity="error",
            )
