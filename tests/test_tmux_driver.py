"""The shared terminal driver (`bench.tmux`): what a command started in it sees."""

from __future__ import annotations

import pytest

from bench.tmux import TMUX, running

pytestmark = pytest.mark.skipif(TMUX is None, reason="tmux is not installed (.ci/run installs it)")


def test_the_window_size_is_not_overridden_by_columns_and_lines() -> None:
    # Textual obeys COLUMNS and LINES over the window's size; pytest-xdist's workers set them.
    command = 'echo "size ${COLUMNS:-unset}x${LINES:-unset} $(tput cols)x$(tput lines)"; sleep 30'
    with running(command, env={"COLUMNS": "80", "LINES": "24"}) as term:
        screen = term.wait_for("size ")
    assert "size unsetxunset 120x36" in screen, screen


def test_keys_typed_reach_the_command_and_the_session_ends_with_it() -> None:
    with running("read line && echo got:$line && sleep 2", env={}) as term:
        term.type("hello")
        term.send("Enter")
        assert "got:hello" in term.wait_for("got:")
        assert term.wait_closed(), "the session outlived its command"
