"""A real terminal for the app: a tmux session, keys in, screen text out.

Shared by the end-to-end tests (`from bench.tmux import Terminal`) and the benchmark's launch
section, so that both drive the app the same way a person does.
"""

from __future__ import annotations

import collections
import contextlib
import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Mapping
from pathlib import Path

TMUX = shutil.which("tmux")
# The command the tests and the benchmark launch: the one installed beside this interpreter.
AFREADER = Path(sys.executable).parent / "afreader"
SIZE = (120, 36)


def new_socket(prefix: str = "afreader-test") -> str:
    """A tmux socket name of its own, so that no session is shared with anything else."""
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


class Terminal:
    """One tmux session running a command; keys in, screen text out."""

    def __init__(self, socket: str, session: str) -> None:
        self.socket = socket
        self.session = session

    @classmethod
    def start(
        cls,
        command: str,
        *,
        socket: str | None = None,
        session: str = "reader",
        size: tuple[int, int] = SIZE,
        env: Mapping[str, str] | None = None,
        check: bool = True,
    ) -> Terminal:
        """Start `command` (a shell command line) in a new detached session of `size` columns
        by rows, on `socket` (a new server when None). `env` adds variables to this process's
        environment (without COLUMNS and LINES) for the tmux client; with `check` a failure to
        start raises."""
        term = cls(socket or new_socket(), session)
        width, height = size
        # The app sizes itself to the window, unless COLUMNS and LINES say otherwise (Textual
        # obeys them; pytest-xdist's workers set 80x24): the window's size must be the one.
        environment = {
            name: value
            for name, value in {**os.environ, **(env or {})}.items()
            if name not in ("COLUMNS", "LINES")
        }
        subprocess.run(
            [TMUX or "tmux", "-L", term.socket, "new-session", "-d", "-s", session,
             "-x", str(width), "-y", str(height), command],
            check=check,
            capture_output=not check,
            env=environment,
        )  # fmt: skip
        return term

    def tmux(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run one tmux command on this terminal's server."""
        return subprocess.run(
            [TMUX or "tmux", "-L", self.socket, *args], capture_output=True, text=True, check=False
        )

    def send(self, *keys: str) -> None:
        """Press keys by their tmux names (`Enter`, `Tab`, `BSpace`, `q`)."""
        self.tmux("send-keys", "-t", self.session, *keys)

    def type(self, text: str) -> None:
        """Type `text` literally, one key per character."""
        self.tmux("send-keys", "-t", self.session, "-l", text)

    def screen(self) -> str:
        """The text on the screen now."""
        return self.tmux("capture-pane", "-p", "-t", self.session).stdout

    def wait_for(self, text: str, timeout: float = 30.0) -> str:
        """The screen once `text` is on it; AssertionError with the screen after `timeout` s."""
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never appeared; the screen was:\n{screen}")

    def wait_gone(self, text: str, timeout: float = 30.0) -> str:
        """The screen once `text` is no longer on it (a screen closed); AssertionError with the
        screen after `timeout` s."""
        deadline = time.monotonic() + timeout
        screen = self.screen()
        while text in screen:
            if time.monotonic() >= deadline:
                raise AssertionError(f"{text!r} never went away; the screen was:\n{screen}")
            time.sleep(0.1)
            screen = self.screen()
        return screen

    def watch(
        self, marks: Mapping[str, str], since: float, timeout: float = 60.0, interval: float = 0.01
    ) -> tuple[dict[str, float], str]:
        """Seconds from `since` (a `time.perf_counter()` moment) until each mark's text was first
        on screen, polling every `interval` s; marks never seen are missing. Also the last screen."""
        seen: dict[str, float] = {}
        screen = ""
        while time.perf_counter() - since < timeout and len(seen) < len(marks):
            screen = self.screen()
            now = time.perf_counter() - since
            for label, text in marks.items():
                if label not in seen and text in screen:
                    seen[label] = now
            time.sleep(interval)
        return seen, screen

    def alive(self) -> bool:
        """Whether the session still runs (it ends when its command exits)."""
        return self.tmux("has-session", "-t", self.session).returncode == 0

    def wait_closed(self, timeout: float = 10.0) -> bool:
        """Whether the session ended by itself within `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while self.alive() and time.monotonic() < deadline:
            time.sleep(0.1)
        return not self.alive()

    def close(self, keys: tuple[str, ...] = (), timeout: float = 10.0) -> bool:
        """Press `keys` (0.3 s apart, as a person would) and wait for the session to end; True
        if it ended by itself, else (or without keys) the session is killed and False."""
        for key in keys:
            self.send(key)
            time.sleep(0.3)
        deadline = time.monotonic() + timeout
        while keys and time.monotonic() < deadline:
            if not self.alive():
                return True
            time.sleep(0.1)
        self.tmux("kill-session", "-t", self.session)
        return False

    def pids(self) -> list[int]:
        """The pane's process and all its descendants (read from /proc)."""
        out = self.tmux("display", "-p", "-t", self.session, "#{pane_pid}").stdout.strip()
        if not out.isdigit():
            return []
        children: dict[int, list[int]] = collections.defaultdict(list)
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError, ValueError, IndexError):
                fields = stat.read_text().rsplit(")", 1)[1].split()
                children[int(fields[1])].append(int(stat.parent.name))
        found, todo = [], [int(out)]
        while todo:
            pid = todo.pop()
            found.append(pid)
            todo.extend(children.get(pid, []))
        return found

    def kill_server(self) -> None:
        """End the tmux server of this terminal and every session on it."""
        self.tmux("kill-server")


@contextlib.contextmanager
def running(
    command: str,
    *,
    socket: str | None = None,
    session: str = "reader",
    size: tuple[int, int] = SIZE,
    env: Mapping[str, str] | None = None,
) -> Iterator[Terminal]:
    """A terminal running `command` for the length of a `with` block; its server is killed after."""
    term = Terminal.start(command, socket=socket, session=session, size=size, env=env)
    try:
        yield term
    finally:
        term.kill_server()
