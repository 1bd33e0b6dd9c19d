"""Locks that say who holds them and that no other process can inherit.

Whoosh's own file lock is `flock`, which a forked child inherits: when its multi-process
writer's parent was killed, the two workers kept the update lock and the write lock for ever.
These are POSIX record locks (`fcntl.lockf`): never inherited by a fork, and released by the
system when the process that holds them dies, however it dies. A record lock belongs to the
whole process, so a lock is also held in the process's own table: two threads of one process
exclude each other too.

The holder writes its pid and start time into the lock file, so that a busy lock names its
holder, and a lock file left by a holder that is gone is known to be stale.
"""

from __future__ import annotations

import contextlib
import os
import threading
from pathlib import Path

__all__ = ["ProcessLock", "describe_holder", "process_start"]

_HELD: set[str] = set()
_HELD_LOCK = threading.Lock()

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: an exclusive creation stands in
    fcntl = None  # type: ignore[assignment]


def _stat(pid: int) -> list[str] | None:
    """The fields of /proc/<pid>/stat after the command name (state first), if readable."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    # The command name (field 2) is in parentheses and may hold spaces: count from the last.
    return stat[stat.rfind(")") + 2 :].split()


def process_start(pid: int) -> str | None:
    """When process `pid` started (clock ticks since boot, from /proc), or None if unknown.

    A pid alone can be reused by an unrelated process; a pid and its start time cannot.
    """
    fields = _stat(pid)
    return fields[19] if fields is not None and len(fields) > 19 else None


def _alive(pid: int, start: str | None) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # someone else's process: it exists
    fields = _stat(pid)
    if fields is None:
        return True  # no /proc: the signal test is all there is
    if fields[0] in ("Z", "X"):  # dead, not yet reaped by its (new) parent
        return False
    return start is None or len(fields) <= 19 or fields[19] == start


def _holder(text: str) -> tuple[int, bool] | None:
    fields = text.split()
    try:
        pid = int(fields[0])
    except (ValueError, IndexError):
        return None
    start = fields[1] if len(fields) > 1 and fields[1] != "-" else None
    return pid, _alive(pid, start)


def describe_holder(path: Path) -> tuple[int, bool] | None:
    """The pid recorded in a lock file and whether that process is still alive.

    Never opens a lock file this process holds: closing any descriptor of a file releases
    every record lock the process has on it.
    """
    with _HELD_LOCK:
        if str(path.resolve()) in _HELD:
            return os.getpid(), True
    try:
        return _holder(path.read_text(encoding="ascii", errors="replace"))
    except OSError:
        return None


class ProcessLock:
    """An exclusive, non-inheritable lock on a file; `acquire` never waits unless asked."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None
        # Whoosh's lock interface, which Whoosh's writers use.
        self.locked = False
        self.stale: int | None = None  # the pid of a dead holder this lock was taken over from

    def acquire(self, blocking: bool = False) -> bool:
        """Take the lock; False if another process (or thread) holds it."""
        key = str(self.path.resolve())
        with _HELD_LOCK:
            if key in _HELD:
                return False
            _HELD.add(key)
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644)
        except OSError:
            with _HELD_LOCK:
                _HELD.discard(key)
            raise
        try:
            if fcntl is not None:
                fcntl.lockf(fd, fcntl.LOCK_EX if blocking else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            with _HELD_LOCK:
                _HELD.discard(key)
            return False
        try:
            previous = _holder(os.pread(fd, 100, 0).decode("ascii", errors="replace"))
        except OSError:
            previous = None
        if previous is not None and not previous[1] and previous[0] != os.getpid():
            self.stale = previous[0]
        pid = os.getpid()
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{pid} {process_start(pid) or '-'}\n".encode("ascii"), 0)
        except OSError:
            pass  # a full disk: the lock is held all the same, only unnamed
        self._fd = fd
        self.locked = True
        return True

    def release(self) -> None:
        """Give the lock back (the holder's record is cleared first)."""
        if self._fd is None:
            return
        with contextlib.suppress(OSError):  # the record only names the holder
            os.ftruncate(self._fd, 0)
        os.close(self._fd)  # closing releases the record lock
        self._fd = None
        self.locked = False
        with _HELD_LOCK:
            _HELD.discard(str(self.path.resolve()))

    def __enter__(self) -> ProcessLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
