"""Section `typing`: keystroke to results drawn in the real app, at 57k and on the bundled corpus."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from bench.common import Context, log, open_engine, summary_ms
from bench.queryset import make_queries

BUNDLED_QUERIES = (
    "Dostum",
    "Atta Noor",
    "Taliban alliance",
    '"National Resistance Front"',
    "Massoud Panjshir",
    "actor:dostum",
    "Salih",
    "resistance",
)


async def _type_queries(
    corpus: Path | None,
    index_root: Path,
    queries: list[str],
    shown: list[tuple[float, str]],
    settled: list[float],
) -> tuple[list[float], list[float]]:
    """In the real app (headless, the Pilot): put each query in the box as one keystroke would,
    and time it until the results list has drawn that query's results, the debounce excluded;
    also from the moment the debounce timer fired (it can fire late on a busy machine).
    `shown` gets (moment, query) each time the list draws results that reached it."""
    import asyncio

    from textual.widgets import Input

    from tui.app import make_app
    from tui.widgets.search_bar import DEBOUNCE_SECONDS

    app = make_app(corpus=corpus, index_dir=index_root)
    latencies: list[float] = []
    after_timer: list[float] = []

    async def shown_for(text: str, timeout: float = 60.0) -> float:
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            for moment, query in shown:
                if query == text:
                    return moment
            await asyncio.sleep(0.002)
        raise RuntimeError(f"the app never showed the results of {text!r}")

    async with app.run_test(size=(120, 36)) as pilot:
        await shown_for("", timeout=120)  # the index is open and the newest articles listed
        box = app.screen.query_one("#query", Input)
        for text in queries:
            shown.clear()
            settled.clear()
            started = time.perf_counter()
            box.value = text
            moment = await shown_for(text)
            latencies.append(moment - started - DEBOUNCE_SECONDS)
            after_timer.append(moment - settled[-1])
            await pilot.pause()  # the frame is finished before the next keystroke
            shown.clear()
            box.value = ""
            await shown_for("")
            await pilot.pause()
        await pilot.press("q")
    return latencies, after_timer


def section_typing(ctx: Context) -> dict[str, Any]:
    """Keystroke to updated results in the app, on the 57k index and on the bundled corpus."""
    import asyncio

    from tui.widgets.results import ResultsList
    from tui.widgets.search_bar import SearchBar

    engine = open_engine(ctx)  # fresh: the app must not build
    actor_ids = [s.entity.id for s in engine.entities() if s.articles >= 20]
    engine.close()
    queries = make_queries(ctx, actor_ids)
    shown: list[tuple[float, str]] = []
    arrived: list[str] = []
    original, original_render = ResultsList.show, ResultsList.render_lines

    def show(self: ResultsList, results: Any) -> None:  # a page reaches the list
        original(self, results)
        arrived.append(results.query)

    def render_lines(self: ResultsList, crop: Any) -> Any:  # and is drawn
        lines = original_render(self, crop)
        if arrived:
            shown.append((time.perf_counter(), arrived.pop()))
            arrived.clear()
        return lines

    settled: list[float] = []
    original_settled = SearchBar._settled

    def settle(self: SearchBar) -> None:  # records when the debounce timer fired
        settled.append(time.perf_counter())
        original_settled(self)

    ResultsList.show = show  # type: ignore[method-assign]
    ResultsList.render_lines = render_lines  # type: ignore[method-assign,assignment]
    SearchBar._settled = settle  # type: ignore[method-assign]
    out: dict[str, Any] = {}
    try:
        for kind in ("term", "terms", "phrase"):
            texts = list(dict.fromkeys(queries[kind]))
            log(f"typing at 57k: {kind} ({len(texts)})")
            latencies, after_timer = asyncio.run(
                _type_queries(ctx.paths.copy, ctx.paths.afreader_root, texts, shown, settled)
            )
            out[kind] = summary_ms(latencies)
            out[f"{kind}_after_timer"] = summary_ms(after_timer)
        bundled_root = ctx.paths.work / "bundled-index"
        log("typing on the bundled corpus")
        latencies, after_timer = asyncio.run(
            _type_queries(None, bundled_root, list(BUNDLED_QUERIES) * 3, shown, settled)
        )
        out["bundled"] = summary_ms(latencies)
        out["bundled_after_timer"] = summary_ms(after_timer)
    finally:
        ResultsList.show = original  # type: ignore[method-assign]
        ResultsList.render_lines = original_render  # type: ignore[method-assign]
        SearchBar._settled = original_settled  # type: ignore[method-assign]
    return out
