"""The Whoosh schema: what is searchable, and how."""

from __future__ import annotations

import datetime as dt

from whoosh.columns import NumericColumn
from whoosh.fields import DATETIME, ID, KEYWORD, TEXT, Schema

from corpus import Article
from index.analysis import body_analyzer, name_analyzer
from index.generation import ANALYSIS_VERSION
from index.pairs import PAIR_FIELDS, PairField, RecordingAnalyzer

__all__ = ["ANALYSIS_VERSION", "document", "make_schema"]


def make_schema(common: frozenset[str] = frozenset()) -> Schema:
    """Title and body keep positions and character offsets so every hit can be located, and
    their adjacent words are indexed again as pairs where one of the two is in `common` (a
    corpus's most frequent words, `index.pairs.common_words`), so that a phrase is found
    without reading every position (`index/pairs.py`); `published` sorts; `actor` holds the ids of the entities an
    article mentions."""
    return Schema(
        id=ID(stored=True, unique=True),
        title=TEXT(
            analyzer=RecordingAnalyzer(body_analyzer(), "title"),
            phrase=True,
            chars=True,
            field_boost=2.0,
        ),
        title_pairs=PairField("title", body_analyzer(), common),
        body=TEXT(analyzer=RecordingAnalyzer(body_analyzer(), "body"), phrase=True, chars=True),
        body_pairs=PairField("body", body_analyzer(), common),
        source=TEXT(analyzer=name_analyzer(), phrase=True),
        author=TEXT(analyzer=name_analyzer(), phrase=True),
        # An undated article sorts as the oldest (Whoosh would give it the largest value and
        # put it first in a newest-first sort); range queries never match it either way.
        published=DATETIME(sortable=NumericColumn("Q", default=0)),
        actor=KEYWORD(lowercase=True, scorable=True),
    )


def document(article: Article, entity_ids: set[str]) -> dict[str, object]:
    """The fields Whoosh indexes for one article."""
    fields: dict[str, object] = {
        "id": article.id,
        "title": article.title,
        "body": article.body,
    }
    # The same texts again: each pair field takes the words its source field has just read.
    fields[PAIR_FIELDS["title"]] = article.title
    fields[PAIR_FIELDS["body"]] = article.body
    if article.source:
        fields["source"] = article.source
    if article.author:
        fields["author"] = article.author
    if article.published is not None:
        day = article.published.sort_date
        fields["published"] = dt.datetime(day.year, day.month, day.day)
    if entity_ids:
        fields["actor"] = " ".join(sorted(entity_ids))
    return fields
