"""The main process of `afreader index --rebuild` killed alone (SIGKILL, not its process
group): its build process and Whoosh's worker processes die with it, no lock stays held, and
the next run uses or repairs the index. Real processes, real signals."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pytest

AFREADER = shutil.which("afreader", path=str(Path(sys.executable).parent))
pytestmark = [
    pytest.mark.skipif(AFREADER is None, reason="the afreader command is not installed"),
    pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc to see processes"),
]
WriteJsonl = Callable[[Path, Iterable[dict[str, object]]], Path]
# Enough new articles that a build uses Whoosh's two worker processes (BULK_MINIMUM), for a
# build that outlasts the first three seconds.
ARTICLES = 3000
# Enough for the workers, no more: the next run builds them all again.
FEWER = 1500


def articles(count: int) -> Iterator[dict[str, object]]:
    rng = random.Random(5)
    words = ["alliance", "council", "valley", "militia", "province", "governor", "election"]
    for i in range(count):
        body = " ".join(rng.choice(words) for _ in range(150))
        yield {"id": f"k-{i}", "title": f"Report {i}", "date": "2020-01-02", "body": body}


def members(session: int) -> list[int]:
    """The live (not zombie) processes of a session."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text(encoding="ascii", errors="replace")
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2 :].split()
        if fields[0] != "Z" and int(fields[3]) == session:
            found.append(int(entry.name))
    return found


def wait_until(condition: Callable[[], bool], seconds: float = 60.0) -> bool:
    """Wait for `condition`, at most `seconds` (a bound on a hang, not a measurement)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


def start(corpus: Path, root: Path, *args: str) -> subprocess.Popen[bytes]:
    assert AFREADER is not None
    return subprocess.Popen(
        [AFREADER, "--corpus", str(corpus), "--index-dir", str(root), "index", *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own session: every process it starts can be found
    )


def kill_main_only(process: subprocess.Popen[bytes]) -> list[int]:
    """SIGKILL the main process alone; the processes of its session still alive after."""
    process.send_signal(signal.SIGKILL)
    process.wait()
    wait_until(lambda: not members(process.pid))
    left = members(process.pid)
    if left:
        os.killpg(process.pid, signal.SIGKILL)  # clean up after a failure
    return left


def index_command(corpus: Path, root: Path) -> subprocess.CompletedProcess[str]:
    assert AFREADER is not None
    return subprocess.run(
        [AFREADER, "--corpus", str(corpus), "--index-dir", str(root), "index"],
        capture_output=True,
        text=True,
        timeout=300,
        stdin=subprocess.DEVNULL,
    )


def searched(corpus: Path, root: Path, query: str) -> dict[str, object]:
    assert AFREADER is not None
    run = subprocess.run(
        [AFREADER, "--corpus", str(corpus), "--index-dir", str(root), "search", query, "--json"],
        capture_output=True,
        text=True,
        timeout=300,
        stdin=subprocess.DEVNULL,
    )
    assert run.returncode == 0 and "Traceback" not in run.stderr, run.stderr
    return json.loads(run.stdout.splitlines()[0])


def test_workers_die_with_a_killed_main_process_and_free_the_locks(
    tmp_path: Path, write_jsonl: WriteJsonl
) -> None:
    corpus = write_jsonl(tmp_path / "news.jsonl", articles(FEWER))
    root = tmp_path / "indexes"
    process = start(corpus, root, "--rebuild")
    # Killed once Whoosh's workers run (the main process, a build process, workers).
    assert wait_until(lambda: len(members(process.pid)) >= 3 or process.poll() is not None)
    assert process.poll() is None, "the build ended before its workers were seen"
    assert kill_main_only(process) == [], "processes outlived the killed main process"

    done = index_command(corpus, root)
    assert done.returncode == 0, done.stderr
    assert "another afreader process" not in done.stderr
    # The lock its dead holder left is recognised as such, and said.
    assert "was stopped before it finished" in done.stderr, done.stderr
    assert f"{FEWER} articles indexed" in done.stdout
    last = f"k-{FEWER - 1}"
    assert searched(corpus, root, f'{last} OR "Report {FEWER - 1}"')["article_id"] == last


def test_kills_of_the_main_process_at_spread_moments_leave_no_process_and_a_usable_index(
    tmp_path: Path, write_jsonl: WriteJsonl
) -> None:
    corpus = write_jsonl(tmp_path / "news.jsonl", articles(ARTICLES))
    root = tmp_path / "indexes"
    rng = random.Random(20261203)
    rounds, seconds = 8, 3.0
    for kill in range(rounds):
        process = start(corpus, root, "--rebuild")
        # From start-up (imports, opening) to deep in the build: the k-th kill at a random
        # moment of the k-th eighth of the first three seconds, so the moments cover them all.
        moment = (kill + rng.random()) * seconds / rounds
        wait_until(lambda: process.poll() is not None, moment)  # noqa: B023 - used at once
        assert kill_main_only(process) == [], f"kill {kill}: processes were left behind"
    done = index_command(corpus, root)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert f"{ARTICLES} articles indexed" in done.stdout
    assert searched(corpus, root, '"Report 1234"')["article_id"] == "k-1234"
    # Nothing abandoned: the current generation, and at most the stopped rebuild, to resume.
    (folder,) = (p for p in root.iterdir() if not p.name.startswith("."))  # .cache beside
    named = {(folder / name).read_text().strip() for name in ("current", "next")
             if (folder / name).is_file()}  # fmt: skip
    generations = {path.name for path in folder.glob("g-*")}
    assert generations <= named and len(generations) <= 2, (generations, named)
