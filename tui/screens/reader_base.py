"""The reader's state, its keys and its actions; `ReaderScreen` adds the message handlers.

The state (`query_text`, `sort`, `actor_filter`, `actor`) is reactive: `ReaderScreen`'s
watchers search again, show the filter chip or mark the actor's mentions when it changes, so
an action only sets it. Every action is also a command in the palette (`tui/commands.py`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from textual import getters
from textual.binding import Binding, BindingType
from textual.notifications import SeverityLevel
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Static

from tui.messages import Target
from tui.navigation import History, MarkCursor, Navigator, query_actors
from tui.opening import EngineFactory, Location
from tui.text import plain
from tui.widgets.article import ArticleView
from tui.widgets.build_panel import BuildPanel
from tui.widgets.results import ResultsList
from tui.widgets.search_bar import SearchBar
from tui.widgets.sidebar import EntitySidebar

if TYPE_CHECKING:
    from index import Engine, MentionRef

__all__ = ["Preferences", "ReaderBase"]


@dataclass(frozen=True, slots=True)
class Preferences:
    """How the reader starts: its sort, whether the sidebar shows, whether times are shown."""

    sort: str = "relevance"
    sidebar: bool = True  # False: hidden until `e`, even where it would fit
    show_timings: bool = True


def _binding(
    key: str,
    action: str,
    description: str,
    tooltip: str,
    show: bool = True,
    priority: bool = False,
) -> Binding:
    return Binding(
        key,
        action,
        description,
        show=show,
        priority=priority,
        tooltip=tooltip,
        id=f"reader.{action}",
    )


class ReaderBase(Screen[None]):
    """The reader's state, keys and actions (the handlers are `ReaderScreen`'s)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # A priority binding: `/` opens the box from anywhere, the box included, and is never
        # typed into the query (Whoosh's syntax has no use for it).
        _binding(
            "slash",
            "focus_search",
            "Search",
            "Search box, from anywhere, its text selected so typing replaces it"
            " (/ is never typed into a query: Whoosh's syntax has no use for it)",
            priority=True,
        ),
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
            "Next mention of the chosen actor: in the article, then on into the next article"
            " that mentions it, in date order (no actor chosen: pick one of the article's)",
        ),
        _binding(
            "left_square_bracket",
            "previous_mention",
            "Prev mention",
            "Previous mention of the chosen actor, back into earlier articles",
            show=False,
        ),
        _binding(
            "m",
            "mentions_view",
            "Mentions",
            "Mentions view: every mention of the chosen actor across the corpus, keyword in"
            " context (no actor chosen: pick one)",
        ),
        _binding(
            "f",
            "filter_actor",
            "Filter",
            "Show only the articles that mention the chosen actor, a removable chip (again:"
            " remove it; no actor chosen: pick one)",
        ),
        _binding("s", "toggle_sort", "Sort", "Sort results by relevance or by date", show=False),
        _binding(
            "e",
            "toggle_sidebar",
            "Entities",
            "Show or hide the entity sidebar (it collapses by itself below 100 columns, and"
            " wherever the article would be too narrow to read)",
            show=False,
        ),
        _binding(
            "p", "problems", "Problems", "Articles that could not be read, and why", show=False
        ),
        _binding("r", "refresh", "Refresh", "Re-read the corpus and update the index", show=False),
        # Curation (`tui/screens/reader_curation.py`): on the mention at the pointer, or on
        # the text at hand, prefilled in a prompt.
        _binding(
            "x",
            "reject_mention",
            "Reject",
            "Curate: the mention at the pointer is not the chosen actor (rejected here only)",
            show=False,
        ),
        _binding(
            "T",
            "reassign_mention",
            "Reassign",
            "Curate: the mention at the pointer is another actor (choose it, fuzzy)",
            show=False,
        ),
        _binding(
            "X",
            "never_spelling",
            "Never",
            "Curate: the spelling at the pointer never means the chosen actor (a negative alias)",
            show=False,
        ),
        _binding(
            "a",
            "add_alias",
            "Add alias",
            "Curate: add the mention or word at the pointer (edit it first) as an alias of an"
            " actor (choose it, fuzzy)",
            show=False,
        ),
        _binding(
            "A",
            "new_actor",
            "New actor",
            "Curate: a new actor named by the mention or word at the pointer (edit it, ↑↓ its"
            " type)",
            show=False,
        ),
        _binding(
            "J",
            "merge_actor",
            "Merge",
            "Curate: join the chosen actor to another one (choose it): merged into it",
            show=False,
        ),
        _binding(
            "S",
            "split_alias",
            "Split",
            "Curate: the spelling at the pointer names another actor: split off as a new one",
            show=False,
        ),
        _binding("u", "undo_curation", "Undo", "Curate: undo the last change", show=False),
        _binding(
            "g",
            "suggest_actors",
            "Suggest",
            "Curate: names in the corpus no gazetteer knows, frequent across articles (Enter"
            " adds one as an actor)",
            show=False,
        ),
        _binding(
            "backspace",
            "back",
            "Jump back",
            "Go back to where you were before the last jump (alt+left walks the history)",
            show=False,
        ),
        # The overview (tui/screens/reader_overview.py): the date histogram above the
        # results, then views of the current results or the chosen actor.
        _binding(
            "less_than_sign",
            "histogram_earlier",
            "Earlier",
            "Date histogram: select the bar before (the first press: the last bar)",
            show=False,
        ),
        _binding(
            "greater_than_sign",
            "histogram_later",
            "Later",
            "Date histogram: select the bar after (the first press: the first bar)",
            show=False,
        ),
        _binding(
            "left_curly_bracket",
            "histogram_widen_left",
            "Widen left",
            "Date histogram: widen the selection by a bar to the left",
            show=False,
        ),
        _binding(
            "right_curly_bracket",
            "histogram_widen_right",
            "Widen right",
            "Date histogram: widen the selection by a bar to the right",
            show=False,
        ),
        _binding(
            "t",
            "narrow_dates",
            "Narrow dates",
            "Narrow the results to the selected dates: the query gets published:[A to B]"
            " (again: remove the range)",
            show=False,
        ),
        _binding(
            "F",
            "facets",
            "Facets",
            "Facets of the current results by source, year and actor: keep or leave out values",
            show=False,
        ),
        _binding(
            "C",
            "comentions",
            "Co-mentions",
            "The actors mentioned with the chosen actor, by sentence and by article (no actor"
            " chosen: pick one)",
            show=False,
        ),
        _binding(
            "K",
            "keyness",
            "Keyness",
            "What sets the current results apart: terms and actors over-represented (G2)",
            show=False,
        ),
        _binding(
            "M",
            "matrix",
            "Matrix",
            "Actor-by-actor matrix of the current results' 30 most mentioned actors",
            show=False,
        ),
        _binding(
            "escape",
            "escape",
            "Back out",
            "Step back: clear the filter, then clear the search box (ctrl+u clears it too),"
            " then return to it",
            show=False,
        ),
    ]

    search_bar = getters.query_one("#search", SearchBar)
    results = getters.query_one("#results", ResultsList)
    article_view = getters.query_one("#article", ArticleView)
    sidebar = getters.query_one("#entities", EntitySidebar)
    position = getters.query_one("#position", Static)
    build_panel = getters.query_one("#building", BuildPanel)

    query_text = reactive("", init=False)
    sort = reactive("relevance", init=False)
    actor_filter: reactive[str | None] = reactive(None, init=False)
    actor: reactive[str | None] = reactive(None, init=False)

    def __init__(
        self,
        make_engine: EngineFactory,
        location: Location,
        preferences: Preferences | None = None,
    ) -> None:
        super().__init__()
        self._make_engine = make_engine
        self._location = location
        preferences = preferences or Preferences()
        self.show_timings = preferences.show_timings
        # Set before mount, so no watcher runs: the first search is made with it.
        self.set_reactive(ReaderBase.sort, preferences.sort)
        # The sidebar as the person last toggled it: None (shown where it fits), True (`e`
        # pinned it open), False (`e` or the settings hid it).
        self.sidebar_wanted: bool | None = None if preferences.sidebar else False
        self.engine: Engine | None = None
        self.nav = Navigator()
        self.actor_articles: dict[str, list[int]] = {}
        self.history = History()

    @property
    def hits(self) -> MarkCursor:
        """The query's hits in the open article."""
        return self.nav.hits

    @property
    def mentions(self) -> MarkCursor:
        """The chosen actor's mentions in the open article."""
        return self.nav.mentions

    # --- what ReaderScreen does -------------------------------------------------------------

    def _load_article(self, article_id: str, target: Target) -> None:
        raise NotImplementedError

    def _jump_mention(self, forward: bool) -> None:
        raise NotImplementedError

    def _move(self, kind: str, forward: bool) -> bool:
        raise NotImplementedError

    def open_at_mention(self, ref: MentionRef) -> None:
        """Open an article with the pointer on one mention."""
        raise NotImplementedError

    def refresh_index(self) -> None:
        """Re-read the corpus and update the index."""
        raise NotImplementedError

    def say(
        self,
        message: str,
        timeout: float = 5,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
    ) -> None:
        """A notification whose text is data: shown literally, every character visible."""
        self.notify(
            plain(message),
            title=plain(title),
            severity=severity,
            timeout=timeout,
            markup=False,
        )

    # --- choosing an actor without the Tab dance ------------------------------------------

    def actor_candidates(self) -> list[str]:
        """The actors to offer: those the query names (all of them when its spelling is
        shared, as a father's and son's), then those of the open article."""
        found: list[str] = []
        if self.engine is not None:
            found.extend(query_actors(self.query_text, self.engine.resolve_entity))
        found.extend(a for a in self.nav.actors() if a not in found)
        return found

    def pick_actor(self, then: Callable[[], None]) -> None:
        """Offer the actors at hand in a quick picker; `then` runs once one is chosen."""
        if self.engine is None:
            return
        engine = self.engine
        ids = self.actor_candidates()
        if not ids:
            self.say("Open an article (or search for an actor) to choose an actor.", 4)
            return
        from tui.screens.actor_picker import ActorPicker

        def chosen(entity_id: str | None) -> None:
            if entity_id is not None:
                self.choose_actor(entity_id)
                then()

        actors = []
        for entity_id in ids:
            entity = engine.entity(entity_id)
            actors.append((entity_id, entity.name if entity else entity_id))
        self.app.push_screen(ActorPicker(actors, "Choose an actor (type to filter)"), chosen)

    def choose_actor(self, entity_id: str) -> None:
        """Make an entity the actor whose mentions are marked and jumped between."""
        if self.actor == entity_id:
            self.nav.choose(entity_id)  # the watcher would not run: start from the first again
        self.actor = entity_id
        if self.mentions.marks:
            self._move("mention", True)

    # --- actions ----------------------------------------------------------------------------

    def action_focus_search(self) -> None:
        """Put the cursor in the search box with its text selected (typing replaces it)."""
        box = self.search_bar.input
        box.focus()
        box.select_all()

    def action_next_hit(self) -> None:
        """Next hit of the query in this article."""
        if not self._move("hit", True) and self.hits.marks:
            self.say("That was the last hit in this article.", 2)

    def action_previous_hit(self) -> None:
        """Previous hit of the query in this article."""
        if not self._move("hit", False) and self.hits.marks:
            self.say("That was the first hit in this article.", 2)

    def action_next_mention(self) -> None:
        """Next mention of the chosen actor (into later articles)."""
        self._jump_mention(True)

    def action_previous_mention(self) -> None:
        """Previous mention of the chosen actor (into earlier articles)."""
        self._jump_mention(False)

    def action_mentions_view(self) -> None:
        """Every mention of the chosen actor, as keyword-in-context lines."""
        if self.engine is None:
            return
        if self.actor is None:
            self.pick_actor(self.action_mentions_view)
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
            self.actor_filter = None
        elif self.actor is None:
            self.pick_actor(self.action_filter_actor)
        else:
            self.actor_filter = self.actor

    def set_actor_filter(self, entity_id: str | None) -> None:
        """Show only articles mentioning an entity (None: all)."""
        self.actor_filter = entity_id

    def action_toggle_sort(self) -> None:
        """Sort by relevance or by date."""
        self.sort = "date" if self.sort == "relevance" else "relevance"

    def action_toggle_sidebar(self) -> None:
        """Show or hide the entity sidebar."""
        self.sidebar_wanted = self.sidebar.has_class("-hidden")
        self._lay_out()

    def _lay_out(self) -> None:
        raise NotImplementedError

    def action_problems(self) -> None:
        """Articles that could not be read, and why."""
        if self.engine is None:
            return
        from tui.screens.problems import ProblemsScreen

        self.app.push_screen(ProblemsScreen(self.engine.problems()))

    def action_refresh(self) -> None:
        """Re-read the corpus and update the index."""
        self.refresh_index()

    def action_back(self) -> None:
        """Return to where you were before the last jump."""
        place = self.history.pop()
        if place is None:
            self.say("Nowhere to go back to.", 2)
            return
        if place.actor is not None:
            self.actor = place.actor
        self._load_article(place.article_id, Target("scroll", scroll_y=place.scroll_y))

    def action_escape(self) -> None:
        """Step back: clear the filter, then clear the search box, then return to it.

        (Overlays close themselves on Escape: the help, the pickers, the mentions view.)
        """
        box = self.search_bar.input
        if self.actor_filter is not None:
            self.actor_filter = None
        elif self.focused is box and box.value:
            box.value = ""
        elif self.focused is not box:
            box.focus()
