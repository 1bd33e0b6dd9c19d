"""afreader's corpus: articles and the gazetteer of actors as data, loaded and validated.

This package depends only on the standard library and PyYAML, so the command line, the tests,
the benchmark and any future front end share it unchanged.
"""

from __future__ import annotations

from corpus.gazetteer import (
    BUNDLED_GAZETTEER,
    ENTITY_TYPES,
    Entity,
    EntityType,
    Gazetteer,
    GazetteerError,
    alias_key,
    load_gazetteer,
)
from corpus.loader import BUNDLED_ARTICLES, CorpusError, corpus_kind, iter_corpus, load_corpus
from corpus.model import Article, LoadResult, PartialDate, Problem

__all__ = [
    "BUNDLED_ARTICLES",
    "BUNDLED_GAZETTEER",
    "ENTITY_TYPES",
    "Article",
    "CorpusError",
    "Entity",
    "EntityType",
    "Gazetteer",
    "GazetteerError",
    "LoadResult",
    "PartialDate",
    "Problem",
    "alias_key",
    "corpus_kind",
    "iter_corpus",
    "load_corpus",
    "load_gazetteer",
]
