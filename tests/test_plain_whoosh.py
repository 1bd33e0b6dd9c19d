"""The search tests again, with AFREADER_PLAIN_WHOOSH=1: plain Whoosh gives the same answers.

The tests of the fast path's own reading (tests/test_search_speed.py, and the few in the
modules below that count what it reads) skip themselves there.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from index.plain import ENV_PLAIN_WHOOSH

ROOT = Path(__file__).resolve().parent.parent
# Two runs of about the same length, which the suite's workers share; each runs on one core
# (`-n 0`): the workers of the suite already take every core.
MODULES = (("tests/test_search.py",), ("tests/test_query.py", "tests/test_bounds.py"))


@pytest.mark.skipif(
    os.environ.get(ENV_PLAIN_WHOOSH, "").strip() not in ("", "0"),
    reason="already running with plain Whoosh",
)
@pytest.mark.parametrize("modules", MODULES, ids=["search", "query and bounds"])
def test_the_search_tests_pass_with_plain_whoosh(tmp_path: Path, modules: tuple[str, ...]) -> None:
    env = {**os.environ, ENV_PLAIN_WHOOSH: "1"}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "0", *modules],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert " passed" in run.stdout


def test_the_switch_gives_plain_whoosh(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from index import Engine

    monkeypatch.setenv(ENV_PLAIN_WHOOSH, "1")
    engine = Engine(index_root=tmp_path)
    assert engine.answerer == "plain Whoosh" and not engine.notices
    monkeypatch.setenv(ENV_PLAIN_WHOOSH, "0")
    assert Engine(index_root=tmp_path).answerer == "fast path"
