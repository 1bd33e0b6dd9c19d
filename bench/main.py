"""afreader benchmark: build, update, start-up, queries, mentions, against plain Whoosh, FTS5, grep.

    .venv/bin/python -m bench [--corpus PATH] [--work DIR] [--repeat N] [--skip-build]
                              [--only SECTION[,SECTION...]] [--out FILE]
                              [--scale [--scale-sizes N,N,...] [--scale-fresh]
                              [--scale-builds-only]]
    (or .venv/bin/python bench/run.py ...)

Sections (run in this order; each stands alone given the indexes of `build`; one module each):
    build        full build: afreader (Engine.update, procs=2) and plain Whoosh, separate processes
    fresh        start-up freshness check: Engine(...).is_fresh()
    command      `afreader search` as a whole new process, beside plain Whoosh's
    queries      query latency by kind, afreader and plain Whoosh
    mentions     next-mention jumps and the mentions view (mentions_of + kwic)
    fts5         SQLite FTS5: build and the same query kinds
    grep         grep -c -i over the unpacked JSON Lines
    incremental  append one article to a copy of the corpus, Engine.update()
    launch       process start to first frame / to results, in tmux; peak memory of the app
    typing       keystroke to results drawn in the real app, at 57k and on the bundled corpus
    fuzz         the slowest of the query fuzz's queries, on the bundled corpus
    debounce     last keystroke to the search starting, in the real app
    cancel       a first fuzzy ~2 term in a new process; slow searches stopped by a newer keystroke
    overview     histogram and facets after the results; timeline, co-mentions, matrix, keyness
    workbench    history picker (10,000 entries), saved searches' new-since, CSV export
    scale        only with --scale (or --only scale): builds and queries at 20k, 57k and 171k
                 articles, afreader and plain Whoosh, and the growth exponents (long; resumable)

Results: a markdown table on stdout (the floors are `bench/floors.py`), progress on stderr,
everything in a JSON file (default <work>/results.json; results of sections not run this time
are kept from the previous run). Exit code 0 also when the corpus is absent (the benchmark is
then skipped).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.baselines import section_fts5, section_grep
from bench.build import child_afreader_build, child_plain_build, section_build, section_incremental
from bench.cancel import section_cancel
from bench.command import section_command
from bench.common import DEFAULT_CORPUS, DEFAULT_WORK, REPO, STARTED, Context, Paths, Skip, log
from bench.curation import section_curation
from bench.debounce import section_debounce
from bench.fresh import section_fresh
from bench.fuzz import section_fuzz
from bench.keystrokes import section_typing
from bench.launch import section_launch
from bench.mentions import section_mentions
from bench.overview import section_overview
from bench.queries import section_queries
from bench.report import table
from bench.scale import scale_table, section_scale
from bench.workbench import section_workbench

SECTIONS = (
    "build",
    "fresh",
    "command",
    "queries",
    "mentions",
    "fts5",
    "grep",
    "incremental",
    "launch",
    "typing",
    "fuzz",
    "debounce",
    "cancel",
    "overview",
    "curation",
    "workbench",
    "scale",
)
# Run only when asked for by name (--scale or --only scale): it takes half an hour or more.
ON_REQUEST = ("scale",)


def machine() -> dict[str, Any]:
    """The machine, the code and the versions the figures were measured on."""
    model = "?"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    versions = {}
    for name in ("whoosh-reloaded", "textual"):
        with contextlib.suppress(Exception):
            from importlib.metadata import version

            versions[name] = version(name)
    import sqlite3

    revision = subprocess.run(
        ["git", "-C", str(REPO), "describe", "--always", "--dirty"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return {
        "git": revision or "?",
        "nproc": os.cpu_count(),
        "cpu": model,
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "packages": versions,
        "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "loadavg_at_start": os.getloadavg(),
    }


RUNNERS: dict[str, Callable[[Context], dict[str, Any]]] = {
    "build": section_build,
    "fresh": section_fresh,
    "command": section_command,
    "queries": section_queries,
    "mentions": section_mentions,
    "fts5": section_fts5,
    "grep": section_grep,
    "incremental": section_incremental,
    "launch": section_launch,
    "typing": section_typing,
    "fuzz": section_fuzz,
    "debounce": section_debounce,
    "cancel": section_cancel,
    "overview": section_overview,
    "curation": section_curation,
    "workbench": section_workbench,
    "scale": section_scale,
}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line's options."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument(
        "--work",
        type=Path,
        default=DEFAULT_WORK,
        help="indexes, copies and results go here (default /tmp/afbench)",
    )
    parser.add_argument("--repeat", type=int, default=3, help="warm runs per query (median)")
    parser.add_argument("--queries", type=int, default=30, help="queries per kind")
    parser.add_argument("--seed", type=int, default=57110)
    parser.add_argument("--skip-build", action="store_true", help="reuse the indexes in --work")
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="SECTION",
        help=f"run only these sections ({', '.join(SECTIONS)}); repeatable or a,b",
    )
    parser.add_argument(
        "--kinds",
        default="",
        metavar="KIND[,KIND]",
        help="the queries section's kinds to run (default all)",
    )
    parser.add_argument("--out", type=Path, help="the JSON results (default <work>/results.json)")
    parser.add_argument(
        "--scale", action="store_true", help="run the scale section (alone unless --only adds more)"
    )
    parser.add_argument(
        "--scale-sizes",
        type=lambda text: [int(n) for n in text.split(",") if n],
        default=None,
        metavar="N,N,...",
        help="corpus sizes for --scale (default 20000,57110,171330)",
    )
    parser.add_argument(
        "--scale-builds-only", action="store_true", help="--scale without the query steps"
    )
    parser.add_argument(
        "--scale-fresh", action="store_true", help="forget the steps an earlier --scale measured"
    )
    parser.add_argument(
        "--child",
        choices=("plain-build", "plain-stored-build", "afreader-build"),
        help=argparse.SUPPRESS,
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the chosen sections, keep the results file, print the report; the exit status."""
    args = parse_args(argv)
    args.corpus = args.corpus.expanduser().resolve()
    args.work = args.work.expanduser().resolve()
    if args.child:
        paths = Paths(args.corpus, args.work)
        if args.child == "plain-build":
            result = child_plain_build(args.corpus, paths.plain_dir)
        elif args.child == "plain-stored-build":
            result = child_plain_build(args.corpus, paths.plain_stored_dir, stored=True)
        else:
            result = child_afreader_build(args.corpus, paths.afreader_root)
        print(json.dumps(result), flush=True)
        return 0
    if not args.corpus.is_file():
        print(f"bench: the corpus {args.corpus} is absent: benchmark skipped.", file=sys.stderr)
        return 0
    try:
        args.work.relative_to(REPO)
    except ValueError:
        pass
    else:
        print("bench: --work must not be inside the repository", file=sys.stderr)
        return 2
    only = [s for item in args.only for s in item.split(",") if s]
    if args.scale and "scale" not in only:
        only.append("scale")
    unknown = [s for s in only if s not in SECTIONS]
    if unknown:
        print(f"bench: unknown section(s) {unknown}; choose from {SECTIONS}", file=sys.stderr)
        return 2
    chosen = [s for s in SECTIONS if (s in only if only else s not in ON_REQUEST)]
    if args.skip_build and "build" in chosen:
        chosen.remove("build")
    args.work.mkdir(parents=True, exist_ok=True)
    out_path = args.out or args.work / "results.json"
    results: dict[str, Any] = {}
    if out_path.exists():
        with contextlib.suppress(json.JSONDecodeError):
            results = json.loads(out_path.read_text(encoding="utf-8"))
        if results.get("corpus") != str(args.corpus):
            results = {}
    results["corpus"] = str(args.corpus)
    results["machine"] = machine()
    sections = results.setdefault("sections", {})
    for earlier in sections.values():
        earlier["from_earlier_run"] = True
    ctx = Context(args)
    log(f"sections: {', '.join(chosen)}; work dir {args.work}")
    for name in chosen:
        log(f"== {name}")
        started = time.perf_counter()
        entry: dict[str, Any] = {"measured_at": dt.datetime.now().isoformat(timespec="seconds")}
        try:
            entry["data"] = RUNNERS[name](ctx)
        except Skip as skip:
            log(f"{name}: skipped: {skip}")
            entry["skipped"] = str(skip)
        except Exception as error:  # one section failing must not stop the others
            log(f"{name}: ERROR {error!r}\n{traceback.format_exc()}")
            entry["error"] = repr(error)
        entry["section_seconds"] = round(time.perf_counter() - started, 1)
        sections[name] = entry
        out_path.write_text(json.dumps(results, indent=1, default=str), encoding="utf-8")
    results["machine"]["loadavg_at_end"] = os.getloadavg()
    results["total_seconds"] = round(time.perf_counter() - STARTED, 1)
    out_path.write_text(json.dumps(results, indent=1, default=str), encoding="utf-8")
    print(table(results))
    scaled = sections.get("scale", {}).get("data")
    if scaled:
        print(scale_table(scaled))
    log(f"results in {out_path}; total {results['total_seconds']} s")
    return 0
