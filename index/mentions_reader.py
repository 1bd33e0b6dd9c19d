"""The engine's questions about actors and their mentions: the gazetteer's entities with
their counts, an actor's mentions across the corpus, the next one, keyword-in-context lines.
All are answered from the mention store (`index/store.py`); `Engine` inherits them."""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from corpus import Entity, EntityType, Gazetteer
from index.errors import reads_index
from index.kwic import KwicLine, kwic_lines
from index.store import MentionRef, Store

__all__ = ["EntityStats", "MentionsReader"]


@dataclass(frozen=True, slots=True)
class EntityStats:
    """An entity with how often, and in how many articles, it is mentioned."""

    entity: Entity
    mentions: int
    articles: int


class MentionsReader:
    """What `Engine` answers about actors and mentions, given its gazetteer and store."""

    gazetteer: Gazetteer

    @property
    def store(self) -> Store:  # the engine's
        raise NotImplementedError

    def entity(self, entity_id: str) -> Entity | None:
        """A gazetteer entity by id."""
        return self.gazetteer.by_id.get(entity_id)

    def resolve_entity(self, spelling: str) -> list[Entity]:
        """Entities an id or spelling may refer to, most prominent first."""
        return self.gazetteer.lookup(spelling)

    @reads_index
    def entities(self, kind: EntityType | None = None) -> list[EntityStats]:
        """Entities with their mention and article counts, most mentioned first."""
        counts = self.store.entity_counts()
        stats = [
            EntityStats(e, *counts.get(e.id, (0, 0)))
            for e in self.gazetteer.entities
            if kind is None or e.type == kind
        ]
        stats.sort(key=lambda s: (-s.mentions, s.entity.name.casefold()))
        return stats

    @reads_index
    def mentions_of(
        self, entity_id: str, offset: int = 0, limit: int = -1, by: str = "date"
    ) -> list[MentionRef]:
        """Mentions of an entity across the corpus (all, or a page), by date or by spelling."""
        return self.store.mentions_of(entity_id, offset, limit, by)

    @reads_index
    def iter_mentions(
        self, entity_ids: Sequence[str] | None = None, by: str = "date"
    ) -> Iterator[KwicLine]:
        """Keyword-in-context lines for every mention of some entities (None: all), streamed."""
        refs = self.store.iter_mentions(entity_ids, by)
        while chunk := list(itertools.islice(refs, 1000)):
            yield from self.kwic(chunk)

    @reads_index
    def count_mentions(self, entity_id: str) -> tuple[int, int]:
        """How many mentions an entity has, and in how many articles."""
        return self.store.count_mentions(entity_id)

    @reads_index
    def next_mention(self, current: MentionRef, forward: bool = True) -> MentionRef | None:
        """The next (or previous) mention of the same entity in corpus order."""
        return self.store.next_mention(current, forward)

    @reads_index
    def kwic(self, refs: list[MentionRef], width: int = 50) -> list[KwicLine]:
        """Keyword-in-context lines for mentions (one line each, newlines shown as spaces)."""
        return kwic_lines(self.store, refs, width)
