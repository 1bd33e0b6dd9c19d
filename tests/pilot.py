"""Driving the reader with the Pilot, as the app tests do: wait for its workers, type a query,
open a result, choose an actor, and read what the screen says."""

from __future__ import annotations

import asyncio

from textual.pilot import Pilot
from textual.widgets import Static
from textual.worker import WorkerState

from tui.app import AfreaderApp
from tui.screens.reader import ReaderScreen

__all__ = [
    "SIZE",
    "choose_actor",
    "open_first_result",
    "position",
    "reader",
    "search",
    "settle",
    "shown_article",
    "status",
]

SIZE = (140, 40)


async def settle(app: AfreaderApp, pilot: Pilot[None]) -> None:
    """Let workers finish and their messages land (a handler may start another worker).

    Polls rather than `wait_for_complete()`, which raises for a worker that a newer one
    cancelled: in this app that is normal (a newer keystroke cancels the older search).
    """

    def busy() -> bool:
        return any(w.state in (WorkerState.PENDING, WorkerState.RUNNING) for w in app.workers)

    for _ in range(50):
        for _ in range(2000):
            if not busy():
                break
            await asyncio.sleep(0.005)
        # The messages the workers posted are handled (no wait for the process to idle), then,
        # if no handler started another worker, a full pause lets what they scheduled land.
        await pilot.pause(0)
        if not busy():
            await pilot.pause()
            if not busy():
                return


async def search(app: AfreaderApp, pilot: Pilot[None], query: str) -> ReaderScreen:
    """Type a query the fast way (setting the value), wait for the debounce to fire, settle."""
    screen = reader(app)
    bar = screen.search_bar
    before = bar.input.value
    bar.input.value = query
    if query != before:  # a change starts the debounce timer; wait for it to start and fire
        for _ in range(400):
            await pilot.pause(0)
            if bar.pending:
                break
        for _ in range(400):
            if not bar.pending:
                break
            await asyncio.sleep(0.01)
    await settle(app, pilot)
    return screen


def reader(app: AfreaderApp) -> ReaderScreen:
    """The reader screen (the base of the stack)."""
    screen = app.screen_stack[1] if len(app.screen_stack) > 1 else app.screen
    assert isinstance(screen, ReaderScreen)
    return screen


def status(screen: ReaderScreen) -> str:
    """What the search status says."""
    return str(screen.query_one("#search-status", Static).render())


def position(screen: ReaderScreen) -> str:
    """What the position line says."""
    return str(screen.position.render())


def shown_article(screen: ReaderScreen) -> str | None:
    """The id of the article in the pane."""
    article = screen.article_view.article
    return article.article.id if article else None


async def open_first_result(app: AfreaderApp, pilot: Pilot[None]) -> ReaderScreen:
    """Focus the results and press Enter on the first one."""
    screen = reader(app)
    screen.results.focus()
    screen.results.highlighted = 0
    await pilot.press("enter")
    await settle(app, pilot)
    return screen


async def choose_actor(app: AfreaderApp, pilot: Pilot[None], entity_id: str) -> ReaderScreen:
    """Move to the sidebar and press Enter on an entity."""
    screen = reader(app)
    screen.sidebar.focus()
    screen.sidebar.highlighted = screen.sidebar.get_option_index(entity_id)
    await pilot.press("enter")
    await settle(app, pilot)
    return screen
