"""Processes that die with their parent, and Whoosh's multi-process writer made to fail fast.

Whoosh's `procs=2` writer forks two workers that wait on a pipe for work. Two things went
wrong with them: killed alone, the parent left them blocked for ever (holding the locks they
inherited); and a worker that failed (a full disk) left the parent waiting for it for ever.
Here each worker asks the system to kill it when its parent dies (Linux's parent-death signal,
with a thread watching the parent's pid where the system has none), says why it failed
through the result queue, and the parent checks its workers while it waits on them.
"""

from __future__ import annotations

import ctypes
import os
import queue
import signal
import sys
import threading
import time
from typing import Any

from whoosh.multiproc import MpWriter, SubWriterTask
from whoosh.writing import SegmentWriter

__all__ = ["SafeMpWriter", "die_with_parent"]

PR_SET_PDEATHSIG = 1
_WAIT = 0.2  # seconds between two looks at the workers while waiting on them


def die_with_parent(parent: int) -> None:
    """Make this process die when `parent` (the pid it was started by) does.

    Linux: `prctl(PR_SET_PDEATHSIG, SIGKILL)`. Elsewhere, or if that fails, a daemon thread
    that notices the parent's pid change (a child whose parent died is adopted by another).
    Linux sends the signal when the parent *thread* that started the child ends: a build
    process is started and waited for by the same thread (`index.lifecycle.open_index`).
    """
    armed = False
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            armed = libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
        except (OSError, AttributeError):
            armed = False
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)
    if not armed:

        def watch() -> None:
            while os.getppid() == parent:
                time.sleep(0.5)
            os._exit(1)

        threading.Thread(target=watch, name="parent-watch", daemon=True).start()


class _Task(SubWriterTask):
    """A Whoosh worker that dies with its parent and reports why it failed."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.parent_pid = os.getpid()

    def run(self) -> None:
        die_with_parent(self.parent_pid)
        try:
            super().run()
        except BaseException as error:  # said to the parent, which stops the build
            message = getattr(error, "strerror", None) or str(error) or type(error).__name__
            try:
                self.resultqueue.put(("error", message), timeout=1)
                _flush(self.resultqueue)
            finally:
                os._exit(1)


def _flush(queue_: Any, timeout: float = 2.0) -> None:
    """Wait (a bounded time) until what was put on a multiprocessing queue is in its pipe.

    `Queue.put` hands the item to a feeder thread; `os._exit` ends the process without waiting
    for it, so a worker's last words (its error: "No space left on device") were lost and the
    parent could only say "exit code 1"."""
    flusher = threading.Thread(target=lambda: (queue_.close(), queue_.join_thread()), daemon=True)
    flusher.start()
    flusher.join(timeout)


class _Watched:
    """A queue whose waits keep an eye on the workers: a worker that died is an error."""

    def __init__(self, inner: Any, writer: SafeMpWriter) -> None:
        self.inner = inner
        self.writer = writer
        self.owner = os.getpid()

    def put(self, item: Any, block: bool = True, timeout: float | None = None) -> None:
        if os.getpid() != self.owner:  # a worker's end of the queue
            self.inner.put(item, block, timeout)
            return
        while True:
            try:
                self.inner.put(item, timeout=_WAIT)
                return
            except queue.Full:
                self.writer.check_workers()

    def get(self, block: bool = True, timeout: float | None = None) -> Any:
        if os.getpid() != self.owner:
            return self.inner.get(block, timeout)
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            try:
                item = self.inner.get(timeout=_WAIT)
            except queue.Empty:
                self.writer.check_workers()
                if deadline is not None and time.monotonic() > deadline:
                    raise
                continue
            if isinstance(item, tuple) and len(item) == 2 and item[0] == "error":
                raise OSError(f"an indexing process failed: {item[1]}")
            return item

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


class SafeMpWriter(MpWriter):
    """Whoosh's multi-process writer, whose workers die with it and whose failures stop it."""

    def __init__(self, ix: Any, procs: int, **kwargs: Any) -> None:
        super().__init__(ix, procs=procs, **kwargs)
        # Whoosh's queues are untyped attributes set by its constructor.
        self.jobqueue = _Watched(self.__dict__["jobqueue"], self)
        self.resultqueue = _Watched(self.__dict__["resultqueue"], self)

    def _new_task(self) -> _Task:
        task = _Task(
            self.storage,
            self.indexname,
            self.jobqueue,
            self.resultqueue,
            self.subargs,
            self.multisegment,
        )
        task.daemon = True  # never waited for at exit
        self.tasks.append(task)
        task.start()
        return task

    def check_workers(self) -> None:
        """Raise OSError if a worker stopped before it was told to."""
        for task in self.tasks:
            if task.exitcode not in (None, 0):
                try:
                    kind, message = self.resultqueue.inner.get_nowait()
                except (queue.Empty, ValueError, TypeError):
                    kind, message = "error", f"exit code {task.exitcode}"
                raise OSError(f"an indexing process failed: {message if kind == 'error' else ''}")

    def cancel(self) -> None:
        """Stop the workers at once (they may be blocked) and drop what was written."""
        try:
            for task in self.tasks:
                if task.is_alive():
                    task.kill()
                task.join(timeout=5)
        finally:
            SegmentWriter.cancel(self)
