"""The user database's schema, as forward migrations: `MIGRATIONS[n]` takes version n to n + 1.

A migration is never edited once released: a change is a new migration at the end, so that a
database of any earlier version reaches the newest one step by step (`tests/test_userdb.py`
builds each earlier version and migrates it). `PRAGMA user_version` holds the version.

Everything is keyed by corpus (`userdata.keys.corpus_key`) and by article id plus the content
hash it had when the person acted: an edited article keeps its notes (the id is the same, the
hash says it changed), a vanished one is shown as gone (its id is no longer in the index).
"""

from __future__ import annotations

__all__ = ["MIGRATIONS", "SCHEMA_VERSION"]

_V1 = """
CREATE TABLE history (
    id INTEGER PRIMARY KEY,
    corpus TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('search', 'article')),
    at TEXT NOT NULL,
    query TEXT NOT NULL DEFAULT '',
    actor TEXT,
    sort TEXT,
    total INTEGER,
    article_id TEXT,
    content_hash TEXT,
    title TEXT,
    scroll_y REAL
);
CREATE TABLE saved (
    id INTEGER PRIMARY KEY,
    corpus TEXT NOT NULL,
    name TEXT NOT NULL,
    query TEXT NOT NULL,
    actor TEXT,
    sort TEXT NOT NULL,
    created TEXT NOT NULL,
    opened TEXT,
    UNIQUE (corpus, name)
);
CREATE TABLE saved_seen (
    saved INTEGER NOT NULL REFERENCES saved (id) ON DELETE CASCADE,
    article_id TEXT NOT NULL,
    PRIMARY KEY (saved, article_id)
) WITHOUT ROWID;
"""

_V2 = """
CREATE TABLE bookmarks (
    id INTEGER PRIMARY KEY,
    corpus TEXT NOT NULL,
    article_id TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    title TEXT NOT NULL,
    created TEXT NOT NULL,
    UNIQUE (corpus, article_id)
);
CREATE TABLE clips (
    id INTEGER PRIMARY KEY,
    corpus TEXT NOT NULL,
    article_id TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    title TEXT NOT NULL,
    field TEXT NOT NULL CHECK (field IN ('title', 'body')),
    start INTEGER NOT NULL,
    end INTEGER NOT NULL CHECK (end >= start),
    text TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    query TEXT NOT NULL DEFAULT '',
    actor TEXT,
    created TEXT NOT NULL
);
CREATE TABLE clip_tags (
    clip INTEGER NOT NULL REFERENCES clips (id) ON DELETE CASCADE,
    tag TEXT NOT NULL,
    PRIMARY KEY (clip, tag)
) WITHOUT ROWID;
"""

# Version 3: the history is read newest first, per corpus (the picker, back and forward).
_V3 = """
CREATE INDEX history_by_corpus ON history (corpus, id);
CREATE INDEX clips_by_corpus ON clips (corpus, id);
"""

# Version 4: what a saved search matched when last opened is one JSON array of ids in its own
# row, not a row per id: a new-since count reads one value instead of thousands of rows.
_V4 = """
ALTER TABLE saved ADD COLUMN seen TEXT;
UPDATE saved SET seen = (
    SELECT json_group_array(article_id)
    FROM (SELECT article_id FROM saved_seen WHERE saved_seen.saved = saved.id ORDER BY article_id)
) WHERE id IN (SELECT saved FROM saved_seen);
DROP TABLE saved_seen;
"""

MIGRATIONS: tuple[str, ...] = (_V1, _V2, _V3, _V4)
SCHEMA_VERSION = len(MIGRATIONS)
