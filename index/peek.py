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

from corpus import BUNDLED_ARTICLES, BUNDLED_GAZETTEER, CorpusError
from index.generation import Generation, GenerationMeta, fingerprint_of
from index.paths import expand_user, index_dir_for, pointed_generation
from index.records import Hit, SearchResults, make_snippet
from index.store import Store

__all__ = ["newest_page"]


def newest_page(
    corpus: Path | None, index_root: Path | None, limit: int, gazetteer: Path | None = None
) -> SearchResults | None:
    """The first page of the empty query (the newest articles) of the index the engine would
    open for `corpus` under `index_root` with `gazetteer` (the bundled one by default); None
    when there is no finished, usable index to read (the same check as the engine's)."""
    started = time.perf_counter()
    try:
        root = None if index_root is None else expand_user(index_root)
        folder = index_dir_for(expand_user(corpus or BUNDLED_ARTICLES), root)
        pointed = pointed_generation(folder, "current")
        if pointed is None:
            return None
        generation = Generation(pointed)
        if not generation.exists():
            return None
        fingerprint = fingerprint_of((gazetteer or BUNDLED_GAZETTEER).read_bytes())
        store = Store(generation.store_path)
        try:
            meta = GenerationMeta.read(store)
            if not meta.is_usable(fingerprint) or generation.damage(meta) is not None:
                return None  # the engine, opening the index, rebuilds it and says why
            newest = store.newest(0, limit)
            total = store.count()
        finally:
            store.close()
    except (OSError, sqlite3.Error, ValueError, TypeError, CorpusError):
        return None  # the engine, opening the index, says what is wrong
    hits = [Hit(article, None, make_snippet(article.article.body, []), ()) for article in newest]
    return SearchResults("", "date", total, 0, hits, time.perf_counter() - started)
