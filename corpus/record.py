"""One record, one rule: a mapping of fields (front matter, or a JSON Lines object) to an article.

Both readers hand their fields to `article_from_mapping`, so a field means the same in either
and the same fault gets the same message. The rules:

- Text fields (`id`, `title`, `body`, `source`, `author`, `url`, `language`, `notes`) are
  text; a whole or decimal number is read as its text (`id: 1984`); anything else (a list,
  a mapping, true/false) is a problem. Blank text counts as absent.
- `id`: given, it must be letters, digits and `. _ : / -`; absent, the reader's default (the
  file's path for a Markdown or text file) is used, and JSON Lines, which has none, says it
  is missing.
- `title`: required (a Markdown reader first takes it from the body's first line).
- The date: `published`, or else `date` (the older name), read by `PartialDate.parse`. When
  both are given and differ, `published` is used and a warning says `date` was not.
- Every other field is ignored.

`read_guarded` runs a whole record (reading, validating, hashing) under one guard: whatever
the record holds, the outcome is an Article or a Problem with its location, never an exception.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from corpus.model import Article, PartialDate, Problem, Severity
from corpus.quoting import quote

__all__ = [
    "DATE_FIELDS",
    "TEXT_FIELDS",
    "Where",
    "article_from_mapping",
    "read_guarded",
    "sealed",
]

TEXT_FIELDS = ("id", "title", "body", "source", "author", "url", "language", "notes")
# The date fields, in precedence order.
DATE_FIELDS = ("published", "date")
# A date later than today plus this is a typo or a hostile file: the article loads, with a warning.
FUTURE_DATE_SLACK = dt.timedelta(days=1)
_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:/-]*$")
# An id made from a file name may hold spaces and any script, but not what a terminal acts on:
# C0 and C1 controls, DEL, and the bidirectional marks and overrides.
_UNSAFE_ID_RE = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_SURROGATE_RE = re.compile(r"[\ud800-\udfff]")

Item = Article | Problem


@dataclass(frozen=True, slots=True)
class Where:
    """Where a record is: its file, the line of the record (JSON Lines) or of each field
    (front matter), and what its article's `origin` says."""

    path: str
    line: int | None = None
    field_lines: Mapping[str, int] = field(default_factory=dict)
    origin: str = ""

    def problem(
        self, field_name: str | None, message: str, severity: Severity = "error"
    ) -> Problem:
        """A problem at this record's field."""
        line = self.field_lines.get(field_name, self.line) if field_name else self.line
        return Problem(self.path, message, line=line, field=field_name, severity=severity)


def _type_name(value: object) -> str:
    if isinstance(value, bool):
        return "true/false value"
    if isinstance(value, Mapping):
        return "mapping"
    if isinstance(value, (list, tuple)):
        return "list"
    return type(value).__name__


def _text(value: object) -> str | None:
    """The text of a field's value; raises ValueError with the message for anything else."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"must be text, not a {_type_name(value)}")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"must be text, not the number {value!r}")
    try:
        return str(value)
    except ValueError:  # more digits than Python turns into text (4,300 by default)
        raise ValueError("must be text, not a number with thousands of digits") from None


def article_from_mapping(
    data: Mapping[str, object], where: Where, default_id: str | None = None
) -> Item:
    """The article a record's fields describe, or the first problem found in them (see the
    module's rules). Warnings (a future date, a `date` not used) ride on `Article.warnings`."""
    texts: dict[str, str | None] = {}
    for name in TEXT_FIELDS:
        try:
            value = _text(data.get(name))
        except ValueError as error:
            return where.problem(name, str(error))
        # isascii() is free (CPython knows it); only other text is searched.
        if value and not value.isascii() and (bad := _SURROGATE_RE.search(value)) is not None:
            return where.problem(
                name,
                f"holds {quote(bad.group())} at character {bad.start() + 1}, "
                "a lone surrogate, which is not text",
            )
        texts[name] = value if value is None or name == "body" else value.strip() or None
    article_id = texts["id"]
    if article_id is None:
        if default_id is None:
            return where.problem("id", "missing id")
        if _UNSAFE_ID_RE.search(default_id):
            return where.problem(
                "id",
                f"the file name gives the id {quote(default_id)}, which holds control "
                "characters: rename the file",
            )
        article_id = default_id
    elif not _ID_RE.match(article_id):
        return where.problem(
            "id", f"{quote(article_id)} is not a valid id (letters, digits, . _ : / -)"
        )
    body = texts["body"] or ""
    if texts["title"] is None:
        return where.problem("title", "missing title")
    dated = _read_date(data, where)
    if isinstance(dated, Problem):
        return dated
    published, warnings = dated
    return Article(
        id=article_id,
        title=texts["title"],
        body=body.replace("\r\n", "\n").replace("\r", "\n").strip("\n").rstrip(),
        source=texts["source"],
        author=texts["author"],
        published=published,
        url=texts["url"],
        language=texts["language"],
        notes=texts["notes"],
        origin=where.origin or where.path,
        warnings=warnings,
    )


def _read_date(
    data: Mapping[str, object], where: Where
) -> tuple[PartialDate | None, tuple[Problem, ...]] | Problem:
    given = [(name, data[name]) for name in DATE_FIELDS if data.get(name) is not None]
    if not given:
        return None, ()
    name, raw = given[0]
    try:
        published = PartialDate.parse(raw)
    except ValueError as error:
        return where.problem(name, str(error))
    warnings: list[Problem] = []
    for other, value in given[1:]:
        if value != raw:
            warnings.append(
                where.problem(
                    other,
                    f"{quote(value)} not used: `{name}` ({quote(raw)}) comes first",
                    severity="warning",
                )
            )
    # The check is here, not in PartialDate.parse, which stays free of the clock.
    if published.sort_date > dt.date.today() + FUTURE_DATE_SLACK:
        warnings.append(
            where.problem(name, f"date {published.iso} is in the future", severity="warning")
        )
    return published, tuple(warnings)


def sealed(article: Article) -> Article:
    """The article, once its content hash was computed: what the index will digest can be."""
    article.content_hash  # noqa: B018 - computed for what it raises, inside the guard
    return article


def read_guarded(where: Where, read: Callable[[], Item]) -> Item:
    """Run `read` (reading, validating and hashing one record) so that nothing it meets
    escapes: any exception becomes a Problem at the record's location, naming its cause."""
    try:
        item = read()
        return sealed(item) if isinstance(item, Article) else item
    except RecursionError:
        return where.problem(None, "could not be read: nested too deeply")
    except MemoryError:
        return where.problem(None, "could not be read: not enough memory for this record")
    except Exception as error:  # a record is a unit: its fault stays with it
        reason = quote(str(error), limit=120)
        return where.problem(None, f"could not be read ({type(error).__name__}: {reason})")
