"""The Whoosh schema: what is searchable, and how."""

from __future__ import annotations

import datetime as dt

from whoosh.columns import NumericColumn
from whoosh.fields import DATETIME, ID, KEYWORD, TEXT, Schema

from corpus import Article
from index.analysis import body_analyzer, name_analyzer
from index.generation import ANALYSIS_VERSION

__all__ = ["ANALYSIS_VERSION", "document", "make_schema"]


def make_schema() -> Schema:
    """Title and body keep positions and character offsets so every hit can be located;
    `published` sorts; `actor` holds the ids of the entities an article mentions."""
    return Schema(
        id=ID(stored=True, unique=True),
        title=TEXT(analyzer=body_analyzer(), phrase=True, chars=True, field_boost=2.0),
        body=TEXT(analyzer=body_analyzer(), phrase=True, chars=True),
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
