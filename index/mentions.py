"""Find every mention of every gazetteer entity in an article, with character offsets.

Matching (`EntityMatcher.find`):
1. One Aho-Corasick automaton holds every spelling, folded by `analysis.fold` (case, accents,
   apostrophes, hyphen/space), with the transliteration variants made from them
   (`matching.spellings`), so the text is scanned once whatever the number of spellings. A
   capitalised word one letter away from a long name is taken as its typo (guarded), and "IS" as
   the Islamic State where the words around it say it is the group ("the IS", "IS fighters").
2. A hit counts only as a whole word, and only if every uppercase letter of the spelling is
   uppercase in the text ("Noor" the name, never "noor"; all-caps text still matches, and so does
   wire copy written all in lower case).
3. Longest match wins: overlapping hits are settled longest first, so "Ahmad Shah Massoud" is one
   mention of the father and never also a "Massoud".
4. A one-word hit that is part of another name, or of a place's name, is left out; a bare given
   name or surname refers to the person the article names in full; a namesake keeps the later bare
   uses of its surname (`matching.names`).
5. A shared spelling goes to one entity by the article's context, and a generic name only to the
   country it belongs to (`matching.resolve`).
Each step records its `Reason`; `trace` returns them and `index.explain` says them in words.
"""

from __future__ import annotations

import re

import ahocorasick

from corpus import Gazetteer, PartialDate, alias_key
from index.analysis import fold, is_word_char
from index.matching.context import FieldShape
from index.matching.names import drop_namesakes, guard, references
from index.matching.reasons import Reason
from index.matching.resolve import resolve
from index.matching.spellings import Hit, Spelling, SpellingTable, TypoIndex
from index.records import Mention

__all__ = ["EntityMatcher", "Mention", "base_reason", "curated"]

_LONG_CAPITALISED = re.compile(r"\b[A-Z][a-z]{5,}\b")
_IS = re.compile(r"(?<![\w.-])IS(?![\w.])")
_IS_BEFORE = re.compile(r"\bthe\s+$", re.IGNORECASE)
_IS_AFTER = re.compile(
    r"^(?:\s+(?:fighters?|militants?|leaders?|group|commanders?|members?|jihadists?|cells?|"
    r"affiliates?|branch|chief|emir|attacks?|bombers?|claimed|supporters?|recruits?)\b|-(?:linked|"
    r"affiliated|inspired|held|controlled|claimed)\b)"
)


class EntityMatcher:
    """Finds mentions of a gazetteer's entities in articles."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer
        table = SpellingTable(gazetteer)
        automaton = ahocorasick.Automaton()
        for key, options in table.table.items():
            automaton.add_word(key, (len(key), tuple(options)))
        automaton.make_automaton()
        self._automaton = automaton
        self._typos = TypoIndex(table)
        group = gazetteer.by_id.get("islamic-state")
        self._is_group = Spelling("IS", (0, 1), (group,), False, "context") if group else None

    def find(self, title: str, body: str, published: PartialDate | None = None) -> list[Mention]:
        """Every mention in an article's title and body, in reading order."""
        kept, _ = self.trace(title, body, published)
        return [_mention(hit, {"title": title, "body": body}) for hit in kept]

    def trace(
        self, title: str, body: str, published: PartialDate | None = None
    ) -> tuple[list[Hit], list[Hit]]:
        """The hits linked (in reading order) and those left out, each with its reasons."""
        texts = {"title": title, "body": body}
        shapes = {field: FieldShape(text) for field, text in texts.items()}
        folded = {field: fold(text) for field, text in texts.items()}
        hits: list[Hit] = []
        for field, text in texts.items():
            hits.extend(self._scan(field, text, folded[field], shapes[field]))
        hits.extend(self._typos_of_found(hits, texts, folded))
        chosen = _longest_first(hits)
        found = references(chosen, texts, folded, shapes)
        refs = [r for r in found if not _overlaps(r, chosen)]
        kept, excluded = guard(chosen + refs, texts, shapes)
        kept, excluded = drop_namesakes(kept, excluded)
        kept, left_out = resolve(kept, published, texts)
        kept.sort(key=lambda h: h.order)
        return kept, sorted(excluded + left_out, key=lambda h: h.order)

    def _typos_of_found(
        self, hits: list[Hit], texts: dict[str, str], folded: dict[str, str]
    ) -> list[Hit]:
        """Typos of the long names the article also spells right: a misspelt name of an actor
        the article is not otherwise about is more likely another name."""
        found = {e.id for h in hits for e in h.spelling.entities} & self._typos.entity_ids
        if not found:
            return []
        starts = {(h.field, h.start) for h in hits}
        made = []
        for field, text in texts.items():
            for match in _LONG_CAPITALISED.finditer(text):
                start, end = match.span()
                if (field, start) in starts:
                    continue  # the word is a spelling of its own
                typo_of = self._typos.lookup(folded[field][start:end])
                if typo_of is not None and typo_of.entities[0].id in found:
                    spelling = _typo_spelling(typo_of, text[start:end])
                    made.append(Hit(field, start, end, spelling, []))
        return made

    def _scan(self, field: str, text: str, folded: str, shape: FieldShape) -> list[Hit]:
        if not text:
            return []
        size = len(text)
        hits = []
        for end_index, (length, options) in self._automaton.iter(folded):
            start, end = end_index - length + 1, end_index + 1
            if start > 0 and is_word_char(folded[start - 1]):
                continue
            if end < size and is_word_char(folded[end]):
                continue
            for spelling in options:
                if (
                    all(text[start + i].isupper() for i in spelling.uppercase_at)
                    or shape.lower_case
                ):
                    hits.append(Hit(field, start, end, spelling, []))
                    break
        if self._is_group is not None and "IS" in text:
            for match in _IS.finditer(text):
                start, end = match.span()
                if not shape.sentence_case:
                    break
                if _IS_BEFORE.search(text[max(0, start - 8) : start]) or _IS_AFTER.match(
                    text[end : end + 16]
                ):
                    words = text[max(0, start - 4) : end + 10].split()
                    reason = Reason("context", f"'IS' in {' '.join(words)!r}")
                    hits.append(Hit(field, start, end, self._is_group, [reason]))
        return hits


def _typo_spelling(found: Spelling, written: str) -> Spelling:
    return Spelling(written, (0,), found.entities, found.shared, "typo", found.original)


def base_reason(spelling: Spelling) -> Reason:
    """The first reason of every hit: the spelling that matched and where it comes from."""
    if spelling.kind == "variant":
        detail = f"{spelling.original!r}, a transliteration variant of {spelling.source!r}"
        return Reason("variant", detail)
    if spelling.kind == "typo":
        return Reason("typo", repr(spelling.source))
    if spelling.shared:
        return Reason("shared", repr(spelling.original))
    return Reason(spelling.kind, repr(spelling.original))


def _mention(hit: Hit, texts: dict[str, str]) -> Mention:
    entity = hit.entity or hit.spelling.entities[0]
    return Mention(entity.id, hit.field, hit.start, hit.end, texts[hit.field][hit.start : hit.end])


def _overlaps(hit: Hit, others: list[Hit]) -> bool:
    return any(o.field == hit.field and o.start < hit.end and hit.start < o.end for o in others)


def _longest_first(hits: list[Hit]) -> list[Hit]:
    """Keep non-overlapping hits, longest first; a shorter hit of the same entity that sticks
    out of a kept one ("Gov. Atta" around "Atta Mohammad Noor") widens it instead."""
    kept: list[Hit] = []
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
            other.move(min(other.start, hit.start), max(other.end, hit.end))
    return kept


def curated(gazetteer: Gazetteer, article_id: str, mentions: list[Mention]) -> list[Mention]:
    """The mentions as a person curated them (`corpus.layers`): those rejected here left out,
    those reassigned given their new actor, and none of an actor under a spelling that never
    means it."""
    if not gazetteer.overrides and not gazetteer.never:
        return mentions
    kept = []
    for mention in mentions:
        key = (article_id, mention.field, mention.start, mention.end)
        actor, to = gazetteer.overrides.get(key, (None, None))
        if actor == mention.entity_id:
            if to is None:
                continue
            mention = Mention(to, mention.field, mention.start, mention.end, mention.text)
        never = gazetteer.never.get(mention.entity_id)
        if never and alias_key(mention.text) in never:
            continue
        kept.append(mention)
    return kept
