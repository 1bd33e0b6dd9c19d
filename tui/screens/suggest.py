"""Candidate actors: names in the corpus that no gazetteer knows (`index.suggest`), most
widespread first, computed in a worker with progress (cached beside the index). Enter adds
the highlighted one as an actor, its variants as aliases (the reader asks its type first)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from tui.text import safe, visible

if TYPE_CHECKING:
    from index import Engine
    from index.suggest import Suggestion

__all__ = ["SuggestScreen"]


class _Progressed(Message):
    def __init__(self, done: int, total: int) -> None:
        super().__init__()
        self.done, self.total = done, total


class _Found(Message):
    def __init__(self, found: list[Suggestion]) -> None:
        super().__init__()
        self.found = found


class SuggestScreen(ModalScreen["Suggestion | None"]):
    """Dismissed with the suggestion chosen (None: closed)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", tooltip="Back to the reader", id="suggest.close"),
        Binding("j", "cursor(1)", "Down", show=False, tooltip="Next name", id="suggest.down"),
        Binding("k", "cursor(-1)", "Up", show=False, tooltip="Previous name", id="suggest.up"),
    ]
    DEFAULT_CSS = """
    SuggestScreen { align: center middle; }
    SuggestScreen > Vertical {
        width: 100; max-width: 96%; height: 80%; border: thick $primary; background: $surface;
    }
    SuggestScreen #suggest-status { padding: 0 1; text-style: bold; }
    SuggestScreen OptionList { height: 1fr; }
    """

    def __init__(self, engine: Engine, min_articles: int = 3) -> None:
        super().__init__()
        self.engine = engine
        self.min_articles = min_articles
        self.found: list[Suggestion] = []

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Reading the names in the corpus…", id="suggest-status")
            yield OptionList(id="suggest-list")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        self._compute(self.engine)

    @work(thread=True, exclusive=True, group="suggest", exit_on_error=False)
    def _compute(self, engine: Engine) -> None:
        from index.suggest import suggest

        worker = get_current_worker()
        generation = engine.indexer.current()

        def progress(done: int, total: int) -> None:
            if not worker.is_cancelled:
                self.post_message(_Progressed(done, total))

        found = suggest(
            engine.store,
            engine.gazetteer,
            self.min_articles,
            progress,
            cache_dir=generation.path if generation is not None else None,
        )
        if not worker.is_cancelled:
            self.post_message(_Found(found))

    @on(_Progressed)
    def _progressed(self, message: _Progressed) -> None:
        if message.total > 1:
            self.query_one("#suggest-status", Static).update(
                safe(f"Reading the names in the corpus… {message.done:,} of {message.total:,}")
            )

    @on(_Found)
    def _found(self, message: _Found) -> None:
        self.found = message.found
        status = self.query_one("#suggest-status", Static)
        if not self.found:
            status.update(safe("No name found that no gazetteer knows. Esc: back."))
            return
        status.update(
            safe(
                f"{len(self.found)} names no gazetteer knows, in {self.min_articles}+ articles."
                " Enter: add as an actor. Esc: back."
            )
        )
        options = self.query_one(OptionList)
        options.clear_options()
        for number, item in enumerate(self.found):
            others = [v for v in item.variants if v != item.name]
            also = f" (also {', '.join(others)})" if others else ""
            line = (
                f"{item.name}{also} · {item.articles} articles, {item.count} times,"
                f" {item.first or '?'} to {item.last or '?'}"
            )
            example = item.examples[0] if item.examples else ""
            text = Content(visible(line)) + Content("\n  " + visible(example)).stylize("dim")
            options.add_option(Option(text, id=str(number)))
        options.highlighted = 0

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.found[int(event.option.id or 0)])

    def action_cursor(self, step: int) -> None:
        """Move in the list."""
        options = self.query_one(OptionList)
        if options.option_count:
            options.highlighted = ((options.highlighted or 0) + step) % options.option_count

    def action_close(self) -> None:
        """Back to the reader."""
        self.dismiss(None)
