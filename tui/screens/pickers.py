"""Pickers and prompts of the workbench: the history, the saved searches, a name or a note.

`ListPicker` is the actor picker's look and keys over any list of (id, text): type to
filter (words, any case, in any order), Enter chooses, Escape closes. Long lists show their
newest `SHOWN` matches and say how many more there are (type to narrow): nothing hidden
without saying so. `Prompt` asks for one or more lines of text.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from tui.screens.actor_picker import ActorPicker
from tui.text import safe, visible
from tui.widgets.search_bar import InOrderInput

__all__ = ["SHOWN", "ListPicker", "Prompt"]

SHOWN = 300


class ListPicker(ActorPicker):
    """Choose one item of a long list (newest first); dismissed with its id (None: closed)."""

    DEFAULT_CSS = """
    ListPicker > Vertical { width: 110; }
    ListPicker OptionList { max-height: 24; }
    ListPicker #picker-more { padding: 0 1; color: $text-muted; }
    """

    def __init__(self, items: list[tuple[str, str]], title: str) -> None:
        super().__init__(items, title)
        # Lowercased once: filtering 10,000 entries is then a substring test each.
        self._folded = [(item_id, text, text.lower()) for item_id, text in items]
        self.found: list[str] = []

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(safe(self.title_text), id="picker-title")
            yield InOrderInput(placeholder="Type to filter", id="picker-filter")
            yield OptionList(id="picker-actors")
            yield Static(id="picker-more")

    def _show(self, text: str) -> None:
        words = text.lower().split()
        found = [
            (item_id, shown)
            for item_id, shown, folded in self._folded
            if all(word in folded for word in words)
        ]
        self.found = [item_id for item_id, _ in found]  # every match, shown or not
        self.options.clear_options()
        self.options.add_options(
            [Option(Content(visible(shown)), id=item_id) for item_id, shown in found[:SHOWN]]
        )
        if found:
            self.options.highlighted = 0
        more = len(found) - SHOWN
        note = f"{more:,} more: type to narrow" if more > 0 else f"{len(found):,} shown"
        if self.is_mounted:
            self.query_one("#picker-more", Static).update(safe(note))


class Prompt(ModalScreen[list[str] | None]):
    """Ask for a few lines of text (a name; a note and tags); Enter in the last one answers."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", tooltip="Close, saving nothing", id="prompt.close"),
    ]
    DEFAULT_CSS = """
    Prompt { align: center middle; }
    Prompt > Vertical {
        width: 70; max-width: 96%; height: auto; border: thick $primary; background: $surface;
    }
    Prompt #prompt-title { padding: 0 1; text-style: bold; }
    """

    def __init__(self, title: str, fields: list[tuple[str, str]]) -> None:
        """`fields`: (placeholder, initial value) of each line asked for."""
        super().__init__()
        self.title_text = title
        self.fields = fields

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(safe(self.title_text), id="prompt-title")
            for n, (placeholder, value) in enumerate(self.fields):
                yield InOrderInput(value=value, placeholder=placeholder, id=f"prompt-{n}")

    def on_mount(self) -> None:
        self.query_one("#prompt-0", Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        inputs = list(self.query(Input))
        if event.input is not inputs[-1]:
            inputs[inputs.index(event.input) + 1].focus()
            return
        self.dismiss([box.value for box in inputs])

    def action_close(self) -> None:
        """Close without answering."""
        self.dismiss(None)
