"""The engine's errors, in a module of their own so that every part of `index` can raise them
without importing the engine."""

from __future__ import annotations

import functools
import inspect
import sqlite3
from collections.abc import Callable
from typing import Any, TypeVar

__all__ = ["EngineError", "IndexDamaged", "reads_index"]

F = TypeVar("F", bound=Callable[..., Any])

_DETAIL = 100  # characters of a failure's detail said


class EngineError(Exception):
    """The index cannot be opened or built; the message says why and what to do."""


class IndexDamaged(EngineError):
    """An index that cannot be opened or read as its last commit wrote it; the message says
    what is wrong. `index.lifecycle` rebuilds it."""

    @classmethod
    def of(cls, error: BaseException) -> IndexDamaged:
        """The damage a failure to read the index shows, in a line."""
        detail = getattr(error, "strerror", None) or str(error) or "no detail"
        if len(detail) > _DETAIL:  # SQLite quotes the text it could not read: a glimpse is enough
            detail = detail[:_DETAIL].rstrip() + "…"
        return cls(f"{type(error).__name__}: {detail}")


# SQLite's ways of saying another process holds the file, not that the file is damaged.
_BUSY = ("locked", "busy")


def _damage(error: sqlite3.DatabaseError) -> IndexDamaged | None:
    """The damage an SQLite error reading the store shows; None when it is not damage."""
    if isinstance(error, sqlite3.OperationalError) and any(b in str(error) for b in _BUSY):
        return None
    return IndexDamaged.of(error)


def reads_index(method: F) -> F:
    """A method that reads the index's store: an SQLite error that shows damage (bytes that
    are not UTF-8 where text was written, a malformed page) is raised as `IndexDamaged`, so the
    caller repairs the index instead of showing a traceback. Generators are watched as they
    run."""
    if inspect.isgeneratorfunction(method):

        @functools.wraps(method)
        def generator(*args: Any, **kwargs: Any) -> Any:
            try:
                return (yield from method(*args, **kwargs))
            except sqlite3.DatabaseError as error:
                if (damage := _damage(error)) is None:
                    raise
                raise damage from None

        return generator  # type: ignore[return-value]

    @functools.wraps(method)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return method(*args, **kwargs)
        except sqlite3.DatabaseError as error:
            if (damage := _damage(error)) is None:
                raise
            raise damage from None

    return wrapper  # type: ignore[return-value]
