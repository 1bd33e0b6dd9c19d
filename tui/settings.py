"""Settings that persist: a TOML file the person writes, and a state file the app writes.

`settings.toml` in the user config directory (platformdirs, or `$AFREADER_CONFIG_DIR`) holds
the theme, the keymap (binding ids such as `reader.next_mention` to keys), the default sort,
whether the sidebar starts shown and the corpus to open by default. afreader only reads it, so
the person's comments and layout survive. What the app learns by itself (the theme chosen with
ctrl+p) goes to `state.json` beside it. A theme chosen in the app wins over the file's until
the file is edited again (the newer of the two counts).

A bad file never stops the app: each thing wrong is a notice saying file, line, key and what
is wrong, and that setting keeps its default.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from textual.app import App
    from textual.theme import Theme

__all__ = [
    "ENV_CONFIG_DIR",
    "Settings",
    "binding_ids",
    "config_dir",
    "load_settings",
    "remember_theme",
]

ENV_CONFIG_DIR = "AFREADER_CONFIG_DIR"
SETTINGS_FILE = "settings.toml"
STATE_FILE = "state.json"
SORTS = ("relevance", "date")
KEYS = ("theme", "keymap", "sort", "sidebar", "corpus")
DEFAULT = "default"


def config_dir() -> Path:
    """Where settings live: `$AFREADER_CONFIG_DIR`, else the user config directory."""
    override = os.environ.get(ENV_CONFIG_DIR)
    if override:
        return Path(override).expanduser()
    from platformdirs import user_config_dir

    return Path(user_config_dir("afreader"))


@dataclass
class Settings:
    """The settings in force, where each came from, and what was wrong with the files."""

    path: Path
    state_path: Path
    theme: str | None = None
    keymap: dict[str, str] = field(default_factory=dict)
    sort: str = "relevance"
    sidebar: bool = True
    corpus: Path | None = None
    sources: dict[str, str] = field(default_factory=lambda: dict.fromkeys(KEYS, DEFAULT))
    notices: list[str] = field(default_factory=list)


def _line_of(text: str, table: str | None, key: str) -> int | None:
    """The line (1-based) where `key` is set in `table` (None: the top level), if found."""
    current: str | None = None
    header = re.compile(r"^\s*\[\s*([^\]]+?)\s*\]")
    for number, line in enumerate(text.splitlines(), 1):
        found = header.match(line)
        if found:
            current = found.group(1).strip().strip("\"'")
            continue
        if current == table and re.match(
            rf"^\s*(?:{re.escape(key)}|\"{re.escape(key)}\"|'{re.escape(key)}')\s*=", line
        ):
            return number
    return None


def _where(path: Path, text: str, key: str, table: str | None = None) -> str:
    line = _line_of(text, table, key)
    name = f"{table}.{key}" if table else key
    return f"{path}, line {line}, key {name!r}" if line else f"{path}, key {name!r}"


def _themes() -> set[str]:
    from textual.theme import BUILTIN_THEMES

    return set(BUILTIN_THEMES)


def binding_ids() -> set[str]:
    """Every binding id a keymap may name (the ids of the app's, screens' and widgets' keys)."""
    from textual.binding import Binding

    from tui.app import AfreaderApp
    from tui.screens.mentions import MentionsScreen
    from tui.screens.problems import ProblemsScreen
    from tui.screens.reader import ReaderScreen
    from tui.widgets.article import ArticleView
    from tui.widgets.results import ResultsList
    from tui.widgets.sidebar import EntitySidebar

    owners = (AfreaderApp, ReaderScreen, ResultsList, ArticleView, EntitySidebar)
    owners += (MentionsScreen, ProblemsScreen)  # type: ignore[assignment]
    return {
        binding.id
        for owner in owners
        for binding in owner.BINDINGS
        if isinstance(binding, Binding) and binding.id
    }


def load_settings(directory: Path | None = None, check_bindings: bool = True) -> Settings:
    """Read the settings file and the state file; never raises for what is in them."""
    folder = directory if directory is not None else config_dir()
    settings = Settings(path=folder / SETTINGS_FILE, state_path=folder / STATE_FILE)
    data, text = _read_toml(settings)
    if data:
        _apply_file(settings, data, text, check_bindings)
    _apply_state(settings)
    return settings


def _read_toml(settings: Settings) -> tuple[dict[str, Any], str]:
    path = settings.path
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}, ""
    except OSError as error:
        settings.notices.append(f"{path}: cannot be read ({error.strerror}); defaults used")
        return {}, ""
    try:
        text = raw.decode("utf-8")
        return tomllib.loads(text), text
    except UnicodeDecodeError as error:
        settings.notices.append(
            f"{path}: not UTF-8 (byte {error.start}); defaults used for every setting"
        )
    except tomllib.TOMLDecodeError as error:
        settings.notices.append(f"{path}: not valid TOML: {error}; defaults used for every setting")
    return {}, ""


def _apply_file(settings: Settings, data: dict[str, Any], text: str, check_bindings: bool) -> None:
    path, notices = settings.path, settings.notices

    def wrong(key: str, what: str, table: str | None = None) -> None:
        notices.append(f"{_where(path, text, key, table)}: {what}; the default is used")

    def source(key: str, table: str | None = None) -> str:
        line = _line_of(text, table, key)
        return f"{path}, line {line}" if line else str(path)

    for key in data:
        if key not in KEYS:
            notices.append(
                f"{_where(path, text, key)}: unknown setting (known: {', '.join(KEYS)}); ignored"
            )
    if "theme" in data:
        theme = data["theme"]
        themes = _themes()
        if not isinstance(theme, str):
            wrong("theme", f"must be a theme's name in quotes, not {_kind(theme)}")
        elif theme not in themes:
            wrong("theme", f"no theme called {theme!r} (themes: {', '.join(sorted(themes))})")
        else:
            settings.theme = theme
            settings.sources["theme"] = source("theme")
    if "sort" in data:
        sort = data["sort"]
        if sort not in SORTS:
            wrong("sort", f'must be "relevance" or "date", not {_shown(sort)}')
        else:
            settings.sort = sort
            settings.sources["sort"] = source("sort")
    if "sidebar" in data:
        sidebar = data["sidebar"]
        if not isinstance(sidebar, bool):
            wrong("sidebar", f"must be true or false, not {_shown(sidebar)}")
        else:
            settings.sidebar = sidebar
            settings.sources["sidebar"] = source("sidebar")
    if "corpus" in data:
        corpus = data["corpus"]
        if not isinstance(corpus, str) or not corpus.strip():
            wrong("corpus", f"must be a path in quotes, not {_shown(corpus)}")
        else:
            # A relative path is taken from the settings file's folder, not from wherever
            # afreader happens to be started.
            settings.corpus = (path.parent / Path(corpus).expanduser()).resolve()
            settings.sources["corpus"] = source("corpus")
    if "keymap" in data:
        _apply_keymap(settings, data["keymap"], text, check_bindings)


def _apply_keymap(settings: Settings, keymap: object, text: str, check_bindings: bool) -> None:
    path, notices = settings.path, settings.notices
    if not isinstance(keymap, dict):
        notices.append(
            f'{_where(path, text, "keymap")}: must be a table ([keymap], binding id = "key"),'
            f" not {_kind(keymap)}; the default keys are used"
        )
        return
    known = binding_ids() if check_bindings else None
    for binding_id, keys in keymap.items():
        where = _where(path, text, binding_id, "keymap")
        if known is not None and binding_id not in known:
            notices.append(
                f"{where}: no key has this id (ids look like 'reader.next_mention'); ignored"
            )
        elif not isinstance(keys, str) or not keys.strip():
            notices.append(f'{where}: must be a key name in quotes, such as "ctrl+n"; ignored')
        else:
            settings.keymap[binding_id] = keys
    if settings.keymap:
        settings.sources["keymap"] = str(path)


def _apply_state(settings: Settings) -> None:
    state = settings.state_path
    try:
        data = json.loads(state.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        # The app's own memory, not the person's: a damaged one is forgotten, not reported.
        return
    theme = data.get("theme") if isinstance(data, dict) else None
    if not isinstance(theme, str) or theme not in _themes():
        return
    if settings.sources["theme"] != DEFAULT and _mtime(settings.path) > _mtime(state):
        return  # the file was edited after the theme was chosen in the app
    settings.theme = theme
    settings.sources["theme"] = f"{state} (chosen in the app)"


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def _kind(value: object) -> str:
    return {
        bool: "true/false",
        int: "a number",
        float: "a number",
        str: "text",
        list: "a list",
        dict: "a table",
    }.get(type(value), type(value).__name__)


def _shown(value: object) -> str:
    return repr(value) if isinstance(value, str) else _kind(value)


def remember_theme(settings: Settings, theme: str) -> str | None:
    """Write the theme to the state file (never the settings file); a message if it failed."""
    if theme == settings.theme:
        return None
    settings.theme = theme
    settings.sources["theme"] = f"{settings.state_path} (chosen in the app)"
    state = settings.state_path
    try:
        state.parent.mkdir(parents=True, exist_ok=True)
        partial = state.with_name(f".{state.name}.{os.getpid()}")
        partial.write_text(json.dumps({"theme": theme}) + "\n", encoding="utf-8")
        os.replace(partial, state)  # whole or not at all
    except OSError as error:
        return f"The theme cannot be remembered: {state}: {error.strerror}"
    return None


def apply_settings(app: App[Any], settings: Settings) -> None:
    """Apply the theme and keymap, say what was wrong, and remember themes chosen later."""
    from tui.text import visible

    if settings.theme and settings.theme in app.available_themes:
        app.theme = settings.theme
    if settings.keymap:
        app.set_keymap(settings.keymap)
    for notice in settings.notices:
        app.notify(visible(notice), title="Settings", severity="warning", timeout=12, markup=False)

    def chosen(theme: Theme) -> None:
        problem = remember_theme(settings, theme.name)
        if problem:
            app.notify(visible(problem), severity="warning", markup=False)

    app.theme_changed_signal.subscribe(app, chosen)
