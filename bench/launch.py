"""Section `launch`: process start to first frame and to results in tmux, and the app's memory."""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from bench.common import Context, Skip, log, open_engine
from bench.tmux import AFREADER, Terminal

MINIMAL_APP = """\
from textual.app import App, ComposeResult
from textual.widgets import Static


class Minimal(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("MINIMAL-APP-READY")


Minimal().run()
"""


def status_kb(pid: int, key: str) -> int | None:
    """A `/proc/PID/status` field in KiB (VmHWM, VmRSS), None if unreadable."""
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return None


def python_pid(pids: list[int]) -> int | None:
    """The first of `pids` that runs Python (the app, not its shell)."""
    for pid in pids:
        with contextlib.suppress(OSError):
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
            if b"python" in cmdline or b"afreader" in cmdline:
                return pid
    return None


def section_launch(ctx: Context) -> dict[str, Any]:
    """Launch to first frame and to results in tmux against a minimal app; the app's memory."""
    if shutil.which("tmux") is None:
        raise Skip("tmux is not installed")
    paths = ctx.paths
    engine = open_engine(ctx)  # makes sure the index is fresh: the app must not build
    engine.close()
    app_file = paths.work / "minimal_app.py"
    app_file.write_text(MINIMAL_APP, encoding="utf-8")
    # Bytecode is cached (outside the repo) as an installed app would have it; the first,
    # untimed launch of each command writes it.
    env = (
        f"exec env -u PYTHONDONTWRITEBYTECODE PYTHONPYCACHEPREFIX={paths.pycache} "
        "TERM=xterm-256color "
    )
    minimal_cmd = env + f"{sys.executable} {app_file}"
    afreader_cmd = env + f"{AFREADER} --corpus {paths.copy} --index-dir {paths.afreader_root}"
    runs = max(5, ctx.args.repeat)
    # One server for every launch, kept alive between them by a session that only sleeps.
    keep = Terminal.start(
        "sleep 86400", socket=f"afbench-{os.getpid()}", session="keep", check=False
    )
    launched = itertools.count(1)

    def launch(command: str, marks: dict[str, str]) -> tuple[Terminal, dict[str, float], str]:
        """Start `command` in a new session; seconds until each mark's text is on screen."""
        started = time.perf_counter()
        term = Terminal.start(
            command, socket=keep.socket, session=f"run{next(launched)}", check=False
        )
        seen, screen = term.watch(marks, started, timeout=60.0)
        return term, seen, screen

    out: dict[str, Any] = {"runs": runs}
    try:
        minimal: list[float] = []
        for i in range(runs + 1):
            term, seen, screen = launch(minimal_cmd, {"frame": "MINIMAL-APP-READY"})
            term.close()
            if "frame" not in seen:
                raise RuntimeError(f"the minimal app never showed its text:\n{screen}")
            if i:
                minimal.append(seen["frame"])
            time.sleep(0.3)
        log(f"minimal Textual app, first frame: {[round(s, 3) for s in minimal]}")
        first, ready, rss, rss_search, quit_ok = [], [], [], [], []
        marks = {"first": "Search:", "ready": "articles ·"}
        for i in range(runs + 1):
            term, seen, screen = launch(afreader_cmd, marks)
            if "ready" not in seen:
                term.close()
                raise RuntimeError(f"afreader never showed 'articles ·':\n{screen}")
            pid = python_pid(term.pids())
            hwm = status_kb(pid, "VmHWM") if pid else None
            # One search, as a person would do first: memory after it.
            term.type("taliban")
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                if "by relevance" in term.screen():
                    break
                time.sleep(0.05)
            hwm_search = status_kb(pid, "VmHWM") if pid else None
            quit_ok.append(term.close(("Enter", "q")))
            if i:
                first.append(seen.get("first", float("nan")))
                ready.append(seen["ready"])
                if hwm is not None:
                    rss.append(hwm / 1024)
                if hwm_search is not None:
                    rss_search.append(hwm_search / 1024)
            time.sleep(0.3)
        log(f"afreader, results shown: {[round(s, 3) for s in ready]}")
        out.update(
            {
                "minimal_first_frame_s": round(statistics.median(minimal), 3),
                "minimal_all_s": [round(s, 3) for s in minimal],
                "afreader_first_frame_s": round(statistics.median(first), 3),
                "afreader_ready_s": round(statistics.median(ready), 3),
                "afreader_ready_all_s": [round(s, 3) for s in ready],
                "ratio_ready": round(statistics.median(ready) / statistics.median(minimal), 2),
                "ratio_first_frame": round(
                    statistics.median(first) / statistics.median(minimal), 2
                ),
                "app_vmhwm_ready_mb": round(max(rss), 1) if rss else None,
                "app_vmhwm_after_search_mb": round(max(rss_search), 1) if rss_search else None,
                "quit_with_q": all(quit_ok),
            }
        )
    finally:
        keep.kill_server()
    return out
