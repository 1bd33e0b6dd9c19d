"""The corpus as plain data: articles, dates at the precision really known, and load problems."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Literal

__all__ = ["Article", "CorpusError", "LoadResult", "PartialDate", "Problem", "Severity"]

_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_DATETIME_RE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$"
)


def _quoted(text: str) -> str:
    """The value in quotes, escaped as `repr` does (no raw control character), cut short."""
    return repr(text) if len(text) <= 40 else repr(text[:40])[:-1] + "…'"


@functools.total_ordering
@dataclass(frozen=True, slots=True)
class PartialDate:
    """A publication date known to the year, the month or the day.

    Ordering and `sort_date` place a month-precision date on the first of that month, so that
    articles sort sensibly; `iso` keeps the precision so nothing more precise is ever shown.
    """

    year: int
    month: int | None = None
    day: int | None = None

    @classmethod
    def parse(cls, value: object) -> PartialDate:
        """Read `YYYY`, `YYYY-MM`, `YYYY-MM-DD`, an ISO date-time, a `date` or a year as int.

        Raises ValueError with a message fit for the user.
        """
        if isinstance(value, bool):
            raise ValueError(f"expected a date such as 2015-07-21, got {value}")
        if isinstance(value, dt.datetime):
            return cls(value.year, value.month, value.day)
        if isinstance(value, dt.date):
            return cls(value.year, value.month, value.day)
        if isinstance(value, int):
            if value.bit_length() > 64:  # str() of a huge one is refused by Python itself
                raise ValueError("expected a date such as 2015-07-21, got a huge number")
            value = str(value)
        if not isinstance(value, str):
            raise ValueError(f"expected a date such as 2015-07-21, got a {type(value).__name__}")
        text = value.strip()
        match = _DATE_RE.match(text) or _DATETIME_RE.match(text)
        if match is None:
            raise ValueError(f"{_quoted(text)} is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)")
        year, month, day = (int(g) if g else None for g in match.groups())
        assert year is not None
        try:
            dt.date(year, month or 1, day or 1)
            if match.re is _DATETIME_RE:
                # The time is not kept, but an impossible one (25:99) says the value is wrong.
                dt.datetime.fromisoformat(text.replace("Z", "+00:00").replace(" ", "T"))
        except ValueError as error:
            raise ValueError(f"{_quoted(text)} is not a real date: {error}") from None
        if year < 1000:
            raise ValueError(f"{_quoted(text)} is not a plausible publication year")
        return cls(year, month, day)

    @property
    def iso(self) -> str:
        """The date at its own precision: `2015`, `2015-06` or `2015-06-29`."""
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    @property
    def sort_date(self) -> dt.date:
        """The earliest day the date can mean, for sorting and date-range queries."""
        return dt.date(self.year, self.month or 1, self.day or 1)

    def __str__(self) -> str:
        return self.iso

    def _order_key(self) -> tuple[dt.date, bool, bool]:
        # The generated tuple order would compare None with an int ("2015-06" against
        # "2015-06-29") and raise; a less precise date sorts first among those on its first day.
        return (self.sort_date, self.month is not None, self.day is not None)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, PartialDate):
            return NotImplemented
        return self._order_key() < other._order_key()


@dataclass(frozen=True, slots=True)
class Article:
    """One article as the reader shows it. `origin` says where it came from (file, or file:line)."""

    id: str
    title: str
    body: str
    source: str | None = None
    author: str | None = None
    published: PartialDate | None = None
    url: str | None = None
    language: str | None = None
    notes: str | None = None
    origin: str = ""
    # What looks wrong in an article that still loaded (a date in the future), said with file,
    # line and field. Not part of the article's value: one read back from the index has none.
    warnings: tuple[Problem, ...] = field(default=(), compare=False, repr=False)
    # `content_hash` once computed (the reader computes it inside its guard, the index reads it
    # again). Not an init field, so `dataclasses.replace` makes a copy that computes its own.
    _digest: str | None = field(default=None, init=False, compare=False, repr=False)

    @property
    def content_hash(self) -> str:
        """A digest of everything the index stores about the article, to detect changes."""
        if self._digest is None:
            # A memo on a frozen value: set once, from the fields that never change.
            object.__setattr__(self, "_digest", self._compute_hash())
        assert self._digest is not None
        return self._digest

    def _compute_hash(self) -> str:
        payload = json.dumps(
            [
                self.id,
                self.title,
                self.body,
                self.source,
                self.author,
                self.published.iso if self.published else None,
                self.url,
                self.language,
            ],
            ensure_ascii=False,
        )
        return hashlib.blake2b(payload.encode("utf-8"), digest_size=16).hexdigest()


Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong with an input, said with where it is and what is wrong.

    An "error" means the article (or gazetteer entry) was not loaded; a "warning" means it was
    loaded but something in it was ignored or looks wrong.
    """

    path: str
    message: str
    line: int | None = None
    field: str | None = None
    severity: Severity = "error"

    @property
    def location(self) -> str:
        """`file:line` (or just `file`), the form editors and terminals make clickable."""
        return f"{self.path}:{self.line}" if self.line is not None else self.path

    def __str__(self) -> str:
        what = f"{self.field}: " if self.field else ""
        return f"{self.location}: {self.severity}: {what}{self.message}"


@dataclass(slots=True)
class LoadResult:
    """The articles that loaded and every problem met on the way."""

    articles: list[Article] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        """The problems that kept an article out."""
        return [p for p in self.problems if p.severity == "error"]


class CorpusError(Exception):
    """A corpus that cannot be opened at all (missing path, unsupported kind)."""
