"""afreader's search engine layer over Whoosh: the index, queries, snippets, mentions of actors.

It imports `corpus` and Whoosh, never Textual, so the app, the command line, the tests and the
benchmark share one engine. Every Whoosh call of the project lives in this package.

Names are imported when first used: the app lists the newest articles (`index.peek`, which
needs no Whoosh) while the rest is still loading.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from corpus.lazy import lazy_names

if TYPE_CHECKING:
    from index.engine import (
        Engine,
        EngineError,
        EntityStats,
        KwicLine,
        SearchCancelled,
        open_engine,
    )
    from index.errors import IndexDamaged
    from index.lifecycle import Opened, open_index
    from index.mentions import EntityMatcher
    from index.paths import ENV_INDEX_DIR, default_index_root, index_dir_for
    from index.query import QueryError
    from index.records import Hit, Mention, SearchResults, Snippet
    from index.report import BuildCancelled, BuildProgress, IndexBusy, UpdateReport
    from index.store import MentionRef, StoredArticle

_HOMES = {
    "BuildCancelled": "index.report",
    "BuildProgress": "index.report",
    "IndexBusy": "index.report",
    "UpdateReport": "index.report",
    "Opened": "index.lifecycle",
    "open_index": "index.lifecycle",
    "Engine": "index.engine",
    "EngineError": "index.engine",
    "IndexDamaged": "index.errors",
    "EntityStats": "index.engine",
    "KwicLine": "index.engine",
    "SearchCancelled": "index.engine",
    "open_engine": "index.engine",
    "EntityMatcher": "index.mentions",
    "ENV_INDEX_DIR": "index.paths",
    "default_index_root": "index.paths",
    "index_dir_for": "index.paths",
    "QueryError": "index.query",
    "Hit": "index.records",
    "Mention": "index.records",
    "SearchResults": "index.records",
    "Snippet": "index.records",
    "MentionRef": "index.store",
    "StoredArticle": "index.store",
}

__all__ = [
    "ENV_INDEX_DIR",
    "BuildCancelled",
    "BuildProgress",
    "Engine",
    "EngineError",
    "EntityMatcher",
    "EntityStats",
    "Hit",
    "IndexBusy",
    "IndexDamaged",
    "KwicLine",
    "Mention",
    "MentionRef",
    "Opened",
    "QueryError",
    "SearchCancelled",
    "SearchResults",
    "Snippet",
    "StoredArticle",
    "UpdateReport",
    "default_index_root",
    "index_dir_for",
    "open_engine",
    "open_index",
]


__getattr__ = lazy_names("index", _HOMES, globals())
