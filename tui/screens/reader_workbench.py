"""The reader's workbench: history, the trail, saved searches, bookmarks and clips.

What the person does is written to the user database (`userdata/`) off the keystroke path:
a search once its results are drawn, an article once it is shown, each in a thread worker.
A database that could not be opened (`userdata.db`) is said once; the reader goes on without
saving. Back and forward (`alt+left`, `alt+right`) walk the trail of searches and articles,
the history of earlier sessions included; Backspace stays "jump back".
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.binding import Binding, BindingType
from textual.message import Message

from tui.messages import Target
from tui.opening import EngineFactory, Location
from tui.screens.reader_base import Preferences
from tui.screens.reader_search import SearchingReader
from userdata.history import TYPING_WINDOW
from userdata.writes import WriteQueue

if TYPE_CHECKING:
    from index import Engine, SearchResults, StoredArticle
    from userdata.history import Entry
    from userdata.notes import Clip
    from userdata.saved import Saved
    from userdata.workbench import Workbench

__all__ = ["WorkbenchReader"]

# How much of the history the trail walks back through (the picker reaches all of it).
TRAIL = 500


def _binding(key: str, action: str, description: str, tooltip: str, show: bool = False) -> Binding:
    return Binding(key, action, description, show=show, tooltip=tooltip, id=f"reader.{action}")


class WorkbenchOpened(Message):
    """The user database is open (perhaps read-only, with a notice)."""

    def __init__(self, workbench: Workbench, trail: list[Entry]) -> None:
        super().__init__()
        self.workbench = workbench
        self.trail = trail


class WorkbenchSaid(Message):
    """A write finished (or failed): what to tell the person."""

    def __init__(self, text: str, error: bool = False) -> None:
        super().__init__()
        self.text = text
        self.error = error


class SavedCounted(Message):
    """The saved searches, each with how many articles are new since it was last opened."""

    def __init__(self, counted: list[tuple[Saved, int, int]]) -> None:
        super().__init__()
        self.counted = counted


class WorkbenchReader(SearchingReader):
    """History, the trail, saved searches, bookmarks and clips for the reader screen."""

    BINDINGS: ClassVar[list[BindingType]] = [
        _binding(
            "ctrl+r",
            "history",
            "History",
            "History: every search and article, newest first, type to filter; Enter re-runs"
            " or reopens",
        ),
        _binding("alt+left", "trail(-1)", "Back", "Back along the trail of searches and articles"),
        _binding("alt+right", "trail(1)", "Forward", "Forward along the trail"),
        _binding(
            "ctrl+o",
            "resume",
            "Resume",
            "Resume where you were: the last search, article and scroll position",
        ),
        _binding(
            "ctrl+s", "save_search", "Save search", "Save the search (text, actor filter, sort)"
        ),
        _binding(
            "o",
            "saved",
            "Saved",
            "Saved searches, with how many articles are new since each was last opened",
        ),
        _binding("b", "bookmark", "Bookmark", "Bookmark the open article (again: remove it)"),
        _binding(
            "c",
            "clip",
            "Clip",
            "Clip the selected passage (v, then shift+arrows, or a mouse drag) with a note and tags",
        ),
        _binding("w", "workbench", "Workbench", "Bookmarks and clips: filter, Enter opens"),
        _binding(
            "ctrl+t",
            "export",
            "Export",
            "Export every result of the search to Markdown with citations"
            " (in <data dir>/exports; the command line has csv and jsonl)",
        ),
    ]

    def __init__(
        self,
        make_engine: EngineFactory,
        location: Location,
        preferences: Preferences | None = None,
    ) -> None:
        super().__init__(make_engine, location, preferences)
        self.workbench: Workbench | None = None
        self.trail: list[Entry] = []
        self._trail_at: int | None = None  # None: at the newest end
        self._replaying: set[str] = set()  # the kinds of entry being replayed (not recorded)
        self._opened_entry: int | None = None  # the history entry of the article shown
        self._chosen_search = False  # the next search was chosen whole, not typed
        self._typed_search: tuple[int, float] | None = None  # (entry, when) last typed
        self._pending: list[Callable[[Workbench], str | None]] = []
        self._writes: WriteQueue[Callable[[Workbench], str | None]] = WriteQueue()

    # --- opening ----------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="userdata-open", exit_on_error=False)
    def open_workbench(self, corpus: Path | None) -> None:
        """Open the user database for a corpus (None: the bundled one), in a worker."""
        from userdata.workbench import open_workbench

        workbench = open_workbench(corpus)
        trail = list(reversed(workbench.history.entries(limit=TRAIL)))
        self.post_message(WorkbenchOpened(workbench, trail))

    @on(WorkbenchOpened)
    def _workbench_opened(self, message: WorkbenchOpened) -> None:
        self.workbench = message.workbench
        self.trail = message.trail + self.trail
        pending, self._pending = self._pending, []
        for waiting in pending:  # what happened while it opened
            self._write(waiting)
        if message.workbench.notice:
            self.say(message.workbench.notice, 15, title="Your data", severity="warning")
        last = next((e for e in reversed(self.trail) if e.kind == "article"), None)
        if last is not None and self.article_view.article is None:
            self.say(f"Press ctrl+o to resume where you were: {last.text}", 8)

    def _write(self, work: Callable[[Workbench], str | None]) -> None:
        if self.workbench is None:
            self._pending.append(work)  # written once it is open
        elif not self.workbench.db.readonly and self._writes.add(work):
            self._run_writes(self.workbench)  # one at a time, in order (`userdata.writes`)

    @work(thread=True, group="userdata", exit_on_error=False)
    def _run_writes(self, workbench: Workbench) -> None:
        from userdata.db import UserDataError

        def run(work: Callable[[Workbench], str | None]) -> None:
            try:
                said = work(workbench)
            except UserDataError as error:
                self.post_message(WorkbenchSaid(str(error), error=True))
                return
            if said:
                self.post_message(WorkbenchSaid(said))

        self._writes.drain(run)

    @on(WorkbenchSaid)
    def _workbench_said(self, message: WorkbenchSaid) -> None:
        if message.error:
            self.say(message.text, 8, severity="error")
        else:
            self.say(message.text, 3)

    # --- recording (called once results or an article are on screen) -----------------------

    def record_search(self, results: SearchResults) -> None:
        """A search's first page is drawn: keep it in the history."""
        if "search" in self._replaying:
            self._replaying.discard("search")
            self._chosen_search = False
            return
        query, actor, sort, total = self.query_text, self.actor_filter, self.sort, results.total
        typed, self._chosen_search = not self._chosen_search, False
        if not query.strip() and actor is None:
            return  # the list of every article, not a search the person ran
        last = self._typed_search
        replace = last[0] if typed and last and time.monotonic() - last[1] < TYPING_WINDOW else None
        self._trail_at = None
        self._write(
            lambda w: self._add(w.history.searched(query, actor, sort, total, replace), w, typed)
        )

    def record_article(self, stored: StoredArticle) -> None:
        """An article is shown: keep it in the history."""
        if "article" in self._replaying:
            self._replaying.discard("article")
            return
        article, query, actor = stored.article, self.query_text, self.actor

        def work(w: Workbench) -> None:
            entry = w.history.opened(article.id, article.content_hash, article.title, query, actor)
            self._add(entry, w)

        self._typed_search = None
        self._trail_at = None
        self._write(work)

    def _add(self, entry_id: int, workbench: Workbench, typed: bool = False) -> None:
        # From the worker: the entry as stored (a search typed on replaces the last one).
        rows = [e for e in workbench.history.entries(limit=2) if e.id == entry_id]
        if rows:
            self.app.call_from_thread(self._append_trail, rows[0], typed)

    def _append_trail(self, entry: Entry, typed: bool = False) -> None:
        if entry.kind == "article":
            self._opened_entry = entry.id
        elif typed:
            self._typed_search = (entry.id, time.monotonic())
        if self.trail and self.trail[-1].id == entry.id:
            self.trail[-1] = entry
        else:
            self.trail.append(entry)

    def remember_scroll(self, now: bool = False) -> None:
        """The open article's scroll position, for "resume where you were": in a worker, or
        (`now`, as the app quits) before returning."""
        if not self.is_mounted or not self.query("#article"):
            return
        entry, y = self._opened_entry, float(self.article_view.scroll_y)
        if entry is None or self.workbench is None or self.workbench.db.readonly:
            return
        if not now:
            self._write(lambda w: w.history.scrolled(entry, y))
            return
        from userdata.db import UserDataError

        with suppress(UserDataError):  # a write that fails was said when it first failed
            self.workbench.history.scrolled(entry, y)

    # --- replaying --------------------------------------------------------------------------

    def run_search(self, query: str, actor: str | None, sort: str) -> None:
        """Put a search in the box and run it (from the history or a saved search)."""
        self._chosen_search = True
        self.set_reactive(SearchingReader.sort, sort)
        self.set_reactive(SearchingReader.actor_filter, actor)
        entity = self.engine.entity(actor) if (self.engine and actor) else None
        self.search_bar.show_filter(entity.name if entity else actor)
        self.search_bar.input.value = query
        if self.query_text != query:
            self.query_text = query
        else:
            self._search_now()

    def replay(self, entry: Entry, record: bool = True) -> None:
        """Re-run a search or reopen an article (`record`: as a new step of the trail)."""
        if not record:
            self._replaying.add(entry.kind)
        self._typed_search = None
        if entry.kind == "search":
            self.run_search(entry.query, entry.actor, entry.sort or self.sort)
        elif entry.article_id is not None:
            self._leave_mark()
            self._load_article(entry.article_id, Target("scroll", scroll_y=entry.scroll_y or 0))
            self.article_view.focus()

    def _leave_mark(self) -> None:
        raise NotImplementedError

    def action_trail(self, step: int) -> None:
        """Back (-1) or forward (1) along the trail."""
        if not self.trail:
            self.say("Nothing in the history yet.", 2)
            return
        at = len(self.trail) - 1 if self._trail_at is None else self._trail_at
        target = at + step
        if not 0 <= target < len(self.trail):
            self.say("The start of the history." if step < 0 else "The end of the history.", 2)
            return
        self._trail_at = target
        self.replay(self.trail[target], record=False)

    def action_resume(self) -> None:
        """The last search, then the last article at its scroll position."""
        search = next((e for e in reversed(self.trail) if e.kind == "search"), None)
        article = next((e for e in reversed(self.trail) if e.kind == "article"), None)
        if search is None and article is None:
            self.say("Nothing to resume: the history is empty.", 3)
            return
        if search is not None:
            self.replay(search, record=False)
        if article is not None:
            self.replay(article, record=False)

    def action_history(self) -> None:
        """The history picker: Enter re-runs the search or reopens the article."""
        if self.workbench is None:
            self.say("The history is still opening.", 2)
            return
        from tui.screens.pickers import history_picker

        history = self.workbench.history

        def chosen(key: str | None) -> None:
            entry = history.entry(int(key)) if key is not None else None
            if entry is not None:
                self.replay(entry)

        self.app.push_screen(history_picker(history), chosen)

    # --- saved searches ---------------------------------------------------------------------

    def action_save_search(self) -> None:
        """Name the search in the box and save it."""
        if self.workbench is None:
            return
        from tui.screens.pickers import Prompt

        query, actor, sort = self.query_text, self.actor_filter, self.sort

        def named(answer: list[str] | None) -> None:
            if answer and answer[0].strip():
                name = answer[0].strip()

                def work(w: Workbench) -> str:
                    w.saved.save(name, query, actor, sort)
                    return f"Saved the search as {name!r} (o lists saved searches)."

                self._write(work)

        title = f"Save the search {query!r} as" if query.strip() else "Save this search as"
        self.app.push_screen(Prompt(title, [("a name", query.strip()[:40])]), named)

    def action_saved(self) -> None:
        """The saved searches, each with its count of new articles."""
        if self.workbench is not None and self.engine is not None:
            self._count_saved(self.workbench, self.engine)

    @work(thread=True, exclusive=True, group="saved", exit_on_error=False)
    def _count_saved(self, workbench: Workbench, engine: Engine) -> None:
        from index import QueryError
        from index.listing import matching_ids

        counted = []
        for saved in workbench.saved.all():
            try:
                ids = matching_ids(engine, saved.query, saved.actor)
            except QueryError:
                ids = set()
            counted.append((saved, workbench.saved.new_since(saved, ids), len(ids)))
        self.post_message(SavedCounted(counted))

    @on(SavedCounted)
    def _saved_counted(self, message: SavedCounted) -> None:
        if not message.counted:
            self.say("No saved searches yet: ctrl+s saves the one in the box.", 4)
            return
        from tui.screens.pickers import ListPicker

        found = {str(s.id): s for s, _, _ in message.counted}
        items = [
            (str(s.id), f"{s.name}  ·  {s.query!r}  ·  {new:,} new of {total:,}")
            for s, new, total in message.counted
        ]

        def chosen(key: str | None) -> None:
            if key is None or self.engine is None:
                return
            saved, engine = found[key], self.engine
            self.run_search(saved.query, saved.actor, saved.sort)

            def work(w: Workbench) -> None:
                from index.listing import matching_ids

                ids = matching_ids(engine, saved.query, saved.actor)
                w.saved.opened(saved, ids)

            self._write(work)

        self.app.push_screen(ListPicker(items, "Saved searches"), chosen)

    # --- bookmarks and clips ----------------------------------------------------------------

    def action_bookmark(self) -> None:
        """Bookmark the open article, or remove its bookmark."""
        stored = self.article_view.article
        if stored is None:
            self.say("Open an article to bookmark it.", 2)
            return
        article = stored.article

        def work(w: Workbench) -> str:
            on = w.notes.toggle_bookmark(article.id, article.content_hash, article.title)
            return "Bookmarked (w lists bookmarks)." if on else "Bookmark removed."

        self._write(work)

    def action_clip(self) -> None:
        """Clip the selected passage, with an optional note and tags."""
        stored, chosen = self.article_view.article, self.article_view.selection
        if chosen is None or chosen.empty:
            chosen = self.article_view.mouse_selection()  # a mouse drag across the text
        if stored is None or chosen is None or chosen.empty:
            self.say("Select a passage first: v starts a selection, shift+arrows extend it.", 4)
            return
        from tui.screens.pickers import Prompt
        from userdata.notes import parse_tags

        article = stored.article
        text = chosen.passage(self.article_view.field_text(chosen.field))
        query, actor = self.query_text, self.actor

        def answered(answer: list[str] | None) -> None:
            if answer is None:
                return
            note, tags = answer[0].strip(), parse_tags(answer[1])

            def work(w: Workbench) -> str:
                w.notes.clip(
                    article_id=article.id,
                    content_hash=article.content_hash,
                    title=article.title,
                    field=chosen.field,
                    start=chosen.start,
                    end=chosen.end,
                    text=text,
                    note=note,
                    tags=tags,
                    query=query,
                    actor=actor,
                )
                return f"Clipped {len(text):,} characters (w lists clips)."

            self.article_view.select(None)
            self._write(work)

        shown = text if len(text) <= 60 else text[:57] + "…"
        self.app.push_screen(
            Prompt(f"Clip {shown!r}", [("a note (optional)", ""), ("tags, e.g. #evidence", "")]),
            answered,
        )

    def action_workbench(self) -> None:
        """Bookmarks and clips: filter, Enter opens the article at the passage."""
        if self.workbench is None or self.engine is None:
            return
        from tui.screens.workbench import WorkbenchScreen

        def chosen(choice: tuple[str, Clip | None] | None) -> None:
            if choice is not None:
                self.open_clip(*choice)

        self.app.push_screen(WorkbenchScreen(self.workbench, self.engine), chosen)  # type: ignore[arg-type]

    def open_clip(self, article_id: str, clip: Clip | None) -> None:
        """Open an article; with a clip, scrolled to its passage and the passage selected."""
        self._leave_mark()
        if clip is None:
            self._load_article(article_id, Target("first-hit"))
        else:
            self._load_article(article_id, Target("passage", clip.field, clip.start, end=clip.end))
        self.article_view.focus()

    def action_export(self) -> None:
        """Every result of the search, to a Markdown file with citations."""
        if self.engine is not None:
            self._export_results(self.engine, self.query_text, self.sort, self.actor_filter)

    @work(thread=True, exclusive=True, group="export", exit_on_error=False)
    def _export_results(self, engine: Engine, query: str, sort: str, actor: str | None) -> None:
        from index import QueryError
        from tui.export import RESULT_COLUMNS, export_file, result_records

        try:
            total, records = result_records(engine, query, sort, actor)
            heading = f"Results for {query!r}" if query.strip() else "Every article"
            path, count = export_file("results", RESULT_COLUMNS, heading, records)
        except (QueryError, OSError) as error:
            self.post_message(WorkbenchSaid(f"Not exported: {error}", error=True))
            return
        self.post_message(WorkbenchSaid(f"Exported {count:,} of {total:,} results to {path}"))
