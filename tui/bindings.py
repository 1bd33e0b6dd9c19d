"""Every key of the app and where it works: one table for the help screen, the README's keys
table (a test compares them) and the keymap ids the settings file may name.

Here rather than in `tui/app.py`, so that the settings (imported by the app) can read the
table without importing the app back.
"""

from __future__ import annotations

from textual.binding import Binding, BindingType

__all__ = ["APP_BINDINGS", "binding_tables"]

APP_BINDINGS: list[BindingType] = [
    Binding("q", "quit", "Quit", tooltip="Quit afreader", id="app.quit"),
    Binding("question_mark", "help", "Help", tooltip="Every key, and what it does", id="app.help"),
]


def binding_tables() -> list[tuple[str, list[BindingType]]]:
    """(where, bindings) for the app, its screens and its widgets, in the help's order."""
    from tui.screens.actor_picker import ActorPicker
    from tui.screens.curation_prompt import CurationPrompt
    from tui.screens.facets import FacetsScreen
    from tui.screens.mentions import MentionsScreen
    from tui.screens.problems import ProblemsScreen
    from tui.screens.reader_base import ReaderBase
    from tui.screens.reader_workbench import WorkbenchReader
    from tui.screens.suggest import SuggestScreen
    from tui.screens.table_view import TableScreen
    from tui.screens.workbench import WorkbenchScreen
    from tui.widgets.article import ArticleView
    from tui.widgets.results import ResultsList
    from tui.widgets.sidebar import EntitySidebar

    return [
        ("everywhere", APP_BINDINGS),
        ("reader", ReaderBase.BINDINGS),
        ("reader: your data", WorkbenchReader.BINDINGS),
        ("results", ResultsList.BINDINGS),
        ("article", ArticleView.BINDINGS),
        ("sidebar", EntitySidebar.BINDINGS),
        ("mentions view", MentionsScreen.BINDINGS),
        ("problems view", ProblemsScreen.BINDINGS),
        ("actor picker", ActorPicker.BINDINGS),
        ("overview views", TableScreen.BINDINGS),
        ("facets view", FacetsScreen.BINDINGS),
        ("curation prompt", CurationPrompt.BINDINGS),
        ("suggestions", SuggestScreen.BINDINGS),
        ("workbench", WorkbenchScreen.BINDINGS),
    ]
