"""Section `command`: `afreader search` as a whole new process, beside plain Whoosh's.

A person or a script running `afreader search ...` waits for the interpreter, the imports,
opening the index and the search itself: this section times all of it from outside, for term,
phrase and date-sorted queries, and the same queries in a new process of plain Whoosh (import,
open, parse, search, highlight the page) in the same run, one after the other, so that the
machine's drift touches both alike. `python -c pass` is the floor under both.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.common import Context, Skip, log, open_engine
from bench.queryset import make_queries

AFREADER = Path(sys.executable).with_name("afreader")
KINDS = ("term", "phrase", "date")

# Plain Whoosh in a new process: what a script on Whoosh alone would do for one query.
PLAIN = """
import sys
from whoosh import index
from whoosh.qparser import AndGroup, MultifieldParser
ix = index.open_dir(sys.argv[1])
with ix.searcher() as searcher:
    parser = MultifieldParser(["title", "body"], ix.schema, group=AndGroup)
    query = parser.parse(sys.argv[2])
    if sys.argv[3] == "date":
        results = searcher.search(query, limit=20, sortedby="published", reverse=True)
    else:
        results = searcher.search(query, limit=20)
    for hit in results:
        print(hit["id"])
"""


def _timed_run(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False
    )
    return time.perf_counter() - started


def section_command(ctx: Context) -> dict[str, Any]:
    """Whole-process medians of `afreader search` and of plain Whoosh, per query kind."""
    if not AFREADER.exists():
        raise Skip(f"the afreader command is not installed beside {sys.executable}")
    paths = ctx.paths
    engine = open_engine(ctx)  # the index is fresh: no command below builds
    engine.close()
    queries = make_queries(ctx, [])
    # Bytecode is cached (outside the repository) as an installed command would have it.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(paths.pycache)
    script = paths.work / "plain_search.py"
    script.write_text(PLAIN, encoding="utf-8")
    base = [str(AFREADER), "--corpus", str(paths.copy), "--index-dir", str(paths.afreader_root)]
    have_plain = any(paths.plain_dir.glob("_MAIN_*.toc"))
    runs = max(1, ctx.args.repeat)
    per_kind = max(1, min(5, ctx.args.queries // 3))  # 5 of the default 30
    out: dict[str, Any] = {"runs_per_query": runs, "kinds": {}}
    nothing = [sys.executable, "-c", "pass"]
    _timed_run(nothing, env)
    out["python_pass_ms"] = round(
        statistics.median(_timed_run(nothing, env) for _ in range(5)) * 1000, 1
    )
    for kind in KINDS:
        texts = queries[kind][:per_kind]
        sort = ["--sort", "date"] if kind == "date" else []
        per_query: list[dict[str, Any]] = []
        for text in texts:
            mine = [*base, "search", text, "--limit", "20", *sort]
            plain = [sys.executable, str(script), str(paths.plain_dir), text, kind]
            _timed_run(mine, env)  # bytecode and the OS's cache, untimed
            if have_plain:
                _timed_run(plain, env)
            a, p = [], []
            for _ in range(runs):  # in turn, so that a slower minute slows both
                a.append(_timed_run(mine, env))
                if have_plain:
                    p.append(_timed_run(plain, env))
            entry = {"query": text, "afreader_s": round(statistics.median(a), 3)}
            if p:
                entry["plain_s"] = round(statistics.median(p), 3)
                entry["ratio"] = round(
                    statistics.median(x / y for x, y in zip(a, p, strict=True)), 3
                )
            per_query.append(entry)
        summary: dict[str, Any] = {
            "median_s": round(statistics.median(q["afreader_s"] for q in per_query), 3),
            "queries": per_query,
        }
        if have_plain:
            summary["plain_median_s"] = round(statistics.median(q["plain_s"] for q in per_query), 3)
            summary["ratio"] = round(statistics.median(q["ratio"] for q in per_query), 3)
        out["kinds"][kind] = summary
        log(
            f"command {kind}: afreader {summary['median_s']} s"
            + (f", plain Whoosh {summary['plain_median_s']} s" if have_plain else "")
        )
    return out
