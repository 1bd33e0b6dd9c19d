"""Section `workbench`: the history picker with 10,000 entries, saved searches' "new since"
count against the search itself, and exporting 20,000 results to CSV (time and memory).

- picker: 10,000 entries written in one transaction to a user database of its own (under the
  work folder), then, in a headless Textual app, the time from asking for the history
  (`history_picker`, as the reader's ctrl+r: the database read included) to the picker drawn
  with its list (the floor), and to the whole history read behind it, the filter then
  covering all 10,000; five times, each followed by a picker of five entries (Textual's own
  cost of drawing the modal, for comparison).
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


async def _drawn(picker: Any) -> float:
    """When (`perf_counter`) a refresh of the screen had drawn the picker with its options.
    Taken in the refresh's callback itself: `pilot.pause()` would wait for the process to be
    idle, the rest of the history read included, and an await after the callback would
    count the worker that reads it."""
    done = asyncio.Event()
    at: list[float] = []

    def check() -> None:
        options = picker.options
        if picker.app.screen is picker and options.size.height and options.virtual_size.height:
            at.append(time.perf_counter())
            done.set()
        else:
            picker.call_after_refresh(check)

    picker.call_after_refresh(check)
    await done.wait()
    return at[0]


def _picker_ms(workbench: Any, runs: int = 5) -> dict[str, list[float]]:
    """Seconds to the picker drawn, and to the whole history read behind it (the filter
    then covers all of it), each of `runs` openings; and, opened in turn with it, a picker of
    five entries (what Textual's drawing of the modal costs whatever the history)."""
    from textual.app import App

    from tui.screens.pickers import ListPicker, history_picker

    class Bench(App[None]):
        pass

    five = [(str(n), f"2026-12-04 10:00  search 'query {n}' · {n} result(s)") for n in range(5)]

    async def measure() -> dict[str, list[float]]:
        times: dict[str, list[float]] = {"drawn": [], "complete": [], "five": []}
        app = Bench()
        async with app.run_test(size=(140, 40)) as pilot:
            for _ in range(runs):
                started = time.perf_counter()
                picker = history_picker(workbench.history)  # as the reader's ctrl+r does
                await app.push_screen(picker)
                times["drawn"].append(await _drawn(picker) - started)
                assert picker.options.option_count > 0
                while not picker.complete:
                    await asyncio.sleep(0.001)
                times["complete"].append(time.perf_counter() - started)
                assert len(picker.found) == HISTORY_ENTRIES
                app.pop_screen()
                await pilot.pause()
                started = time.perf_counter()
                small = ListPicker(five, "History (5)")
                await app.push_screen(small)
                times["five"].append(await _drawn(small) - started)
                app.pop_screen()
                await pilot.pause()
        return times

    return asyncio.run(measure())


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
    times = _picker_ms(workbench)
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
