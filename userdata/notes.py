"""Bookmarks and clips: evidence a person keeps, per corpus.

A clip is a passage of an article (field and character offsets), its text as it was when
clipped, an optional note and tags, and the query and actor that led to it. Each keeps the
content hash the article had: `state` says whether the article is still there as it was,
changed since (the id is the same; the passage kept is the one clipped), or gone from the
corpus (shown as gone, never dropped).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

from userdata.db import UserDataError, UserDB, now

__all__ = ["Bookmark", "Clip", "Notes", "parse_tags", "state"]


@dataclass(frozen=True, slots=True)
class Bookmark:
    """An article kept for later."""

    id: int
    article_id: str
    content_hash: str
    title: str
    created: str


@dataclass(frozen=True, slots=True)
class Clip:
    """A passage kept as evidence."""

    id: int
    article_id: str
    content_hash: str
    title: str
    field: str
    start: int
    end: int
    text: str
    note: str
    query: str
    actor: str | None
    created: str
    tags: tuple[str, ...] = ()


def state(article_id: str, content_hash: str, hashes: Mapping[str, str]) -> str:
    """ "ok", "changed" (edited since) or "gone" (no longer in the corpus), given the index's
    manifest (article id to content hash)."""
    found = hashes.get(article_id)
    if found is None:
        return "gone"
    return "ok" if found == content_hash else "changed"


def parse_tags(text: str) -> tuple[str, ...]:
    """Tags as typed: separated by commas or spaces, `#` optional, each once, in order."""
    tags: list[str] = []
    for part in text.replace(",", " ").split():
        tag = part.lstrip("#").strip()
        if tag and tag not in tags:
            tags.append(tag)
    return tuple(tags)


_CLIP_COLUMNS = (
    "c.id, c.article_id, c.content_hash, c.title, c.field, c.start, c.end, c.text, c.note,"
    " c.query, c.actor, c.created,"
    " (SELECT group_concat(tag, char(31)) FROM clip_tags t WHERE t.clip = c.id) AS tags"
)


def _clip(row: sqlite3.Row) -> Clip:
    values = tuple(row)
    tags = tuple(sorted(values[-1].split("\x1f"))) if values[-1] else ()
    return Clip(*values[:-1], tags)  # type: ignore[call-arg]


class Notes:
    """Bookmarks and clips of one corpus."""

    def __init__(self, db: UserDB, corpus: str) -> None:
        self.db = db
        self.corpus = corpus

    # --- bookmarks ------------------------------------------------------------------------

    def toggle_bookmark(self, article_id: str, content_hash: str, title: str) -> bool:
        """Bookmark an article, or remove its bookmark; True when it is now bookmarked."""

        def work(db: sqlite3.Connection) -> bool:
            gone = db.execute(
                "DELETE FROM bookmarks WHERE corpus = ? AND article_id = ?",
                (self.corpus, article_id),
            ).rowcount
            if gone:
                return False
            db.execute(
                "INSERT INTO bookmarks (corpus, article_id, content_hash, title, created)"
                " VALUES (?, ?, ?, ?, ?)",
                (self.corpus, article_id, content_hash, title, now()),
            )
            return True

        return self.db.write(work)

    def bookmarks(self) -> list[Bookmark]:
        """Newest first."""
        rows = self.db.read(
            "SELECT id, article_id, content_hash, title, created FROM bookmarks"
            " WHERE corpus = ? ORDER BY id DESC",
            (self.corpus,),
        )
        return [Bookmark(*tuple(row)) for row in rows]

    # --- clips ----------------------------------------------------------------------------

    def clip(
        self,
        *,
        article_id: str,
        content_hash: str,
        title: str,
        field: str,
        start: int,
        end: int,
        text: str,
        note: str = "",
        tags: tuple[str, ...] = (),
        query: str = "",
        actor: str | None = None,
    ) -> int:
        """Keep a passage (one transaction with its tags); returns the clip's id."""
        if field not in ("title", "body") or not 0 <= start < end:
            raise UserDataError(f"not a passage: {field} {start}-{end}")

        def work(db: sqlite3.Connection) -> int:
            cursor = db.execute(
                "INSERT INTO clips (corpus, article_id, content_hash, title, field, start, end,"
                " text, note, query, actor, created) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    self.corpus,
                    article_id,
                    content_hash,
                    title,
                    field,
                    start,
                    end,
                    text,
                    note,
                    query,
                    actor,
                    now(),
                ),
            )
            clip_id = int(cursor.lastrowid or 0)
            db.executemany(
                "INSERT OR IGNORE INTO clip_tags (clip, tag) VALUES (?, ?)",
                ((clip_id, tag) for tag in tags),
            )
            return clip_id

        return self.db.write(work)

    def delete_clip(self, clip_id: int) -> None:
        """Forget a clip (its tags go with it)."""
        self.db.write(
            lambda db: db.execute(
                "DELETE FROM clips WHERE id = ? AND corpus = ?", (clip_id, self.corpus)
            )
        )

    def clips(self, tag: str | None = None, text: str = "", actor: str | None = None) -> list[Clip]:
        """Newest first; filtered by a tag, an actor, and text in the passage, note or title."""
        with self.iter_clips(tag, text, actor) as rows:
            return list(rows)

    @contextmanager
    def iter_clips(
        self, tag: str | None = None, text: str = "", actor: str | None = None
    ) -> Iterator[Iterator[Clip]]:
        """As `clips`, one at a time (an export of many)."""
        sql = f"SELECT {_CLIP_COLUMNS} FROM clips c WHERE c.corpus = ?"
        params: list[object] = [self.corpus]
        if tag:
            sql += " AND EXISTS (SELECT 1 FROM clip_tags t WHERE t.clip = c.id AND t.tag = ?)"
            params.append(tag.lstrip("#"))
        if actor:
            sql += " AND c.actor = ?"
            params.append(actor)
        if text:
            sql += (
                " AND (instr(lower(c.text), ?) OR instr(lower(c.note), ?)"
                " OR instr(lower(c.title), ?))"
            )
            params += [text.lower()] * 3
        sql += " ORDER BY c.id DESC"
        with self.db.reading(sql, params) as rows:
            yield (_clip(row) for row in rows)

    def tags(self) -> list[str]:
        """Every tag in use."""
        rows = self.db.read(
            "SELECT DISTINCT tag FROM clip_tags JOIN clips ON clips.id = clip_tags.clip"
            " WHERE clips.corpus = ? ORDER BY tag",
            (self.corpus,),
        )
        return [row[0] for row in rows]
