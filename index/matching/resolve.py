"""Give each hit one entity.

A shared spelling goes, in this order of evidence, to:
1. the parent or child a cue names right after a mention of the child or parent: "son of", "the
   late", "his father", "Jr";
2. in the rest of a sentence that names a father inside "the son of <father>", the son the
   sentence is about; elsewhere, the only holder the article also names by an unshared spelling;
3. among several such, the one that could act at the article's date, then the one whose unshared
   mention comes nearest before (or else after) this one;
4. with no such mention, the first holder that could act at the date, in gazetteer order.
The date is the publication date, or for an undated article the latest year it mentions.

A generic name ("Interior Ministry", an entity with `generic: true`) means its entity only when the
country named last before it is Afghanistan, or none is named.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from corpus import Entity, PartialDate
from index.analysis import fold
from index.matching.context import country_before, inferred_year
from index.matching.reasons import Reason
from index.matching.spellings import Hit

__all__ = ["ArticleDate", "resolve"]

_PARENT_CUE = re.compile(
    r"(?:(?:son|daughter|sons|children|heir)\s+of\s+(?:the\s+)?(?:late\s+)?|"
    r"(?:his|her)\s+(?:late\s+)?father,?\s+)$"
)
_CHILD_CUE = re.compile(r"(?:father|mother|parent)\s+of\s+$")
_LATE_CUE = re.compile(r"\bthe\s+late\s+$")
_SENTENCE_END = re.compile(r"[.!?](?:\s|$)")
_JUNIOR_CUE = re.compile(r"^,?\s+(?:jr\b|junior\b)")


class ArticleDate:
    """The year an article is read at, and where it comes from."""

    def __init__(self, published: PartialDate | None, texts: dict[str, str]) -> None:
        self._published = published
        self._texts = texts
        self._year: int | None = None
        self._known = False

    @property
    def year(self) -> int | None:
        """The year, found on first use (most articles have no shared spelling to settle)."""
        if not self._known:
            self._known = True
            if self._published is not None:
                self._year = self._published.year
            else:
                self._year = inferred_year(*self._texts.values())
        return self._year

    @property
    def source(self) -> str:
        """Where the year comes from, for the explanation."""
        return "its publication date" if self._published else "the latest year it mentions"

    def could_act(self, group: list[Entity]) -> list[Entity]:
        """The holders who could act then (all of them when none or the date is unknown)."""
        if self.year is None:
            return group
        year = self.year
        return [c for c in group if c.active_in(year)] or group


def resolve(
    hits: Sequence[Hit], published: PartialDate | None, texts: dict[str, str]
) -> tuple[list[Hit], list[Hit]]:
    """Set `entity` on every hit; return the hits kept and those a rule left out."""
    hits = sorted(hits, key=lambda h: h.order)
    date = ArticleDate(published, texts)
    full: dict[str, list[tuple[int, int]]] = {}
    # (field, from, to, child): the rest of a sentence that names a father in "son of <father>"
    # is about the son, so a bare surname there is his.
    about_child: list[tuple[str, int, int, Entity]] = []
    previous: Entity | None = None
    for hit in hits:
        entity = hit.spelling.entities[0]
        if hit.spelling.shared:
            continue
        full.setdefault(entity.id, []).append(hit.order)
        if entity.type != "person":
            continue
        if previous is not None:
            text = texts[hit.field]
            before = fold(text[max(0, hit.start - 40) : hit.start])
            if _PARENT_CUE.search(before) and _is_parent(entity, previous):
                end = _SENTENCE_END.search(text, hit.end)
                about_child.append(
                    (hit.field, hit.end, end.start() if end else len(text), previous)
                )
        previous = entity
    kept: list[Hit] = []
    excluded: list[Hit] = []
    previous_person: Entity | None = None
    for hit in hits:
        if hit.spelling.shared:
            entity, reason = _choose(
                hit, full, date, previous_person, texts[hit.field], about_child
            )
            hit.reasons.append(reason)
        else:
            entity = hit.spelling.entities[0]
        hit.entity = entity
        if entity.generic:
            country = country_before(texts[hit.field], hit.start)
            if country not in (None, "home"):
                hit.reasons.append(Reason("excluded-country", f"the text speaks of {country}"))
                excluded.append(hit)
                continue
        kept.append(hit)
        if entity.type == "person":
            previous_person = entity
    return kept, excluded


def _is_parent(parent: Entity, child: Entity) -> bool:
    return parent.id in child.relations.get("son_of", ()) or child.id in parent.relations.get(
        "father_of", ()
    )


def _choose(
    hit: Hit,
    full: dict[str, list[tuple[int, int]]],
    date: ArticleDate,
    previous_person: Entity | None,
    text: str,
    about_child: list[tuple[str, int, int, Entity]],
) -> tuple[Entity, Reason]:
    candidates = list(hit.spelling.entities)
    for field, start, end, child in about_child:
        if field == hit.field and start <= hit.start < end and child in candidates:
            return child, Reason("shared-cue", f"in a sentence about {child.name}, named as a son")
    before = fold(text[max(0, hit.start - 40) : hit.start])
    after = fold(text[hit.end : hit.end + 12])
    if previous_person is not None:
        if _PARENT_CUE.search(before):
            for candidate in candidates:
                if _is_parent(candidate, previous_person):
                    cue = _PARENT_CUE.search(before)
                    said = cue.group(0).strip() if cue else "son of"
                    return candidate, Reason("shared-cue", f"{said!r} after {previous_person.name}")
        if _CHILD_CUE.search(before):
            for candidate in candidates:
                if _is_parent(previous_person, candidate):
                    return candidate, Reason(
                        "shared-cue", f"'father of' after {previous_person.name}"
                    )
    if _LATE_CUE.search(before):
        dead = [c for c in candidates if c.died is not None]
        if dead and date.year is not None:
            year = date.year
            dead = [c for c in dead if c.died is not None and c.died.year <= year] or dead
        if dead:
            return dead[0], Reason("shared-cue", f"'the late' ({dead[0].name} died {dead[0].died})")
    if _JUNIOR_CUE.search(after):
        children = [c for c in candidates if c.relations.get("son_of")]
        if children:
            return children[0], Reason("shared-cue", f"'Jr' ({children[0].name} is the son)")
    named = [c for c in candidates if c.id in full]
    if len(named) == 1:
        return named[0], Reason("shared-named", f"{named[0].name} by an unshared spelling")
    if not named:
        acting = date.could_act(candidates)
        if len(acting) < len(candidates):
            return acting[0], _date_reason(acting[0], date)
        return acting[0], Reason(
            "shared-default", f"the first holder in the gazetteer, {acting[0].name}"
        )
    narrowed = date.could_act(named)
    if len(narrowed) == 1:
        return narrowed[0], _date_reason(narrowed[0], date)
    here = hit.order
    preceding = [
        (max(p for p in full[c.id] if p < here), c) for c in narrowed if min(full[c.id]) < here
    ]
    if preceding:
        chosen = max(preceding, key=lambda pair: pair[0])[1]
        detail = f"{chosen.name}, named nearest before it"
    else:
        chosen = min(narrowed, key=lambda c: min(full[c.id]))
        detail = f"{chosen.name}, named first after it"
    return chosen, Reason("shared-named", detail)


def _date_reason(entity: Entity, date: ArticleDate) -> Reason:
    return Reason(
        "shared-date", f"of its holders only {entity.name} could act in {date.year} ({date.source})"
    )
