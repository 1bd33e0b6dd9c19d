"""Snapshot tests pin the look of the main screen (a dark and a light theme), the help screen
and the mentions view.

Update them deliberately with `pytest tests/test_snapshots.py --snapshot-update` and review
the SVGs in the diff.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from index import Engine
from tests.pilot import choose_actor, open_first_result, search, settle
from tui.app import AfreaderApp, make_app

SIZE = (120, 36)
SnapCompare = Callable[..., bool]


@pytest.fixture(scope="module")
def snapshot_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of the bundled corpus for this module."""
    root = tmp_path_factory.mktemp("snapshot-index")
    Engine(None, root).open()
    return root


def steady(
    app: AfreaderApp, steps: Callable[[AfreaderApp, Pilot[Any]], Awaitable[None]]
) -> Callable[[Pilot[Any]], Awaitable[None]]:
    """Run `steps`, then stop the cursor blinking so the picture is the same every time."""

    async def run_before(pilot: Pilot[Any]) -> None:
        for box in app.query(Input):
            box.cursor_blink = False
        await settle(app, pilot)
        await steps(app, pilot)
        await settle(app, pilot)
        for box in app.query(Input):
            box.cursor_blink = False

    return run_before


async def reading_dostum(app: AfreaderApp, pilot: Pilot[Any]) -> None:
    await search(app, pilot, "Dostum")
    await open_first_result(app, pilot)
    await choose_actor(app, pilot, "abdul-rashid-dostum")


def test_main_screen(snap_compare: SnapCompare, snapshot_index: Path) -> None:
    app = make_app(engine=Engine(None, snapshot_index), show_timings=False)
    assert snap_compare(app, terminal_size=SIZE, run_before=steady(app, reading_dostum))


def test_main_screen_in_a_light_theme(snap_compare: SnapCompare, snapshot_index: Path) -> None:
    """Light themes were unreadable: dates, matched spellings and dividers white on cream."""
    app = make_app(engine=Engine(None, snapshot_index), show_timings=False)

    async def light(app: AfreaderApp, pilot: Pilot[Any]) -> None:
        await reading_dostum(app, pilot)
        app.theme = "solarized-light"  # switched while results are shown: they are drawn again

    assert snap_compare(app, terminal_size=SIZE, run_before=steady(app, light))


def test_help_screen(snap_compare: SnapCompare, snapshot_index: Path) -> None:
    app = make_app(engine=Engine(None, snapshot_index), show_timings=False)

    async def open_help(app: AfreaderApp, pilot: Pilot[Any]) -> None:
        app.screen.query_one("#results").focus()
        await pilot.press("question_mark")

    assert snap_compare(app, terminal_size=SIZE, run_before=steady(app, open_help))


def test_mentions_view(snap_compare: SnapCompare, snapshot_index: Path) -> None:
    app = make_app(engine=Engine(None, snapshot_index), show_timings=False)

    async def open_mentions(app: AfreaderApp, pilot: Pilot[Any]) -> None:
        await reading_dostum(app, pilot)
        await pilot.press("m")

    assert snap_compare(app, terminal_size=SIZE, run_before=steady(app, open_mentions))
