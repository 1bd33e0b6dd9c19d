"""Writes to the user database done one at a time, in the order they were asked for.

The reader writes from worker threads (a search drawn, an article opened, a scroll kept): two
writes in two threads at once may commit in either order, and the history would then say the
later search came first. Each is queued here instead, and one thread at a time drains the
queue.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from typing import Generic, TypeVar

__all__ = ["WriteQueue"]

W = TypeVar("W")


class WriteQueue(Generic[W]):
    """Work items run in order by whichever thread drains the queue."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queue: deque[W] = deque()
        self._draining = False

    def add(self, work: W) -> bool:
        """Queue `work`; True when no thread is draining the queue (the caller starts one)."""
        with self._lock:
            self._queue.append(work)
            if self._draining:
                return False
            self._draining = True
            return True

    def drain(self, run: Callable[[W], None]) -> None:
        """Run the queued work, oldest first, until none is left (what `run` raises stops the
        draining and is raised; the rest waits for the next `add`)."""
        while True:
            with self._lock:
                if not self._queue:
                    self._draining = False
                    return
                work = self._queue.popleft()
            try:
                run(work)
            except BaseException:
                with self._lock:
                    self._draining = False
                raise
