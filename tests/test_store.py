"""The store's layout: bodies kept compressed and read back whole, and a store written with an
older layout built again (never read as the new one), said once."""

from __future__ import annotations

import json
import random
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from corpus import Article, load_corpus
from index import Engine, compress
from index.store import SCHEMA_VERSION, Store
from tests.command import AFREADER, afreader

# The store's layout before bodies were compressed (schema 3): what an older afreader wrote.
STORE_V3 = """
ALTER TABLE articles RENAME TO new_articles;
ALTER TABLE mentions RENAME TO new_mentions;
DROP INDEX articles_by_date; DROP INDEX articles_by_origin;
DROP INDEX mentions_by_article; DROP INDEX mentions_by_spelling;
CREATE TABLE articles (
    n INTEGER PRIMARY KEY, id TEXT UNIQUE NOT NULL, hash TEXT NOT NULL, title TEXT NOT NULL,
    body TEXT NOT NULL, source TEXT, author TEXT, published TEXT, sort_key TEXT NOT NULL,
    url TEXT, language TEXT, notes TEXT, origin TEXT NOT NULL, raw_hash TEXT
);
INSERT INTO articles SELECT n, id, hash, title, unzip(body_z), source, author, published,
    sort_key, url, language, notes, origin, raw_hash FROM new_articles;
CREATE TABLE mentions (
    article INTEGER NOT NULL, entity TEXT NOT NULL, sort_key TEXT NOT NULL,
    field INTEGER NOT NULL, start INTEGER NOT NULL, end INTEGER NOT NULL, text TEXT NOT NULL
);
INSERT INTO mentions SELECT article, entity, sort_key, field, start, end, text FROM new_mentions;
CREATE INDEX mentions_by_entity ON mentions (entity, sort_key, article, field, start);
DROP TABLE new_articles; DROP TABLE new_mentions;
UPDATE meta SET value = '3' WHERE key = 'schema_version';
"""


def connect(store: Path) -> sqlite3.Connection:
    """A plain connection, with the function the store's `body` column is worked out by."""
    db = sqlite3.connect(store)
    db.create_function("unzip", 1, compress.Unpacker(store, db), deterministic=True)
    return db


def test_bodies_are_kept_compressed_and_read_back_whole(tmp_path: Path) -> None:
    engine = Engine(index_root=tmp_path)
    engine.open()
    generation = engine.indexer.current()
    assert generation is not None
    with connect(generation.store_path) as db:
        rows = db.execute("SELECT id, body_z, body FROM articles").fetchall()
    bundled = {article.id: article for article in load_corpus().articles}
    assert sorted(aid for aid, _, _ in rows) == sorted(bundled)
    for aid, packed, body in rows:
        assert body == bundled[aid].body  # the SQL column, as other readers select it
        assert len(packed) < len(body.encode("utf-8")) / 1.5  # bodies of a few KB
        stored = engine.article(aid)
        assert stored is not None and stored.article.body == bundled[aid].body
    engine.close()


def made_up_articles(count: int, seed: int) -> list[Article]:
    """Articles whose bodies are the bundled articles' sentences, drawn anew for each."""
    sentences = [
        sentence.strip() + "."
        for article in load_corpus().articles
        for sentence in article.body.split(".")
        if len(sentence.split()) > 4
    ]
    rng = random.Random(seed)
    return [
        Article(
            id=f"made-{seed}-{i}",
            title=f"Made-up article {i}",
            body=" ".join(rng.sample(sentences, 12)),
            origin="made-up.jsonl:1",
        )
        for i in range(count)
    ]


def test_a_large_first_write_trains_the_store_s_dictionary_and_later_writes_use_it(
    tmp_path: Path,
) -> None:
    path = tmp_path / "store.sqlite"
    store = Store(path, create=True)
    early = Store(path)  # a reader whose connection opened before there was a dictionary
    assert early.count() == 0
    first = made_up_articles(compress.TRAIN_MINIMUM + 200, seed=1)
    with store.transaction() as db:
        Store.put_articles(db, [(article, []) for article in first])
    later = made_up_articles(3, seed=2)
    with store.transaction() as db:
        Store.put_articles(db, [(article, []) for article in later])
    with connect(path) as db:
        (dict_id,) = [row[0] for row in db.execute("SELECT id FROM dictionaries")]
        frames = dict(db.execute("SELECT id, body_z FROM articles"))
    assert dict_id != 0
    for article in first + later:  # every body names the dictionary, and reads back whole
        assert compress.zstandard.get_frame_parameters(frames[article.id]).dict_id == dict_id
    for reader in (store, early, Store(path)):
        found = reader.articles([a.id for a in first[:50] + later])
        assert {a.id: a.body for a in first[:50] + later} == {
            aid: stored.article.body for aid, stored in found.items()
        }
    text = sum(len(a.body.encode("utf-8")) for a in first)
    assert sum(len(frames[a.id]) for a in first) < text / 2


def test_a_small_store_keeps_plain_frames(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite"
    store = Store(path, create=True)
    few = made_up_articles(compress.TRAIN_MINIMUM - 1, seed=3)
    with store.transaction() as db:
        Store.put_articles(db, [(article, []) for article in few])
    with connect(path) as db:
        assert db.execute("SELECT count(*) FROM dictionaries").fetchone() == (0,)
    assert store.article(few[-1].id).article.body == few[-1].body  # type: ignore[union-attr]


def json_lines(stdout: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stdout.splitlines()]


@pytest.mark.skipif(AFREADER is None, reason="the afreader command is not installed")
def test_a_store_of_an_older_layout_is_built_again_with_a_message(tmp_path: Path) -> None:
    first = afreader("--index-dir", tmp_path, "search", "Dostum", "--json")
    assert first.returncode == 0, first.stderr
    (store,) = tmp_path.glob("*/g-*/store.sqlite")
    with connect(store) as db:
        db.executescript(STORE_V3)
    again = afreader("--index-dir", tmp_path, "search", "Dostum", "--json")
    assert again.returncode == 0, again.stderr
    assert "the index was built by another version of afreader" in again.stderr
    assert "it was rebuilt" in again.stderr and "Traceback" not in again.stderr
    assert json_lines(again.stdout) == json_lines(first.stdout)
    (rebuilt,) = tmp_path.glob("*/g-*/store.sqlite")
    assert rebuilt != store
    with connect(rebuilt) as db:
        version = db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        columns = [row[1] for row in db.execute("PRAGMA table_xinfo(articles)")]
    assert version == (SCHEMA_VERSION,) and "body_z" in columns
    quiet = afreader("--index-dir", tmp_path, "search", "Dostum", "--json")
    assert quiet.returncode == 0 and "rebuilt" not in quiet.stderr  # said once
