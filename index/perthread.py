"""One resource per thread, handed on to a later thread when its thread ends.

Textual runs each search in a new thread. A Whoosh searcher costs about 25 ms to open on the
57,000-article index (every segment's term index is read), its field-length cache must be
filled again, and a new SQLite connection starts with an empty page cache: opened afresh for
every keystroke, they made a search in the app take twice as long as the same search in one
thread. A `PerThread` gives each thread its own resource, as `threading.local` does, and when
the thread ends puts the resource aside for the next thread that asks.

A resource is never used by two threads at once: a thread keeps its own until it ends (or
`discard`s it), and only then can another take it.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from typing import Generic, TypeVar

__all__ = ["PerThread"]

T = TypeVar("T")


class _Lease(Generic[T]):
    """What the pool knows about a resource a thread holds."""

    __slots__ = ("epoch", "keep", "value")

    def __init__(self, value: T, epoch: int) -> None:
        self.value = value
        self.epoch = epoch
        self.keep = True


class _Holder(Generic[T]):
    """Lives in the thread's local storage: when the thread ends it is collected, and its
    finalizer hands the resource back."""

    __slots__ = ("__weakref__", "lease")

    def __init__(self, lease: _Lease[T]) -> None:
        self.lease = lease


class PerThread(Generic[T]):
    """Each thread's own `T`, made by `make` or taken from a thread that has ended."""

    def __init__(self, make: Callable[[], T], close: Callable[[T], None], keep: int = 4) -> None:
        """`close` releases a resource nobody will use again; at most `keep` are kept idle."""
        self._make = make
        self._close = close
        self._keep = keep
        self._local = threading.local()
        self._lock = threading.Lock()
        self._idle: list[T] = []
        self._epoch = 0

    def get(self) -> T:
        """This thread's resource."""
        holder: _Holder[T] | None = getattr(self._local, "holder", None)
        if holder is not None and holder.lease.epoch == self._epoch:
            return holder.lease.value
        with self._lock:
            epoch = self._epoch
            value = self._idle.pop() if self._idle else None
        if value is None:
            value = self._make()
        lease = _Lease(value, epoch)
        holder = _Holder(lease)
        # Runs when the holder is collected: the thread ended, or it was discarded or replaced.
        weakref.finalize(holder, self._release, lease).atexit = False
        self._local.holder = holder  # a stale holder this replaces is released now
        return value

    def discard(self) -> None:
        """Close this thread's resource now (it is out of date or its files must be freed)."""
        holder: _Holder[T] | None = getattr(self._local, "holder", None)
        if holder is not None:
            holder.lease.keep = False
            self._local.holder = None

    def clear(self) -> None:
        """Close every resource: the idle ones now, the calling thread's now, the ones other
        threads hold when those threads next ask or end."""
        with self._lock:
            self._epoch += 1
            idle, self._idle = self._idle, []
        self.discard()
        for value in idle:
            self._close(value)

    def _release(self, lease: _Lease[T]) -> None:
        with self._lock:
            if lease.keep and lease.epoch == self._epoch and len(self._idle) < self._keep:
                self._idle.append(lease.value)
                return
        self._close(lease.value)
