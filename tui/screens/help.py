"""The help screen: every key, built from the same binding tables the footer uses."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

__all__ = ["HelpScreen"]


class HelpScreen(ModalScreen[None]):
    """Lists key, what it does, and where it works."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape,question_mark,q", "close", "Close", tooltip="Close the help", id="help.close"
        ),
    ]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > Vertical { width: 116; max-width: 98%; height: 90%; border: thick $primary; background: $surface; }
    HelpScreen #help-title { padding: 0 1; text-style: bold; }
    HelpScreen DataTable { height: 1fr; }
    """

    def __init__(self, rows: list[tuple[str, str, str]]) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text("afreader keys (Escape closes)"), id="help-title")
            yield DataTable(id="help-keys", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Key", "Does", "Where")
        for key, does, where in self.rows:
            table.add_row(Text(key, style="bold"), Text(does), Text(where))
        table.focus()

    def action_close(self) -> None:
        """Close the help."""
        self.dismiss(None)
