"""Pickers and prompts of the workbench: the history, the saved searches, a name or a note.

`ListPicker` is the actor picker's look and keys over any list of (id, text): type to
filter (words, any case, in any order), Enter chooses, Escape closes. The list holds `PAGE`
options at a time and adds the next page as the highlight nears its end, so a long list
costs no more to open than a short one, and every match can be reached by moving down; the
note under it says how many match and how many are shown: nothing hidden without saying so.
A picker can open on the first page of a long list and read the rest (`rest`) in a worker
once it is drawn: until then the note says so, and a filter typed meanwhile is applied
again to the whole list when it arrives. `history_picker` opens the history that way.
`Prompt` asks for one or more lines of text.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from tui.screens.actor_picker import ActorPicker
from tui.text import safe, visible
from tui.widgets.search_bar import InOrderInput

if TYPE_CHECKING:
    from userdata.history import Entry, History

__all__ = ["PAGE", "ListPicker", "Prompt", "history_picker"]

# Options added to the list at a time (the first page is what opening the picker draws).
PAGE = 50

Folded = list[tuple[str, str, str]]  # (id, text, text lowercased)


def _folded(items: list[tuple[str, str]]) -> Folded:
    # Lowercased once: filtering 10,000 entries is then a substring test each.
    return [(item_id, text, text.lower()) for item_id, text in items]


class _RestRead(Message):
    """The whole list, read after the first page was drawn."""

    def __init__(self, folded: Folded) -> None:
        super().__init__()
        self.folded = folded


class ListPicker(ActorPicker):
    """Choose one item of a long list (newest first); dismissed with its id (None: closed).

    `rest`, when given, reads the whole list (`items` then being its first page), in a
    worker once the picker is drawn."""

    DEFAULT_CSS = """
    ListPicker > Vertical { width: 110; }
    ListPicker OptionList { max-height: 24; }
    ListPicker #picker-more { padding: 0 1; color: $text-muted; }
    """

    def __init__(
        self,
        items: list[tuple[str, str]],
        title: str,
        rest: Callable[[], list[tuple[str, str]]] | None = None,
    ) -> None:
        super().__init__(items, title)
        self._folded = _folded(items)
        self._rest = rest
        self.complete = rest is None  # the whole list is here
        self.found: list[str] = []  # the ids of every match, shown or not
        self._matches: list[tuple[str, str]] = []  # (id, text) of every match
        self._noted = ""

    def compose(self) -> ComposeResult:
        # The first page and its note are composed with the picker, not added once it is
        # mounted: each change after mounting lays the screen out and draws it again.
        self._matches = self._matching("")
        self.found = [item_id for item_id, _ in self._matches]
        with Vertical():
            yield Static(safe(self.title_text), id="picker-title")
            yield InOrderInput(placeholder="Type to filter", id="picker-filter")
            yield OptionList(*self._page(0), id="picker-actors")
            self._noted = self._note_text(PAGE)
            yield Static(safe(self._noted), id="picker-more")

    def on_mount(self) -> None:
        # Not the actor picker's: the first page is already in the list.
        if self._matches:
            self.options.highlighted = 0
        self.query_one(Input).focus()
        if self._rest is not None:
            # After the first frame: reading the rest never delays the picker's drawing.
            self.call_after_refresh(self._read_rest, self._rest)

    @work(thread=True, exclusive=True, group="picker-rest", exit_on_error=False)
    def _read_rest(self, rest: Callable[[], list[tuple[str, str]]]) -> None:
        self.post_message(_RestRead(_folded(rest())))

    @on(_RestRead)
    def _rest_read(self, message: _RestRead) -> None:
        self._folded = message.folded
        self.complete = True
        text = self.query_one("#picker-filter", Input).value
        matches = self._matching(text)
        shown = self.options.option_count
        if [item_id for item_id, _ in matches[:shown]] == self.found[:shown]:
            # The options drawn stay (and the highlight where it is); only the count grows.
            self._matches, self.found = matches, [item_id for item_id, _ in matches]
            self._note()
            return
        highlighted = self.options.highlighted
        keep = self.found[highlighted] if highlighted is not None else None
        self._show(text)
        if keep in self.found[: self.options.option_count]:
            self.options.highlighted = self.found.index(keep)

    def _matching(self, text: str) -> list[tuple[str, str]]:
        words = text.lower().split()
        return [
            (item_id, shown)
            for item_id, shown, folded in self._folded
            if all(word in folded for word in words)
        ]

    def _show(self, text: str) -> None:
        self._matches = self._matching(text)
        self.found = [item_id for item_id, _ in self._matches]
        self.options.clear_options()
        self._add_page()
        if self._matches:
            self.options.highlighted = 0

    def _page(self, shown: int) -> list[Option]:
        """The options of the next page after the `shown` first matches."""
        page = self._matches[shown : shown + PAGE]
        return [Option(Content(visible(text)), id=item_id) for item_id, text in page]

    def _add_page(self) -> None:
        page = self._page(self.options.option_count)
        if page:
            self.options.add_options(page)
        self._note()

    def _note_text(self, shown: int) -> str:
        found = len(self._matches)
        shown = min(shown, found)
        if not self.complete:
            return f"{shown:,} shown; reading the rest…"
        if found > shown:
            return f"{shown:,} of {found:,} shown: move down for more, or type to narrow"
        return f"{found:,} shown"

    def _note(self) -> None:
        note = self._note_text(self.options.option_count)
        if self.is_mounted and note != self._noted:
            self._noted = note  # unchanged, it is not updated: an update lays the screen out again
            self.query_one("#picker-more", Static).update(safe(note))

    @on(OptionList.OptionHighlighted)
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        # The next page, before the highlight reaches the end of the one shown.
        if event.option_index >= self.options.option_count - PAGE // 2:
            self._add_page()


def history_picker(history: History) -> ListPicker:
    """The history, newest first: its first page read and drawn at once, the rest (for the
    filter and for moving down) read in a worker once the picker is drawn."""

    def line(entry: Entry) -> tuple[str, str]:
        return str(entry.id), f"{entry.at[:16].replace('T', ' ')}  {entry.text}"

    first = [line(entry) for entry in history.entries(limit=PAGE)]
    title = f"History ({history.count():,})"
    if len(first) < PAGE:
        return ListPicker(first, title)
    return ListPicker(first, title, rest=lambda: [line(entry) for entry in history.entries()])


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
