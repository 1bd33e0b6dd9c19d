"""Section `debounce`: from the last keystroke to the search starting, in the real app.

Each query of the bundled set is typed key by key with the Pilot (headless, 120x36, the bundled
corpus); the clock runs from the moment the last key is pressed to the moment the app calls
`Engine.search` with the whole query. The search box waits `DEBOUNCE_SECONDS` after the last key
by design; what is measured is how much later than that the search starts.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.common import Context, log, summary_ms
from bench.keystrokes import BUNDLED_QUERIES

ROUNDS = 3


async def _type_and_wait(index_root: Path, queries: list[str]) -> tuple[list[float], float]:
    """Seconds from each query's last keystroke to its search starting; and the debounce."""
    import asyncio

    from textual.widgets import Input

    from index import Engine
    from tui.app import make_app
    from tui.widgets.search_bar import DEBOUNCE_SECONDS

    started: list[tuple[float, str]] = []
    lock = threading.Lock()
    original: Callable[..., Any] = Engine.search

    def search(self: Engine, query: str, *args: Any, **kwargs: Any) -> Any:
        if not kwargs.get("offset"):  # a first page: the search the box starts
            with lock:
                started.append((time.perf_counter(), query))
        return original(self, query, *args, **kwargs)

    async def started_for(text: str, timeout: float = 60.0) -> float:
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            with lock:
                for moment, query in started:
                    if query == text:
                        return moment
            await asyncio.sleep(0.001)
        raise RuntimeError(f"the app never searched for {text!r}")

    Engine.search = search  # type: ignore[method-assign,assignment]
    delays: list[float] = []
    try:
        app = make_app(corpus=None, index_dir=index_root)
        async with app.run_test(size=(120, 36)) as pilot:
            await started_for("", timeout=120)  # the index is open and the start-up list asked
            await app.workers.wait_for_complete()
            await pilot.pause()
            box = app.screen.query_one("#query", Input)
            for text in queries:
                with lock:
                    started.clear()
                await pilot.press(*text[:-1])
                pressed = time.perf_counter()
                await pilot.press(text[-1])
                delays.append(await started_for(text) - pressed)
                await app.workers.wait_for_complete()
                await pilot.pause()
                with lock:
                    started.clear()
                box.value = ""  # back to an empty box
                await started_for("")
                await app.workers.wait_for_complete()
                await pilot.pause()
    finally:
        Engine.search = original  # type: ignore[method-assign]
    return delays, DEBOUNCE_SECONDS


def section_debounce(ctx: Context) -> dict[str, Any]:
    """The search's start past the debounce, over the bundled queries typed three times."""
    import asyncio

    queries = list(BUNDLED_QUERIES) * ROUNDS
    log(f"debounce: {len(queries)} queries typed on the bundled corpus")
    delays, debounce = asyncio.run(_type_and_wait(ctx.paths.work / "bundled-index", queries))
    return {
        "debounce_ms": round(debounce * 1000, 1),
        "to_search_start": summary_ms(delays),
        "past_debounce": summary_ms([d - debounce for d in delays]),
        "min_past_debounce_ms": round(min(d - debounce for d in delays) * 1000, 2),
    }
