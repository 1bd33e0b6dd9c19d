"""Section `overview`: the corpus at a glance (index/overview/), side by side with the search.

For a 27,000-hit query (`Iran`) and a query of about 500 hits: the search alone (the first
page, as the app draws it) and, after it, the match set with its histogram and facets (what
the app counts once the results are drawn). Then, for the most-mentioned actor, its timeline
and its co-mentions (and those of a mid-frequency actor); for a query of about 5,000 hits, the
30x30 actor matrix and the keyness. Each median of `--repeat` warm runs; the per-article
columns are built once per state of the index, timed apart (cold). Co-mentions and keyness are
also timed as a user first meets them: the first call in a new process (as `afreader
comentions` and `afreader keyness` make it, the engine open), median of `--repeat` processes.
"""

from __future__ import annotations

import functools
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

from bench.common import REPO, Context, log, open_engine, timed

# The first co-mentions or keyness in a new process, the engine open: milliseconds as JSON.
_FIRST_RUN = """
import json, sys, time
from pathlib import Path
from index import Engine
from index.overview import Overview

corpus, root, what, arg = sys.argv[1:5]
engine = Engine(Path(corpus), Path(root))
engine.reopen()
view = Overview(engine)
found = {}
started = time.perf_counter()
if what == "comentions":
    view.comentions(arg)
else:
    results = view.results(arg)
    found["results_ms"] = round((time.perf_counter() - started) * 1000, 1)
    started = time.perf_counter()
    view.keyness(results)
found["ms"] = round((time.perf_counter() - started) * 1000, 1)
found["notices"] = getattr(view, "notices", [])  # none before they were kept
print(json.dumps(found))
"""


def _first_run(ctx: Context, what: str, arg: str) -> dict[str, Any]:
    """The median of `--repeat` new processes' first `what` (and, for keyness, its results)."""
    runs = []
    for _ in range(max(1, ctx.args.repeat)):
        command = [sys.executable, "-c", _FIRST_RUN, str(ctx.paths.copy)]
        command += [str(ctx.paths.afreader_root), what, arg]
        done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=REPO)
        lines = [ln for ln in done.stdout.splitlines() if ln.startswith("{")]
        if done.returncode != 0 or not lines:
            raise RuntimeError(f"the first-run child failed: {done.stderr[-500:]}")
        runs.append(json.loads(lines[-1]))
    found: dict[str, Any] = {"ms": statistics.median(r["ms"] for r in runs)}
    if what == "keyness":
        found["results_ms"] = statistics.median(r["results_ms"] for r in runs)
    found["notices"] = sorted({n for r in runs for n in r["notices"]})
    return found


def _median_ms(fn: Callable[[], Any], repeat: int) -> float:
    fn()  # warm
    return round(statistics.median(timed(fn)[0] for _ in range(max(1, repeat))) * 1000, 1)


def _cold_and_warm_ms(fn: Callable[[], Any], repeat: int) -> tuple[float, float]:
    """The first run (which fills the caches kept for the state of the index), then the
    median of warm ones."""
    cold = round(timed(fn)[0] * 1000, 1)
    return cold, _median_ms(fn, repeat)


def _actor_near(engine: Any, hits: int) -> str:
    """`actor:<id>` for the actor mentioned in the number of articles nearest `hits` (the
    first of equals in the engine's order), so that runs compare."""
    stats = engine.entities()
    best = min(stats, key=lambda s: abs(s.articles - hits))
    return f"actor:{best.entity.id}"


def section_overview(ctx: Context) -> dict[str, Any]:
    """Histogram and facets after the results; timeline, co-mentions, matrix and keyness."""
    from index.overview import Overview

    engine = open_engine(ctx)
    view = Overview(engine)
    repeat = ctx.args.repeat
    started = time.perf_counter()
    view.results("")  # the per-article columns, once per state of the index
    columns_ms = round((time.perf_counter() - started) * 1000, 1)
    log(f"overview: columns built in {columns_ms:.0f} ms")

    def after_results(text: str) -> None:
        results = view.results(text)
        view.histogram(results)
        view.facets(results, 40)

    queries: dict[str, Any] = {}
    for name, text in (("27k", "Iran"), ("500", _actor_near(engine, 500))):
        total = engine.count(text)
        search_ms = _median_ms(functools.partial(engine.search, text, limit=20), repeat)
        overview_ms = _median_ms(functools.partial(after_results, text), repeat)
        queries[name] = {
            "query": text,
            "hits": total,
            "search_ms": search_ms,
            "histogram_facets_ms": overview_ms,
        }
        log(f"overview: {text!r} ({total:,}) search {search_ms} ms, then {overview_ms} ms")

    stats = engine.entities()
    top = stats[0]
    mid = next((s for s in stats if 100 < s.mentions < top.mentions // 10), stats[len(stats) // 2])
    timeline_ms = _median_ms(functools.partial(view.timeline, top.entity.id), repeat)
    mid_co_cold, mid_co_ms = _cold_and_warm_ms(
        functools.partial(view.comentions, mid.entity.id), repeat
    )
    top_co_cold, top_co_ms = _cold_and_warm_ms(
        functools.partial(view.comentions, top.entity.id), repeat
    )
    log(f"overview: {top.entity.id} timeline {timeline_ms} ms, co-mentions {top_co_ms} ms")

    text = _actor_near(engine, 5000)
    results = view.results(text)
    matrix_ms = _median_ms(functools.partial(view.matrix, results, 30), repeat)
    keyness_cold, keyness_ms = _cold_and_warm_ms(functools.partial(view.keyness, results), repeat)
    search_5k_ms = _median_ms(functools.partial(engine.search, text, limit=20), repeat)
    log(f"overview: {text!r} ({results.total:,}) matrix {matrix_ms} ms, keyness {keyness_ms} ms")
    engine.close()
    first_top = _first_run(ctx, "comentions", top.entity.id)
    first_mid = _first_run(ctx, "comentions", mid.entity.id)
    first_keyness = _first_run(ctx, "keyness", text)
    log(
        f"overview: first in a new process: co-mentions {first_top['ms']} ms "
        f"({mid.entity.id}: {first_mid['ms']} ms), keyness {first_keyness['ms']} ms "
        f"after its results' {first_keyness['results_ms']} ms"
    )
    return {
        "columns_ms": columns_ms,
        "queries": queries,
        "top_entity": {"id": top.entity.id, "mentions": top.mentions, "articles": top.articles},
        "mid_entity": {"id": mid.entity.id, "mentions": mid.mentions, "articles": mid.articles},
        "timeline_ms": timeline_ms,
        "comentions_ms": top_co_ms,
        "comentions_cold_ms": top_co_cold,
        "mid_comentions_ms": mid_co_ms,
        "mid_comentions_cold_ms": mid_co_cold,
        "set_5k": {"query": text, "hits": results.total, "search_ms": search_5k_ms},
        "matrix_ms": matrix_ms,
        "keyness_ms": keyness_ms,
        "keyness_cold_ms": keyness_cold,
        "comentions_first_ms": first_top["ms"],
        "mid_comentions_first_ms": first_mid["ms"],
        "keyness_first_ms": first_keyness["ms"],
        "keyness_first_results_ms": first_keyness["results_ms"],
        "first_run_notices": sorted(
            set(first_top["notices"] + first_mid["notices"] + first_keyness["notices"])
        ),
    }
