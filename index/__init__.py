"""afreader's search engine layer over Whoosh: the index, queries, snippets, mentions of actors.

It imports `corpus` and Whoosh, never Textual, so the app, the command line, the tests and the
benchmark share one engine. Every Whoosh call of the project lives in this package.
"""

from __future__ import annotations

from index.build import BuildProgress, IndexBusy, UpdateReport
from index.engine import (
    Engine,
    EngineError,
    EntityStats,
    Hit,
    KwicLine,
    SearchCancelled,
    SearchResults,
    open_engine,
)
from index.highlight import Snippet
from index.mentions import EntityMatcher, Mention
from index.paths import ENV_INDEX_DIR, default_index_root, index_dir_for
from index.query import QueryError
from index.store import MentionRef, StoredArticle

__all__ = [
    "ENV_INDEX_DIR",
    "BuildProgress",
    "Engine",
    "EngineError",
    "EntityMatcher",
    "EntityStats",
    "Hit",
    "IndexBusy",
    "KwicLine",
    "Mention",
    "MentionRef",
    "QueryError",
    "SearchCancelled",
    "SearchResults",
    "Snippet",
    "StoredArticle",
    "UpdateReport",
    "default_index_root",
    "index_dir_for",
    "open_engine",
]
