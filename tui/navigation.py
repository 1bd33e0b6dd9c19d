"""Where the reader is: the hit and mention pointers, and the way back.

Plain Python, no widgets: the screen asks it what to mark and where to go.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tui.widgets.article import Mark

__all__ = ["History", "MarkCursor", "Place"]

_FIELD_ORDER = {"title": 0, "body": 1}


@dataclass(slots=True)
class MarkCursor:
    """A pointer over an ordered list of marks; None until the person moves."""

    marks: list[Mark] = field(default_factory=list)
    index: int | None = None

    def reset(self, marks: list[Mark]) -> None:
        """New marks, pointer cleared."""
        self.marks, self.index = marks, None

    @property
    def current(self) -> Mark | None:
        """The mark pointed at."""
        return self.marks[self.index] if self.index is not None and self.marks else None

    def step(self, forward: bool) -> Mark | None:
        """Move one mark on (or back); None when there is no further mark in that direction."""
        if not self.marks:
            return None
        if self.index is None:
            self.index = 0 if forward else len(self.marks) - 1
            return self.current
        following = self.index + (1 if forward else -1)
        if not 0 <= following < len(self.marks):
            return None
        self.index = following
        return self.current

    def point_at(self, field_name: str, start: int) -> Mark | None:
        """Point at the mark at (or after) an offset."""
        wanted = (_FIELD_ORDER[field_name], start)
        for index, mark in enumerate(self.marks):
            if (_FIELD_ORDER[mark.field], mark.end) > wanted:
                self.index = index
                return mark
        return None

    def describe(self, noun: str) -> str:
        """ "hit 3 of 12", "12 hits", or "" when there are none."""
        if not self.marks:
            return ""
        if self.index is None:
            return f"{len(self.marks)} {noun}{'s' if len(self.marks) != 1 else ''}"
        return f"{noun} {self.index + 1} of {len(self.marks)}"


@dataclass(frozen=True, slots=True)
class Place:
    """A place to come back to: an article, how far down it was, and what was pointed at."""

    article_id: str
    scroll_y: float
    actor: str | None


class History:
    """The way back (Backspace or alt+left) after jumps."""

    def __init__(self, limit: int = 200) -> None:
        self._places: list[Place] = []
        self._limit = limit

    def push(self, place: Place) -> None:
        """Remember a place before leaving it."""
        if self._places and self._places[-1] == place:
            return
        self._places.append(place)
        del self._places[: -self._limit]

    def pop(self) -> Place | None:
        """The last place left, if any."""
        return self._places.pop() if self._places else None

    def __len__(self) -> int:
        return len(self._places)
