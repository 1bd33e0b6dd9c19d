"""Every spelling the matcher looks for: the gazetteer's own, the transliteration variants made from
them, and a guarded lookup of one-letter typos.

Variants follow the regular alternations of romanised Dari, Pashto and Arabic names (a list the
gazetteer header documents): ou/u, oo/u, o/u, e/i, a doubled or single consonant, -ullah/-ulla/
-ollah, and an initial q/k. One alternation is applied at a time to each spelling; a variant is
dropped when it is another entity's spelling, and a one-word variant must be long (seven letters
or more), so that no short word ("Nur", "Nor") is ever made.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from corpus import Entity, Gazetteer
from index.analysis import fold
from index.matching.reasons import Reason
from index.records import FIELDS

__all__ = ["Hit", "Spelling", "SpellingTable", "TypoIndex", "variants", "within_one"]

# (pattern, replacement): each applies at one place at a time. Lower case: names are folded first.
# A replacement is a function of the match (faster than a template, which is parsed each time).
_Replace = Callable[[re.Match[str]], str]


def _text(replacement: str) -> _Replace:
    return lambda _match: replacement


def _group(times: int) -> _Replace:
    return lambda match: match.group(1) * times


_BETWEEN = r"(?<=[^aeiou ]){}(?=[^aeiou ])"  # a vowel between consonants
_ALTERNATIONS: tuple[tuple[re.Pattern[str], _Replace], ...] = tuple(
    (re.compile(p), r)
    for p, r in (
        (r"ou", _text("u")),
        (_BETWEEN.format("u"), _text("ou")),
        (r"oo", _text("u")),
        (_BETWEEN.format("u"), _text("oo")),
        (_BETWEEN.format("o"), _text("u")),
        (_BETWEEN.format("u"), _text("o")),
        (_BETWEEN.format("e"), _text("i")),
        (_BETWEEN.format("i"), _text("e")),
        (r"([bcdfgjklmnpqrstvz])\1", _group(1)),
        (r"(?<=[aeiou])([bdfgklmnprstz])(?=[aeiou])", _group(2)),
        (r"ullah\b", _text("ulla")),
        (r"ullah\b", _text("ollah")),
        (r"ollah\b", _text("ullah")),
        (r"\bq(?=[aeio])", _text("k")),
    )
)
MIN_VARIANT_WORD = 7  # a one-word variant shorter than this could be an ordinary word
MIN_TYPO_WORD = 7  # the spelling a typo is taken from has at least this many letters
_TYPO_PREFIX = 3  # typos are looked for after the first letters only, which must be right


@dataclass(frozen=True, slots=True)
class Spelling:
    """One key of the automaton: the spelling as the gazetteer writes it (or as generated), the
    offsets of its capitals, the entities it may mean, and where it came from."""

    original: str
    uppercase_at: tuple[int, ...]
    entities: tuple[Entity, ...]
    shared: bool
    kind: str = "alias"  # name | alias | variant | typo | reference | context
    source: str = ""  # for a variant or a typo: the gazetteer spelling it was made from
    words: int = 0  # how many words the spelling has (set from `original`)

    def __post_init__(self) -> None:
        object.__setattr__(self, "words", len(self.original.split()))


def _one_step(key: str) -> Iterator[str]:
    for pattern, replace in _ALTERNATIONS:
        for match in pattern.finditer(key):
            start, end = match.span()
            yield key[:start] + replace(match) + key[end:]


def variants(key: str) -> set[str]:
    """The folded spellings one alternation away from a folded spelling. (Two alternations
    would make three times as many keys, and so a slower start of every build, for no mention
    more in the gold standard.)"""
    found = set(_one_step(key)) - {key}
    if " " not in key:
        found = {v for v in found if len(v) >= MIN_VARIANT_WORD}
    return found


def _recase(original: str, variant: str) -> str:
    """The variant written with the capitals of the original at the start of each word."""
    words = variant.split(" ")
    upper = [w[:1].isupper() for w in original.replace("-", " ").split(" ")]
    return " ".join(
        w[:1].upper() + w[1:] if i < len(upper) and upper[i] else w for i, w in enumerate(words)
    )


class SpellingTable:
    """The folded key -> spellings table of a gazetteer, with generated variants."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.table: dict[str, list[Spelling]] = {}
        shared_holders: dict[str, list[Entity]] = {}
        for entity in gazetteer.entities:
            for spelling in entity.shared_aliases:
                shared_holders.setdefault(fold(spelling), []).append(entity)
        for entity in gazetteer.entities:
            for i, spelling in enumerate(entity.spellings):
                self.add(spelling, (entity,), False, "name" if i == 0 else "alias")
        for key, holders in shared_holders.items():
            originals = {s for e in holders for s in e.shared_aliases if fold(s) == key}
            for original in sorted(originals):
                self.add(original, tuple(holders), len(holders) > 1, "alias")
        self._add_variants()

    def add(
        self,
        original: str,
        entities: tuple[Entity, ...],
        shared: bool,
        kind: str,
        source: str = "",
        key: str | None = None,
    ) -> None:
        """Add one spelling under its folded key (`key` when the caller has folded it)."""
        key = fold(original) if key is None else key
        if not key.strip():
            return
        upper = tuple(i for i, c in enumerate(original) if c.isupper())
        self.table.setdefault(key, []).append(
            Spelling(original, upper, entities, shared, kind, source)
        )

    def _add_variants(self) -> None:
        known = set(self.table)
        made: dict[str, list[Spelling]] = {}
        for key, options in list(self.table.items()):
            # Only names of people and groups vary this way; a place's spellings are listed.
            varying = [
                o for o in options if o.entities[0].type != "place" and o.original[:1].isupper()
            ]
            if not varying:
                continue
            for variant in variants(key):
                if variant not in known:
                    made.setdefault(variant, []).extend(varying)
        for variant, sources in made.items():
            # A variant that two different spellings produce would guess between them: skip it.
            if len({tuple(e.id for e in s.entities) for s in sources}) != 1:
                continue
            option = sources[0]
            self.add(
                _recase(option.original, variant),
                option.entities,
                option.shared,
                "variant",
                source=option.original,
                key=variant,
            )

    def single_words(self) -> Iterator[tuple[str, Spelling]]:
        """The one-word keys of people and groups, with their first spelling."""
        for key, options in self.table.items():
            option = options[0]
            if " " not in key and option.kind != "variant" and option.entities[0].type != "place":
                yield key, option


class TypoIndex:
    """One-letter typos (a letter missing, added, changed, or two swapped) of long one-word names.

    Guards: the name has at least MIN_TYPO_WORD letters, its first letters are right, the word in
    the text is capitalised and is not itself a spelling; names of two entities within one letter
    of the word rule it out (a guess between them would be arbitrary).
    """

    def __init__(self, table: SpellingTable) -> None:
        self._deletes: dict[str, set[str]] = {}
        self._keys: dict[str, Spelling] = {}
        for key, option in table.single_words():
            if len(key) < MIN_TYPO_WORD or not option.original[:1].isupper():
                continue
            self._keys[key] = option
            for deleted in self._deleted(key):
                self._deletes.setdefault(deleted, set()).add(key)
        self.prefixes = frozenset(k[:_TYPO_PREFIX] for k in self._keys)
        self.known = frozenset(table.table)
        self.entity_ids = frozenset(o.entities[0].id for o in self._keys.values())

    @staticmethod
    def _deleted(word: str) -> set[str]:
        return {word[:i] + word[i + 1 :] for i in range(_TYPO_PREFIX, len(word))}

    def lookup(self, word: str) -> Spelling | None:
        """The spelling the (folded, lower-case) word is a typo of, or None."""
        if len(word) < MIN_TYPO_WORD - 1 or word[:_TYPO_PREFIX] not in self.prefixes:
            return None
        if word in self.known:
            return None
        candidates: set[str] = set(self._deletes.get(word, ()))  # a letter missing
        own_deletes = self._deleted(word)
        candidates |= {d for d in own_deletes if d in self._keys}  # a letter added
        for d in own_deletes:  # a letter changed, or two swapped
            for key in self._deletes.get(d, ()):
                if len(key) == len(word) and _one_change_or_swap(key, word):
                    candidates.add(key)
        candidates = {c for c in candidates if _inside_edit(c, word)}
        meanings = {tuple(e.id for e in self._keys[c].entities) for c in candidates}
        if len(meanings) != 1:
            return None  # nothing within one letter, or two entities: no guess
        return self._keys[min(candidates)]


def _inside_edit(name: str, word: str) -> bool:
    """A typo inside the name, not at its end (an added or dropped ending makes a name of its own:
    Bahram/Bahrami, Khalil/Khalili), and not a doubled or single letter (a transliteration
    variant, which `variants` decides: Masoud/Massoud)."""
    if name[-1] != word[-1] or name[-2:] != word[-2:]:
        return False
    if len(name) != len(word):
        short, long = (name, word) if len(name) < len(word) else (word, name)
        i = next(
            (i for i, (x, y) in enumerate(zip(short, long, strict=False)) if x != y), len(short)
        )
        if long[i] in (long[i - 1 : i] + long[i + 1 : i + 2]):
            return False
    return True


def _one_change_or_swap(a: str, b: str) -> bool:
    diffs = [i for i, (x, y) in enumerate(itertools.zip_longest(a, b)) if x != y]
    if len(diffs) == 1:
        return True
    return (
        len(diffs) == 2
        and diffs[1] == diffs[0] + 1
        and a[diffs[0]] == b[diffs[1]]
        and a[diffs[1]] == b[diffs[0]]
    )


@dataclass(slots=True)
class Hit:
    """A spelling found at one place of one field, the reasons it was kept, and (once resolved)
    the entity it means."""

    field: str
    start: int
    end: int
    spelling: Spelling
    reasons: list[Reason]
    entity: Entity | None = None
    # Reading order: titles come before the body. Kept as a value (sorting asks for it often);
    # `move` keeps it up to date.
    order: tuple[int, int] = (0, 0)

    def __post_init__(self) -> None:
        self.order = (0 if self.field == FIELDS[0] else 1, self.start)

    def move(self, start: int, end: int) -> None:
        """Widen or move the hit to new offsets."""
        self.start, self.end = start, end
        self.order = (self.order[0], start)

    @property
    def one_word(self) -> bool:
        """A single word ("Bahrami", "Taliban"): the hits that may be part of another name."""
        return self.spelling.words == 1


def within_one(a: str, b: str) -> bool:
    """Are two words one letter apart (missing, added, changed, or two swapped)?"""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return _one_change_or_swap(a, b)
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))
