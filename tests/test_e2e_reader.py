"""End to end: the reader's first keys in a real terminal (tmux), as a new user presses them."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bench.tmux import AFREADER, TMUX, Terminal, running

pytestmark = pytest.mark.skipif(TMUX is None, reason="tmux is not installed (.ci/run installs it)")


def launch(tmp_path: Path, size: tuple[int, int]) -> Iterator[Terminal]:
    """`afreader` on the bundled corpus in a tmux session of `size`, its own index folder."""
    assert AFREADER.exists(), f"the afreader command is not installed at {AFREADER}"
    env = {"TERM": "xterm-256color", "AFREADER_INDEX_DIR": str(tmp_path / "idx")}
    with running(str(AFREADER), env=env, size=size) as term:
        yield term


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    """A 120x36 terminal."""
    yield from launch(tmp_path, (120, 36))


@pytest.fixture
def small_terminal(tmp_path: Path) -> Iterator[Terminal]:
    """An 80x24 terminal, the size a new user often has."""
    yield from launch(tmp_path, (80, 24))


def box(screen: str) -> str:
    """The search box's line: the second, inside the box's border."""
    lines = screen.splitlines()
    return lines[1] if len(lines) > 1 else ""


def wait_until(
    term: Terminal, test: Callable[[str], bool], what: str, timeout: float = 30.0
) -> str:
    """The screen once `test` holds for it; AssertionError saying `what` after `timeout` s."""
    deadline = time.monotonic() + timeout
    screen = ""
    while time.monotonic() < deadline:
        screen = term.screen()
        if test(screen):
            return screen
        time.sleep(0.1)
    raise AssertionError(f"{what} never happened; the screen was:\n{screen}")


def position_line(screen: str) -> str:
    """The position line: the one above the footer."""
    lines = [line for line in screen.splitlines() if line.strip()]
    return lines[-2] if len(lines) >= 2 else ""


def test_slash_a_word_escape_slash_a_new_word(terminal: Terminal) -> None:
    terminal.wait_for("5 articles · ")
    terminal.send("/")
    terminal.type("Punjshir")
    screen = terminal.wait_for("1 article · ")
    assert "Punjshir" in box(screen) and "/" not in box(screen), screen
    assert "Anti-Taliban Alliance of the Sons" in screen
    terminal.send("Escape")  # clears the box: every article again
    screen = terminal.wait_for("5 articles · ")
    assert "Punjshir" not in box(screen), screen
    terminal.send("Tab")  # to the results, as a reader moves on
    time.sleep(0.5)
    terminal.send("/")  # back to the box from another pane
    time.sleep(0.5)  # (typing at once is the first search's case above)
    terminal.type("Noor")
    screen = terminal.wait_for("4 articles · ")
    assert box(screen).split("▎")[0].split() == ["▊", "Noor"], screen  # only the new word


def test_a_new_user_at_80x24_searches_chooses_an_actor_jumps_and_quits(
    small_terminal: Terminal,
) -> None:
    term = small_terminal
    term.wait_for("5 articles")
    term.send("/")
    term.type("alliance")
    term.wait_for("4 articles")
    term.send("Enter")  # to the results
    time.sleep(0.5)
    term.send("Enter")  # open the first
    term.wait_for("hit 1 of")
    term.send("]")  # no actor chosen: the picker offers the article's actors
    term.wait_for("Choose an actor")
    term.send("Enter")  # the most mentioned
    screen = term.wait_for("mention 1 of")
    before = position_line(screen)
    term.send("]")
    wait_until(
        term,
        lambda s: position_line(s) != before and "mention" in position_line(s),
        "the jump to the next mention",
    )
    term.send("m")  # the mentions view of that actor
    term.wait_for("Mentions of")
    term.send("Escape")
    wait_until(term, lambda s: "Mentions of" not in s, "closing the mentions view")
    term.send("q")
    assert term.wait_closed(), "afreader did not quit on q"


def test_keys_sent_in_one_go_during_the_build_are_all_kept(tmp_path: Path) -> None:
    """Bug 2: `Panj*`, ctrl+u and `Taleban` at once, while the first build runs, emptied the
    box (ctrl+u acted after the word typed behind it)."""
    import json

    corpus = tmp_path / "news.jsonl"
    with corpus.open("w", encoding="utf-8") as out:
        for n in range(3000):
            body = f"The Taleban and Panjshir fighters met in Kabul, day {n}. " * 5
            record = {"id": f"a{n}", "title": f"Report {n}", "date": "2020-01-02", "body": body}
            out.write(json.dumps(record) + "\n")
    command = f"{AFREADER} --corpus {corpus} --index-dir {tmp_path / 'idx'}"
    with running(command, env={"TERM": "xterm-256color"}) as term:
        term.wait_for("Building the index")
        term.type("Panj*")
        term.send("C-u")
        term.type("Taleban")
        screen = wait_until(
            term,
            lambda s: "Building the index" not in s and "3,000 articles · " in s,
            "the build, then the results",
            timeout=120,
        )
        assert "Taleban" in box(screen) and "Panj" not in box(screen), screen
