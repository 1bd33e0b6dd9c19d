"""The newest articles read from the store alone, for the app's first list (`index/peek.py`)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from index import Engine
from index.peek import newest_page


def ids(results: object) -> list[str]:
    return [hit.article.article.id for hit in results.hits]  # type: ignore[attr-defined]


def test_the_newest_page_is_the_engines_first_page(bundled_engine: Engine) -> None:
    page = newest_page(bundled_engine.corpus, bundled_engine.index_root, 3)
    assert page is not None
    expected = bundled_engine.search("", limit=3)
    assert ids(page) == ids(expected) and len(ids(page)) == 3
    assert (page.total, page.sort, page.query, page.offset) == (5, "date", "", 0)
    assert [h.snippet for h in page.hits] == [h.snippet for h in expected.hits]


def test_no_page_without_a_finished_index(tmp_path: Path) -> None:
    corpus = tmp_path / "news.jsonl"
    corpus.write_text('{"id": "a", "title": "A", "body": "text"}\n', encoding="utf-8")
    root = tmp_path / "indexes"
    assert newest_page(corpus, root, 20) is None  # never built
    engine = Engine(corpus, root)
    engine.open()
    generation = engine.indexer.current()
    assert generation is not None
    engine.close()
    page = newest_page(corpus, root, 20)
    assert page is not None and ids(page) == ["a"]

    db = sqlite3.connect(generation.store_path)
    with db:
        db.execute("UPDATE meta SET value = '0' WHERE key = 'complete'")  # stopped part-way
    assert newest_page(corpus, root, 20) is None
    with db:
        db.execute("UPDATE meta SET value = '1' WHERE key = 'complete'")
        db.execute("UPDATE meta SET value = 'old' WHERE key = 'schema_version'")
    assert newest_page(corpus, root, 20) is None
    db.close()

    pointer = engine.root / "current"
    for garbage in ("../elsewhere", "", ".hidden", "\xff"):
        pointer.write_text(garbage, encoding="utf-8", errors="surrogateescape")
        assert newest_page(corpus, root, 20) is None
    pointer.write_bytes(b"\xff\xfe")  # not text at all
    assert newest_page(corpus, root, 20) is None
