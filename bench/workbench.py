"""Section `workbench`: the history picker with 10,000 entries, saved searches' "new since"
count against the search itself, and exporting 20,000 results to CSV (time and memory).

- picker: 10,000 entries written in one transaction to a user database of its own (under the
  work folder), then, in the reader itself (headless, over the built index, its first results
  drawn), the time from ctrl+r's action (the database read included) to the first frame sent
  to the terminal that shows the picker with its list (the floor), and to the whole history
  read behind it, the filter then covering all 10,000; five times, each followed by a picker
  of five entries (what drawing the modal costs, for comparison).
- new since: for each query, the first page of results as the reader shows it
  (`Engine.search`) against the ids it matches now and how many were not seen when it was last
  opened (`index.listing.matching_ids` + `SavedSearches.new_since`, as the reader's `o`
  counts); medians of nine, both warm and timed in turns (the floor), and the first count of
  each query apart (its ids read from the index).
- export: `afreader export results WORD --format csv` in a new process, for a word matching at
  least 20,000 articles and one matching about a tenth as many: seconds, rows written, and
  peak memory (the two peaks should be the same: the export streams).
"""

from __future__ import annotations

import asyncio
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.common import REPO, Context, Skip, log, open_engine, summary_ms, timed

__all__ = ["section_workbench"]

HISTORY_ENTRIES = 10_000
EXPORT_AT_LEAST = 20_000
# Words tried, most common first, for an export of at least EXPORT_AT_LEAST results.
COMMON = ("said", "year", "also", "would", "new", "percent", "government")
NEW_SINCE_QUERIES = ("oil", "iran nuclear", "trade deficit", '"interest rates"', "bank")
NEW_SINCE_RUNS = 9  # warm runs of each, in turns with the search


def _fill_history(folder: Path, corpus: Path) -> Any:
    from userdata.db import now
    from userdata.workbench import open_workbench

    if folder.exists():
        shutil.rmtree(folder)  # the benchmark's own scratch data, made here
    workbench = open_workbench(corpus, folder)
    stamp = now()

    def fill(db: Any) -> None:
        rows: list[tuple[object, ...]] = []
        for n in range(HISTORY_ENTRIES):
            if n % 2:
                rows.append((workbench.corpus, "search", stamp, f"query {n}", None, "relevance", n))
            else:
                rows.append((workbench.corpus, "article", stamp, f"query {n}", None, None, None))
        db.executemany(
            "INSERT INTO history (corpus, kind, at, query, actor, sort, total)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            rows,
        )

    workbench.db.write(fill)
    return workbench


def _watch_frames(app: Any) -> list[tuple[float, Any]]:
    """Every frame the app sends to its terminal from now on, as (`perf_counter`, the screen
    it shows), taken where Textual hands a screen's update to the driver (`App._display`,
    which a headless app calls too, then writes nothing)."""
    frames: list[tuple[float, Any]] = []
    display = app._display

    def watched(screen: Any, renderable: Any) -> None:
        if renderable is not None:
            frames.append((time.perf_counter(), screen))
        display(screen, renderable)

    app._display = watched
    return frames


async def _first_frame(frames: list[tuple[float, Any]], since: int, picker: Any) -> float:
    """When the first frame showing `picker` with its list laid out was sent (frames from
    `since` on). The frame, not a refresh callback: `call_after_refresh` runs after later
    frames too (the focus and the highlight), so it would count what the person already sees."""
    while True:
        for at, screen in frames[since:]:
            if screen is picker and picker.is_mounted:
                options = picker.options
                if options.option_count and options.size.height:
                    return at
        await asyncio.sleep(0.001)


def _picker_ms(ctx: Context, folder: Path, runs: int = 5) -> dict[str, list[float]]:
    """Seconds from the reader's ctrl+r (`action_history`: the database read included) to the
    first frame showing the history picker, and to the whole history read behind it (the
    filter then covers all of it), each of `runs` openings, in the reader itself over the
    built index (its screen behind the picker, as a person has it); and, opened in turn with
    it, a picker of five entries (what drawing the modal costs whatever the history)."""
    from textual.worker import WorkerState

    from index import Engine
    from tui.app import make_app
    from tui.screens.pickers import ListPicker
    from userdata import ENV_DATA_DIR

    five = [(str(n), f"2026-12-04 10:00  search 'query {n}' · {n} result(s)") for n in range(5)]
    kept = {name: os.environ.get(name) for name in (ENV_DATA_DIR, "AFREADER_CONFIG_DIR")}
    os.environ[ENV_DATA_DIR] = str(folder)
    os.environ["AFREADER_CONFIG_DIR"] = str(folder / "config")

    async def measure() -> dict[str, list[float]]:
        times: dict[str, list[float]] = {"drawn": [], "complete": [], "five": []}
        engine = Engine(ctx.paths.copy, ctx.paths.afreader_root)
        app = make_app(engine=engine, show_timings=False)
        async with app.run_test(size=(140, 40)) as pilot:
            reader: Any = app.screen
            while reader.workbench is None or reader.engine is None:
                await pilot.pause(0.05)
            # Start-up done: the first results drawn, their overview counted, timers run.
            await pilot.pause(1.0)
            while any(w.state in (WorkerState.PENDING, WorkerState.RUNNING) for w in app.workers):
                await pilot.pause(0.05)
            await pilot.pause(0.5)
            frames = _watch_frames(app)
            for _ in range(runs):
                since, started = len(frames), time.perf_counter()
                reader.action_history()  # what ctrl+r runs
                while app.screen is reader:
                    await asyncio.sleep(0)
                picker: Any = app.screen
                times["drawn"].append(await _first_frame(frames, since, picker) - started)
                while not picker.complete:
                    await asyncio.sleep(0.001)
                times["complete"].append(time.perf_counter() - started)
                assert len(picker.found) >= HISTORY_ENTRIES  # and what start-up added
                app.pop_screen()
                await pilot.pause(0.3)
                since, started = len(frames), time.perf_counter()
                small = ListPicker(five, "History (5)")
                app.push_screen(small)
                times["five"].append(await _first_frame(frames, since, small) - started)
                app.pop_screen()
                await pilot.pause(0.3)
        return times

    try:
        return asyncio.run(measure())
    finally:
        for name, value in kept.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _new_since(engine: Any, workbench: Any) -> dict[str, Any]:
    from index.listing import matching_ids

    rows = {}
    for query in NEW_SINCE_QUERIES:
        saved = workbench.saved.save(f"bench {query}", query, None, "relevance")
        started = time.perf_counter()
        ids = matching_ids(engine, query)  # no id of it read yet
        first = time.perf_counter() - started
        workbench.saved.opened(saved, list(ids)[: len(ids) // 2])  # half of them seen

        def page(q: str = query) -> Any:
            return engine.search(q)

        def count_new(q: str = query, s: Any = saved) -> int:
            return int(workbench.saved.new_since(s, matching_ids(engine, q)))

        # In turns, so that the machine's load, which drifts, weighs on both alike.
        search, new = [], []
        for _ in range(NEW_SINCE_RUNS):
            search.append(timed(page)[0])
            new.append(timed(count_new)[0])
        rows[query] = {
            "matches": len(ids),
            "search_ms": round(statistics.median(search) * 1000, 1),
            "new_since_ms": round(statistics.median(new) * 1000, 1),
            "ratio": round(statistics.median(new) / statistics.median(search), 2),
            # The first count of a query, its ids read from the index (then kept per reader).
            "first_ms": round(first * 1000, 1),
            "first_ratio": round(first / statistics.median(search), 2),
        }
    return rows


def _export(ctx: Context, word: str, out: Path) -> dict[str, Any]:
    afreader = Path(sys.executable).parent / "afreader"
    code = (
        "import resource, subprocess, sys, time; t = time.perf_counter(); "
        "r = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
        "s = time.perf_counter() - t; "
        "print(s, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, r.returncode); "
        "print(r.stderr.strip().splitlines()[-1] if r.stderr.strip() else '')"
    )
    command = [
        sys.executable, "-c", code, str(afreader), "--corpus", str(ctx.paths.copy),
        "--index-dir", str(ctx.paths.afreader_root), "export", "results", word,
        "--format", "csv", "--output", str(out),
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=True, cwd=REPO)
    first, said = [*done.stdout.splitlines(), "", ""][:2]
    seconds, maxrss_kb, code_ = first.split()
    rows = sum(1 for _ in out.open(encoding="utf-8")) - 1
    return {
        "word": word,
        "seconds": round(float(seconds), 2),
        "peak_rss_mb": round(int(maxrss_kb) / 1024, 1),
        "exit": int(code_),
        "rows": rows,
        "said": said,
    }


def section_workbench(ctx: Context) -> dict[str, Any]:
    """History picker, new-since counts and CSV exports on the built index."""
    engine = open_engine(ctx)
    folder = ctx.paths.work / "workbench-data"
    workbench = _fill_history(folder, ctx.paths.copy)
    log(f"workbench: {HISTORY_ENTRIES:,} history entries written")
    times = _picker_ms(ctx, folder)
    picker, picker_complete = summary_ms(times["drawn"]), summary_ms(times["complete"])
    picker_five = summary_ms(times["five"])
    log(f"workbench: history picker {picker}, all of it read {picker_complete}")
    log(f"workbench: a picker of five entries {picker_five}")
    new_since = _new_since(engine, workbench)
    counts = {word: engine.count(word) for word in COMMON}
    engine.close()
    # The first word with enough matches; on a small corpus, the most common (the report then
    # says the export is smaller than the floor's, and fails it).
    big = next((w for w in COMMON if counts[w] >= EXPORT_AT_LEAST), None)
    big = big or max(COMMON, key=lambda w: counts[w])
    if not counts[big]:
        raise Skip(f"no word of {COMMON} matches any article")
    small = min((w for w in COMMON if w != big), key=lambda w: abs(counts[w] - counts[big] / 10))
    exports = {
        "big": _export(ctx, big, ctx.paths.work / "export-big.csv"),
        "small": _export(ctx, small, ctx.paths.work / "export-small.csv"),
    }
    log(f"workbench: exports {exports}")
    workbench.db.close()
    big_rss, small_rss = exports["big"]["peak_rss_mb"], exports["small"]["peak_rss_mb"]
    return {
        "history_entries": HISTORY_ENTRIES,
        "picker": picker,
        "picker_complete": picker_complete,
        "picker_five": picker_five,
        "new_since": new_since,
        "new_since_max_ratio": max(r["ratio"] for r in new_since.values()),
        "new_since_first_max_ratio": max(r["first_ratio"] for r in new_since.values()),
        "export_at_least": EXPORT_AT_LEAST,
        "exports": exports,
        "export_memory_ratio": round(big_rss / small_rss, 2) if small_rss else float("nan"),
        "self_maxrss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
