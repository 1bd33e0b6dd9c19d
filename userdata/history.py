"""History: every search run and every article opened, per corpus, newest first.

Searches typed as you go collapse: the reader passes `replace` for a search typed within
`TYPING_WINDOW` seconds of the one it typed before, with no article opened between, and that
entry is updated instead of a new one added (typing `dostum` runs `d`, `do`, ... `dostum`;
the history keeps `dostum`). A search chosen whole (from the history, a saved search) is
always an entry of its own.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from userdata.db import UserDB, now

__all__ = ["TYPING_WINDOW", "Entry", "History"]

TYPING_WINDOW = 3.0


@dataclass(frozen=True, slots=True)
class Entry:
    """One entry: a search (query, actor, sort, total) or an article opened (id, hash, title,
    scroll position)."""

    id: int
    kind: str
    at: str
    query: str
    actor: str | None
    sort: str | None
    total: int | None
    article_id: str | None
    content_hash: str | None
    title: str | None
    scroll_y: float | None

    @property
    def text(self) -> str:
        """How the entry reads in a list."""
        if self.kind == "search":
            shown = repr(self.query) if self.query.strip() else "(every article)"
            actor = f" · actor {self.actor}" if self.actor else ""
            return f"search {shown}{actor} · {self.total} result(s) · by {self.sort}"
        return f"article {self.title or self.article_id}"

    def as_dict(self) -> dict[str, object]:
        """For `--json`."""
        return {
            "kind": self.kind,
            "at": self.at,
            "query": self.query,
            "actor": self.actor,
            "sort": self.sort,
            "total": self.total,
            "article_id": self.article_id,
            "content_hash": self.content_hash,
            "title": self.title,
            "scroll_y": self.scroll_y,
        }


_COLUMNS = "id, kind, at, query, actor, sort, total, article_id, content_hash, title, scroll_y"


def _entry(row: sqlite3.Row) -> Entry:
    return Entry(*tuple(row))


class History:
    """The history of one corpus in the user database."""

    def __init__(self, db: UserDB, corpus: str) -> None:
        self.db = db
        self.corpus = corpus

    def searched(
        self,
        query: str,
        actor: str | None,
        sort: str,
        total: int,
        replace: int | None = None,
    ) -> int:
        """Record a search run; returns its entry's id. `replace`: the id of the search typed
        just before it, which this one replaces (the reader decides: see the module)."""

        def work(db: sqlite3.Connection) -> int:
            stamp = now()
            if replace is not None:
                changed = db.execute(
                    "UPDATE history SET at = ?, query = ?, actor = ?, sort = ?, total = ?"
                    " WHERE id = ? AND corpus = ? AND kind = 'search'",
                    (stamp, query, actor, sort, total, replace, self.corpus),
                ).rowcount
                if changed:
                    return replace
            cursor = db.execute(
                "INSERT INTO history (corpus, kind, at, query, actor, sort, total)"
                " VALUES (?, 'search', ?, ?, ?, ?, ?)",
                (self.corpus, stamp, query, actor, sort, total),
            )
            return int(cursor.lastrowid or 0)

        return self.db.write(work)

    def opened(
        self,
        article_id: str,
        content_hash: str,
        title: str,
        query: str = "",
        actor: str | None = None,
        scroll_y: float = 0.0,
    ) -> int:
        """Record an article opened (with the query that led to it); returns its entry's id."""
        return self.db.write(
            lambda db: int(
                db.execute(
                    "INSERT INTO history (corpus, kind, at, query, actor, article_id,"
                    " content_hash, title, scroll_y) VALUES (?, 'article', ?, ?, ?, ?, ?, ?, ?)",
                    (self.corpus, now(), query, actor, article_id, content_hash, title, scroll_y),
                ).lastrowid
                or 0
            )
        )

    def scrolled(self, entry_id: int, scroll_y: float) -> None:
        """Remember how far an opened article was read (for "resume where you were")."""
        self.db.write(
            lambda db: db.execute(
                "UPDATE history SET scroll_y = ? WHERE id = ? AND kind = 'article'",
                (scroll_y, entry_id),
            )
        )

    def entries(self, limit: int | None = None, text: str = "") -> list[Entry]:
        """Newest first; `text` keeps those whose query or title holds it (any case)."""
        sql = f"SELECT {_COLUMNS} FROM history WHERE corpus = ?"
        params: list[object] = [self.corpus]
        if text:
            sql += " AND (instr(lower(query), ?) OR instr(lower(coalesce(title, '')), ?))"
            params += [text.lower(), text.lower()]
        sql += " ORDER BY id DESC"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        return [_entry(row) for row in self.db.read(sql, params)]

    def count(self) -> int:
        """How many entries there are."""
        rows = self.db.read("SELECT count(*) FROM history WHERE corpus = ?", (self.corpus,))
        return int(rows[0][0])

    def entry(self, entry_id: int) -> Entry | None:
        """One entry by its id, or None."""
        rows = self.db.read(
            f"SELECT {_COLUMNS} FROM history WHERE corpus = ? AND id = ?", (self.corpus, entry_id)
        )
        return _entry(rows[0]) if rows else None

    def last(self, kind: str) -> Entry | None:
        """The newest entry of one kind ("search" or "article")."""
        rows = self.db.read(
            f"SELECT {_COLUMNS} FROM history WHERE corpus = ? AND kind = ? ORDER BY id DESC"
            " LIMIT 1",
            (self.corpus, kind),
        )
        return _entry(rows[0]) if rows else None
