"""Co-mention counts by actor pair and year, kept with the rows they are summed from.

Co-mentions of an actor are, for every other actor, the articles and the sentences that name
both, in all and per year. Summed from each article's actors by sentence
(`precomputed.sentence_actors`) in a new process, that is a Python step per article and place:
0.25 s of CPU for the most-mentioned actor at 57k, growing with the corpus. The sums depend
only on those rows, so they are kept beside them, per (actor, other actor, year), and kept
up to date in the same transaction as the rows: what an article's row adds is subtracted when
the row is replaced or removed, and the new row's added (`change`). Co-mentions are then one
indexed read of a few hundred rows (`of`).

The sums are trusted only when they were kept with every row: the meta key `comentions` holds
the rows' signature (`precomputed.signature()`) while they are, and is removed when a row could
not be accounted for (an unreadable old row, an article that got no row); the reader then sums
the rows themselves, and the next update adds them up again from every row (`rebuild`).
Both directions of a pair are kept (a, b and b, a), so that an actor's rows are contiguous.
"""

from __future__ import annotations

import sqlite3
from array import array
from collections.abc import Iterable, Sequence

__all__ = ["KEY", "SCHEMA", "Sums", "change", "contribution", "fresh", "of", "rebuild", "stale"]

SCHEMA = """
CREATE TABLE IF NOT EXISTS comention_counts (
    a INTEGER NOT NULL, b INTEGER NOT NULL, year TEXT NOT NULL,
    sentences INTEGER NOT NULL, articles INTEGER NOT NULL,
    PRIMARY KEY (a, b, year)
) WITHOUT ROWID;
"""
KEY = "comentions"

# (actor code, other actor code, year or "" when undated) to [sentences, articles].
Sums = dict[tuple[int, int, str], list[int]]


def contribution(year: str | None, placed: Sequence[int], sums: Sums, sign: int = 1) -> None:
    """Add (`sign` 1) or take away (-1) what one article's row adds to the sums: for each
    ordered pair of its actors, the article and the sentences naming both."""
    sentences: dict[int, set[int]] = {}
    for value in placed:
        sentences.setdefault(value >> 16, set()).add(value & 0xFFFF)
    if len(sentences) < 2:
        return
    when = year or ""
    actors = list(sentences.items())
    for a, mine in actors:
        for b, theirs in actors:
            if a != b:
                item = sums.get((a, b, when))
                if item is None:
                    item = sums[(a, b, when)] = [0, 0]
                item[0] += sign * len(mine & theirs)
                item[1] += sign


def fresh(db: sqlite3.Connection, signature: str) -> bool:
    """Whether the sums were kept with every row written with `signature`."""
    try:
        row = db.execute("SELECT value FROM meta WHERE key = ?", (KEY,)).fetchone()
    except sqlite3.Error:
        return False
    return row is not None and row[0] == signature


def mark_fresh(db: sqlite3.Connection, signature: str) -> None:
    """Say the sums are kept with every row (a new store, or after `rebuild`)."""
    db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (KEY, signature))


def stale(db: sqlite3.Connection) -> None:
    """Say the sums no longer account for every row: read the rows until `rebuild`."""
    db.execute("DELETE FROM meta WHERE key = ?", (KEY,))


def change(db: sqlite3.Connection, sums: Sums) -> None:
    """Apply what rows written or removed add and take away (inside their transaction)."""
    rows = [(a, b, year, s, n) for (a, b, year), (s, n) in sums.items() if s or n]
    db.executemany(
        "INSERT INTO comention_counts VALUES (?, ?, ?, ?, ?) ON CONFLICT (a, b, year) DO UPDATE "
        "SET sentences = sentences + excluded.sentences, articles = articles + excluded.articles",
        rows,
    )
    taken = [(a, b, year) for a, b, year, _, n in rows if n < 0]
    db.executemany(
        "DELETE FROM comention_counts WHERE a = ? AND b = ? AND year = ? AND articles <= 0", taken
    )


def rebuild(db: sqlite3.Connection, rows: Iterable[tuple[str | None, array[int]]]) -> None:
    """Sum every row again (`rows`: each article's year and places) and keep the sums."""
    sums: Sums = {}
    for year, placed in rows:
        contribution(year, placed, sums)
    db.execute("DELETE FROM comention_counts")
    change(db, sums)


def of(db: sqlite3.Connection, code: int) -> list[tuple[int, str | None, int, int]]:
    """The sums of one actor: (other actor's code, year or None, sentences, articles)."""
    rows = db.execute(
        "SELECT b, year, sentences, articles FROM comention_counts WHERE a = ?", (code,)
    )
    return [(b, year or None, s, n) for b, year, s, n in rows]
