"""Stopping a search or count part-way: the `cancelled` callable the app passes, checked often.

Shared by both ways of answering a query (the fast path and plain Whoosh), so that a search
stops at the same points whichever answers it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from whoosh import collectors

__all__ = [
    "CHECK_EVERY",
    "Cancelled",
    "Check",
    "Checks",
    "SearchCancelled",
    "SortingCollector",
    "checked",
    "checker",
]

# How many matching documents a search or count goes through between two calls of its
# `cancelled` callable.
CHECK_EVERY = 256

Cancelled = Callable[[], bool]
Check = Callable[[], None]


class SearchCancelled(Exception):
    """A search or count stopped because its `cancelled` callable returned True."""


def checker(cancelled: Cancelled | None) -> Check | None:
    """A function that raises SearchCancelled once `cancelled()` is true (None: no checks)."""
    if cancelled is None:
        return None

    def check() -> None:
        if cancelled():
            raise SearchCancelled

    return check


def checked(ids: Iterable[int], check: Check | None) -> Iterator[int]:
    """`ids` as they come, calling `check` every CHECK_EVERY of them."""
    if check is None:
        yield from ids
        return
    for n, docnum in enumerate(ids, 1):
        if not n % CHECK_EVERY:
            check()
        yield docnum


class Checks:
    """Collector mixin: calls `check` before each segment and every CHECK_EVERY matches."""

    check: Check | None = None

    def set_subsearcher(self, subsearcher: Any, offset: int) -> None:
        """Whoosh's, after a check."""
        if self.check is not None:
            self.check()
        super().set_subsearcher(subsearcher, offset)  # type: ignore[misc]

    def matches(self) -> Iterator[int]:
        """Whoosh's, checked every CHECK_EVERY matches."""
        return checked(super().matches(), self.check)  # type: ignore[misc]


class SortingCollector(Checks, collectors.SortingCollector):
    """Sorted by a field; counts every match (Whoosh's, with checks)."""

    def __init__(self, sortedby: Any, limit: int, reverse: bool, check: Check | None) -> None:
        super().__init__(sortedby, limit=limit, reverse=reverse)
        self.check = check
