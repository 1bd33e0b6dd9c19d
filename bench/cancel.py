"""Section `cancel`: a first fuzzy `~2` term in a new process, and searches stopped part-way.

A fuzzy term with an edit distance of 2 is expanded against each segment's word list the first
time it is searched (`index/lexicon.py`); in a new process nothing of it is kept yet. This
section times `goverment~2` (a misspelling: thousands of words lie within two edits of it)
from an engine just opened in a new process, three times, median.

Then, in this process, the slow queries of a 57k index (fuzzy words never searched before, an
infix wildcard, a NOT over a large set, three very common words, a common phrase) are started
on a thread as the app starts them, with the `cancelled` callable the app passes; a newer
keystroke is simulated `DELAY` seconds later by setting it, and the time from then to the
search's thread ending (SearchCancelled, or its answer when it was already done) is what a
person waits before the newer query can run. p50 and max of those stopped part-way; the ones
that finished first are counted apart.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import threading
import time
from typing import Any

from bench.common import REPO, Context, Skip, log, open_engine, summary_ms
from bench.floors import FLOOR
from bench.rows import row

FIRST_FUZZY = "goverment~2"
# The next keystroke arrives this long after the search started (a fast typist's gap is
# 120-200 ms, less the 150 ms debounce: tens of milliseconds into the search).
DELAY = 0.03
SLOW = (
    "*ment*",
    "*tion*",
    "iran -tehran",
    "iran tehran been",
    '"the government"',
    "minister -iran",
)


def _first_fuzzy(ctx: Context) -> float:
    """Seconds for FIRST_FUZZY's first page in a new process (the engine opened first)."""
    paths = ctx.paths
    code = (
        "import time; from pathlib import Path; from index import Engine; "
        f"e=Engine(Path({str(paths.copy)!r}), Path({str(paths.afreader_root)!r})); e.reopen(); "
        f"t=time.perf_counter(); r=e.search({FIRST_FUZZY!r}, limit=20); "
        "print(time.perf_counter()-t, r.total)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO
    ).stdout.split()
    return float(out[0])


def _stopped(engine: Any, query: str) -> tuple[float, bool]:
    """Seconds from the newer keystroke to the search's thread ending, and whether the search
    was stopped part-way (False: it had finished before the keystroke)."""
    from index.cancel import SearchCancelled

    newer = threading.Event()
    outcome: list[bool] = []

    def run() -> None:
        try:
            engine.search(query, limit=20, cancelled=newer.is_set)
            outcome.append(False)
        except SearchCancelled:
            outcome.append(True)

    worker = threading.Thread(target=run)
    worker.start()
    time.sleep(DELAY)
    started = time.perf_counter()
    newer.set()
    worker.join()
    return time.perf_counter() - started, outcome == [True]


def section_cancel(ctx: Context) -> dict[str, Any]:
    """The first fuzzy term in a new process; slow searches stopped by a newer keystroke."""
    if not ctx.paths.copy.exists():
        raise Skip("no corpus copy: run the build section first")
    open_engine(ctx).close()  # fresh, so that the new processes only open
    firsts = []
    for i in range(3):
        firsts.append(_first_fuzzy(ctx))
        log(f"first {FIRST_FUZZY} in a new process ({i + 1}/3): {firsts[-1]:.2f} s")
    engine = open_engine(ctx)
    from bench.queryset import make_queries

    fuzzy = [f"{q.rstrip('~')}~2" for q in make_queries(ctx, [])["fuzzy"][:6]]
    stopped: list[float] = []
    finished: list[float] = []
    queries = [*fuzzy, *SLOW]
    for query in queries:
        seconds, cut = _stopped(engine, query)
        log(f"{query!r}: {'stopped' if cut else 'done before'} {seconds * 1000:.1f} ms after")
        (stopped if cut else finished).append(seconds)
    engine.close()
    return {
        "first_fuzzy_query": FIRST_FUZZY,
        "first_fuzzy_s": [round(s, 3) for s in firsts],
        "first_fuzzy_median_s": round(statistics.median(firsts), 3),
        "delay_ms": DELAY * 1000,
        "queries": queries,
        "stopped": summary_ms(stopped) if stopped else None,
        "stopped_count": len(stopped),
        "finished_before": len(finished),
    }


def cancel_rows(c: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """The first fuzzy term, and searches stopped by a newer keystroke."""
    fuzzy, stop = FLOOR["fuzzy_first"], FLOOR["cancel"]
    rows = [
        row(
            f"First `{c['first_fuzzy_query']}` in a new process (engine open): median of 3",
            f"{c['first_fuzzy_median_s']:.2f} s",
            fuzzy,
            fuzzy.met(c["first_fuzzy_median_s"]),
        )
    ]
    s = c.get("stopped")
    rows.append(
        row(
            f"Slow search stopped by a newer keystroke ({c['stopped_count']} stopped, "
            f"{c['finished_before']} done first): p50 / max",
            f"{s['p50_ms']:.1f} / {s['max_ms']:.1f} ms" if s else "none stopped",
            stop,
            stop.met(s["max_ms"]) if s else None,
        )
    )
    return rows
