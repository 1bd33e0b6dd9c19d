"""The engine's errors, in a module of their own so that every part of `index` can raise them
without importing the engine."""

from __future__ import annotations

__all__ = ["EngineError", "IndexDamaged"]


class EngineError(Exception):
    """The index cannot be opened or built; the message says why and what to do."""


class IndexDamaged(EngineError):
    """An index that cannot be opened or read as its last commit wrote it; the message says
    what is wrong. `index.lifecycle` rebuilds it."""

    @classmethod
    def of(cls, error: BaseException) -> IndexDamaged:
        """The damage a failure to read the index shows, in a line."""
        detail = getattr(error, "strerror", None) or str(error) or "no detail"
        return cls(f"{type(error).__name__}: {detail}")
