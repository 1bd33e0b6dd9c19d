"""The search box: search as you type (debounced), a removable filter chip, and a status line."""

from __future__ import annotations

import sys
import time

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input, Static

from tui.text import safe

__all__ = ["FilterChip", "InOrderInput", "SearchBar"]

# Typing runs at 5-8 keys a second (120-200 ms apart); a search of the bundled corpus takes a few
# milliseconds and of 57,000 articles tens. 150 ms lets a word be typed without a search per key,
# yet results follow a pause at once (see docs/performance.md).
DEBOUNCE_SECONDS = 0.15

# The clock Textual stamps a message's `time` with.
_clock = time.perf_counter if sys.platform == "win32" else time.monotonic


class InOrderInput(Input):
    """An Input whose own keys (ctrl+u, backspace, ctrl+w, ...) act in the order they were typed.

    Textual resolves a key binding only once the key has bubbled from the focused widget up to
    the app, a message queue at each step, while the keys after it go straight to the widget
    and are typed at once. With keys arriving together (a fast typist, a paste-like burst,
    a busy first minute), `Panj*`, ctrl+u, `Taleban` became `Panj*Taleban` and then nothing:
    ctrl+u, acting last, deleted the word typed after it. Here a key bound on the box runs
    its action as the box receives it, between the characters around it.
    """

    async def _on_key(self, event: events.Key) -> None:
        bindings = [b for b in self._bindings.key_to_bindings.get(event.key, ()) if not b.priority]
        if bindings and not event.is_printable:
            event.stop()
            event.prevent_default()
            await self.run_action(bindings[0].action)
            return
        await super()._on_key(event)


class FilterChip(Static):
    """The active actor filter, removable with a click (or Escape, handled by the screen)."""

    class Removed(Message):
        """The person asked to remove the filter."""

    def on_click(self) -> None:
        self.post_message(self.Removed())


class SearchBar(Horizontal):
    """A query box that says what happened: hit count, time, or what is wrong with the query."""

    DEFAULT_CSS = """
    SearchBar { height: auto; }
    SearchBar Input { width: 1fr; }
    SearchBar FilterChip {
        width: auto; height: 3; padding: 1 1 0 1; display: none;
        color: $text-accent;
    }
    SearchBar FilterChip.-active { display: block; }
    SearchBar #search-status { width: auto; max-width: 50%; height: 3; padding: 1 1 0 1; color: $text-muted; }
    SearchBar #search-status.-error { color: $text-error; }
    """

    class QueryChanged(Message):
        """The query has settled (after the debounce) or was submitted with Enter."""

        def __init__(self, query: str, submitted: bool = False) -> None:
            super().__init__()
            self.query = query
            self.submitted = submitted

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield InOrderInput(
            placeholder='Search: words, "a phrase", actor:dostum, published:[2015 to 2021]',
            id="query",
            select_on_focus=False,
        )
        yield FilterChip(id="chip")
        yield Static(id="search-status")

    @property
    def input(self) -> Input:
        """The query box."""
        return self.query_one("#query", Input)

    @property
    def value(self) -> str:
        """The query as typed."""
        return self.input.value

    @on(Input.Changed, "#query")
    def _debounce(self, event: Input.Changed) -> None:
        event.stop()
        if self._timer is not None:
            self._timer.stop()
        # Counted from the keystroke: when the screen was busy drawing, the message reaches
        # this handler tens of milliseconds after the key was pressed.
        left = DEBOUNCE_SECONDS - (_clock() - event.time)
        if left > 0:
            self._timer = self.set_timer(left, self._settled)
        else:
            self._settled()

    def _settled(self) -> None:
        self._timer = None
        self.post_message(self.QueryChanged(self.value))

    @on(Input.Submitted, "#query")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self.post_message(self.QueryChanged(self.value, submitted=True))

    @property
    def pending(self) -> bool:
        """A keystroke waits for its debounce: the query in the box is not yet searched."""
        return self._timer is not None

    def show_status(self, message: str, error: bool = False) -> None:
        """Show a count and timing, or (with `error`) what is wrong with the query (as
        written: a query's brackets are never markup)."""
        status = self.query_one("#search-status", Static)
        status.update(safe(message))
        status.set_class(error, "-error")
        status.set_class(False, "-busy")

    def show_busy(self, query: str | None) -> None:
        """Say that the search for `query` is running (None: it finished)."""
        status = self.query_one("#search-status", Static)
        if query is None:
            status.set_class(False, "-busy")
            return
        status.update(safe(f"searching {query.strip()!r}…" if query.strip() else "searching…"))
        status.set_class(False, "-error")
        status.set_class(True, "-busy")

    def show_filter(self, label: str | None) -> None:
        """Show the actor filter as a chip, or hide it."""
        chip = self.query_one(FilterChip)
        chip.update(safe(f"actor: {label} ✕" if label else ""))
        chip.set_class(label is not None, "-active")
