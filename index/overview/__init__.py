"""The corpus at a glance: histograms, facets, actor timelines, co-mentions, keyness.

UI-free, over the engine's index and mention store; the app's views and the command line's
`timeline`, `facets`, `comentions` and `keyness` read the same numbers from here.

Counts over a result set use the whole match set (never a page of it), mapped to
per-article columns built once per state of the index (`columns.py`); the counts of one actor
read the mention store. Each method takes `cancelled` as the engine's searches do.
"""

from __future__ import annotations

from index.cancel import Cancelled, checker
from index.engine import Engine
from index.errors import reads_index
from index.overview.actors import (
    CoMention,
    PairSentence,
    Period,
    Timeline,
    comentions,
    mentions_between,
    pair_sentences,
    period_bounds,
    timeline,
)
from index.overview.columns import Columns
from index.overview.counts import (
    MAX_MONTH_BARS,
    Facet,
    Histogram,
    Matrix,
    ResultSet,
    facets,
    histogram,
    matrix,
)
from index.overview.keyness import Key, g2, keyness
from index.records import MentionRef
from index.sentences import sentences

__all__ = [
    "CoMention",
    "Facet",
    "Histogram",
    "Key",
    "Matrix",
    "Overview",
    "PairSentence",
    "Period",
    "ResultSet",
    "Timeline",
    "g2",
    "sentences",
]


class Overview:
    """The overview's counts over one engine's index (safe from several threads)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        # What could not be read as stored and was worked out from the text (say once).
        self.notices: list[str] = []

    @reads_index
    def results(
        self, text: str, actor: str | None = None, cancelled: Cancelled | None = None
    ) -> ResultSet:
        """Every article `text` matches (as `Engine.search` would, `actor` filtering), with
        the columns the counts read. Raises QueryError for a query that cannot be run."""
        check = checker(cancelled)
        engine = self.engine
        named: frozenset[str] = frozenset()
        if text.strip():
            compiled = engine.compile(text)
            named = compiled.entity_ids | compiled.filter_ids
        if actor is not None:
            named |= {actor}
        with engine.reading() as reading:
            docs = engine.matching(reading, text, actor, cancelled)
            columns = Columns.of(reading.searcher, engine.store, str(engine.generation_path), check)
        return ResultSet(text, docs, columns, named)

    def histogram(self, results: ResultSet, by: str | None = None) -> Histogram:
        """Hits per month or year (see `counts.histogram`)."""
        return histogram(results, by)

    def facets(self, results: ResultSet, limit: int | None = None) -> list[Facet]:
        """Counts by source, year and actor (see `counts.facets`)."""
        return facets(results, limit)

    def matrix(self, results: ResultSet, size: int = 30) -> Matrix:
        """The actor-by-actor matrix of the results' top actors."""
        return matrix(results, size)

    @reads_index
    def keyness(
        self, results: ResultSet, limit: int = 30, cancelled: Cancelled | None = None
    ) -> list[Key]:
        """Terms and actors over-represented in the results (see `keyness.keyness`)."""
        with self.engine.searching() as searcher:
            return keyness(
                results,
                self.engine.store,
                searcher,
                limit,
                checker(cancelled),
                self.notices,
                self.engine.lexicons,
            )

    def columns(self) -> Columns:
        """The per-article columns of the index as it now is (built once per state)."""
        engine = self.engine
        with engine.searching() as searcher:
            return Columns.of(searcher, engine.store, str(engine.generation_path))

    @reads_index
    def timeline(self, entity_id: str, by: str = "month") -> Timeline:
        """An actor's mentions and articles per period across the corpus."""
        return timeline(self.engine.store, entity_id, by, self.columns())

    @reads_index
    def comentions(self, entity_id: str, cancelled: Cancelled | None = None) -> list[CoMention]:
        """The actors mentioned with one, in the same sentence and article, most first."""
        with self.engine.searching() as searcher:  # the state of the index, for the cache
            key = (str(self.engine.generation_path), int(searcher.reader().generation()))
        return comentions(self.engine.store, entity_id, checker(cancelled), key, self.notices)

    @reads_index
    def pair_sentences(self, first: str, second: str) -> list[PairSentence]:
        """The sentences naming both actors, in corpus order."""
        return pair_sentences(self.engine.store, first, second)

    @reads_index
    def timeline_bars(self, entity_id: str) -> tuple[Timeline, Histogram]:
        """An actor's timeline by month (by year when it spans more than MAX_MONTH_BARS
        months), and the same as a histogram of mentions to draw."""
        columns = self.columns()
        line = timeline(self.engine.store, entity_id, "month", columns)
        months = [p for p in line.periods if p.period is not None and len(p.period) == 7]
        if len(months) > MAX_MONTH_BARS:
            line = timeline(self.engine.store, entity_id, "year", columns)
        by = line.by
        bars = [
            p
            for p in line.periods
            if p.period is not None and len(p.period) == len("2015-06" if by == "month" else "2015")
        ]
        year_only = sum(
            p.mentions for p in line.periods if by == "month" and p.period and len(p.period) == 4
        )
        undated = sum(p.mentions for p in line.periods if p.period is None)
        bars_of = Histogram(
            by, [p.period or "" for p in bars], [p.mentions for p in bars], year_only, undated
        )
        return line, bars_of

    @reads_index
    def mentions_between(
        self,
        entity_id: str,
        first: str,
        last: str,
        offset: int = 0,
        limit: int = -1,
        by: str = "date",
    ) -> tuple[list[MentionRef], int, int]:
        """A page of an actor's mentions in the periods from `first` to `last`, with how
        many mentions and articles there are in those periods."""
        return mentions_between(
            self.engine.store, entity_id, period_bounds(first, last), offset, limit, by
        )
