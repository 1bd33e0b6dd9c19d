"""afreader's corpus: articles and the gazetteer of actors as data, loaded and validated.

This package depends only on the standard library and PyYAML, so the command line, the tests,
the benchmark and any future front end share it unchanged.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from corpus.lazy import lazy_names

if TYPE_CHECKING:
    from corpus.gazetteer import (
        ENTITY_TYPES,
        Entity,
        EntityType,
        Gazetteer,
        GazetteerError,
        alias_key,
        load_gazetteer,
    )
    from corpus.limits import Limits
    from corpus.loader import corpus_kind, iter_corpus, load_corpus
    from corpus.model import Article, CorpusError, LoadResult, PartialDate, Problem
    from corpus.paths import corpus_path_problem

# The five articles and the gazetteer shipped with afreader.
BUNDLED_ARTICLES = Path(__file__).resolve().parent / "articles"
BUNDLED_GAZETTEER = Path(__file__).resolve().parent / "entities.yaml"

# Where each other name lives. They are imported when first used, so that a caller that needs only
# the data model (the app listing the newest articles at launch) does not load PyYAML.
_HOMES = {
    "ENTITY_TYPES": "corpus.gazetteer",
    "Entity": "corpus.gazetteer",
    "EntityType": "corpus.gazetteer",
    "Gazetteer": "corpus.gazetteer",
    "GazetteerError": "corpus.gazetteer",
    "alias_key": "corpus.gazetteer",
    "load_gazetteer": "corpus.gazetteer",
    "Limits": "corpus.limits",
    "corpus_kind": "corpus.loader",
    "corpus_path_problem": "corpus.paths",
    "iter_corpus": "corpus.loader",
    "load_corpus": "corpus.loader",
    "Article": "corpus.model",
    "CorpusError": "corpus.model",
    "LoadResult": "corpus.model",
    "PartialDate": "corpus.model",
    "Problem": "corpus.model",
}

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
    "Limits",
    "LoadResult",
    "PartialDate",
    "Problem",
    "alias_key",
    "corpus_kind",
    "corpus_path_problem",
    "iter_corpus",
    "load_corpus",
    "load_gazetteer",
]


__getattr__ = lazy_names("corpus", _HOMES, globals())
