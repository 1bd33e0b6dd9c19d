"""Messages that thread workers post to the reader screen (past tense: they report what happened)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from index import (
        BuildProgress,
        Engine,
        Mention,
        MentionRef,
        SearchResults,
        StoredArticle,
        UpdateReport,
    )

__all__ = [
    "ActorArticlesCounted",
    "ArticleLoaded",
    "ArticleVanished",
    "CorpusChanged",
    "IndexFailed",
    "IndexProgressed",
    "IndexReady",
    "MentionFound",
    "ProblemsCounted",
    "SearchFailed",
    "SearchFinished",
    "SearchKey",
    "Target",
]


@dataclass(frozen=True, slots=True)
class Target:
    """Where to put the reader in an article once it is open."""

    kind: str  # "first-hit", "mention", "scroll", "passage" (selected: start to end), "keep"
    field: str = "body"
    start: int = 0
    scroll_y: float = 0.0
    end: int = 0


class IndexProgressed(Message):
    """The index build moved on."""

    def __init__(self, progress: BuildProgress) -> None:
        super().__init__()
        self.progress = progress


class IndexReady(Message):
    """The index is open (built, updated, or already current).

    `page` is the first page of results for `key`, the query in the box when the index began
    to open: fetched in the same worker, it is on screen without another round trip.
    """

    def __init__(
        self,
        engine: Engine,
        report: UpdateReport | None,
        key: SearchKey | None = None,
        page: SearchResults | None = None,
        notices: list[str] | None = None,
    ) -> None:
        super().__init__()
        self.engine = engine
        self.report = report
        self.key = key
        self.page = page
        self.notices = notices or []


class IndexFailed(Message):
    """The index could not be opened or built (`fatal`), or could not be updated."""

    def __init__(self, message: str, fatal: bool = True) -> None:
        super().__init__()
        self.message = message
        self.fatal = fatal


@dataclass(frozen=True, slots=True)
class SearchKey:
    """What a search was for, to drop results that are no longer wanted."""

    query: str
    sort: str
    actor: str | None


class SearchFinished(Message):
    """A page of results arrived."""

    def __init__(self, key: SearchKey, results: SearchResults) -> None:
        super().__init__()
        self.key = key
        self.results = results


class SearchFailed(Message):
    """A search could not run; `message` says why."""

    def __init__(self, key: SearchKey, message: str) -> None:
        super().__init__()
        self.key = key
        self.message = message


class ArticleLoaded(Message):
    """An article, its hits for the current query and its mentions, ready to show."""

    def __init__(
        self,
        article: StoredArticle,
        hits: dict[str, list[tuple[int, int]]],
        mentions: list[Mention],
        target: Target,
        query: str,
    ) -> None:
        super().__init__()
        self.article = article
        self.hits = hits
        self.mentions = mentions
        self.target = target
        self.query = query


class ArticleVanished(Message):
    """An article asked for is no longer in the index (its file was deleted or changed)."""

    def __init__(self, article_id: str) -> None:
        super().__init__()
        self.article_id = article_id


class ProblemsCounted(Message):
    """How many articles could not be read (counted after the first results are shown)."""

    def __init__(self, errors: int) -> None:
        super().__init__()
        self.errors = errors


class CorpusChanged(Message):
    """The corpus on disk no longer matches the index."""


class MentionFound(Message):
    """The next (or previous) mention of the actor in another article, or None."""

    def __init__(self, entity_id: str, ref: MentionRef | None, forward: bool) -> None:
        super().__init__()
        self.entity_id = entity_id
        self.ref = ref
        self.forward = forward


class ActorArticlesCounted(Message):
    """The articles that mention an actor, in corpus order (for "article j of m")."""

    def __init__(self, entity_id: str, article_numbers: list[int]) -> None:
        super().__init__()
        self.entity_id = entity_id
        self.article_numbers = article_numbers
