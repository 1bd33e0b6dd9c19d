"""Why a mention was linked (or a name left out): the spelling, the rule and its evidence.

The matcher is re-run on the one article with its trace (cheap: about a millisecond), so nothing
extra is stored in the index. `explain_mention` gives the line for one mention, for a tooltip or
a status line; `explain_article` every linked and every left-out name of an article, for
`afreader mentions ACTOR --explain`.
"""

from __future__ import annotations

from dataclasses import dataclass

from corpus import Article, Gazetteer
from index.matching.reasons import Reason, describe
from index.mentions import EntityMatcher, base_reason

__all__ = [
    "ArticleExplainer",
    "Explanation",
    "explain_article",
    "explain_mention",
    "matcher_for",
]

_MATCHERS: dict[int, tuple[Gazetteer, EntityMatcher]] = {}


@dataclass(frozen=True, slots=True)
class Explanation:
    """One name found in an article: where, as written, whether it was linked, to which entity
    (or, when left out, which entities it could have meant), and why."""

    entity_id: str
    candidates: tuple[str, ...]
    field: str
    start: int
    end: int
    text: str
    linked: bool
    reasons: tuple[Reason, ...]

    @property
    def line(self) -> str:
        """The reasons in words, most basic first."""
        return describe(self.reasons)


def matcher_for(gazetteer: Gazetteer) -> EntityMatcher:
    """One matcher per gazetteer, built on first use (building takes a fraction of a second)."""
    cached = _MATCHERS.get(id(gazetteer))
    if cached is None or cached[0] is not gazetteer:
        cached = (gazetteer, EntityMatcher(gazetteer))
        _MATCHERS.clear()
        _MATCHERS[id(gazetteer)] = cached
    return cached[1]


def explain_article(
    gazetteer: Gazetteer, article: Article, entity_ids: set[str] | None = None
) -> list[Explanation]:
    """Every name the matcher found in an article, linked or left out, in reading order; only
    those that mean (or could have meant) one of `entity_ids` when it is given."""
    matcher = matcher_for(gazetteer)
    kept, excluded = matcher.trace(article.title, article.body, article.published)
    texts = {"title": article.title, "body": article.body}
    found = []
    for linked, hits in ((True, kept), (False, excluded)):
        for hit in hits:
            candidates = tuple(e.id for e in hit.spelling.entities)
            entity = hit.entity or hit.spelling.entities[0]
            if entity_ids is not None and not (entity_ids & {entity.id, *candidates}):
                continue
            reasons = tuple(hit.reasons)
            if hit.spelling.kind not in ("reference", "context"):
                reasons = (base_reason(hit.spelling), *reasons)
            text = texts[hit.field][hit.start : hit.end]
            found.append(
                Explanation(
                    entity.id, candidates, hit.field, hit.start, hit.end, text, linked, reasons
                )
            )
    found.sort(key=lambda e: (e.field != "title", e.start))
    return found


def explain_mention(
    gazetteer: Gazetteer, article: Article, field: str, start: int, end: int
) -> str | None:
    """The one-line explanation of the mention at these offsets, or None when the matcher finds
    none there (the index was built with another gazetteer)."""
    for explanation in explain_article(gazetteer, article):
        if explanation.linked and (explanation.field, explanation.start, explanation.end) == (
            field,
            start,
            end,
        ):
            return explanation.line
    return None


class ArticleExplainer:
    """Explanations for a listing of mentions: one trace per article, kept while listing."""

    def __init__(self, gazetteer: Gazetteer, entity_ids: set[str] | None) -> None:
        self.gazetteer = gazetteer
        self.entity_ids = entity_ids
        self._seen: dict[str, list[Explanation]] = {}

    def why(self, article: Article, field: str, start: int, end: int) -> str | None:
        """The explanation of one listed mention (None when the matcher no longer finds it)."""
        found = self._seen.get(article.id)
        if found is None:
            found = self._seen[article.id] = explain_article(
                self.gazetteer, article, self.entity_ids
            )
        for item in found:
            if item.linked and (item.field, item.start, item.end) == (field, start, end):
                return item.line
        return None

    def left_out(self) -> list[tuple[str, Explanation]]:
        """The names left out (namesakes, longer names, places) in the articles listed so far."""
        return [(a, item) for a, found in self._seen.items() for item in found if not item.linked]
