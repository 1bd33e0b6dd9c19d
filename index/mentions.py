"""Find every mention of every gazetteer entity in an article, with character offsets.

Matching (`EntityMatcher.find`):
1. One Aho-Corasick automaton holds every spelling, folded by `analysis.fold` (case, accents,
   apostrophes, hyphen/space), so the text is scanned once whatever the number of spellings.
2. A hit counts only as a whole word, and only if every uppercase letter of the spelling is
   uppercase in the text ("Noor" the name, never "noor"; all-caps text still matches).
3. Longest match wins: overlapping hits are settled longest first, so "Ahmad Shah Massoud" is one
   mention of the father and never also a "Massoud".
4. A shared spelling (a surname of father and son, of unrelated people) goes to one entity by
   the article's context; see `_resolve`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import ahocorasick

from corpus import Entity, Gazetteer, PartialDate
from index.analysis import fold, is_word_char
from index.records import FIELDS, Mention

__all__ = ["EntityMatcher", "Mention"]

_PARENT_CUE = re.compile(r"(?:son|daughter|sons|children|heir)\s+of\s+(?:the\s+late\s+)?$")
_CHILD_CUE = re.compile(r"(?:father|mother|parent)\s+of\s+$")


@dataclass(frozen=True, slots=True)
class _Spelling:
    original: str
    uppercase_at: tuple[int, ...]
    entities: tuple[Entity, ...]
    shared: bool


@dataclass(slots=True)
class _Hit:
    field: str
    start: int
    end: int
    spelling: _Spelling

    @property
    def order(self) -> tuple[int, int]:
        # Titles come before the body in reading order.
        return (FIELDS.index(self.field), self.start)


class EntityMatcher:
    """Finds mentions of a gazetteer's entities in articles."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer
        spellings: dict[str, list[_Spelling]] = {}
        shared_holders: dict[str, list[Entity]] = {}
        for entity in gazetteer.entities:
            for spelling in entity.shared_aliases:
                shared_holders.setdefault(fold(spelling), []).append(entity)
        for entity in gazetteer.entities:
            for spelling in entity.spellings:
                self._add(spellings, spelling, (entity,), shared=False)
        for key, holders in shared_holders.items():
            originals = {s for e in holders for s in e.shared_aliases if fold(s) == key}
            for original in sorted(originals):
                self._add(spellings, original, tuple(holders), shared=len(holders) > 1)
        automaton = ahocorasick.Automaton()
        for key, options in spellings.items():
            automaton.add_word(key, (len(key), tuple(options)))
        automaton.make_automaton()
        self._automaton = automaton

    @staticmethod
    def _add(
        table: dict[str, list[_Spelling]], original: str, entities: tuple[Entity, ...], shared: bool
    ) -> None:
        key = fold(original)
        if not key.strip():
            return
        upper = tuple(i for i, c in enumerate(original) if c.isupper())
        table.setdefault(key, []).append(_Spelling(original, upper, entities, shared))

    def find(self, title: str, body: str, published: PartialDate | None = None) -> list[Mention]:
        """Every mention in an article's title and body, in reading order."""
        hits: list[_Hit] = []
        for field, text in (("title", title), ("body", body)):
            hits.extend(self._scan(field, text))
        chosen = _longest_first(hits)
        mentions = _resolve(chosen, published, {"title": title, "body": body})
        mentions.sort(key=lambda m: (FIELDS.index(m.field), m.start))
        return mentions

    def _scan(self, field: str, text: str) -> list[_Hit]:
        if not text:
            return []
        folded = fold(text)
        size = len(text)
        hits = []
        for end_index, (length, options) in self._automaton.iter(folded):
            start, end = end_index - length + 1, end_index + 1
            if start > 0 and is_word_char(folded[start - 1]):
                continue
            if end < size and is_word_char(folded[end]):
                continue
            for spelling in options:
                if all(text[start + i].isupper() for i in spelling.uppercase_at):
                    hits.append(_Hit(field, start, end, spelling))
                    break
        return hits


def _longest_first(hits: list[_Hit]) -> list[_Hit]:
    """Keep non-overlapping hits, longest first; a shorter hit of the same entity that sticks
    out of a kept one ("Gov. Atta" around "Atta Mohammad Noor") widens it instead."""
    kept: list[_Hit] = []
    hits = sorted(hits, key=lambda h: (-(h.end - h.start), h.order))
    for hit in hits:
        overlapping = [
            k for k in kept if k.field == hit.field and k.start < hit.end and hit.start < k.end
        ]
        if not overlapping:
            kept.append(hit)
            continue
        if (
            len(overlapping) == 1
            and not hit.spelling.shared
            and not overlapping[0].spelling.shared
            and hit.spelling.entities == overlapping[0].spelling.entities
        ):
            other = overlapping[0]
            other.start, other.end = min(other.start, hit.start), max(other.end, hit.end)
    return kept


def _resolve(
    hits: Sequence[_Hit], published: PartialDate | None, texts: dict[str, str]
) -> list[Mention]:
    """Give each hit one entity. A shared spelling goes, in this order of evidence, to:
    1. the parent (or child) named by a cue such as "son of" right after a mention of the child;
    2. the only candidate the article also names by an unshared spelling;
    3. among several such, the one that could act at the publication date, then the one whose
       unshared mention comes nearest before (or else after) this one;
    4. with no such mention, the first candidate that could act at the date, in gazetteer order.
    """
    hits = sorted(hits, key=lambda h: h.order)
    full: dict[str, list[tuple[int, int]]] = {}
    for hit in hits:
        if not hit.spelling.shared:
            full.setdefault(hit.spelling.entities[0].id, []).append(hit.order)
    year = published.year if published else None
    mentions: list[Mention] = []
    previous_person: Entity | None = None
    for hit in hits:
        if hit.spelling.shared:
            entity = _choose(hit, full, year, previous_person, texts[hit.field])
        else:
            entity = hit.spelling.entities[0]
        mentions.append(
            Mention(entity.id, hit.field, hit.start, hit.end, texts[hit.field][hit.start : hit.end])
        )
        if entity.type == "person":
            previous_person = entity
    return mentions


def _choose(
    hit: _Hit,
    full: dict[str, list[tuple[int, int]]],
    year: int | None,
    previous_person: Entity | None,
    text: str,
) -> Entity:
    candidates = list(hit.spelling.entities)
    before = fold(text[max(0, hit.start - 40) : hit.start])
    if previous_person is not None:
        if _PARENT_CUE.search(before):
            parents = set(previous_person.relations.get("son_of", ()))
            for candidate in candidates:
                if candidate.id in parents or previous_person.id in candidate.relations.get(
                    "father_of", ()
                ):
                    return candidate
        if _CHILD_CUE.search(before):
            for candidate in candidates:
                if previous_person.id in candidate.relations.get("son_of", ()):
                    return candidate

    def could_act(group: list[Entity]) -> list[Entity]:
        if year is None:
            return group
        return [c for c in group if c.active_in(year)] or group

    named = [c for c in candidates if c.id in full]
    if len(named) == 1:
        return named[0]
    if not named:
        return could_act(candidates)[0]
    narrowed = could_act(named)
    if len(narrowed) == 1:
        return narrowed[0]
    here = hit.order
    preceding = [
        (max(p for p in full[c.id] if p < here), c) for c in narrowed if min(full[c.id]) < here
    ]
    if preceding:
        return max(preceding, key=lambda pair: pair[0])[1]
    return min(narrowed, key=lambda c: min(full[c.id]))
