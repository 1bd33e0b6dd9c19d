"""The newest articles of an index, from its SQLite store alone, while Whoosh is still loading.

Opening the engine imports Whoosh and the gazetteer (about 100 ms) and checks the corpus. The
app's first list, the newest articles, needs none of that: it is read here from the store of
the index the engine will open, so it is on screen a few milliseconds after the first frame.
The engine's own first page follows and replaces it (the same articles unless the corpus
changed since the index was last brought up to date).
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from corpus import BUNDLED_ARTICLES, CorpusError
from index.paths import expand_user, index_dir_for, pointed_generation
from index.records import Hit, SearchResults, make_snippet
from index.store import SCHEMA_VERSION, Store

__all__ = ["newest_page"]


def newest_page(corpus: Path | None, index_root: Path | None, limit: int) -> SearchResults | None:
    """The first page of the empty query (the newest articles) of the index the engine would
    open for `corpus` under `index_root`; None when there is no finished index to read."""
    started = time.perf_counter()
    try:
        root = None if index_root is None else expand_user(index_root)
        folder = index_dir_for(expand_user(corpus or BUNDLED_ARTICLES), root)
        generation = pointed_generation(folder, "current")
        if generation is None or not (generation / "store.sqlite").is_file():
            return None
        store = Store(generation / "store.sqlite")
        try:
            if store.get_meta("schema_version") != SCHEMA_VERSION:
                return None
            if store.get_meta("complete") != "1":  # a build was stopped part-way
                return None
            newest = store.newest(0, limit)
            total = store.count()
        finally:
            store.close()
    except (OSError, sqlite3.Error, CorpusError):
        return None  # the engine, opening the index, says what is wrong
    hits = [Hit(article, None, make_snippet(article.article.body, []), ()) for article in newest]
    return SearchResults("", "date", total, 0, hits, time.perf_counter() - started)
