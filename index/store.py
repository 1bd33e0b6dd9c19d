"""The document and mention store: one SQLite file beside the Whoosh index.

Whoosh holds the inverted index; this store holds what is read back: the articles as the reader
shows them, their content hashes (the manifest that says what is indexed), the mentions of
entities with offsets, the files already read, and the problems met while reading them.

SQLite is in WAL mode, so readers in other processes keep working while one process writes.
Each thread gets its own connection (Textual runs searches in thread workers).

Compactness (schema 4; `docs/performance.md` says what each part of the file holds): an
article's body is kept once, compressed (`body_z`, a Zstandard frame with the store's own
dictionary: `index/compress.py`); the column `body` is worked out from it by a function that
every connection registers, so SQL reads it as before. The mentions table
has no rowid: it is kept in the order of its key (entity, date, article, field, offset), which
is the order "all mentions of X" and "the next mention" read, so that order needs no index of
its own; the two other orders (an article's mentions, an entity's by spelling) have one each.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from corpus import Article, PartialDate, Problem
from index import compress, precomputed
from index.records import FIELDS, Mention, MentionRef, StoredArticle

__all__ = ["MentionRef", "Store", "StoredArticle"]

# 4: article bodies compressed (`index.compress`), mentions kept in their entity order (no
# rowid, one index less). 5: what the overview reads, stored with the mentions (precomputed).
# 6: co-mention sums kept with the rows (`index/cooccurrence.py`).
SCHEMA_VERSION = "6"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles (
    n INTEGER PRIMARY KEY,
    id TEXT UNIQUE NOT NULL,
    hash TEXT NOT NULL,
    title TEXT NOT NULL,
    body_z BLOB NOT NULL,
    body TEXT GENERATED ALWAYS AS (unzip(body_z)) VIRTUAL,
    source TEXT, author TEXT, published TEXT, sort_key TEXT NOT NULL,
    url TEXT, language TEXT, notes TEXT, origin TEXT NOT NULL,
    raw_hash TEXT
);
CREATE INDEX IF NOT EXISTS articles_by_date ON articles (sort_key, id);
CREATE INDEX IF NOT EXISTS articles_by_origin ON articles (origin);
CREATE TABLE IF NOT EXISTS mentions (
    entity TEXT NOT NULL,
    sort_key TEXT NOT NULL,
    article INTEGER NOT NULL,
    field INTEGER NOT NULL,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (entity, sort_key, article, field, start)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS mentions_by_article ON mentions (article, field, start);
CREATE INDEX IF NOT EXISTS mentions_by_spelling ON mentions (entity, text COLLATE NOCASE);
CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER);
CREATE TABLE IF NOT EXISTS problems (
    path TEXT NOT NULL, line INTEGER, field TEXT, message TEXT NOT NULL, severity TEXT NOT NULL,
    file TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS problems_by_file ON problems (file);
"""
_SCHEMA += compress.SCHEMA + precomputed.SCHEMA
# Undated articles sort after every dated one ("~" is after every digit).
UNDATED = "~"


# SQLite's integers are 64-bit: a page size or offset beyond is "all of them".
_SQL_MAX = 2**63 - 1


def _sql_int(value: int) -> int:
    """A count for LIMIT or OFFSET, within SQLite's integers (`--limit 10**20` means all; a
    negative LIMIT, as SQLite reads it, is no limit)."""
    return min(value, _SQL_MAX)


def sort_key(published: PartialDate | None) -> str:
    """A string that sorts articles by date, oldest first, undated last."""
    return published.sort_date.isoformat() if published else UNDATED


class Store:
    """Thread-safe access to one SQLite store (a connection per thread)."""

    def __init__(self, path: Path, create: bool = False) -> None:
        """Open a store; `create` makes its tables (readers never write)."""
        self.path = path
        self._local = threading.local()
        if create:
            self.db.executescript(_SCHEMA)
            with self.transaction() as db:
                db.execute(
                    "INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (SCHEMA_VERSION,)
                )

    @property
    def db(self) -> sqlite3.Connection:
        """This thread's connection."""
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is None:
            connection = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            # The column `body` is worked out from `body_z` by this function, in every query.
            unpack = compress.Unpacker(self.path, connection)
            connection.create_function("unzip", 1, unpack, deterministic=True)
            self._local.connection = connection
        return connection

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic write: all of it lands, or none of it."""
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    def close(self) -> None:
        """Close this thread's connection."""
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            connection.close()
            self._local.connection = None

    # --- meta -----------------------------------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        """A value recorded about the index (schema version, gazetteer hash, ...)."""
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    @staticmethod
    def set_meta(db: sqlite3.Connection, key: str, value: str) -> None:
        """Record a value inside a transaction."""
        db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    @staticmethod
    def delete_meta(db: sqlite3.Connection, key: str) -> None:
        """Forget a recorded value inside a transaction."""
        db.execute("DELETE FROM meta WHERE key = ?", (key,))

    # --- writing --------------------------------------------------------------------------

    @staticmethod
    def put_articles(
        db: sqlite3.Connection,
        items: Sequence[tuple[Article, Sequence[Mention]]],
        raw_hashes: dict[str, str] | None = None,
    ) -> None:
        """Insert or replace articles and their mentions inside a transaction.

        `raw_hashes` (article id to a digest of its JSON line) lets the next update of a JSON
        Lines corpus skip parsing lines it has seen.
        """
        raw_hashes = raw_hashes or {}
        pack = compress.packer(db, [article.body for article, _ in items])
        written: list[precomputed.Written] = []
        for article, mentions in items:
            Store.delete_article(db, article.id)
            key = sort_key(article.published)
            cursor = db.execute(
                "INSERT INTO articles (id, hash, title, body_z, source, author, published, sort_key,"
                " url, language, notes, origin, raw_hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    article.id,
                    article.content_hash,
                    article.title,
                    pack(article.body),
                    article.source,
                    article.author,
                    article.published.iso if article.published else None,
                    key,
                    article.url,
                    article.language,
                    article.notes,
                    article.origin,
                    raw_hashes.get(article.id),
                ),
            )
            n = cursor.lastrowid
            Store._insert_mentions(db, n, key, mentions)
            published = article.published.iso if article.published else None
            if n is not None:
                written.append((n, published, article.body, mentions))
        precomputed.put(db, written)

    @staticmethod
    def replace_mentions(
        db: sqlite3.Connection, article_n: int, article: Article, mentions: Sequence[Mention]
    ) -> None:
        """Replace one article's mentions inside a transaction (the article keeps its number,
        so a mention pointer into it stays valid), and its actors by sentence."""
        key = sort_key(article.published)
        db.execute("DELETE FROM mentions WHERE article = ?", (article_n,))
        Store._insert_mentions(db, article_n, key, mentions)
        published = article.published.iso if article.published else None
        precomputed.put_places(db, [(article_n, published, article.body, mentions)])

    @staticmethod
    def _insert_mentions(
        db: sqlite3.Connection, article_n: int | None, key: str, mentions: Sequence[Mention]
    ) -> None:
        db.executemany(
            "INSERT INTO mentions (entity, sort_key, article, field, start, end, text) "
            "VALUES (?,?,?,?,?,?,?)",
            [
                (m.entity_id, key, article_n, FIELDS.index(m.field), m.start, m.end, m.text)
                for m in mentions
            ],
        )

    @staticmethod
    def set_origins(db: sqlite3.Connection, origins: dict[str, str]) -> None:
        """Say where articles now are (a JSON line that moved) inside a transaction."""
        db.executemany(
            "UPDATE articles SET origin = ? WHERE id = ?", [(o, aid) for aid, o in origins.items()]
        )

    @staticmethod
    def delete_article(db: sqlite3.Connection, article_id: str) -> None:
        """Remove an article and its mentions inside a transaction."""
        row = db.execute("SELECT n FROM articles WHERE id = ?", (article_id,)).fetchone()
        if row is not None:
            db.execute("DELETE FROM mentions WHERE article = ?", (row[0],))
            db.execute("DELETE FROM articles WHERE n = ?", (row[0],))
            precomputed.forget(db, row[0])

    @staticmethod
    def put_file(db: sqlite3.Connection, path: str, size: int, mtime_ns: int) -> None:
        """Remember that a file was read as it is now."""
        db.execute("INSERT OR REPLACE INTO files VALUES (?,?,?)", (path, size, mtime_ns))

    @staticmethod
    def forget_file(db: sqlite3.Connection, path: str) -> None:
        """Forget a file and the problems it had."""
        db.execute("DELETE FROM files WHERE path = ?", (path,))
        db.execute("DELETE FROM problems WHERE file = ?", (path,))

    @staticmethod
    def put_problems(
        db: sqlite3.Connection, file: str, problems: Iterable[Problem], replace: bool = True
    ) -> None:
        """Record the problems met reading `file`, replacing what was recorded before (or, for a
        read of only what was appended to it, adding to it)."""
        if replace:
            db.execute("DELETE FROM problems WHERE file = ?", (file,))
        db.executemany(
            "INSERT INTO problems VALUES (?,?,?,?,?,?)",
            [(p.path, p.line, p.field, p.message, p.severity, file) for p in problems],
        )

    # --- reading --------------------------------------------------------------------------

    def files(self) -> dict[str, tuple[int, int]]:
        """Every file read so far, with the size and modification time it had then."""
        rows = self.db.execute("SELECT path, size, mtime_ns FROM files")
        return {path: (size, mtime) for path, size, mtime in rows}

    def hashes(self) -> dict[str, str]:
        """The manifest: article id to content hash."""
        return dict(self.db.execute("SELECT id, hash FROM articles"))

    def raw_hashes(self) -> dict[str, str]:
        """Digest of a JSON line to the id of the article read from it."""
        rows = self.db.execute("SELECT raw_hash, id FROM articles WHERE raw_hash IS NOT NULL")
        return dict(rows)

    def raw_lines(self) -> dict[str, tuple[str, str]]:
        """Digest of a JSON line to the id and origin of the article read from it."""
        rows = self.db.execute(
            "SELECT raw_hash, id, origin FROM articles WHERE raw_hash IS NOT NULL"
        )
        return {raw_hash: (aid, origin) for raw_hash, aid, origin in rows}

    def ids_by_origin(self) -> dict[str, list[str]]:
        """The ids of the articles read from each file (folder corpora: one file, one article)."""
        found: dict[str, list[str]] = {}
        for origin, article_id in self.db.execute("SELECT origin, id FROM articles"):
            found.setdefault(origin, []).append(article_id)
        return found

    def problems(self) -> list[Problem]:
        """Every problem recorded, in file and line order."""
        rows = self.db.execute(
            "SELECT path, line, field, message, severity FROM problems ORDER BY file, line"
        )
        return [Problem(p, m, line=ln, field=f, severity=s) for p, ln, f, m, s in rows]

    def has(self, article_id: str) -> bool:
        """Is an article with this id stored?"""
        row = self.db.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone()
        return row is not None

    def count(self) -> int:
        """How many articles are stored."""
        return int(self.db.execute("SELECT count(*) FROM articles").fetchone()[0])

    _COLUMNS = "n, id, title, body, source, author, published, url, language, notes, origin"

    @staticmethod
    def _row(row: Sequence[object]) -> StoredArticle:
        n, aid, title, body, source, author, published, url, language, notes, origin = row
        return StoredArticle(
            int(n),  # type: ignore[call-overload]
            Article(
                id=str(aid),
                title=str(title),
                body=str(body),
                source=source,  # type: ignore[arg-type]
                author=author,  # type: ignore[arg-type]
                published=PartialDate.parse(published) if published else None,
                url=url,  # type: ignore[arg-type]
                language=language,  # type: ignore[arg-type]
                notes=notes,  # type: ignore[arg-type]
                origin=str(origin),
            ),
        )

    def article(self, article_id: str) -> StoredArticle | None:
        """One article by id."""
        row = self.db.execute(
            f"SELECT {self._COLUMNS} FROM articles WHERE id = ?", (article_id,)
        ).fetchone()
        return self._row(row) if row else None

    def articles(self, ids: Sequence[str]) -> dict[str, StoredArticle]:
        """Several articles by id."""
        found: dict[str, StoredArticle] = {}
        for chunk in range(0, len(ids), 500):
            part = ids[chunk : chunk + 500]
            marks = ",".join("?" * len(part))
            rows = self.db.execute(
                f"SELECT {self._COLUMNS} FROM articles WHERE id IN ({marks})", tuple(part)
            )
            for row in rows:
                stored = self._row(row)
                found[stored.article.id] = stored
        return found

    def newest(self, offset: int, limit: int) -> list[StoredArticle]:
        """Articles newest first, undated last, a page at a time (both walks use an index)."""
        limit, offset = _sql_int(limit), _sql_int(offset)
        dated = int(
            self.db.execute(
                "SELECT count(*) FROM articles WHERE sort_key < ?", (UNDATED,)
            ).fetchone()[0]
        )
        found: list[StoredArticle] = []
        if offset < dated:
            rows = self.db.execute(
                f"SELECT {self._COLUMNS} FROM articles WHERE sort_key < ? "
                "ORDER BY sort_key DESC, id DESC LIMIT ? OFFSET ?",
                (UNDATED, limit, offset),
            )
            found = [self._row(r) for r in rows]
        if len(found) < limit:
            rows = self.db.execute(
                f"SELECT {self._COLUMNS} FROM articles WHERE sort_key = ? ORDER BY id LIMIT ? OFFSET ?",
                (UNDATED, limit - len(found), max(0, offset - dated)),
            )
            found += [self._row(r) for r in rows]
        return found

    def ids_newest(self) -> list[str]:
        """Every article's id in the order of `newest` (no text read)."""
        dated = self.db.execute(
            "SELECT id FROM articles WHERE sort_key < ? ORDER BY sort_key DESC, id DESC",
            (UNDATED,),
        )
        ids = [row[0] for row in dated]
        undated = self.db.execute(
            "SELECT id FROM articles WHERE sort_key = ? ORDER BY id", (UNDATED,)
        )
        return ids + [row[0] for row in undated]

    def mentions_in(self, article_n: int, entity_ids: Iterable[str] | None = None) -> list[Mention]:
        """The mentions in one article (of some entities only), in reading order."""
        query = "SELECT entity, field, start, end, text FROM mentions WHERE article = ?"
        params: list[object] = [article_n]
        if entity_ids is not None:
            wanted = sorted(set(entity_ids))
            if not wanted:
                return []
            query += f" AND entity IN ({','.join('?' * len(wanted))})"
            params += wanted
        rows = self.db.execute(query + " ORDER BY field, start", params)
        return [Mention(e, FIELDS[f], start, end, text) for e, f, start, end, text in rows]

    def count_mentions(self, entity_id: str) -> tuple[int, int]:
        """How many mentions of an entity, in how many articles."""
        row = self.db.execute(
            "SELECT count(*), count(DISTINCT article) FROM mentions WHERE entity = ?", (entity_id,)
        ).fetchone()
        return int(row[0]), int(row[1])

    def mentions_of(
        self, entity_id: str, offset: int = 0, limit: int = -1, by: str = "date"
    ) -> list[MentionRef]:
        """Mentions of an entity, a page at a time, in corpus order (by date, undated last,
        then article and offset) or by spelling."""
        return list(self.iter_mentions([entity_id], by, offset, limit))

    def iter_mentions(
        self,
        entity_ids: Sequence[str] | None = None,
        by: str = "date",
        offset: int = 0,
        limit: int = -1,
    ) -> Iterator[MentionRef]:
        """Stream the mentions of some entities (None: all), by date or by spelling."""
        order = (
            "m.text COLLATE NOCASE, m.sort_key, m.article, m.field, m.start"
            if by == "spelling"
            else "m.sort_key, m.article, m.field, m.start"
        )
        where, params = "", []
        if entity_ids is not None:
            where = f"WHERE m.entity IN ({','.join('?' * len(entity_ids))})"
            params = list(entity_ids)
        rows = self.db.execute(
            "SELECT m.entity, m.article, a.id, m.sort_key, m.field, m.start, m.end, m.text "
            f"FROM mentions m JOIN articles a ON a.n = m.article {where} ORDER BY {order} "
            "LIMIT ? OFFSET ?",
            (*params, _sql_int(limit), _sql_int(offset)),
        )
        for entity, n, aid, key, field, start, end, text in rows:
            yield MentionRef(entity, n, aid, key, FIELDS[field], start, end, text)

    def next_mention(self, current: MentionRef, forward: bool = True) -> MentionRef | None:
        """The mention of the same entity after (or before) `current`, in corpus order."""
        op, order = (">", "ASC") if forward else ("<", "DESC")
        row = self.db.execute(
            "SELECT m.article, a.id, m.sort_key, m.field, m.start, m.end, m.text FROM mentions m "
            "JOIN articles a ON a.n = m.article WHERE m.entity = ? AND "
            f"(m.sort_key, m.article, m.field, m.start) {op} (?, ?, ?, ?) "
            f"ORDER BY m.sort_key {order}, m.article {order}, m.field {order}, m.start {order} "
            "LIMIT 1",
            (current.entity_id, *current.position),
        ).fetchone()
        if row is None:
            return None
        n, aid, key, field, start, end, text = row
        return MentionRef(current.entity_id, n, aid, key, FIELDS[field], start, end, text)

    def article_numbers_mentioning(self, entity_id: str) -> list[int]:
        """The articles that mention an entity, in corpus order."""
        rows = self.db.execute(
            "SELECT DISTINCT article, sort_key FROM mentions WHERE entity = ? "
            "ORDER BY sort_key, article",
            (entity_id,),
        )
        return [r[0] for r in rows]

    def entity_counts(self) -> dict[str, tuple[int, int]]:
        """Entity id to (mentions, articles)."""
        rows = self.db.execute(
            "SELECT entity, count(*), count(DISTINCT article) FROM mentions GROUP BY entity"
        )
        return {entity: (mentions, articles) for entity, mentions, articles in rows}
