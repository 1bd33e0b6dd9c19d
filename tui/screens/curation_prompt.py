"""A small prompt for curation: a line of text, prefilled (the word or mention at the pointer,
or a selection), and for a new actor its type. Enter confirms, Escape closes."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from tui.text import safe
from tui.widgets.search_bar import InOrderInput

__all__ = ["CurationPrompt"]

TYPES = ("person", "organization", "place")


class CurationPrompt(ModalScreen[tuple[str, str] | None]):
    """Dismissed with (text, type) — type "" unless asked for — or None when closed."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", tooltip="Close, changing nothing", id="prompt.close"),
        Binding("down", "move(1)", "Down", show=False, tooltip="Next type", id="prompt.down"),
        Binding("up", "move(-1)", "Up", show=False, tooltip="Previous type", id="prompt.up"),
    ]
    DEFAULT_CSS = """
    CurationPrompt { align: center middle; }
    CurationPrompt > Vertical {
        width: 64; max-width: 96%; height: auto; border: thick $primary; background: $surface;
    }
    CurationPrompt #prompt-title { padding: 0 1; text-style: bold; }
    CurationPrompt OptionList { height: auto; max-height: 5; }
    """

    def __init__(self, title: str, value: str, with_type: str | None = None) -> None:
        super().__init__()
        self.title_text = title
        self.value = value
        self.with_type = with_type  # the type to offer first, or None: no type asked

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(safe(self.title_text), id="prompt-title")
            yield InOrderInput(value=self.value, id="prompt-text")
            if self.with_type is not None:
                yield OptionList(*[Option(t, id=t) for t in TYPES], id="prompt-type")

    def on_mount(self) -> None:
        if self.with_type is not None:
            self.query_one(OptionList).highlighted = TYPES.index(self.with_type)
        self.query_one(Input).focus()

    def action_move(self, step: int) -> None:
        """Choose another type (up and down, while typing)."""
        if self.with_type is None:
            return
        options = self.query_one(OptionList)
        options.highlighted = ((options.highlighted or 0) + step) % len(TYPES)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._finish()

    @on(OptionList.OptionSelected)
    def _type_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._finish()

    def _finish(self) -> None:
        text = " ".join(self.query_one(Input).value.split())
        if not text:
            return
        kind = ""
        if self.with_type is not None:
            kind = TYPES[self.query_one(OptionList).highlighted or 0]
        self.dismiss((text, kind))

    def action_close(self) -> None:
        """Close, changing nothing."""
        self.dismiss(None)
