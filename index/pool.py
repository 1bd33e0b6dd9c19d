"""Open searchers kept between searches, each lent to one search at a time.

Opening a Whoosh searcher on the 57,000-article index costs about 25 ms (every segment's term
index is read), and what a searcher learns while it works (each segment's field lengths, the
words looked up in it) is lost with it. The app searches from Textual's worker threads, any
of several; a searcher per thread would be opened, and warmed, once per thread. A `Pool` lends
each search the most recently returned searcher instead, and opens another only when every
one it has is in use.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Generic, TypeVar

__all__ = ["Pool"]

T = TypeVar("T")


class Pool(Generic[T]):
    """Resources lent out one borrower at a time, made by `make` when none is free."""

    def __init__(
        self,
        make: Callable[[], T],
        close: Callable[[T], None],
        fresh: Callable[[T], bool] = lambda _: True,
        keep: int = 4,
    ) -> None:
        """`close` releases a resource no one will use again; `fresh` says whether an idle one
        may still be lent (one that is not is closed); at most `keep` are kept idle."""
        self._make = make
        self._close = close
        self._fresh = fresh
        self._keep = keep
        self._lock = threading.Lock()
        self._idle: list[T] = []
        self._epoch = 0

    @contextmanager
    def lease(self) -> Iterator[T]:
        """A resource for the duration of the `with` block, no one else's meanwhile."""
        value, epoch = self._take()
        try:
            yield value
        finally:
            self._give_back(value, epoch)

    def _take(self) -> tuple[T, int]:
        while True:
            with self._lock:
                epoch = self._epoch
                value = self._idle.pop() if self._idle else None
            if value is None:
                return self._make(), epoch
            if self._fresh(value):
                return value, epoch
            self._close(value)

    def _give_back(self, value: T, epoch: int) -> None:
        with self._lock:
            if epoch == self._epoch and len(self._idle) < self._keep:
                self._idle.append(value)
                return
        self._close(value)

    def clear(self) -> None:
        """Close the idle resources now, and those lent out when they come back."""
        with self._lock:
            self._epoch += 1
            idle, self._idle = self._idle, []
        for value in idle:
            self._close(value)
