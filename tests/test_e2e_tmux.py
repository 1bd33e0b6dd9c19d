"""End to end: the installed `afreader` command in a real terminal (tmux), as a person uses it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

TMUX = shutil.which("tmux")
AFREADER = Path(sys.executable).parent / "afreader"

pytestmark = pytest.mark.skipif(TMUX is None, reason="tmux is not installed (.ci/run installs it)")


class Terminal:
    """One tmux session running a command; keys in, screen text out."""

    def __init__(self, socket: str, session: str) -> None:
        self.socket = socket
        self.session = session

    def tmux(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [TMUX or "tmux", "-L", self.socket, *args], capture_output=True, text=True, check=False
        )

    def send(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", self.session, *keys)

    def type(self, text: str) -> None:
        self.tmux("send-keys", "-t", self.session, "-l", text)

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", self.session).stdout

    def wait_for(self, text: str, timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never appeared; the screen was:\n{screen}")

    def alive(self) -> bool:
        return self.tmux("has-session", "-t", self.session).returncode == 0


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    """`afreader` running in a 120x36 tmux session with its own index folder."""
    assert AFREADER.exists(), f"the afreader command is not installed at {AFREADER}"
    term = Terminal(f"afreader-test-{uuid.uuid4().hex[:8]}", "reader")
    env = {**os.environ, "TERM": "xterm-256color", "AFREADER_INDEX_DIR": str(tmp_path / "idx")}
    command = f"{AFREADER}"
    subprocess.run(
        [
            TMUX or "tmux",
            "-L",
            term.socket,
            "new-session",
            "-d",
            "-s",
            term.session,
            "-x",
            "120",
            "-y",
            "36",
            command,
        ],
        check=True,
        env=env,
    )
    try:
        yield term
    finally:
        term.tmux("kill-server")


def test_search_read_jump_across_articles_and_quit(terminal: Terminal) -> None:
    terminal.wait_for("5 articles · ")  # the index was built and every article listed
    terminal.type("Dostum")
    terminal.wait_for("by relevance")  # results of the query, not the start-up list
    screen = terminal.wait_for("matched:")
    assert "Anti-Taliban Alliance of the Sons" in screen
    terminal.send("Enter")  # to the results
    time.sleep(0.5)  # nothing on screen says the focus moved; a person would not type faster
    terminal.send("Enter")  # open the first
    terminal.wait_for("hit 1 of 6")
    terminal.send("Tab")  # to the entity sidebar
    terminal.send("Down")
    terminal.send("Enter")  # choose the most mentioned person
    terminal.wait_for("Abdul Rashid Dostum: mention 1 of 3 in this article · article 4 of 5")
    for _ in range(3):
        terminal.send("]")
    screen = terminal.wait_for("mention 1 of 2 in this article · article 5 of 5")
    assert "headed by Mohammad Mohaqiq" in screen  # the 2025 article, scrolled to the mention
    terminal.send("BSpace")  # back to where we were before the jump
    terminal.wait_for("article 4 of 5")
    terminal.send("q")
    deadline = time.monotonic() + 10
    while terminal.alive() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not terminal.alive(), "afreader did not quit on q"
