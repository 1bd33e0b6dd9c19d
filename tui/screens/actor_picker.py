"""A quick picker of actors: type to filter (fuzzy), Enter chooses, Escape closes.

Offered by `]`, `[`, `m` and `f` when no actor is chosen yet: the actors of the open article
(or of the query), so that choosing one never needs the Tab dance to the sidebar.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.fuzzy import Matcher
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from tui.text import safe, visible
from tui.widgets.search_bar import InOrderInput

__all__ = ["ActorPicker"]


class ActorPicker(ModalScreen[str | None]):
    """Choose one actor from a short list; dismissed with its id (None: closed)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape", "close", "Close", tooltip="Close the picker, choosing none", id="picker.close"
        ),
        Binding("down", "move(1)", "Down", show=False, tooltip="Next actor", id="picker.down"),
        Binding("up", "move(-1)", "Up", show=False, tooltip="Previous actor", id="picker.up"),
    ]
    DEFAULT_CSS = """
    ActorPicker { align: center middle; }
    ActorPicker > Vertical {
        width: 60; max-width: 96%; height: auto; max-height: 90%;
        border: thick $primary; background: $surface;
    }
    ActorPicker #picker-title { padding: 0 1; text-style: bold; }
    ActorPicker OptionList { height: auto; max-height: 14; }
    """

    def __init__(self, actors: list[tuple[str, str]], title: str) -> None:
        super().__init__()
        self.actors = actors
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(safe(self.title_text), id="picker-title")
            yield InOrderInput(placeholder="Type to filter the actors", id="picker-filter")
            yield OptionList(id="picker-actors")

    def on_mount(self) -> None:
        self._show("")
        self.query_one(Input).focus()

    @property
    def options(self) -> OptionList:
        """The actors shown."""
        return self.query_one(OptionList)

    def _show(self, text: str) -> None:
        matcher = Matcher(text) if text else None
        scored = []
        for order, (entity_id, name) in enumerate(self.actors):
            score = matcher.match(visible(name)) if matcher else 1.0
            if score > 0:
                scored.append((-score, order, entity_id, name))
        scored.sort()
        self.options.clear_options()
        self.options.add_options(
            [Option(Content(visible(name)), id=entity_id) for _s, _o, entity_id, name in scored]
        )
        if scored:
            self.options.highlighted = 0

    @on(Input.Changed, "#picker-filter")
    def _filter(self, event: Input.Changed) -> None:
        event.stop()
        self._show(event.value)

    @on(Input.Submitted, "#picker-filter")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        index = self.options.highlighted
        if index is not None:
            self.dismiss(self.options.get_option_at_index(index).id)

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_move(self, step: int) -> None:
        """Move the highlight while the cursor stays in the filter box."""
        count = self.options.option_count
        if count:
            current = self.options.highlighted or 0
            self.options.highlighted = max(0, min(count - 1, current + step))

    def action_close(self) -> None:
        """Close without choosing."""
        self.dismiss(None)
