"""The mentions view: every mention of an actor across the corpus, keyword-in-context.

The concordance corpus linguists use, applied to actors: left context, the mention as written,
right context, article and date; sortable by date or by spelling; Enter opens the article at
that mention. Lines load in batches from a worker, so thousands of mentions open at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Static
from textual.worker import get_current_worker

from index import MentionRef
from tui.text import visible

if TYPE_CHECKING:
    from index import Engine, KwicLine

__all__ = ["MentionsScreen"]

BATCH = 500
CONTEXT = 45


class MentionsLoaded(Message):
    """A batch of keyword-in-context lines."""

    def __init__(self, lines: list[KwicLine], done: bool, total: int) -> None:
        super().__init__()
        self.lines = lines
        self.done = done
        self.total = total


class MentionsScreen(ModalScreen[MentionRef | None]):
    """Every mention of one actor; Enter opens the article at the mention."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", tooltip="Back to the reader", id="mentions.close"),
        Binding(
            "s", "toggle_sort", "Sort", tooltip="Sort by date or by spelling", id="mentions.sort"
        ),
        Binding("j", "cursor_down", "Down", show=False, tooltip="Next mention", id="mentions.down"),
        Binding("k", "cursor_up", "Up", show=False, tooltip="Previous mention", id="mentions.up"),
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

    def compose(self) -> ComposeResult:
        entity = self.engine.entity(self.entity_id)
        name = entity.name if entity else self.entity_id
        with Vertical():
            yield Static(Text(f"Mentions of {name}: loading…"), id="mentions-title")
            yield DataTable(id="kwic", cursor_type="row", zebra_stripes=True)
            yield Footer()

    @property
    def table(self) -> DataTable[Text]:
        """The concordance table."""
        return self.query_one("#kwic", DataTable)

    def on_mount(self) -> None:
        self.table.add_column("Date", key="date", width=10)
        self.table.add_column("Left", key="left", width=CONTEXT)
        self.table.add_column("Mention", key="mention")
        self.table.add_column("Right", key="right", width=CONTEXT)
        self.table.add_column("Article", key="article")
        self.table.focus()
        self._load(self.engine, self.entity_id)

    @work(thread=True, exclusive=True, group="mentions", exit_on_error=False)
    def _load(self, engine: Engine, entity_id: str) -> None:
        refs = engine.mentions_of(entity_id)
        worker = get_current_worker()
        for start in range(0, max(1, len(refs)), BATCH):
            if worker.is_cancelled:
                return
            lines = engine.kwic(refs[start : start + BATCH], width=CONTEXT + 10)
            self.post_message(MentionsLoaded(lines, start + BATCH >= len(refs), len(refs)))

    @on(MentionsLoaded)
    def _loaded(self, message: MentionsLoaded) -> None:
        self.total = message.total
        self.lines.extend(message.lines)
        if self.sort == "date":
            self._add_rows(message.lines)
        else:
            self._rebuild()
        entity = self.engine.entity(self.entity_id)
        name = entity.name if entity else self.entity_id
        state = "" if message.done else " (loading…)"
        articles = len({line.ref.article_n for line in self.lines})
        self.query_one("#mentions-title", Static).update(
            Text(
                f"Mentions of {name}: {self.total:,} in {articles:,} articles{state}"
                f" · sorted by {self.sort} (s to change) · Enter opens"
            )
        )

    def _add_rows(self, lines: list[KwicLine]) -> None:
        for line in lines:
            article = line.article.article
            date = article.published.iso if article.published else "undated"
            self.table.add_row(
                Text(date),
                Text(visible(line.left)[-CONTEXT:], justify="right", no_wrap=True),
                Text(visible(line.text), style="bold reverse"),
                Text(visible(line.right)[:CONTEXT], no_wrap=True),
                Text(visible(article.title)[:60], no_wrap=True),
                key=str(len(self.table.rows)),
            )

    def _rebuild(self) -> None:
        if self.sort == "spelling":
            self.lines.sort(key=lambda k: (k.text.casefold(), k.ref.position))
        else:
            self.lines.sort(key=lambda k: k.ref.position)
        self.table.clear()
        self._add_rows(self.lines)

    def action_toggle_sort(self) -> None:
        """Sort by date or by spelling."""
        self.sort = "spelling" if self.sort == "date" else "date"
        self._rebuild()
        self.query_one("#mentions-title", Static).update(
            Text(f"{self.total:,} mentions · sorted by {self.sort} (s to change) · Enter opens")
        )

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
