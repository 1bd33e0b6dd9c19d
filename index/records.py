"""The plain records the index stores and the app shows: mentions, snippets, search results.

No Whoosh here, and nothing heavier than the data model: the app lists the newest articles
from the store while Whoosh is still being imported (`index/peek.py`).
"""

from __future__ import annotations

from dataclasses import dataclass

from corpus import Article

__all__ = [
    "FIELDS",
    "Hit",
    "Mention",
    "MentionRef",
    "SearchResults",
    "Snippet",
    "Span",
    "StoredArticle",
    "make_snippet",
]

# The fields of an article that are searched and can hold a mention.
FIELDS = ("title", "body")
Span = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Mention:
    """One mention: which entity, in which field, where (offsets into that field's text)."""

    entity_id: str
    field: str
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class StoredArticle:
    """An article as stored, with its internal number `n` (stable while the index lives)."""

    n: int
    article: Article


@dataclass(frozen=True, slots=True)
class MentionRef:
    """A mention located in the corpus: entity, article (number, id), field and offsets."""

    entity_id: str
    article_n: int
    article_id: str
    sort_key: str
    field: str
    start: int
    end: int
    text: str = ""

    @property
    def position(self) -> tuple[str, int, int, int]:
        """Where the mention stands in corpus order (date, article number, field, offset)."""
        return (self.sort_key, self.article_n, FIELDS.index(self.field), self.start)


@dataclass(frozen=True, slots=True)
class Snippet:
    """A one-line excerpt and the spans (into `text`) of the hits it shows."""

    text: str
    spans: tuple[Span, ...]


@dataclass(frozen=True, slots=True)
class Hit:
    """One search result: the article, its score, a snippet, and the spellings that matched."""

    article: StoredArticle
    score: float | None
    snippet: Snippet
    matched: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SearchResults:
    """A page of results for one query."""

    query: str
    sort: str
    total: int
    offset: int
    hits: list[Hit]
    seconds: float
    actor: str | None = None
    # What the search bounded (a wildcard that stands for too many words...), for the person.
    notices: tuple[str, ...] = ()


def make_snippet(text: str, spans: list[Span], width: int = 160) -> Snippet:
    """A one-line window of about `width` characters around the first hit (or the opening)."""
    if not text:
        return Snippet("", ())
    anchor = spans[0][0] if spans else 0
    start = max(0, anchor - width // 3)
    if start > 0:
        space = text.rfind(" ", 0, start)
        start = space + 1 if space >= 0 and start - space < 20 else start
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start + width // 2 else end
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    window = text[start:end]
    line = prefix + " ".join(window.split("\n")) + suffix
    shift = len(prefix) - start
    inside = tuple(
        (max(s, start) + shift, min(e, end) + shift) for s, e in spans if s < end and e > start
    )
    return Snippet(line, inside)
