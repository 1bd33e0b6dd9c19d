"""The problems view: every article that could not be read, with file, line and reason."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.style import Style as RichStyle
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from tui.text import visible

if TYPE_CHECKING:
    from corpus import Problem

__all__ = ["ProblemsScreen"]

SHOWN = 5000


class ProblemsScreen(ModalScreen[None]):
    """A table of load problems (the first 5,000; `afreader problems` lists all)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,p,q", "close", "Close", tooltip="Back to the reader", id="problems.close"),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {"problems--error", "problems--warning"}
    DEFAULT_CSS = """
    ProblemsScreen > .problems--error { color: $text-error; text-style: bold; }
    ProblemsScreen > .problems--warning { color: $text-warning; }
    ProblemsScreen { align: center middle; }
    ProblemsScreen > Vertical { width: 96%; height: 90%; border: thick $warning; background: $surface; }
    ProblemsScreen #problems-title { padding: 0 1; text-style: bold; }
    ProblemsScreen DataTable { height: 1fr; }
    """

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__()
        self.problems = problems

    def compose(self) -> ComposeResult:
        errors = sum(p.severity == "error" for p in self.problems)
        title = (
            f"{errors:,} article(s) not loaded, {len(self.problems) - errors:,} warning(s)"
            if self.problems
            else "Every article was read without a problem."
        )
        if len(self.problems) > SHOWN:
            title += f" · first {SHOWN:,} shown; 'afreader problems' lists all"
        with Vertical():
            yield Static(Text(title), id="problems-title")
            yield DataTable(id="problems", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Where", "Field", "Severity", "What is wrong")
        # Theme colours (resolved: the table draws rich Text), not fixed red and yellow.
        styles = {name: self._colour(f"problems--{name}") for name in ("error", "warning")}
        for problem in self.problems[:SHOWN]:
            table.add_row(
                Text(visible(problem.location)),
                Text(problem.field or ""),
                Text(problem.severity, style=styles.get(problem.severity, RichStyle())),
                Text(visible(problem.message)),
            )
        table.focus()

    def _colour(self, name: str) -> RichStyle:
        partial = self.get_component_rich_style(name, partial=True)
        full = self.get_component_rich_style(name)
        return partial + RichStyle(color=full.color)

    def action_close(self) -> None:
        """Back to the reader."""
        self.dismiss(None)
