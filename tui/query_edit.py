"""The overview's filters written into the query text, so the box always shows what is
searched and a person learns the syntax: a date range (`published:[2015-06 to 2015-08]`) and
facet values (`source:"Tolo News"`, `published:2015`, `actor:dostum`, `-actor:taliban`, several
actors as "any of": `(actor:a OR actor:b)`). Each can be read back out of the text and removed.
No widget here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "Choice",
    "clause",
    "compose",
    "date_range",
    "expressible",
    "parse",
    "with_range",
    "without_range",
]

_RANGE = re.compile(r"(?:^|\s)published:\[(\S+) to (\S+)\](?=\s|$)")
_CLAUSE = re.compile(r'(?:^|\s)(-?)(actor:[\w.-]+|published:\d{4}|source:"[^"]+")(?=\s|$)')
_ANY_OF = re.compile(r"(?:^|\s)\((actor:[\w.-]+(?: OR actor:[\w.-]+)+)\)(?=\s|$)")


@dataclass(frozen=True, slots=True)
class Choice:
    """One facet value chosen: kept (include) or left out (exclude)."""

    facet: str  # "source", "year" or "actor"
    value: str
    exclude: bool = False


def clause(choice: Choice) -> str:
    """The query text for one choice."""
    if choice.facet == "actor":
        text = f"actor:{choice.value}"
    elif choice.facet == "year":
        text = f"published:{choice.value}"
    else:
        text = f'source:"{choice.value}"'
    return ("-" if choice.exclude else "") + text


def expressible(facet: str, value: str | None) -> bool:
    """Can this facet value be written as a query (a source with a quote cannot)?"""
    return value is not None and '"' not in value


def _choice(text: str, exclude: bool) -> Choice:
    field, value = text.split(":", 1)
    facet = {"published": "year"}.get(field, field)
    return Choice(facet, value.strip('"'), exclude)


def parse(query: str) -> tuple[str, list[Choice], bool]:
    """The query without its facet clauses, the choices they make, and whether the actors
    are "any of" (an OR group)."""
    choices: list[Choice] = []
    any_of = False
    for match in _ANY_OF.finditer(query):
        any_of = True
        choices += [_choice(part, False) for part in match.group(1).split(" OR ")]
    base = _ANY_OF.sub("", query)
    for match in _CLAUSE.finditer(base):
        choices.append(_choice(match.group(2), match.group(1) == "-"))
    base = _CLAUSE.sub("", base)
    return " ".join(base.split()), choices, any_of


def compose(base: str, choices: list[Choice], any_of: bool = False) -> str:
    """`base` with the choices written after it (included actors as one OR group when
    `any_of` and there are several)."""
    parts = [base] if base.strip() else []
    actors = [c for c in choices if c.facet == "actor" and not c.exclude]
    grouped = any_of and len(actors) > 1
    for choice in choices:
        if grouped and choice in actors:
            continue
        parts.append(clause(choice))
    if grouped:
        parts.append("(" + " OR ".join(clause(c) for c in actors) + ")")
    return " ".join(parts)


def with_range(query: str, first: str, last: str) -> str:
    """The query narrowed to the periods from `first` to `last` (replacing a range it had)."""
    base = without_range(query)
    narrowed = f"published:[{first} to {last}]"
    return f"{base} {narrowed}" if base else narrowed


def without_range(query: str) -> str:
    """The query without its date range."""
    return " ".join(_RANGE.sub(" ", query).split())


def date_range(query: str) -> tuple[str, str] | None:
    """The date range the query narrows to, if any."""
    match = _RANGE.search(query)
    return (match.group(1), match.group(2)) if match else None
