"""Settings that persist, and the palette's own commands: the real app over a real config folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from textual.command import CommandPalette
from textual.widgets import OptionList

from index import Engine
from tests.pilot import settle
from tui.app import AfreaderApp, make_app
from tui.settings import ENV_CONFIG_DIR, load_settings

SIZE = (120, 36)


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty config folder of this test's own."""
    folder = tmp_path / "config"
    monkeypatch.setenv(ENV_CONFIG_DIR, str(folder))
    return folder


@pytest.fixture(scope="module")
def settings_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("settings-index")
    Engine(None, root).open()
    return root


def new_app(index: Path) -> AfreaderApp:
    return make_app(engine=Engine(None, index), show_timings=False)


def palette_prompts(app: AfreaderApp) -> list[str]:
    assert isinstance(app.screen, CommandPalette)
    options = app.screen.query_one(OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def type_in(pilot: object, text: str) -> None:
    for char in text:
        await pilot.press(char)  # type: ignore[attr-defined]


async def test_a_theme_chosen_in_the_app_is_kept_on_relaunch(
    config: Path, settings_index: Path
) -> None:
    config.mkdir()
    mine = '# my settings: keep this comment\nsort = "date"\n'
    (config / "settings.toml").write_text(mine, encoding="utf-8")
    first = new_app(settings_index)
    async with first.run_test(size=SIZE) as pilot:
        await settle(first, pilot)
        assert first.theme == "textual-dark"
        await pilot.press("ctrl+p")
        await type_in(pilot, "theme")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause(0.3)
        await type_in(pilot, "solarized-light")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert first.theme == "solarized-light"
    assert (config / "settings.toml").read_text(encoding="utf-8") == mine  # never rewritten
    assert (config / "state.json").exists()

    second = new_app(settings_index)
    async with second.run_test(size=SIZE) as pilot:
        await settle(second, pilot)
        assert second.theme == "solarized-light"
        assert second.settings.sort == "date"
        assert "chosen in the app" in second.settings.sources["theme"]


async def test_settings_apply_the_theme_keymap_sort_and_sidebar(
    config: Path, settings_index: Path
) -> None:
    config.mkdir()
    (config / "settings.toml").write_text(
        'theme = "nord"\nsort = "date"\nsidebar = false\n\n[keymap]\n"reader.next_hit" = "ctrl+n"\n',
        encoding="utf-8",
    )
    app = new_app(settings_index)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.theme == "nord"
        assert (app.settings.sort, app.settings.sidebar) == ("date", False)
        app.screen.query_one("#results").focus()  # the search box would take the letters
        await pilot.pause()
        bound = {key: b.binding.id for key, b in app.screen.active_bindings.items()}
        assert bound.get("ctrl+n") == "reader.next_hit"
        assert "n" not in bound or bound["n"] != "reader.next_hit"
        assert not app._notifications


async def test_a_bad_settings_file_gives_defaults_and_says_where(
    config: Path, settings_index: Path
) -> None:
    config.mkdir()
    path = config / "settings.toml"
    path.write_text(
        'theme = "no-such-theme"\nsort = 3\ncolour = "red"\n[keymap]\n"reader.fly" = "x"\n',
        encoding="utf-8",
    )
    app = new_app(settings_index)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert (app.theme, app.settings.sort) == ("textual-dark", "relevance")
        said = [n.message for n in app._notifications]
        assert any(
            f"{path}, line 1, key 'theme': no theme called 'no-such-theme'" in m for m in said
        )
        assert any(
            f'{path}, line 2, key \'sort\': must be "relevance" or "date", not a number' in m
            for m in said
        )
        assert any(f"{path}, line 3, key 'colour': unknown setting" in m for m in said)
        assert any(
            f"{path}, line 5, key 'keymap.reader.fly': no key has this id" in m for m in said
        )


def test_a_file_that_is_not_toml_is_a_notice_with_its_line(config: Path) -> None:
    config.mkdir()
    (config / "settings.toml").write_text('sort = "date"\ntheme = \n', encoding="utf-8")
    settings = load_settings()
    assert settings.sort == "relevance"
    (notice,) = settings.notices
    assert notice.startswith(f"{config / 'settings.toml'}: not valid TOML: ")
    assert "line 2" in notice


def test_the_config_folder_is_the_user_config_dir_unless_overridden(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from platformdirs import user_config_dir

    monkeypatch.delenv(ENV_CONFIG_DIR)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    assert load_settings().path == Path(user_config_dir("afreader")) / "settings.toml"
    monkeypatch.setenv(ENV_CONFIG_DIR, str(tmp_path / "mine"))
    assert load_settings().path == tmp_path / "mine" / "settings.toml"
    assert os.environ[ENV_CONFIG_DIR]


async def test_the_palette_drops_keys_and_screenshot_and_finds_themes_by_name(
    config: Path, settings_index: Path
) -> None:
    app = new_app(settings_index)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+p")
        await pilot.pause(0.5)
        titles = [p.split("\n")[0] for p in palette_prompts(app)]
        assert "Theme" in titles and "Quit" in titles
        assert "Keys" not in titles and "Screenshot" not in titles
        await type_in(pilot, app.theme)
        await pilot.pause(0.5)
        found = palette_prompts(app)
        assert any(p.startswith(f"Theme: {app.theme}\nThe current theme") for p in found), found
        await pilot.press("escape")
        await pilot.press("ctrl+p")
        await type_in(pilot, "nord")
        await pilot.pause(0.5)
        assert palette_prompts(app)[0].startswith("Theme: nord")
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert app.theme == "nord"


def test_the_newer_of_the_file_and_the_app_chooses_the_theme(config: Path) -> None:
    from tui.settings import remember_theme

    config.mkdir()
    path = config / "settings.toml"
    path.write_text('theme = "dracula"  # mine\n', encoding="utf-8")
    os.utime(path, (1_000_000, 1_000_000))
    settings = load_settings()
    assert settings.theme == "dracula"
    assert remember_theme(settings, "nord") is None  # chosen in the app, after the file
    assert load_settings().theme == "nord"
    assert path.read_text(encoding="utf-8") == 'theme = "dracula"  # mine\n'
    os.utime(path, None)  # the person edits the file again: it wins
    os.utime(config / "state.json", (1_000_000, 1_000_000))
    assert load_settings().theme == "dracula"


def test_a_state_file_that_cannot_be_written_is_said_not_raised(config: Path) -> None:
    from tui.settings import remember_theme

    config.write_text("not a folder", encoding="utf-8")
    settings = load_settings()
    problem = remember_theme(settings, "nord")
    assert problem is not None and problem.startswith("The theme cannot be remembered: ")
