"""Section `fresh`: the start-up freshness check, in this process and in a new one."""

from __future__ import annotations

import statistics
import subprocess
import sys
from typing import Any

from bench.common import REPO, Context, open_engine, summary_ms, timed


def section_fresh(ctx: Context) -> dict[str, Any]:
    """The freshness check: with a new Engine, alone, and in a new process with its imports."""
    from index import Engine

    open_engine(ctx).close()
    paths = ctx.paths
    n = 20
    Engine(paths.copy, paths.afreader_root).is_fresh()  # warm-up: imports, OS cache
    with_init: list[float] = []
    results = []
    for _ in range(n):
        seconds, fresh = timed(lambda: Engine(paths.copy, paths.afreader_root).is_fresh())
        with_init.append(seconds)
        results.append(fresh)
    engine = Engine(paths.copy, paths.afreader_root)
    alone = [timed(engine.is_fresh)[0] for _ in range(n)]
    # In a new process, as the app pays it: interpreter + imports + Engine + is_fresh.
    code = (
        "import time; t=time.perf_counter(); from pathlib import Path; from index import Engine; "
        f"ok=Engine(Path({str(paths.copy)!r}), Path({str(paths.afreader_root)!r})).is_fresh(); "
        "print(time.perf_counter()-t, ok)"
    )
    in_process = []
    for _ in range(5):
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO
        ).stdout.split()
        in_process.append(float(out[0]))
    return {
        "all_fresh": all(results),
        "engine_and_is_fresh": summary_ms(with_init),
        "is_fresh_only": summary_ms(alone),
        "new_process_import_engine_is_fresh_ms": round(statistics.median(in_process) * 1000, 1),
    }
