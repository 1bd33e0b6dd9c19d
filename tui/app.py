"""The afreader app: a thin shell around the reader screen.

`make_app` is the factory the command line and the tests share. Whoosh is not imported here:
the reader screen opens the index in a worker after the first frame.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.notifications import Notify, SeverityLevel

from tui.bindings import APP_BINDINGS, binding_tables
from tui.commands import ReaderCommands
from tui.palette import system_commands
from tui.screens.help import HelpScreen
from tui.screens.reader import ReaderScreen
from tui.screens.reader_base import Preferences
from tui.settings import apply_settings, load_settings
from tui.text import plain

if TYPE_CHECKING:
    from textual.screen import Screen

    from index import Engine

__all__ = ["AfreaderApp", "make_app"]


class AfreaderApp(App[None]):
    """Search, read, and jump between the mentions of actors in a news corpus."""

    TITLE = "afreader"
    CSS_PATH = "reader.tcss"
    COMMANDS = App.COMMANDS | {ReaderCommands}
    BINDINGS: ClassVar[list[BindingType]] = APP_BINDINGS

    def __init__(
        self,
        corpus: Path | None = None,
        index_dir: Path | None = None,
        engine: Engine | None = None,
        show_timings: bool = True,
        entities: Sequence[Path] = (),
    ) -> None:
        super().__init__()
        self.entities = tuple(entities)
        self.corpus = corpus
        self.index_dir = index_dir
        self._engine = engine
        self.show_timings = show_timings
        # The person's settings (tui/settings.py): `sort` and `sidebar` are read by the reader.
        self.settings = load_settings()

    def make_engine(self) -> Engine:
        """The engine for this app's corpus (called from a worker thread)."""
        if self._engine is None:
            from index import Engine
            from userdata.overlays import load_for

            # The bundled gazetteer with the person's overlays over it (one that cannot be
            # read is left out, and listed with the problems).
            gazetteer, _ = load_for(self.corpus, self.entities, index_root=self.index_dir)
            self._engine = Engine(self.corpus, self.index_dir, gazetteer=gazetteer)
        return self._engine

    def index_location(self) -> tuple[Path | None, Path | None]:
        """The corpus and the index root the engine uses (None: the defaults)."""
        if self._engine is not None:
            return self._engine.corpus, self._engine.index_root
        return self.corpus, self.index_dir

    def on_mount(self) -> None:
        apply_settings(self, self.settings)
        # The screen gets a factory and its preferences, not the app: it never reaches back.
        preferences = Preferences(
            sort=self.settings.sort,
            sidebar=self.settings.sidebar,
            show_timings=self.show_timings,
        )
        self.push_screen(ReaderScreen(self.make_engine, self.index_location, preferences))

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """A notification, never parsed as markup: its text is data (`markup` is ignored)."""
        super().notify(
            plain(message), title=title, severity=severity, timeout=timeout, markup=False
        )

    async def action_quit(self) -> None:
        """Quit, remembering how far the open article was read (for "resume")."""
        for screen in self.screen_stack:
            if isinstance(screen, ReaderScreen):
                screen.remember_scroll(now=True)
        self.exit()

    def action_help_quit(self) -> None:
        """ctrl+c outside a text box: say how to quit (Textual says it in markup, never shown
        here)."""
        keys = [
            k for k, b in self.active_bindings.items() if b.binding.action in ("quit", "app.quit")
        ]
        if keys:
            key = min(keys, key=len)  # q before ctrl+q
            self.notify(plain(f"Press {key} to quit the app"), title="Do you want to quit?")

    def _on_notify(self, event: Notify) -> None:
        # Where a notification joins the list (Textual's handler): the same notice again
        # replaces the one on screen, restarting its time, instead of stacking a copy.
        notice = event.notification
        for shown in list(self._notifications):
            if (shown.message, shown.title, shown.severity) == (
                notice.message,
                notice.title,
                notice.severity,
            ):
                self._unnotify(shown, refresh=False)
        super()._on_notify(event)

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Textual's palette commands that mean something here, and every theme by name."""
        return system_commands(self, super().get_system_commands(screen))

    def action_help(self) -> None:
        """Show every key."""
        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen(help_rows(self)))


def help_rows(app: App[None]) -> list[tuple[str, str, str]]:
    """(key, description, where) for every binding of the app, its screens and widgets."""
    rows: list[tuple[str, str, str]] = [
        (
            "Tab / Shift+Tab",
            "Move between the search box, results, article and sidebar",
            "everywhere",
        ),
        ("↑ ↓", "Move in a list or scroll the article", "lists, article"),
        (
            "Enter",
            "Open the article / choose the actor / open the mention (a click does the same)",
            "lists",
        ),
        (
            "ctrl+p",
            "Command palette: every action, go to actor, open article by title",
            "everywhere",
        ),
    ]
    for where, bindings in binding_tables():
        for binding in bindings:
            if not isinstance(binding, Binding):
                continue
            keys = " / ".join(app.get_key_display(Binding(k, "")) for k in binding.key.split(","))
            rows.append((keys, binding.tooltip or binding.description, where))
    return rows


def make_app(
    corpus: Path | None = None,
    index_dir: Path | None = None,
    engine: Engine | None = None,
    show_timings: bool = True,
    entities: Sequence[Path] = (),
) -> AfreaderApp:
    """Build the app (the command line and the tests use this)."""
    return AfreaderApp(
        corpus=corpus,
        index_dir=index_dir,
        engine=engine,
        show_timings=show_timings,
        entities=entities,
    )
