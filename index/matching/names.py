"""Names inside names, bare names that refer to a full name, and namesakes.

1. A one-word hit with a capitalised word beside it that is neither a title ("Ambassador",
   "Mullah"), a word that begins sentences ("The"), nor itself a spelling of the gazetteer is part
   of another name: "Riffat Masood", "Tariq Shah Bahrami", "Alma-Ata", "Mojahedin-e-Khalq" (for a
   group, only the word before or a hyphen counts: "Taliban Ministry" is the Taliban's). So is a
   person's name followed by a place word ("... Airport", "... University"): it names a place.
   Only in text written in sentences: a headline in Title Case capitalises every word.
2. A given name or surname alone ("Mujahid", "Khan", "Zabihullah") is a mention of the person the
   same article names in full before it (or in its title), unless rule 1 makes it part of another
   name there; a token that is part of two people's names in the article links to neither.
3. A namesake (a person) found by rule 1 keeps the later bare uses of its surname ("Ambassador Masood said")
   until the article names the actor in full again.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from corpus import Entity
from index.analysis import fold, is_word_char
from index.matching.context import (
    AFTER_NAME,
    FUNCTION_WORDS,
    PLACE_WORDS,
    PREFIXES,
    TITLES,
    FieldShape,
    word_after,
    word_before,
    word_set,
)
from index.matching.reasons import Reason
from index.matching.spellings import Hit, Spelling, within_one
from index.records import FIELDS

__all__ = ["drop_namesakes", "guard", "references"]

# Parts of names too common to point to one person on their own.
_COMMON_PARTS = word_set(
    """
    mohammad muhammad mohammed mohamed mohammd ahmad ahmed abdul abd al el bin ibn ul ur haji
    mullah mawlawi sayed syed shah mir gul khan jan din uddin ullah zia ali hassan hasan hussain
    """
) - {"khan"}
_TOKEN = re.compile(r"[^\W\d_][\w'’]*")


def _is_name_word(word: str, joiner: str) -> bool:
    """Could this neighbouring word be part of a longer name?"""
    if not word or not word[0].isupper():
        return False
    bare = word.rstrip(".").lower()
    if joiner == "-":
        return bare not in PREFIXES
    if bare in TITLES or bare in FUNCTION_WORDS:
        return False
    # A full stop after a word that is not an abbreviated title ends a sentence ("Tuesday.").
    return not word.endswith(".")


def _covered(spans: Sequence[tuple[int, int, bool]], start: int, end: int, joiner: str) -> bool:
    """Is the neighbour a spelling of its own? Across a hyphen any spelling will do ("Dostum-Atta"
    pairs two actors); across a space only one that stands on its own: a name of several words,
    a place or group, or a person's own one-word alias; never a shared surname or a bare
    reference, which could be the two halves of one unknown name ("Masood Khan")."""
    return any(s < end and start < e and (joiner == "-" or firm) for s, e, firm in spans)


def _firm(hit: Hit) -> bool:
    spelling = hit.spelling
    return (
        spelling.words > 1
        or spelling.entities[0].type != "person"
        or (not spelling.shared and spelling.kind != "reference")
    )


_NAME_WORDS: dict[str, frozenset[str]] = {}
# The particles that join the words of a Persian or Arabic name: Hezb-e-Islami, Zia-ul-Haq.
_PARTICLES = word_set("e i ul ud ur al el o y")
_NEXT_WORD = re.compile(r"\s+([A-Z][\w'’]*)")


def _place_named_after(text: str, end: int) -> int | None:
    """Where the place ends, when one of the (up to three) capitalised words after a person's
    name is a place word ("Hamid Karzai International Airport"); None otherwise."""
    position = end
    for _ in range(3):
        match = _NEXT_WORD.match(text, position)
        if match is None:
            return None
        if match.group(1).lower() in PLACE_WORDS:
            return match.end()
        position = match.end()
    return None


def _own_name_word(entity: Entity, word: str) -> bool:
    """Is the word one of the entity's own name words, or one letter away from one (a misspelt
    given name: "Vladmir Putin", "Barak Obama")?"""
    words = _NAME_WORDS.get(entity.id)
    if words is None:
        tokens = {fold(t) for s in (*entity.spellings, *entity.shared_aliases) for t in s.split()}
        words = _NAME_WORDS[entity.id] = frozenset(t for t in tokens if len(t) >= 4)
    key = fold(word)
    return key in words or (len(key) >= 4 and any(within_one(key, w) for w in words))


def guard(
    hits: list[Hit], texts: dict[str, str], shapes: dict[str, FieldShape]
) -> tuple[list[Hit], list[Hit]]:
    """Split hits into those kept and those that are part of another name or of a place name."""
    spans: dict[str, list[tuple[int, int, bool]]] = {}
    for hit in hits:
        spans.setdefault(hit.field, []).append((hit.start, hit.end, _firm(hit)))
    kept, excluded = [], []
    for hit in hits:
        entity = hit.spelling.entities[0]
        text, field_spans = texts[hit.field], spans.get(hit.field, [])
        # A place word after a name holds in a headline too.
        place = _place_named_after(text, hit.end) if entity.type == "person" else None
        if place is not None:
            hit.reasons.append(Reason("excluded-place", repr(text[hit.start : place])))
            excluded.append(hit)
            continue
        if entity.type == "place" or not hit.one_word or not shapes[hit.field].sentence_case:
            kept.append(hit)
            continue
        after, after_join = word_after(text, hit.end)
        before, before_join = word_before(text, hit.start)
        before_start = hit.start - len(before_join) - len(before)
        if before_join == "-" and before.lower() in _PARTICLES:
            # "Mojahedin-e-Khalq": look past the connecting particle.
            word, joiner = word_before(text, before_start)
            if word and word[0].isupper():
                before, before_start = (
                    f"{word}{joiner}{before}",
                    before_start - len(joiner) - len(word),
                )
        after_start = hit.end + len(after_join)
        longer = None
        if (
            _is_name_word(before, before_join)
            and not _covered(field_spans, before_start, hit.start - len(before_join), before_join)
            and not _own_name_word(entity, before)
        ):
            longer = text[before_start : hit.end]
        elif (
            (entity.type == "person" or after_join == "-")
            and after.lower() not in AFTER_NAME
            and _is_name_word(after, after_join)
            and not _covered(field_spans, after_start, after_start + len(after), after_join)
        ):
            longer = text[hit.start : after_start + len(after)]
        if longer is None:
            kept.append(hit)
        else:
            hit.reasons.append(Reason("excluded-name", repr(longer)))
            excluded.append(hit)
    return kept, excluded


def references(
    hits: list[Hit],
    texts: dict[str, str],
    folded_texts: dict[str, str],
    shapes: dict[str, FieldShape],
) -> list[Hit]:
    """New hits for the bare given names and surnames of people the article names in full."""
    first_full: dict[str, tuple[tuple[int, int], Hit]] = {}
    for hit in hits:
        spelling = hit.spelling
        if spelling.shared or spelling.words < 2 or spelling.entities[0].type != "person":
            continue
        known = first_full.get(spelling.entities[0].id)
        if known is None or hit.order < known[0]:
            first_full[spelling.entities[0].id] = (hit.order, hit)
    owners: dict[str, set[str]] = {}
    for entity_id, (_, hit) in first_full.items():
        written = texts[hit.field][hit.start : hit.end]
        for token in _TOKEN.findall(written):
            key = fold(token)
            if (
                len(key) >= 3
                and token[0].isupper()
                and key not in _COMMON_PARTS
                and key not in TITLES
                and key not in FUNCTION_WORDS
            ):
                owners.setdefault(key, set()).add(entity_id)
    tokens = {key: next(iter(ids)) for key, ids in owners.items() if len(ids) == 1}
    if not tokens:
        return []
    made: list[Hit] = []
    for field, text in texts.items():
        if not text:
            continue
        folded = folded_texts[field]
        check_case = not shapes[field].lower_case
        for key, entity_id in tokens.items():
            order, full = first_full[entity_id]
            start = folded.find(key)
            while start >= 0:
                end = start + len(key)
                whole = (start == 0 or not is_word_char(folded[start - 1])) and (
                    end == len(folded) or not is_word_char(folded[end])
                )
                # Only after the full name (a title comes first), and capitalised as a name is.
                if (
                    whole
                    and (FIELDS.index(field), start) > order
                    and (not check_case or text[start].isupper())
                ):
                    made.append(_reference(field, start, end, text, full, texts))
                start = folded.find(key, end)
    return made


def _reference(
    field: str, start: int, end: int, text: str, full: Hit, texts: dict[str, str]
) -> Hit:
    entity = full.spelling.entities[0]
    spelling = Spelling(text[start:end], (0,), (entity,), False, "reference")
    written = texts[full.field][full.start : full.end]
    reason = Reason("reference", f"{written!r} ({full.field}, character {full.start})")
    return Hit(field, start, end, spelling, [reason])


def drop_namesakes(hits: list[Hit], excluded: list[Hit]) -> tuple[list[Hit], list[Hit]]:
    """Leave out the bare uses of a surname that follow its namesake, until the actor is named
    in full again."""
    namesakes = [
        h
        for h in excluded
        if h.reasons[-1].code == "excluded-name" and h.spelling.entities[0].type == "person"
    ]
    if not namesakes:
        return hits, excluded
    by_key: dict[str, list[Hit]] = {}
    for namesake in namesakes:
        by_key.setdefault(fold(namesake.spelling.original), []).append(namesake)
    entities_of_key = {
        key: {e.id for h in group for e in h.spelling.entities} for key, group in by_key.items()
    }
    kept, dropped = [], list(excluded)
    last_full: dict[str, tuple[int, int]] = {}
    for hit in sorted(hits, key=lambda h: h.order):
        entity = hit.spelling.entities[0]
        if hit.spelling.words >= 2 and not hit.spelling.shared:
            last_full[entity.id] = hit.order
        key = fold(hit.spelling.original)
        group = by_key.get(key)
        ids = {e.id for e in hit.spelling.entities}
        if not hit.one_word or group is None or not ids & entities_of_key[key]:
            kept.append(hit)
            continue
        before = [n for n in group if n.order < hit.order]
        if not before:
            kept.append(hit)
            continue
        namesake = before[-1]
        if any(last_full.get(e, (-1, -1)) > namesake.order for e in ids):
            kept.append(hit)
            continue
        longer = namesake.reasons[-1].detail
        hit.reasons.append(Reason("excluded-namesake", f"{longer} (character {namesake.start})"))
        dropped.append(hit)
    return kept, dropped
