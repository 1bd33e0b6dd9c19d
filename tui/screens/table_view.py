"""A table computed in a worker, as a modal view: the overview's co-mentions, sentences,
keyness and matrix views are each one (`tui/screens/overview_views.py`).

The rows are computed in a thread worker once the view is drawn ("computing…" until then);
Enter dismisses the view with the chosen row's value, Escape with None.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar, Generic, TypeVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Static
from textual.worker import get_current_worker

from tui.text import safe

__all__ = ["Columns", "Loaded", "Row", "TableScreen"]

T = TypeVar("T")
Row = tuple[list[Text], T]
Columns = list[tuple[str, int | None]]
# What `load` returns: the rows, the title to show, and the columns when they depend on the
# rows (None: those given to the view).
Loaded = tuple[list[Row[T]], str, Columns | None]


class RowsLoaded(Message):
    """The rows of a table view, computed."""

    def __init__(self, rows: list[Row[object]], title: str, columns: Columns | None) -> None:
        super().__init__()
        self.rows = rows
        self.title = title
        self.columns = columns


class LoadFailed(Message):
    """Computing a table view's rows failed; the message says why."""

    def __init__(self, message: str) -> None:
        super().__init__()
        self.message = message


class TableScreen(ModalScreen[T | None], Generic[T]):
    """A titled table whose rows `load` computes (in a worker: it returns the rows and the
    title to show); Enter chooses a row."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", tooltip="Back to the reader", id="table.close"),
    ]
    DEFAULT_CSS = """
    TableScreen { align: center middle; }
    TableScreen > Vertical { width: 96%; height: 92%; border: thick $primary; background: $surface; }
    TableScreen #table-title { padding: 0 1; text-style: bold; }
    TableScreen DataTable { height: 1fr; }
    """

    def __init__(
        self,
        title: str,
        columns: Columns,
        load: Callable[[], Loaded[T]],
    ) -> None:
        super().__init__()
        self.heading = title
        self.columns = columns
        self.load = load
        self.values: list[T] = []
        self.loaded = False

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(safe(f"{self.heading}: computing…"), id="table-title")
            yield DataTable(id="table-rows", cursor_type="row", zebra_stripes=True)
            yield Footer()

    @property
    def table(self) -> DataTable[Text]:
        """The view's table."""
        return self.query_one("#table-rows", DataTable)

    def on_mount(self) -> None:
        for label, width in self.columns:
            self.table.add_column(label, width=width)
        self.table.focus()
        self._compute()

    @work(thread=True, exclusive=True, group="table", exit_on_error=False)
    def _compute(self) -> None:
        from index import EngineError, QueryError

        try:
            rows, title, columns = self.load()
        except (QueryError, EngineError) as error:
            self.post_message(LoadFailed(str(error)))
            return
        if not get_current_worker().is_cancelled:
            self.post_message(RowsLoaded(rows, title, columns))  # type: ignore[arg-type]

    @on(RowsLoaded)
    def _loaded(self, message: RowsLoaded) -> None:
        self.values = [value for _, value in message.rows]  # type: ignore[misc]
        if message.columns is not None:
            self.table.clear(columns=True)
            for label, width in message.columns:
                self.table.add_column(label, width=width)
        for i, (cells, _) in enumerate(message.rows):
            self.table.add_row(*cells, key=str(i))
        self.loaded = True
        self.query_one("#table-title", Static).update(safe(message.title))

    @on(LoadFailed)
    def _failed(self, message: LoadFailed) -> None:
        self.loaded = True
        self.query_one("#table-title", Static).update(safe(f"{self.heading}: {message.message}"))

    @property
    def current(self) -> T | None:
        """The value of the row under the cursor."""
        row = self.table.cursor_row
        return self.values[row] if 0 <= row < len(self.values) else None

    @on(DataTable.RowSelected)
    def _chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if 0 <= event.cursor_row < len(self.values):
            self.choose(event.cursor_row, self.values[event.cursor_row])

    def choose(self, row: int, value: T) -> None:
        """Enter on a row: the view closes with its value (a view may do otherwise)."""
        self.dismiss(value)

    def action_close(self) -> None:
        """Back to the reader."""
        self.dismiss(None)
