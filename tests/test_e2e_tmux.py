"""End to end: the installed `afreader` command in a real terminal (tmux), as a person uses it."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.tmux import AFREADER, TMUX, Terminal, new_socket, running

pytestmark = pytest.mark.skipif(TMUX is None, reason="tmux is not installed (.ci/run installs it)")


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    """`afreader` running in a 120x36 tmux session with its own index folder."""
    assert AFREADER.exists(), f"the afreader command is not installed at {AFREADER}"
    env = {"TERM": "xterm-256color", "AFREADER_INDEX_DIR": str(tmp_path / "idx")}
    with running(str(AFREADER), env=env) as term:
        yield term


def test_search_read_jump_across_articles_and_quit(terminal: Terminal) -> None:
    terminal.wait_for("5 articles · ")  # the index was built and every article listed
    terminal.type("Punjshir")
    terminal.wait_for("1 article · ")  # results of the query, not the start-up list
    screen = terminal.wait_for("matched:")
    assert "Anti-Taliban Alliance of the Sons" in screen and "Penjshir" in screen
    terminal.send("Enter")  # to the results
    time.sleep(0.5)  # nothing on screen says the focus moved; a person would not type faster
    terminal.send("Enter")  # open the first
    terminal.wait_for("hit 1 of 6")  # Punjshir, Panjshir, Penjshir: every spelling
    terminal.send("Tab")  # to the entity sidebar (its highlight is on the first actor)
    terminal.send("Enter")  # choose the most mentioned person
    terminal.wait_for("Abdul Rashid Dostum: mention 1 of 3 in this article · article 4 of 5")
    for _ in range(3):
        terminal.send("]")
    screen = terminal.wait_for("mention 1 of 2 in this article · article 5 of 5")
    assert "headed by Mohammad Mohaqiq" in screen  # the 2025 article, scrolled to the mention
    terminal.send("BSpace")  # back to where we were before the jump
    terminal.wait_for("article 4 of 5")
    terminal.send("q")
    assert terminal.wait_closed(), "afreader did not quit on q"


def start(socket: str, session: str, *args: str) -> Terminal:
    """Start `afreader ARGS` in a 120x36 session `session` on the tmux server `socket`."""
    command = " ".join([str(AFREADER), *args])
    return Terminal.start(command, socket=socket, session=session, env={"TERM": "xterm-256color"})


HOSTILE = (
    "---\ntitle: 'Taliban [bold red]loud[/] title'\npublished: '2021-08-20'\n---\n\n"
    "\x1b]8;;http://evil.example/\x1b\\link\x1b]8;;\x1b\\ "
    "The Taliban said [link=file:///etc/passwd]this[/link] and [@click=app.quit]that[/]. "
    "\x1b[2J\x1b[31mREDTEXT\x1b[0m \x1b]52;c;ZXZpbA==\x07 \u202eBIDI\u202c \x9b31m end.\n"
)


def test_no_escape_sequence_from_the_corpus_reaches_the_terminal(tmp_path: Path) -> None:
    corpus = tmp_path / "hostile"
    corpus.mkdir()
    (corpus / "a.md").write_text(HOSTILE, encoding="utf-8")
    log = tmp_path / "terminal.bytes"
    term = start(
        new_socket(), "reader", "--corpus", str(corpus), "--index-dir", str(tmp_path / "idx")
    )
    try:
        term.tmux("pipe-pane", "-o", "-t", term.session, f"cat >> {log}")
        term.wait_for("1 article · ")
        term.type("Taliban")
        term.wait_for("by relevance")
        term.send("Enter")
        time.sleep(0.5)
        term.send("Enter")
        term.wait_for("hit 1 of")
        term.send("Tab")
        term.send("Enter")
        term.wait_for("Taliban: mention 1 of")
        term.send("m")
        term.wait_for(" in 1 articles")  # the concordance lines have loaded
        term.send("Escape")
        time.sleep(0.3)
        term.send("q")
        assert term.wait_closed(), "afreader did not quit on q"
    finally:
        term.kill_server()
    written = log.read_bytes()
    assert b"ZXZpbA==" in written and b"REDTEXT" in written  # the text was shown...
    for sequence in (b"\x1b]52;c;ZXZpbA", b"\x1b]8;;http://evil", b"\x1b[31mREDTEXT", b"\x9b31m"):
        assert sequence not in written  # ...but none of its escape sequences was sent
    assert "\u202e".encode() not in written
    assert b"[link=file:///etc/passwd]" in written  # markup shown as text


def test_two_readers_keep_working_while_a_third_process_updates(tmp_path: Path) -> None:
    import shutil

    from corpus import BUNDLED_ARTICLES

    corpus = tmp_path / "corpus"
    shutil.copytree(BUNDLED_ARTICLES, corpus)
    index_dir = tmp_path / "idx"
    common = ["--corpus", str(corpus), "--index-dir", str(index_dir)]
    subprocess.run([str(AFREADER), "index", *common], check=True, capture_output=True)
    socket = new_socket()
    readers: list[Terminal] = []
    try:
        for session in ("one", "two"):
            readers.append(start(socket, session, *common))
        for term in readers:
            term.wait_for("5 articles · ")
        (corpus / "new.md").write_text(
            "---\ntitle: Zebracorn sighted in Panjshir\npublished: '2022-03-01'\n---\n\n"
            "A zebracorn was seen near the Taliban checkpoint.\n",
            encoding="utf-8",
        )
        update = subprocess.run([str(AFREADER), "index", *common], capture_output=True, text=True)
        assert update.returncode == 0, update.stderr
        for term in readers:
            term.type("zebracorn")
        for term in readers:
            term.wait_for("1 article · ")
            term.send("Enter")
        time.sleep(0.5)
        for term in readers:
            term.send("Enter")
        for term in readers:
            term.wait_for("hit 1 of 2")  # title and body
    finally:
        Terminal(socket, "one").kill_server()
