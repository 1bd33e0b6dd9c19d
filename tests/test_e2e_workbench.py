"""End to end in a real terminal (tmux): search, bookmark, clip a passage with a note, quit,
relaunch, find the search in the history and the clip in the workbench, export the clips to
Markdown with the command line, and read the file."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest

from bench.tmux import AFREADER, TMUX, running

pytestmark = pytest.mark.skipif(TMUX is None, reason="tmux is not installed (.ci/run installs it)")

SONS = "2021-08-anti-taliban-alliance-sons-of-resistance"


def test_clip_quit_relaunch_find_it_and_export_it(tmp_path: Path) -> None:
    assert AFREADER.exists(), f"the afreader command is not installed at {AFREADER}"
    env = {
        "TERM": "xterm-256color",
        "AFREADER_INDEX_DIR": str(tmp_path / "idx"),
        "AFREADER_DATA_DIR": str(tmp_path / "data"),
    }
    with running(str(AFREADER), env=env) as term:
        term.wait_for("5 articles · ")
        term.type("Punjshir")
        term.wait_for("1 article · ")
        term.send("Enter")  # to the results
        term.wait_for("q Quit")  # the footer shows the reader's keys out of the search box
        term.send("Enter")  # open the first
        term.wait_for("hit 1 of 6")
        term.send("b")
        term.wait_for("Bookmarked")
        term.send("v")
        for _ in range(3):
            term.send("S-Right")
        time.sleep(0.3)
        term.send("c")
        term.wait_for("Clip '")
        term.type("key passage")
        term.send("Enter")  # to the tags
        time.sleep(0.5)
        term.type("#evidence")
        term.send("Enter")
        term.wait_for("Clipped")
        term.send("q")
        assert term.wait_closed(), "afreader did not quit on q"
    with running(str(AFREADER), env=env) as term:
        term.wait_for("Press ctrl+o to resume where you were")
        term.send("C-r")
        term.wait_for("History (")
        term.type("punjshir")
        term.wait_for("search 'Punjshir' · 1 result(s)")
        term.send("Escape")
        term.wait_gone("History (")
        # A Tab and a letter sent at once after a lone Escape in a real terminal were read
        # with the Escape still pending (the focus went back to the search box, and the
        # letter with it): a person's next keys come later than that.
        time.sleep(1.0)
        term.send("Tab")  # out of the search box, where letters are typed
        term.wait_for("q Quit")
        term.send("w")
        screen = term.wait_for("note: key")
        assert "#evidence" in screen and "Anti-Taliban Alliance" in screen
        term.send("Escape")
        term.wait_gone("note: key")
        term.send("q")
        assert term.wait_closed(), "afreader did not quit on q"
    out = tmp_path / "clips.md"
    result = subprocess.run(
        [str(AFREADER), "export", "clips", "--format", "md", "--output", str(out)],
        capture_output=True,
        text=True,
        env={**env, "PATH": "/usr/bin:/bin"},
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "wrote 1 clips" in result.stderr
    text = out.read_text("utf-8")
    assert text.startswith("# Clips\n")
    assert "## 1. Anti\\-Taliban Alliance of the Sons of the Resistance" in text
    assert "Note: key passage" in text and "Tags: evidence" in text
    source = next(line for line in text.splitlines() if line.startswith("Source: "))
    assert "article " + SONS.replace("-", "\\-") in source
    assert "body characters" in source or "title characters" in source
    assert "query 'Punjshir'" in source
