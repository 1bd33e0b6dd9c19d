"""Turn what a person types into a Whoosh query that knows every spelling of an actor.

The Whoosh query language as is (AND/OR/NOT, "phrases", "proximity"~N, wildcards, fuzzy~,
field:value, date ranges on `published:`), with the default operator AND, plus:
- a word or phrase that is a spelling of a gazetteer entity also matches that entity's mentions
  under any other spelling (`Salih` finds `Saleh`; `Mesud` finds `Massoud`);
- `actor:X` filters by entity, X an id or any spelling (quote spellings with spaces).
Errors come back as QueryError with a message for the person, never as a traceback.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from whoosh import query as wq
from whoosh.analysis import Analyzer
from whoosh.fields import Schema
from whoosh.qparser import AndGroup, FuzzyTermPlugin, MultifieldParser, PlusMinusPlugin

from corpus import Gazetteer, PartialDate
from index.analysis import body_analyzer
from index.pairs import PAIR_FIELDS

__all__ = ["SEARCH_FIELDS", "CompiledQuery", "QueryCompiler", "QueryError"]

SEARCH_FIELDS = ("title", "body", "source", "author", "published", "actor")
_FIELD_PREFIX = re.compile(r"(?:^|[\s(])([A-Za-z_]\w*):(?=\S)")
_DATE_VALUE = re.compile(r"(?:^|[\s(])published:([^\s\[{()]+)")
_DATE_RANGE = re.compile(r"(?:^|[\s(])published:[\[{]([^\]}]*)[\]}]")
# A field name with nothing after it: the end, a space, a closing parenthesis, "" or ().
_EMPTY_VALUE = re.compile(r"(?:^|[\s(])([A-Za-z_]\w*):(?=$|[\s)]|\"\"|\(\s*\))")
# A word's fuzzy distance as typed (`word~5`; not a phrase's slop, `"a b"~5`).
_FUZZY = re.compile(r"(?<=[^\s\"()])~(\d+)")
_ACTOR_VALUE = re.compile(r'(?:^|[\s(])actor:(?:"([^"]*)"|([^\s()^"]+))')
_TYPED_PART = re.compile(r'[^\s()"]*[*?~][^\s()"]*')
_BOOST_VALUE = re.compile(r"(?:\d+(?:\.\d*)?|\.\d+)(?=$|[\s)])")
_HOW_TO_WRITE = {
    "actor": 'actor:dostum or actor:"Ahmad Massoud"',
    "published": "published:2015, published:2015-06-29 or published:[2015 to 2016]",
}
# Whoosh's parser is quadratic in the length of a word (10,000 characters take a second) and
# its Levenshtein automaton grows exponentially with the distance: both are bounded here.
MAX_QUERY_LENGTH = 1_000
MAX_FUZZY_DISTANCE = 2


class QueryError(ValueError):
    """A query that cannot be run; the message says what is wrong for the person who typed it."""


@dataclass(frozen=True, slots=True)
class CompiledQuery:
    """A parsed query, and the entities whose mentions count as hits (for highlighting)."""

    text: str
    query: wq.Query
    entity_ids: frozenset[str] = field(default_factory=frozenset)
    filter_ids: frozenset[str] = field(default_factory=frozenset)
    # Each wildcard, prefix and fuzzy part as the person typed it (see `typed_part`).
    typed: dict[tuple[object, ...], str] = field(default_factory=dict)

    def typed_part(self, part: wq.MultiTerm) -> str:
        """A wildcard, prefix or fuzzy part of the query as typed (`Panj*`, `goverment~`),
        not as parsed (`panj`, stemmed `gover`)."""
        shown = self.typed.get(_part_key(part))
        if shown is not None:
            return shown
        if isinstance(part, wq.FuzzyTerm):
            return f"{part.text}~{part.maxdist}"
        if isinstance(part, wq.TermRange):
            return f"{part.fieldname}:[{part.start or ''} to {part.end or ''}]"
        return f"{part.text}*" if isinstance(part, wq.Prefix) else str(part.text)


class QueryCompiler:
    """Parses queries against one schema and gazetteer."""

    def __init__(self, schema: Schema, gazetteer: Gazetteer) -> None:
        self.schema = schema
        self.gazetteer = gazetteer
        parser = MultifieldParser(["title", "body"], schema, group=AndGroup)
        parser.add_plugin(FuzzyTermPlugin())
        # `-word` excludes, as in most search boxes; only at the start of a word, so that
        # `Mazar-e-Sharif` and `anti-Taliban` stay words. (`+` is not needed: AND is the default.)
        parser.add_plugin(
            PlusMinusPlugin(plusexpr=r"(?!)", minusexpr=r"(?:(?<=[\s(])|^)-(?=[\w\"(])")
        )
        self.parser = parser
        analyzer: Analyzer = body_analyzer()
        self._words: dict[tuple[str, ...], set[str]] = {}
        self._spellings: dict[str, list[tuple[str, ...]]] = {}
        for entity in gazetteer.entities:
            for spelling in (*entity.spellings, *entity.shared_aliases):
                words = tuple(t.text for t in analyzer(spelling))
                if words:
                    self._words.setdefault(words, set()).add(entity.id)
                    self._spellings.setdefault(entity.id, []).append(words)

    def compile(self, text: str) -> CompiledQuery:
        """Parse `text`; raises QueryError with a readable message."""
        if len(text) > MAX_QUERY_LENGTH:
            raise QueryError(
                f"the query is {len(text):,} characters long; the limit is {MAX_QUERY_LENGTH:,}"
            )
        _check_balance(text)
        _check_empty_values(text, [n for n in self.schema.names() if n not in PAIR_FIELDS.values()])
        _check_dates(text)
        _check_typed_fuzzy(text)
        _check_typed_boosts(text)
        for match in _FIELD_PREFIX.finditer(_quotes_masked(text)):
            name = match.group(1)
            # the word pairs are how phrases are found, not a field to search (`index/pairs.py`)
            if name not in self.schema.names() or name in PAIR_FIELDS.values():
                known = ", ".join(SEARCH_FIELDS)
                raise QueryError(f"unknown field '{name}:' (fields: {known})")
        try:
            parsed = self.parser.parse(text)
        except Exception as error:  # Whoosh raises bare Exceptions for bad field values
            raise QueryError(_describe(error)) from None
        _check_fuzzy(parsed)
        _check_values(parsed, self.schema)
        _check_boosts(parsed)
        matched: set[str] = set()
        filters: set[str] = set()
        try:
            compiled = self._expand(parsed, matched, filters)
        except UnknownActor as error:  # quoted as typed (Whoosh lowercases it)
            typed = _typed_actor(text, error.spelling)
            raise QueryError(_no_actor(typed)) from None
        if compiled is wq.NullQuery or isinstance(compiled, type(wq.NullQuery)):
            raise QueryError("nothing to search for: the query has only common words or operators")
        return CompiledQuery(
            text, compiled, frozenset(matched), frozenset(filters), _typed_parts(text, parsed)
        )

    def _expand(self, q: wq.Query, matched: set[str], filters: set[str]) -> wq.Query:
        if isinstance(q, wq.AndNot):
            # Whoosh 2.7's AndNot matcher lets through documents its negative side matches
            # when that side is a union; And + Not gives the right answer.
            positive = self._expand(q.a, matched, filters)
            return wq.And([positive, wq.Not(self._expand(q.b, set(), filters))])
        if isinstance(q, (wq.Term, wq.Phrase)) and q.fieldname == "actor":
            spelling = q.text if isinstance(q, wq.Term) else " ".join(q.words)
            ids = self.resolve_actor(spelling)
            filters.update(ids)
            return _any_actor(ids)
        if isinstance(q, wq.Term) and q.fieldname in ("title", "body"):
            ids = self._words.get((q.text,), set())
        elif isinstance(q, wq.Phrase) and q.fieldname in ("title", "body") and q.slop <= 1:
            ids = self._words.get(tuple(q.words), set())
        else:
            return q.apply(lambda child: self._expand(child, matched, filters))
        if not ids:
            return q
        matched.update(ids)
        words = (q.text,) if isinstance(q, wq.Term) else tuple(q.words)
        # An entity all of whose spellings contain these words is found by the words alone;
        # OR-ing its actor term would only double the work ("iran" on 30,000 articles).
        wider = {i for i in ids if not all(_contains(s, words) for s in self._spellings[i])}
        return wq.Or([q, _any_actor(wider)]) if wider else q

    def resolve_actor(self, spelling: str) -> set[str]:
        """Entity ids for an id or spelling; QueryError (UnknownActor) when none matches."""
        entities = self.gazetteer.lookup(spelling)
        if not entities:
            raise UnknownActor(spelling)
        return {e.id for e in entities}


class UnknownActor(QueryError):
    """No actor of the gazetteer has this id or spelling."""

    def __init__(self, spelling: str) -> None:
        super().__init__(_no_actor(spelling))
        self.spelling = spelling


def _no_actor(spelling: str) -> str:
    return (
        f"no actor called {spelling!r} in the gazetteer "
        '(use an id or a spelling, and quote names with spaces: actor:"Ahmad Massoud")'
    )


def _typed_actor(text: str, spelling: str) -> str:
    """`spelling` (as the parser gives it, lowercased) as typed after `actor:` in `text`."""
    for match in _ACTOR_VALUE.finditer(text):
        value = match.group(1) if match.group(1) is not None else match.group(2)
        if value.casefold() == spelling.casefold() or " ".join(value.split()).casefold() == (
            spelling.casefold()
        ):
            return value
    return spelling


def _contains(spelling: tuple[str, ...], words: tuple[str, ...]) -> bool:
    """Do `words` occur, in order and together, in `spelling`?"""
    size = len(words)
    return any(spelling[i : i + size] == words for i in range(len(spelling) - size + 1))


def _any_actor(ids: set[str]) -> wq.Query:
    terms = [wq.Term("actor", i) for i in sorted(ids)]
    return terms[0] if len(terms) == 1 else wq.Or(terms)


def _outside_quotes(text: str) -> str:
    return re.sub(r'"[^"]*"', lambda m: " " * len(m.group(0)), text)


def _quotes_masked(text: str) -> str:
    """`text` with what is inside quotes replaced (the quotes kept): `""` stays empty."""
    return re.sub(r'"[^"]*"', lambda m: '"' + "x" * (len(m.group(0)) - 2) + '"', text)


def _typed_token(text: str, at: int) -> str:
    """What the person typed around column `at` (the operator `^` or `~` there): the word,
    or the group or phrase it follows, to the next space."""
    start = max(text.rfind(" ", 0, at), text.rfind("(", 0, at)) + 1
    if at and text[at - 1] == '"':
        start = text.rfind('"', 0, at - 1)
    elif at and text[at - 1] == ")":
        depth = 0
        for start in range(at - 1, -1, -1):
            depth += {")": 1, "(": -1}.get(text[start], 0)
            if depth == 0:
                break
    end = len(text)
    for stop in (" ", ")"):
        found = text.find(stop, at)
        if found != -1:
            end = min(end, found)
    return text[start:end]


def _part_key(part: wq.Query) -> tuple[object, ...]:
    """What tells a wildcard, prefix or fuzzy part from another, whatever its field."""
    return (
        type(part).__name__,
        *(getattr(part, name, None) for name in ("text", "start", "end", "maxdist")),
    )


def _multiterms(q: wq.Query) -> list[wq.MultiTerm]:
    if isinstance(q, wq.MultiTerm):
        return [q]
    return [part for child in q.children() for part in _multiterms(child)]


def _typed_parts(text: str, parsed: wq.Query) -> dict[tuple[object, ...], str]:
    """Each wildcard, prefix and fuzzy part of the parsed query, as typed in `text`.

    The parser makes them in the order they were typed, one per field searched; the typed
    words are those with `*`, `?` or `~` outside quotes (not a phrase's `"..."~N`). When the
    two do not pair one to one (the same word twice, a bare `*`), none is paired."""
    masked = _quotes_masked(text)
    typed = [
        text[m.start() : m.end()]
        for m in _TYPED_PART.finditer(masked)
        if not m.group(0).startswith(("~", "^"))
    ]
    keys: list[tuple[object, ...]] = []
    for part in _multiterms(parsed):
        key = _part_key(part)
        if key not in keys:
            keys.append(key)
    return dict(zip(keys, typed, strict=True)) if len(keys) == len(typed) else {}


def _check_empty_values(text: str, fields: list[str]) -> None:
    """`title:` with nothing after it would be searched as the word "title"."""
    for match in _EMPTY_VALUE.finditer(_quotes_masked(text)):
        name = match.group(1)
        if name in fields:
            how = _HOW_TO_WRITE.get(
                name, f'{name}:word, {name}:"a phrase" or {name}:(one OR other)'
            )
            raise QueryError(f"{name}: has nothing to search for; write {how}")


def _check_typed_fuzzy(text: str) -> None:
    """A fuzzy distance over the limit, quoted as typed (Whoosh stems the word and reads one
    digit of the distance: `taliban~99` would be `taliban~9`)."""
    masked = _quotes_masked(text)
    for match in _FUZZY.finditer(masked):
        if int(match.group(1)) > MAX_FUZZY_DISTANCE:
            token = _typed_token(text, match.start())
            word = token.split("~", 1)[0]
            raise QueryError(
                f"{token}: a fuzzy distance over {MAX_FUZZY_DISTANCE} matches almost anything; "
                f"use {word}~ (1) or {word}~{MAX_FUZZY_DISTANCE}"
            )


def _check_typed_boosts(text: str) -> None:
    """Each `^` outside quotes is followed by a number above 0 (Whoosh drops `^-1` and reads
    `x^abc` as the word "abc")."""
    masked = _quotes_masked(text)
    for at, char in enumerate(masked):
        if char != "^":
            continue
        value = _BOOST_VALUE.match(masked, at + 1)
        if value is None or float(value.group(0)) <= 0:
            token = _typed_token(text, at)
            raise QueryError(
                f"{token}: a boost is a number above 0 after ^ (such as ^2, or ^0.5 to weigh "
                "a word less); use NOT to leave a word out"
            )


def _check_balance(text: str) -> None:
    if text.count('"') % 2:
        raise QueryError(
            f'unclosed quote: the " at column {text.rfind(chr(34)) + 1} has no partner'
        )
    depth = 0
    for column, char in enumerate(_outside_quotes(text), start=1):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            raise QueryError(f"unbalanced parentheses: ')' at column {column} closes nothing")
    if depth:
        raise QueryError("unbalanced parentheses: a '(' is never closed")


def _query_date(value: str) -> PartialDate:
    """A date as a query gives it: a year, a month or a day, no time (Whoosh would read the
    colons of a time as fields, and accept hours that do not exist)."""
    if ":" in value or "t" in value.lower():
        raise ValueError("a time of day")
    return PartialDate.parse(value)


def _check_dates(text: str) -> None:
    """Whoosh silently drops a `published:` value it cannot read; say so instead."""
    for match in _DATE_VALUE.finditer(_outside_quotes(text)):
        value = match.group(1)
        try:
            _query_date(value)
        except ValueError:
            raise QueryError(
                f"published:{value} is not a date; use 2015, 2015-06, 2015-06-29 "
                "or a range such as published:[2015 to 2016]"
            ) from None
    # Whoosh reads a bad end of a range as a crash deep in its date parser; say which end.
    for match in _DATE_RANGE.finditer(_outside_quotes(text)):
        inside = match.group(1)
        ends = re.split(r"\s+to\s+", f" {inside} ", flags=re.IGNORECASE)
        dates: list[PartialDate] = []
        for value in ends:
            if value.strip():
                try:
                    dates.append(_query_date(value.strip()))
                except ValueError:
                    raise QueryError(
                        f"{value.strip()!r} in published:[{inside}] is not a date; "
                        "use a range such as published:[2015 to 2016] or [2015-06 to 2015-07]"
                    ) from None
        if not dates:
            raise QueryError(
                f"published:[{inside}] has no dates; write a range such as "
                "published:[2015 to 2016], or leave one end open: published:[2015 to]"
            )
        if len(dates) == 2 and dates[0].sort_date > dates[1].sort_date:
            raise QueryError(
                f"published:[{inside}] ends before it starts; write the earlier date first"
            )


def _check_values(q: wq.Query, schema: Schema) -> None:
    """A value its field cannot hold (`published:""`) is a message, not a crash when searched."""
    for leaf in q.leaves():
        if isinstance(leaf, wq.Term) and leaf.fieldname in schema:
            try:
                schema[leaf.fieldname].to_bytes(leaf.text)
            except Exception:  # Whoosh raises bare Exceptions for bad field values
                if leaf.fieldname == "published":
                    raise QueryError(
                        f"published:{leaf.text!r} is not a date; use 2015, 2015-06, 2015-06-29 "
                        "or a range such as published:[2015 to 2016]"
                    ) from None
                raise QueryError(f"{leaf.fieldname}:{leaf.text!r} is not a valid value") from None


def _check_boosts(q: wq.Query) -> None:
    """A boost of 0 or less has no meaning in BM25F (Whoosh gives inconsistent counts)."""
    if q.boost <= 0:
        # A word is searched in title and body: one word under the boost, or a group.
        words = {str(getattr(leaf, "text", "")) for leaf in q.leaves()} or {""}
        shown = words.pop() if len(words) == 1 else "a group"
        raise QueryError(
            f"{shown}^{q.boost:g}: a boost must be above 0; use ^0.5 to weigh a word less, "
            "or NOT to leave it out"
        )
    for child in q.children():
        _check_boosts(child)


def _check_fuzzy(q: wq.Query) -> None:
    for leaf in q.leaves():
        if isinstance(leaf, wq.FuzzyTerm) and leaf.maxdist > MAX_FUZZY_DISTANCE:
            raise QueryError(
                f"{leaf.text}~{leaf.maxdist}: a fuzzy distance over {MAX_FUZZY_DISTANCE} "
                f"matches almost anything; use {leaf.text}~ (1) or {leaf.text}~2"
            )


def _describe(error: Exception) -> str:
    if isinstance(error, (IndexError, KeyError, AttributeError, TypeError)):
        # An internal slip of Whoosh's parser, seen on operators with nothing to work on.
        return (
            "cannot read the query: an operator (AND, OR, NOT) is missing a word, "
            "or two operators follow each other"
        )
    message = str(error).strip() or type(error).__name__
    if "parseable date" in message:
        return f"{message} (published: takes 2015, 2015-06, 2015-06-29 or [2015 to 2016])"
    return f"cannot read the query: {message}"
