"""Saved searches: a name for the search box's text, the actor filter and the sort.

"New since last opened": the articles matching now that were not in the set when the search
was last opened. Opening it stores the set of ids it matched (`saved.seen`, one JSON array
in the search's row, read as one value), so the count is exact whatever changed: the corpus,
the index, the ranking. A search never opened counts every match as new.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

from userdata.db import UserDataError, UserDB, now

__all__ = ["Saved", "SavedSearches"]


@dataclass(frozen=True, slots=True)
class Saved:
    """One saved search."""

    id: int
    name: str
    query: str
    actor: str | None
    sort: str
    created: str
    opened: str | None


class SavedSearches:
    """The saved searches of one corpus."""

    def __init__(self, db: UserDB, corpus: str) -> None:
        self.db = db
        self.corpus = corpus

    def save(self, name: str, query: str, actor: str | None, sort: str) -> Saved:
        """Save (or replace, keeping what it has seen) a search under a name."""
        name = name.strip()
        if not name:
            raise UserDataError("a saved search needs a name")

        def work(db: sqlite3.Connection) -> None:
            db.execute(
                "INSERT INTO saved (corpus, name, query, actor, sort, created)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (corpus, name) DO UPDATE SET"
                " query = excluded.query, actor = excluded.actor, sort = excluded.sort",
                (self.corpus, name, query, actor, sort, now()),
            )

        self.db.write(work)
        found = self.get(name)
        assert found is not None
        return found

    def all(self) -> list[Saved]:
        """Every saved search, by name."""
        rows = self.db.read(
            "SELECT id, name, query, actor, sort, created, opened FROM saved WHERE corpus = ?"
            " ORDER BY name COLLATE NOCASE",
            (self.corpus,),
        )
        return [Saved(*tuple(row)) for row in rows]

    def get(self, name: str) -> Saved | None:
        """One by name (exact), or None."""
        rows = self.db.read(
            "SELECT id, name, query, actor, sort, created, opened FROM saved"
            " WHERE corpus = ? AND name = ?",
            (self.corpus, name),
        )
        return Saved(*tuple(rows[0])) if rows else None

    def delete(self, name: str) -> bool:
        """Forget a saved search; False when there was none of that name."""
        return bool(
            self.db.write(
                lambda db: (
                    db.execute(
                        "DELETE FROM saved WHERE corpus = ? AND name = ?", (self.corpus, name)
                    ).rowcount
                )
            )
        )

    def seen(self, saved: Saved) -> set[str]:
        """The ids it matched when last opened."""
        rows = self.db.read("SELECT seen FROM saved WHERE id = ?", (saved.id,))
        text = rows[0][0] if rows else None
        if not text:
            return set()
        try:
            ids = json.loads(text)
        except ValueError:
            ids = None
        if not isinstance(ids, list):
            raise UserDataError(f"{self.db.where}: the saved search {saved.name!r} is damaged")
        return set(ids)

    def new_since(self, saved: Saved, matching: Iterable[str]) -> int:
        """How many of the ids matching now were not there when it was last opened."""
        now_matching = matching if isinstance(matching, set | frozenset) else set(matching)
        return len(now_matching - self.seen(saved))

    def opened(self, saved: Saved, matching: Iterable[str]) -> None:
        """Mark it opened: what matches now is no longer new (one transaction)."""
        seen = json.dumps(sorted(set(matching)), ensure_ascii=False)
        self.db.write(
            lambda db: db.execute(
                "UPDATE saved SET seen = ?, opened = ? WHERE id = ?", (seen, now(), saved.id)
            )
        )
