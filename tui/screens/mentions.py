"""The mentions view: every mention of an actor across the corpus, keyword-in-context.

The concordance corpus linguists use, applied to actors: left context, the mention as written,
right context, article and date; sortable by date or by spelling; Enter opens the article at
that mention. Lines load in batches from a worker, so thousands of mentions open at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.coordinate import Coordinate
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Static
from textual.worker import get_current_worker

from index import MentionRef
from tui.text import plain, visible

if TYPE_CHECKING:
    from index import Engine, KwicLine

__all__ = ["MentionsScreen"]

# Lines are fetched a page at a time as the cursor nears the end: an actor with 160,000
# mentions opens as fast as one with ten.
PAGE = 300
LOAD_AHEAD = 60
# Context on each side of a mention: as wide as the terminal allows with the date, the mention
# and the start of the article's title in view (at 120 columns, 26 characters), at most 45.
CONTEXT = 45
MIN_CONTEXT = 20
# Date, mention, the title's first characters, and each column's padding.
DATE, MENTION, MIN_TITLE = 10, 16, 24
_OTHER_COLUMNS = DATE + MENTION + MIN_TITLE + 5 * 2
# The table's vertical scrollbar.
SCROLLBAR = 2


def _inner(screen_width: int) -> int:
    return int(screen_width * 0.96) - 2  # the view's width and border (DEFAULT_CSS)


def context_width(screen_width: int) -> int:
    """Characters of context each side of a mention for a terminal this wide."""
    return max(MIN_CONTEXT, min(CONTEXT, (_inner(screen_width) - _OTHER_COLUMNS) // 2))


def title_width(screen_width: int, context: int) -> int:
    """What is left for the Article column, so that the table fits without scrolling sideways."""
    used = DATE + MENTION + 2 * context + 5 * 2 + SCROLLBAR
    return max(MIN_TITLE, _inner(screen_width) - used)


def ellipsized(text: str, width: int) -> str:
    """`text` in at most `width` characters, with an ellipsis where it was cut."""
    return text if len(text) <= width else text[: max(0, width - 1)] + "…"


class ConcordanceTable(DataTable[Text]):
    """The mentions table: a click on a line opens it, as Enter does.

    DataTable only selects on a second click (the first moves the cursor); a concordance
    line is chosen with one, like the results and the sidebar's actors.
    """

    async def _on_click(self, event: events.Click) -> None:
        # Runs before DataTable's own handler, which moves the cursor (and selects when the
        # click was on the cursor's own cell): decide afterwards.
        meta = event.style.meta
        row = meta.get("row")
        if isinstance(row, int) and row >= 0:
            before = self.cursor_coordinate
            self.call_next(self._clicked, row, before)

    def _clicked(self, row: int, before: Coordinate) -> None:
        if self.cursor_coordinate.row == row and self.cursor_coordinate != before:
            self.action_select_cursor()


class MentionsLoaded(Message):
    """A page of keyword-in-context lines, for one sort order."""

    def __init__(
        self, lines: list[KwicLine], sort: str, done: bool, total: int, articles: int
    ) -> None:
        super().__init__()
        self.lines = lines
        self.sort = sort
        self.done = done
        self.total = total
        self.articles = articles


class MentionsScreen(ModalScreen[MentionRef | None]):
    """Every mention of one actor; Enter opens the article at the mention."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", tooltip="Back to the reader", id="mentions.close"),
        Binding(
            "s", "toggle_sort", "Sort", tooltip="Sort by date or by spelling", id="mentions.sort"
        ),
        Binding("j", "cursor_down", "Down", show=False, tooltip="Next mention", id="mentions.down"),
        # Above the table's own Home and End, which scroll it sideways.
        Binding(
            "home",
            "first",
            "First",
            show=False,
            priority=True,
            tooltip="The first mention",
            id="mentions.first",
        ),
        Binding(
            "end",
            "last",
            "Last",
            show=False,
            priority=True,
            tooltip="The last mention (loading the rest first)",
            id="mentions.last",
        ),
        Binding("k", "cursor_up", "Up", show=False, tooltip="Previous mention", id="mentions.up"),
        Binding(
            "ctrl+t",
            "export",
            "Export",
            show=False,
            tooltip="Export every mention to Markdown with citations (in <data dir>/exports)",
            id="mentions.export",
        ),
    ]
    DEFAULT_CSS = """
    MentionsScreen { align: center middle; }
    MentionsScreen > Vertical { width: 96%; height: 92%; border: thick $primary; background: $surface; }
    MentionsScreen #mentions-title { padding: 0 1; text-style: bold; }
    MentionsScreen DataTable { height: 1fr; }
    """

    def __init__(self, engine: Engine, entity_id: str) -> None:
        super().__init__()
        self.engine = engine
        self.entity_id = entity_id
        self.sort = "date"
        self.lines: list[KwicLine] = []
        self.total = 0
        self.context = CONTEXT
        self._loading = False
        self._done = False
        self._to_end = False  # End was pressed before every line was loaded
        self.title_width = MIN_TITLE

    def compose(self) -> ComposeResult:
        entity = self.engine.entity(self.entity_id)
        name = entity.name if entity else self.entity_id
        with Vertical():
            yield Static(Text(f"Mentions of {name}: loading…"), id="mentions-title")
            yield ConcordanceTable(id="kwic", cursor_type="row", zebra_stripes=True)
            yield Footer()

    @property
    def table(self) -> DataTable[Text]:
        """The concordance table."""
        return self.query_one("#kwic", DataTable)

    def on_mount(self) -> None:
        self.context = context_width(self.app.size.width)
        self.title_width = title_width(self.app.size.width, self.context)
        self.table.add_column("Date", key="date", width=DATE)
        self.table.add_column("Left", key="left", width=self.context)
        self.table.add_column("Mention", key="mention", width=MENTION)
        self.table.add_column("Right", key="right", width=self.context)
        self.table.add_column("Article", key="article", width=self.title_width)
        self.table.focus()
        self._load_more()

    @work(thread=True, exclusive=True, group="mentions", exit_on_error=False)
    def _load(self, engine: Engine, entity_id: str, sort: str, offset: int, context: int) -> None:
        total, articles = engine.count_mentions(entity_id)
        refs = engine.mentions_of(entity_id, offset, PAGE, by=sort)
        lines = engine.kwic(refs, width=context + 10)
        if not get_current_worker().is_cancelled:
            done = offset + len(refs) >= total
            self.post_message(MentionsLoaded(lines, sort, done, total, articles))

    def _load_more(self) -> None:
        if not self._loading and not self._done:
            self._loading = True
            self._load(self.engine, self.entity_id, self.sort, len(self.lines), self.context)

    @on(MentionsLoaded)
    def _loaded(self, message: MentionsLoaded) -> None:
        if message.sort != self.sort:
            return  # loaded for the order the person just left
        self._loading = False
        self._done = message.done
        self.total = message.total
        self.lines.extend(message.lines)
        self._add_rows(message.lines)
        if self._to_end:
            if self._done:
                self._to_end = False
                self.table.move_cursor(row=len(self.lines) - 1)
            else:
                self._load_more()
        entity = self.engine.entity(self.entity_id)
        name = entity.name if entity else self.entity_id
        self.query_one("#mentions-title", Static).update(
            Text(
                f"Mentions of {name}: {self.total:,} in {message.articles:,} articles"
                f" · sorted by {self.sort} (s to change) · Enter opens"
            )
        )

    @on(DataTable.RowHighlighted)
    def _near_end(self, event: DataTable.RowHighlighted) -> None:
        if event.cursor_row >= len(self.lines) - LOAD_AHEAD:
            self._load_more()

    def _add_rows(self, lines: list[KwicLine]) -> None:
        for line in lines:
            article = line.article.article
            date = article.published.iso if article.published else "undated"
            self.table.add_row(
                Text(date),
                Text(visible(line.left)[-self.context :], justify="right", no_wrap=True),
                Text(ellipsized(visible(line.text), MENTION), style="bold reverse"),
                Text(visible(line.right)[: self.context], no_wrap=True),
                Text(ellipsized(visible(article.title), self.title_width), no_wrap=True),
                key=str(len(self.table.rows)),
            )

    def action_toggle_sort(self) -> None:
        """Sort by date or by spelling."""
        self.sort = "spelling" if self.sort == "date" else "date"
        self.lines = []
        self._done = False
        self._loading = False
        self._to_end = False
        self.table.clear()
        self._load_more()

    def action_first(self) -> None:
        """The first mention (the columns stay where they are)."""
        self._to_end = False
        self.table.move_cursor(row=0, column=0)

    def action_last(self) -> None:
        """The last mention, once every line is loaded."""
        if self._done:
            self.table.move_cursor(row=max(0, len(self.lines) - 1), column=0)
        else:
            self._to_end = True
            self._load_more()

    def action_cursor_down(self) -> None:
        """Next line."""
        self.table.action_cursor_down()

    def action_cursor_up(self) -> None:
        """Previous line."""
        self.table.action_cursor_up()

    @on(DataTable.RowSelected)
    def _open(self, event: DataTable.RowSelected) -> None:
        event.stop()
        index = event.cursor_row
        if 0 <= index < len(self.lines):
            self.dismiss(self.lines[index].ref)

    def action_close(self) -> None:
        """Back to the reader."""
        self.dismiss(None)

    def action_export(self) -> None:
        """Every mention of the actor, to a Markdown file with citations."""
        self._export(self.engine, self.entity_id, self.sort)

    @work(thread=True, exclusive=True, group="export", exit_on_error=False)
    def _export(self, engine: Engine, entity_id: str, sort: str) -> None:
        from tui.export import MENTION_COLUMNS, export_file, mention_records

        entity = engine.entity(entity_id)
        heading = f"Mentions of {entity.name if entity else entity_id}"
        try:
            path, count = export_file(
                "mentions", MENTION_COLUMNS, heading, mention_records(engine, [entity_id], sort)
            )
        except OSError as error:
            self.post_message(self.Exported(f"Not exported: {error}"))
            return
        self.post_message(self.Exported(f"Exported {count:,} mentions to {path}"))

    class Exported(Message):
        """An export finished (or failed): what to say."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    @on(Exported)
    def _exported(self, message: Exported) -> None:
        self.notify(plain(message.text), timeout=10, markup=False)
