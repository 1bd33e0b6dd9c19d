"""Where the reader is: the marks of an article, the hit and mention pointers, the way back.

Plain Python, no widgets: the screen asks it what to mark, where to go and how to say where
the reader is; the article pane only draws the marks it is given.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from corpus import Entity
    from index import Mention, MentionRef, StoredArticle

__all__ = ["History", "Mark", "MarkCursor", "Navigator", "Place", "query_actor", "query_actors"]

_FIELD_ORDER = {"title": 0, "body": 1}
# Past the end of any body: searching backwards from the article's edge starts here.
_END = 2**62


@dataclass(frozen=True, slots=True)
class Mark:
    """A span to mark: in `field` ("title" or "body"), of `kind` ("hit" or "mention")."""

    field: str
    start: int
    end: int
    kind: str


@dataclass(slots=True)
class MarkCursor:
    """A pointer over an ordered list of marks; None until the person moves."""

    marks: list[Mark] = field(default_factory=list)
    index: int | None = None

    def reset(self, marks: list[Mark]) -> None:
        """New marks, pointer cleared."""
        self.marks, self.index = marks, None

    @property
    def current(self) -> Mark | None:
        """The mark pointed at."""
        return self.marks[self.index] if self.index is not None and self.marks else None

    def step(self, forward: bool) -> Mark | None:
        """Move one mark on (or back); None when there is no further mark in that direction."""
        if not self.marks:
            return None
        if self.index is None:
            self.index = 0 if forward else len(self.marks) - 1
            return self.current
        following = self.index + (1 if forward else -1)
        if not 0 <= following < len(self.marks):
            return None
        self.index = following
        return self.current

    def point_at(self, field_name: str, start: int) -> Mark | None:
        """Point at the mark at (or after) an offset."""
        wanted = (_FIELD_ORDER[field_name], start)
        for index, mark in enumerate(self.marks):
            if (_FIELD_ORDER[mark.field], mark.end) > wanted:
                self.index = index
                return mark
        return None

    def describe(self, noun: str) -> str:
        """ "hit 3 of 12", "12 hits", or "" when there are none."""
        if not self.marks:
            return ""
        if self.index is None:
            return f"{len(self.marks)} {noun}{'s' if len(self.marks) != 1 else ''}"
        return f"{noun} {self.index + 1} of {len(self.marks)}"


class Navigator:
    """The hits of the query and the mentions of the chosen actor in the open article.

    `last_moved` says which pointer the person moved last: its mark is the current one.
    """

    def __init__(self) -> None:
        self.hits = MarkCursor()
        self.mentions = MarkCursor()
        self.article_mentions: list[Mention] = []
        self.last_moved = "hit"

    def load(
        self, hits: dict[str, list[tuple[int, int]]], mentions: list[Mention], actor: str | None
    ) -> None:
        """A newly shown article's hits and mentions (pointers cleared)."""
        self.article_mentions = mentions
        self.hits.reset(
            [Mark(name, s, e, "hit") for name in ("title", "body") for s, e in hits[name]]
        )
        self.choose(actor)

    def clear(self) -> None:
        """No article: nothing to mark."""
        self.load({"title": [], "body": []}, [], None)

    def choose(self, actor: str | None) -> None:
        """Mark the mentions of another actor (pointer cleared)."""
        self.mentions.reset(
            [
                Mark(m.field, m.start, m.end, "mention")
                for m in self.article_mentions
                if m.entity_id == actor
            ]
        )

    def actors(self) -> list[str]:
        """The actors the article mentions, most mentioned first (ties: first mentioned)."""
        counts: dict[str, int] = {}
        for mention in self.article_mentions:
            counts[mention.entity_id] = counts.get(mention.entity_id, 0) + 1
        return sorted(counts, key=lambda entity_id: -counts[entity_id])

    def move(self, kind: str, forward: bool) -> Mark | None:
        """Step the hit or mention pointer; the mark moved to, or None at the end."""
        mark = (self.hits if kind == "hit" else self.mentions).step(forward)
        if mark is not None:
            self.last_moved = kind
        return mark

    def point_at_mention(self, field_name: str, start: int) -> Mark | None:
        """Point at the mention at (or after) an offset."""
        self.last_moved = "mention"
        return self.mentions.point_at(field_name, start)

    def marks(self) -> tuple[list[Mark], Mark | None]:
        """Every mark to draw, and the current one."""
        current = self.hits.current if self.last_moved == "hit" else self.mentions.current
        return [*self.hits.marks, *self.mentions.marks], current

    def edge_ref(self, article: StoredArticle, actor: str, forward: bool) -> MentionRef:
        """Where to search on from for the next (previous) mention in another article: the
        current mention, or the article's edge."""
        from index import MentionRef
        from index.store import sort_key

        mark = self.mentions.current
        if mark is not None:
            field_name, start = mark.field, mark.start
        elif forward:
            field_name, start = "body", _END
        else:
            field_name, start = "title", -1
        key = sort_key(article.article.published)
        return MentionRef(actor, article.n, article.article.id, key, field_name, start, start)

    def position(
        self,
        actor_name: str | None,
        article_numbers: list[int] | None,
        article_n: int | None,
    ) -> str:
        """The position line: `hit 3 of 12 │ Dostum: mention 2 of 4 in this article · article
        3 of 5`."""
        parts = []
        hits = self.hits.describe("hit")
        if hits:
            parts.append(hits)
        if actor_name is not None:
            where = self.mentions.describe("mention") or "no mention"
            line = f"{actor_name}: {where} in this article"
            if article_numbers and article_n in article_numbers:
                line += (
                    f" · article {article_numbers.index(article_n) + 1} of {len(article_numbers)}"
                )
            elif article_numbers:
                line += f" · {len(article_numbers)} articles"
            parts.append(line)
        return " │ ".join(parts)


@dataclass(frozen=True, slots=True)
class Place:
    """A place to come back to: an article, how far down it was, and what was pointed at."""

    article_id: str
    scroll_y: float
    actor: str | None


class History:
    """The way back (Backspace) after jumps."""

    def __init__(self, limit: int = 200) -> None:
        self._places: list[Place] = []
        self._limit = limit

    def push(self, place: Place) -> None:
        """Remember a place before leaving it."""
        if self._places and self._places[-1] == place:
            return
        self._places.append(place)
        del self._places[: -self._limit]

    def pop(self) -> Place | None:
        """The last place left, if any."""
        return self._places.pop() if self._places else None

    def __len__(self) -> int:
        return len(self._places)


_ACTOR_FIELD = re.compile(r'(?<![\w-])actor:(?:"([^"]+)"|([^\s()"]+))', re.IGNORECASE)


def query_actor(query: str, lookup: Callable[[str], list[Entity]]) -> str | None:
    """The actor a query names: its `actor:` field, or the whole query when it is a spelling
    of exactly one actor (`Salih`, `Abdul Rashid Dostum`); None otherwise."""
    found = _ACTOR_FIELD.search(query)
    if found is not None:
        entities = lookup(found.group(1) or found.group(2))
        return entities[0].id if entities else None
    named = query_actors(query, lookup)
    return named[0] if len(named) == 1 else None


def query_actors(query: str, lookup: Callable[[str], list[Entity]]) -> list[str]:
    """Every actor the whole query is a spelling of (`Dostum`: the father and his son), or
    its `actor:` field's; empty when it names none."""
    found = _ACTOR_FIELD.search(query)
    if found is not None:
        return [e.id for e in lookup(found.group(1) or found.group(2))[:1]]
    words = query.strip().strip('"').strip()
    if not words or any(c in words for c in ':*?~()[]"'):
        return []
    return [e.id for e in lookup(words)]
