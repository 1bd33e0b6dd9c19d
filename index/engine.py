"""The search engine one corpus gets: open (building or updating the index), search, mentions.

The app, the command line, the tests and the benchmark all use this class; it never imports
Textual. Its methods are safe to call from several threads at once (each thread gets its own
Whoosh searcher and SQLite connection).
"""

from __future__ import annotations

import bisect
import copy
import heapq
import io
import itertools
import pickle
import threading
import time
import zlib
from array import array
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from whoosh import collectors
from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.codec.whoosh3 import (
    LENGTHS_COLUMN,
    W3LeafMatcher,
    W3PerDocReader,
    W3TermsReader,
    _lenfield,
)
from whoosh.columns import NumericColumn
from whoosh.filedb.compound import SubFile
from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import BufferFile, StructFile
from whoosh.matching.binary import IntersectionMatcher, UnionMatcher
from whoosh.matching.combo import ArrayUnionMatcher
from whoosh.matching.wrappers import FilterMatcher, InverseMatcher, WrappingMatcher
from whoosh.reading import TermNotFound
from whoosh.scoring import BM25FScorer, WeightScorer
from whoosh.searching import Searcher
from whoosh.util.numeric import byte_to_length

from corpus import BUNDLED_ARTICLES, Entity, EntityType, Gazetteer, Problem, load_gazetteer
from index.build import Indexer, ProgressCallback, UpdateReport
from index.errors import EngineError, IndexDamaged
from index.highlight import Highlighter
from index.paths import expand_user, index_dir_for
from index.pool import Pool
from index.query import CompiledQuery, QueryCompiler, QueryError
from index.records import Hit, Mention, SearchResults, make_snippet
from index.store import MentionRef, Store, StoredArticle

__all__ = [
    "Engine",
    "EngineError",
    "EntityStats",
    "Hit",
    "KwicLine",
    "SearchCancelled",
    "SearchResults",
]

SORTS = ("relevance", "date")
# How many matching documents a search or count goes through between two calls of its
# `cancelled` callable.
CHECK_EVERY = 256

Cancelled = Callable[[], bool]


class SearchCancelled(Exception):
    """A search or count stopped because its `cancelled` callable returned True."""


def _checker(cancelled: Cancelled | None) -> Callable[[], None] | None:
    """A function that raises SearchCancelled once `cancelled()` is true (None: no checks)."""
    if cancelled is None:
        return None

    def check() -> None:
        if cancelled():
            raise SearchCancelled

    return check


def _checked(ids: Iterable[int], check: Callable[[], None] | None) -> Iterator[int]:
    """`ids` as they come, calling `check` every CHECK_EVERY of them."""
    if check is None:
        yield from ids
        return
    for n, docnum in enumerate(ids, 1):
        if not n % CHECK_EVERY:
            check()
        yield docnum


class _Checks:
    """Collector mixin: calls `check` before each segment and every CHECK_EVERY matches."""

    check: Callable[[], None] | None = None

    def set_subsearcher(self, subsearcher: Any, offset: int) -> None:
        if self.check is not None:
            self.check()
        super().set_subsearcher(subsearcher, offset)  # type: ignore[misc]

    def matches(self) -> Iterator[int]:
        return _checked(super().matches(), self.check)  # type: ignore[misc]


class _SortingCollector(_Checks, collectors.SortingCollector):
    """Sorted by a field; counts every match (Whoosh's, with checks)."""

    def __init__(
        self, sortedby: Any, limit: int, reverse: bool, check: Callable[[], None] | None
    ) -> None:
        super().__init__(sortedby, limit=limit, reverse=reverse)
        self.check = check


# --- a plan per segment: which terms to read, in which order ------------------------------
#
# Whoosh builds the whole matcher tree of a query in every segment before reading a posting:
# each term is looked up three or four times in the segment's term index, its postings opened
# and the first block's header read, and each intersection steps its sides to their first
# common document; half the time of a two- or three-word search on 57k articles went there.
# The plan below is the same tree, built the way Whoosh builds it (`And` and `Or` weigh their
# parts by estimated size and pair the two lightest first, see `make_weighted_tree`), so that
# scores are added in the same order; but its leaves are only a term and its document
# frequency, and a term's postings are opened when the evaluator gets to them. A segment
# where a required term is missing is then skipped without opening anything, and an
# intersection reads its rarer side first and the other side only at the documents the
# first one found, skipping the blocks of postings that cannot hold any of them.


class _Node:
    """A node of a plan: `bound` is at least the number of documents it can match."""

    __slots__ = ("bound",)

    bound: int


class _Leaf(_Node):
    """A term present in the segment: Whoosh opens its matcher when it is read."""

    __slots__ = ("query",)

    def __init__(self, query: wq.Term, bound: int) -> None:
        self.query = query
        self.bound = bound


class _Other(_Node):
    """Any other query (phrase, wildcard, negation...): Whoosh's own matcher."""

    __slots__ = ("query",)

    def __init__(self, query: wq.Query, bound: int) -> None:
        self.query = query
        self.bound = bound


class _Both(_Node):
    """Whoosh's IntersectionMatcher: a document of both sides scores a + b."""

    __slots__ = ("a", "b")

    def __init__(self, a: _Node, b: _Node) -> None:
        self.a, self.b = a, b
        self.bound = min(a.bound, b.bound)


class _Either(_Node):
    """Whoosh's UnionMatcher: a + b where both sides match, else the side that does."""

    __slots__ = ("a", "b")

    def __init__(self, a: _Node, b: _Node) -> None:
        self.a, self.b = a, b
        self.bound = a.bound + b.bound


class _Sum(_Node):
    """Whoosh's ArrayUnionMatcher (an Or of three parts or more, in a small segment): each
    document's scores times `boost`, added from 0.0 part after part; a document matches
    when the sum is above 0."""

    __slots__ = ("boost", "parts")

    def __init__(self, parts: list[_Node], boost: float) -> None:
        self.parts, self.boost = parts, boost
        self.bound = sum(part.bound for part in parts)


class _Boosted(_Node):
    """Whoosh's WrappingMatcher: the child's score times `boost`."""

    __slots__ = ("boost", "child")

    def __init__(self, child: _Node, boost: float) -> None:
        self.child, self.boost = child, boost
        self.bound = child.bound


def _both(a: _Node | None, b: _Node | None) -> _Node | None:
    return None if a is None or b is None else _Both(a, b)


def _either(a: _Node | None, b: _Node | None) -> _Node | None:
    if a is None:
        return b
    return a if b is None else _Either(a, b)


def _weighted_tree(
    combine: Callable[[_Node | None, _Node | None], _Node | None],
    parts: list[tuple[int, _Node | None]],
) -> _Node | None:
    """Whoosh's `make_weighted_tree`: sort by weight, pair the two lightest until one is left.

    Whoosh sorts (weight, matcher) pairs, and its matchers never compare less than one
    another: equal weights keep their order, and a new pair goes after those of equal weight.
    """
    parts = sorted(parts, key=lambda part: part[0])
    while len(parts) > 1:
        (weight_a, a), (weight_b, b) = parts[0], parts[1]
        del parts[:2]
        weight = weight_a + weight_b
        parts.insert(bisect.bisect_right([w for w, _ in parts], weight), (weight, combine(a, b)))
    return parts[0][1]


class _Planner:
    """Plans one query in one segment (a leaf searcher), as Whoosh would build its matcher."""

    def __init__(self, searcher: Searcher, context: Any) -> None:
        self.searcher = searcher
        self.reader = searcher.reader()
        self.context = context
        self.sizes: dict[int, int] = {}

    def estimate(self, q: wq.Query) -> int:
        """`q.estimate_size(reader)`, each term looked up once."""
        key = id(q)
        size = self.sizes.get(key)
        if size is None:
            kind = type(q)
            if kind is wq.Term:
                size = self._term_size(q)
            elif kind is wq.And:
                size = min(self.estimate(sub) for sub in q.subqueries)
            elif kind is wq.Or:
                size = min(sum(self.estimate(s) for s in q.subqueries), self.reader.doc_count())
            else:
                size = q.estimate_size(self.reader)
            self.sizes[key] = size
        return size

    def _term_size(self, q: wq.Term) -> int:
        schema = self.reader.schema
        if q.fieldname not in schema:
            return 0
        try:
            text = schema[q.fieldname].to_bytes(q.text)
        except ValueError:
            return 0
        return int(self.reader.doc_frequency(q.fieldname, text))

    def plan(self, q: wq.Query) -> _Node | None:
        """The plan of `q` (None: it matches nothing in this segment)."""
        kind = type(q)
        if kind is wq.Term:
            size = self.estimate(q)
            # Whoosh gives a NullMatcher for a term the segment does not hold; a term it
            # holds has postings.
            return _Leaf(q, size) if size else None
        or_kind = self._or_kind(q) if kind is wq.Or else None
        if or_kind == wq.Or.ARRAY_MATCHER and len(q.subqueries) > 1:
            parts = [self.plan(sub) for sub in q.subqueries]
            found = [part for part in parts if part is not None]
            return _Sum(found, q.boost) if found else None
        if kind is wq.And or or_kind == wq.Or.DEFAULT_MATCHER:
            subs = q.subqueries
            if not subs:
                return None
            if len(subs) == 1:  # CompoundQuery.matcher: the only part, its boost ignored
                return self.plan(subs[0])
            if kind is wq.And:
                node = _weighted_tree(_both, [(-self.estimate(s), self.plan(s)) for s in subs])
            else:
                node = _weighted_tree(_either, [(self.estimate(s), self.plan(s)) for s in subs])
            if node is not None and q.boost != 1.0:
                node = _Boosted(node, q.boost)
            return node
        if kind is wq.Not:
            bound = self.reader.doc_count_all()
        else:
            try:
                bound = self.estimate(q)
            except NotImplementedError:
                bound = self.reader.doc_count_all()
        return _Other(q, bound)

    def _or_kind(self, q: wq.Or) -> int | None:
        """How Whoosh matches this Or: DEFAULT_MATCHER (a binary tree of UnionMatchers),
        ARRAY_MATCHER (an ArrayUnionMatcher), or None: another way, left to Whoosh."""
        kind = q.matcher_type
        context = self.context
        if kind == wq.Or.AUTO_MATCHER:
            needs_current = context.needs_current if context else True
            kind = (
                wq.Or.DEFAULT_MATCHER
                if len(q.subqueries) < wq.Or.TOO_MANY_CLAUSES
                and (
                    needs_current
                    or q.scale
                    or len(q.subqueries) == 2
                    or self.searcher.doc_count_all() > 5000
                )
                else wq.Or.ARRAY_MATCHER
            )
        if kind == wq.Or.DEFAULT_MATCHER and not q.scale:  # with a scale: a CoordMatcher
            return kind
        if kind == wq.Or.ARRAY_MATCHER and (context is None or context.weighting is not None):
            return kind  # scored (without weighting, every document would score 1)
        return None

    def open(self, node: _Leaf | _Other) -> Any:
        """The Whoosh matcher of a leaf of the plan."""
        return node.query.matcher(self.searcher, self.context)


# --- scoring every match at once ------------------------------------------------------------
#
# Whoosh moves a tree of matchers from one matching document to the next: several Python
# calls per document and per node (1.3 s for three common words on 57k articles). The
# evaluator below visits each node of the same matcher tree once instead: a term's postings
# are read a block at a time into a {docnum: score} map, and the maps are combined as the
# nodes combine documents. Scores are added in the order Whoosh adds them, so each is the
# same float and the ranking is the same. A node it does not know (a phrase, a span query)
# is stepped through as Whoosh would; inside an AND of the plan (below), only at the
# documents the other side allows.

_Scores = dict[int, float]
_UNSET: Any = object()


def _all_but(m: Any, excluded: set[int]) -> _Scores:
    """The documents of a NOT node (Whoosh's InverseMatcher) from where it stands: those not
    in `excluded` and not deleted, each scoring the matcher's weight."""
    weight, missing = m._weight, m.missing
    return {d: weight for d in range(m._id, m.limit) if d not in excluded and not missing(d)}


class _Evaluator:
    """Every document one segment's matcher tree matches from where it stands, with its score.

    `lengths` caches each field's length per document (as the scorers read it) for this
    segment reader; `check` is called every CHECK_EVERY postings or so.
    """

    def __init__(
        self,
        lengths: dict[str, bytes | list[Any]],
        doc_count: int,
        check: Callable[[], None] | None,
        planner: _Planner,
    ) -> None:
        self.lengths = lengths
        self.doc_count = doc_count
        self.check = check
        self.planner = planner
        self.work = 0

    def _tick(self, n: int) -> None:
        if self.check is not None:
            self.work += n
            if self.work >= CHECK_EVERY:
                self.work = 0
                self.check()

    # A plan, every match of it.
    def evaluate(self, node: _Node) -> _Scores:
        if isinstance(node, (_Leaf, _Other)):
            return self.scores(self.planner.open(node))
        if isinstance(node, _Boosted):
            boost = node.boost
            return {d: s * boost for d, s in self.evaluate(node.child).items()}
        if isinstance(node, _Either):
            return _union(self.evaluate(node.a), self.evaluate(node.b))
        if isinstance(node, _Sum):
            return _summed([self.evaluate(part) for part in node.parts], node.boost)
        assert isinstance(node, _Both)
        return self._both(node, None)

    # A plan, at the `wanted` documents only (ascending).
    def within(self, node: _Node, wanted: list[int]) -> _Scores:
        if isinstance(node, (_Leaf, _Other)):
            return self.matcher_at(self.planner.open(node), wanted)
        if isinstance(node, _Boosted):
            boost = node.boost
            return {d: s * boost for d, s in self.within(node.child, wanted).items()}
        if isinstance(node, _Either):
            return _union(self.within(node.a, wanted), self.within(node.b, wanted))
        if isinstance(node, _Sum):
            return _summed([self.within(part, wanted) for part in node.parts], node.boost)
        assert isinstance(node, _Both)
        return self._both(node, wanted)

    def _both(self, node: _Both, wanted: list[int] | None) -> _Scores:
        """The side with fewer documents first, then the other at the documents it found."""
        a, b = node.a, node.b
        first, second = (a, b) if a.bound <= b.bound else (b, a)
        found = self.evaluate(first) if wanted is None else self.within(first, wanted)
        if not found:
            return {}
        other = self.within(second, sorted(found))
        if first is a:  # a.score() + b.score(), as Whoosh
            return {d: found[d] + s for d, s in other.items()}
        return {d: s + found[d] for d, s in other.items()}

    def matcher_at(self, m: Any, wanted: list[int]) -> _Scores:
        """A Whoosh matcher (sub)tree from where it stands, at the `wanted` documents only."""
        if not wanted or not m.is_active():
            return {}
        kind = type(m)
        if kind is W3LeafMatcher and type(m.scorer) in (BM25FScorer, WeightScorer):
            return self.leaf(m, wanted)
        if kind is WrappingMatcher:
            boost = m.boost
            return {d: s * boost for d, s in self.matcher_at(m.child, wanted).items()}
        if kind is FilterMatcher:
            ids, exclude, boost = m._ids, m._exclude, m.boost
            kept = [d for d in wanted if (d in ids) != exclude]
            return {d: s * boost for d, s in self.matcher_at(m.child, kept).items()}
        if kind is UnionMatcher:
            return _union(self.matcher_at(m.a, wanted), self.matcher_at(m.b, wanted))
        if kind is IntersectionMatcher:
            a = self.matcher_at(m.a, wanted)
            b = self.matcher_at(m.b, sorted(a)) if a else {}
            return {d: a[d] + s for d, s in b.items()}
        return self.at(m, wanted)

    # A Whoosh matcher tree, every match from where it stands.
    def scores(self, m: Any) -> _Scores:
        if not m.is_active():
            return {}
        kind = type(m)
        if kind is W3LeafMatcher and type(m.scorer) in (BM25FScorer, WeightScorer):
            return self.leaf(m)
        if kind is UnionMatcher:
            return _union(self.scores(m.a), self.scores(m.b))
        if kind is IntersectionMatcher:  # the planner reads And itself: only under an odd Or
            return self.step(m)
        if kind is FilterMatcher:
            ids, exclude, boost = m._ids, m._exclude, m.boost
            return {d: s * boost for d, s in self.scores(m.child).items() if (d in ids) != exclude}
        if kind is WrappingMatcher:
            boost = m.boost
            return {d: s * boost for d, s in self.scores(m.child).items()}
        if kind is InverseMatcher:
            return _all_but(m, set(self.step(m.child)))
        if kind is ArrayUnionMatcher:
            return self.array_union(m)
        return self.step(m)

    def step(self, m: Any) -> _Scores:
        """Whoosh's way: one document after the other."""
        found: _Scores = {}
        while m.is_active():
            found[m.id()] = m.score()
            m.next()
            self._tick(1)
        return found

    def at(self, m: Any, wanted: list[int]) -> _Scores:
        """Whoosh's way, at the `wanted` documents only (ascending)."""
        found: _Scores = {}
        for d in wanted:
            if not m.is_active():
                break
            if m.id() < d:
                m.skip_to(d)
                if not m.is_active():
                    break
            if m.id() == d:
                found[d] = m.score()
            self._tick(1)
        return found

    def array_union(self, m: Any) -> _Scores:
        """Whoosh's ArrayUnionMatcher has read a part of its documents ahead: those come from
        its array, the rest from its sub-matchers, summed in the same order."""
        array, offset, limit = m._a, m._offset, m._limit
        found: _Scores = {}
        for d in range(max(m._docnum, offset), min(limit, m._doccount)):
            if array[d - offset] > 0:
                found[d] = array[d - offset]
        rest: _Scores = {}
        boost, scored = m._boost, m._scored
        for sub in m._submatchers:
            for d, s in self.scores(sub).items():
                rest[d] = rest.get(d, 0.0) + s * boost if scored else 1.0
        found.update((d, s) for d, s in rest.items() if s > 0 and d < m._doccount)
        return found

    def leaf(self, m: Any, wanted: list[int] | None = None) -> _Scores:
        """A term's postings from where the matcher stands, a block at a time; with `wanted`
        (ascending), only at those documents, reading only the blocks that may hold one."""
        found: _Scores = {}
        scorer = m.scorer
        bm25 = type(scorer) is BM25FScorer
        lengths: bytes | list[Any] = b""
        memo: dict[tuple[float, Any], float] = {}
        if bm25:
            field = m._term[0]
            if field not in self.lengths:
                whole = None if self.planner is None else _field_lengths(self.planner.reader, field)
                self.lengths[field] = whole or [_UNSET] * self.doc_count
            lengths = self.lengths[field]
            length_of, score_of = scorer.dfl, scorer._score
        i, n = 0, 0 if wanted is None else len(wanted)
        inblock: set[int] = set()
        while m.is_active():
            if wanted is not None:
                if i == n:
                    break
                last = m._maxid  # from the block's header: its data is not read
                if wanted[i] > last:
                    m._next_block()
                    self._tick(1)
                    continue
                j = bisect.bisect_right(wanted, last, i)
                inblock = set(wanted[i:j])
                i = j
            if m._ids is None or m._weights is None:
                _read_scoring_data(m)
            first = m._i
            ids = m._ids[first:] if first else m._ids
            weights = m._weights[first:] if first else m._weights
            postings: Iterable[tuple[int, float]] = zip(ids, weights, strict=True)
            if wanted is not None:
                postings = [(d, w) for d, w in postings if d in inblock]
            if not bm25:  # WeightScorer: the score is the weight
                found.update(postings)
            elif type(lengths) is bytes:  # each document's length as its byte
                for d, w in postings:
                    key = (w, lengths[d])
                    s = memo.get(key)
                    if s is None:
                        s = memo[key] = score_of(w, _LENGTH_OF_BYTE[key[1]])
                    found[d] = s
            else:
                assert isinstance(lengths, list)
                for d, w in postings:
                    length = lengths[d]
                    if length is _UNSET:
                        length = lengths[d] = length_of(d)
                    key = (w, length)
                    s = memo.get(key)
                    if s is None:
                        s = memo[key] = score_of(w, length)
                    found[d] = s
            self._tick(len(ids))
            m._next_block()
        return found


_LENGTH_OF_BYTE = [None, *(byte_to_length(b) for b in range(1, 256))]


def _field_lengths(reader: Any, field: str) -> bytes | None:
    """Each document's length of `field` in a segment, read at once from the segment's length
    column (a byte per document, `_LENGTH_OF_BYTE` gives the length BM25FScorer.dfl gives)
    rather than one Python call chain per document; None when the column is not the one
    expected (read per document).

    Kept as bytes, not a list: a list of 57,000 lengths per field and segment made each full
    garbage collection walk millions of references (a 40-100 ms pause while typing)."""
    perdoc: Any = getattr(reader, "_perdoc", None)
    if type(perdoc) is not W3PerDocReader:
        return None
    column = perdoc._cached_reader(_lenfield(field), LENGTHS_COLUMN)
    doc_count = reader.doc_count_all()
    if column is None:  # no lengths for this field: dfl gives its default, 1
        return bytes((1,)) * doc_count
    if type(column) is not NumericColumn.Reader or column._typecode != "B":
        return None
    count = min(column._count, doc_count)
    raw = column._dbfile.get(column._basepos, count) if count else b""
    # a zero byte (and a document past the column's end) gives None, as doc_field_length
    return raw + bytes(doc_count - count)


def _summed(parts: list[_Scores], boost: float) -> _Scores:
    """Whoosh's ArrayUnionMatcher: 0.0 + a * boost + b * boost + ..., kept when above 0."""
    total: _Scores = {}
    for part in parts:
        for d, s in part.items():
            total[d] = total.get(d, 0.0) + s * boost
    return {d: s for d, s in total.items() if s > 0}


def _union(a: _Scores, b: _Scores) -> _Scores:
    """Whoosh's UnionMatcher: a.score() + b.score() where both match."""
    union = dict(b)
    for d, s in a.items():
        t = union.get(d)
        union[d] = s if t is None else s + t
    return union


# How many (segment, wildcard or fuzzy term) expansions an engine keeps.
EXPANSIONS_KEPT = 256


class _Expansions:
    """The words each wildcard or fuzzy term stands for in each segment, kept across searches
    and threads: a segment's words never change (deleting articles leaves them), so the
    article opened from a `goverment~` search does not walk every term index again."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._words: OrderedDict[tuple[str, str], list[bytes]] = OrderedDict()

    def of(
        self, q: wq.MultiTerm, expand: Callable[[Any], Iterable[bytes]], reader: Any
    ) -> list[bytes]:
        segment = getattr(reader, "segment", None)
        if segment is None:  # not one segment's reader: nothing to key the words by
            return list(expand(reader))
        key = (segment().segment_id(), repr(q))
        with self._lock:
            words = self._words.get(key)
            if words is not None:
                self._words.move_to_end(key)
                return words
        words = list(expand(reader))
        with self._lock:
            self._words[key] = words
            while len(self._words) > EXPANSIONS_KEPT:
                self._words.popitem(last=False)
        return words


def _expanding_once(q: wq.Query, expansions: _Expansions) -> wq.Query:
    """A copy of `q` whose wildcard and fuzzy terms expand once per segment.

    Whoosh expands such a term when it builds the matcher, again to estimate its size, and
    the highlighter a third time; each expansion walks the segment's term index (for a
    fuzzy term, half a second on 57k articles). The copy takes each segment's words from
    `expansions`, which keeps them for later searches too.
    """
    if isinstance(q, wq.MultiTerm):
        expand = q._btexts

        def once(reader: Any) -> list[bytes]:
            return expansions.of(q, expand, reader)

        q = copy.copy(q)
        q._btexts = once
        return q
    # `apply` rebuilds a compound node from its subqueries and boost only: an Or's `scale`,
    # a DisjunctionMax's tiebreak or an Ordered's slop would be lost. The query compiler
    # makes none of those (tests/test_search.py compares every ranking with Whoosh's).
    return q.apply(lambda child: _expanding_once(child, expansions))


def _ranked(
    searcher: Searcher,
    q: wq.Query,
    limit: int,
    allowed: set[int] | None,
    lengths: dict[int, dict[str, bytes | list[Any]]],
    check: Callable[[], None] | None,
) -> tuple[list[tuple[int, float]], int]:
    """The first `limit` (docnum, score) pairs by score (ties: lower docnum first, as Whoosh),
    and how many documents match. `lengths` is the field-length cache of this searcher."""
    context = searcher.context()
    items: list[tuple[float, int]] = []
    total = 0
    for subsearcher, offset in searcher.leaf_searchers():
        if check is not None:
            check()
        planner = _Planner(subsearcher, context)
        plan = planner.plan(q)
        if plan is None:  # a term it requires is not in this segment
            continue
        reader = planner.reader
        evaluator = _Evaluator(
            lengths.setdefault(id(reader), {}), reader.doc_count_all(), check, planner
        )
        scores = evaluator.evaluate(plan)
        if allowed is not None:
            scores = {d: s for d, s in scores.items() if d + offset in allowed}
        total += len(scores)
        if limit <= 0 or not scores:
            continue
        # Only the segment's first `limit` scores (and any tied with the last) can make the
        # top: (score, -docnum) pairs are made for those only.
        if len(scores) > limit:
            least = heapq.nlargest(limit, scores.values())[-1]
            items.extend((s, -(d + offset)) for d, s in scores.items() if s >= least)
        else:
            items.extend((s, -(d + offset)) for d, s in scores.items())
    top = heapq.nlargest(limit, items)
    return [(-negated, score) for score, negated in top], total


# Parts of a segment file up to this size are read into memory once per searcher rather than
# on every lookup: in a big segment, the per-document field lengths every score needs and the
# date column; in a small one (an update's few articles), every part.
IN_MEMORY_PART = 1 << 20


class _SegmentFile(StructFile):
    """A segment file whose small parts are read at once into memory."""

    def subset(self, offset: int, length: int, name: str | None = None) -> StructFile:
        if length <= IN_MEMORY_PART:
            self.file.seek(offset)
            return BufferFile(self.file.read(length), name=name or self._name)
        return _SegmentFile(SubFile(self.file, offset, length), name=name or self._name)

    def read_pickle(self) -> Any:
        """A pickle read with one read call (a block header: 30-odd bytes), not one per
        opcode as `pickle.load` makes of a file."""
        start = self.tell()
        head = io.BytesIO(self.read(PICKLE_READ))
        try:
            value = pickle.load(head)
        except Exception:  # longer than PICKLE_READ (or not a pickle): Whoosh's way
            self.seek(start)
            return super().read_pickle()
        self.seek(start + head.tell())
        return value


# A block header is read with one call of this many bytes.
PICKLE_READ = 128

# The pickled data of a block of postings, once decompressed, is the tuple (ids, weights,
# values) in pickle protocol 2, where each value (a document's positions and characters) is a
# call to `_codecs.encode` that unpickling makes: most of the cost of reading a block, which
# scoring does not need. Only the beginning of the data is decompressed, up to the first such
# call, and read as (ids, weights).
_FIRST_VALUE = b"c_codecs\nencode\n"


def _read_scoring_data(m: W3LeafMatcher) -> None:
    """Set a matcher's block ids and weights (`_read_ids`, `_read_weights`) without reading
    its values; when the block is not laid out as expected, read it all as Whoosh does."""
    n = m._blocklength
    data = m._postfile.get(m._dataoffset, m._nextoffset - m._dataoffset)
    if m._compression:
        # ids (at most 5 bytes each), weights (9), the opcodes around them, the marker
        data = zlib.decompressobj().decompress(data, 14 * n + 64)
    at = data.find(_FIRST_VALUE)
    head = data[:at] if at > 0 else b""
    for cut in (head[:-1], head) if head.endswith(b"(") else (head,):  # the values' MARK
        try:
            ids, weights = pickle.loads(cut + b"\x86.")  # TUPLE2, STOP
        except Exception:
            continue
        if type(ids) is tuple and len(ids) == n and _weights_fit(weights, n):
            break
    else:
        m._read_ids()
        m._read_weights()
        return
    m._ids = ids if m._byteids else tuple(itertools.accumulate(ids))  # Whoosh's delta_decode
    if weights is None:  # as W3LeafMatcher._read_weights de-minifies them
        m._weights = array("f", (1.0,)) * n
    elif type(weights) is float:
        m._weights = array("f", (weights,)) * n
    else:
        m._weights = weights


def _weights_fit(weights: Any, n: int) -> bool:
    return (
        weights is None
        or type(weights) is float
        or (type(weights) is tuple and len(weights) == n and type(weights[-1]) is float)
    )


class _ReadStorage(FileStorage):
    """An index folder opened for reading, without memory-mapping."""

    def __init__(self, path: Path) -> None:
        super().__init__(str(path), supports_mmap=False, readonly=True)

    def open_file(self, name: str, **kwargs: Any) -> StructFile:
        return _SegmentFile(open(self._fpath(name), "rb"), name=name, **kwargs)


def open_whoosh(path: Path) -> whoosh_index.Index:
    """Open a Whoosh index for reading, without memory-mapping its files.

    Memory-mapped segments count every page a search touches in the process's resident
    memory (444 MB after one search of the 57k-article index); read normally, the operating
    system's page cache holds them instead, outside the process. Reading is then a system
    call per lookup, so the small parts that every score consults (a byte per document and
    field) are read into memory once. An open file stays readable after another process
    deletes it, as a mapping does.
    """
    return whoosh_index.FileIndex(_ReadStorage(path))


# How many looked-up words each segment reader remembers (a search looks each of its words up
# several times in every segment: to plan, to score, to open its postings).
TERMS_KEPT = 4096


class _TermCache:
    """A segment's term index (Whoosh's W3TermsReader) that remembers the words looked up.

    Whoosh looks a word up in a segment's hash table each time it is asked (its document
    frequency to plan, whether the segment holds it, its postings to open): six times per
    word and segment in a search of 25 segments, each a dozen small reads. A segment's words
    never change, so each answer is kept, for as long as the searcher lives.
    """

    def __init__(self, terms: Any) -> None:
        self._terms = terms
        self._infos: dict[tuple[str, bytes], Any] = {}

    def __getattr__(self, name: str) -> Any:  # everything else, as Whoosh does it
        return getattr(self._terms, name)

    def _info(self, fieldname: str, tbytes: bytes) -> Any:
        key = (fieldname, tbytes)
        try:
            return self._infos[key]
        except KeyError:
            pass
        try:
            info = self._terms.term_info(fieldname, tbytes)
        except TermNotFound:
            info = None
        if len(self._infos) >= TERMS_KEPT:
            self._infos.clear()
        self._infos[key] = info
        return info

    def __contains__(self, term: tuple[str, bytes]) -> bool:
        return self._info(*term) is not None

    def term_info(self, fieldname: str, tbytes: bytes) -> Any:
        info = self._info(fieldname, tbytes)
        if info is None:
            raise TermNotFound(f"No term {fieldname}:{tbytes!r}")
        # A copy: Whoosh's MultiReader.term_info shifts the document ids of the one it gets.
        return copy.copy(info)

    # For a word the segment does not hold, these two raise KeyError, as Whoosh's do.
    def frequency(self, fieldname: str, tbytes: bytes) -> Any:
        info = self._info(fieldname, tbytes)
        if info is None:
            raise KeyError((fieldname, tbytes))
        return info.weight()

    def doc_frequency(self, fieldname: str, tbytes: bytes) -> Any:
        info = self._info(fieldname, tbytes)
        if info is None:
            raise KeyError((fieldname, tbytes))
        return info.doc_frequency()

    def matcher(self, fieldname: str, tbytes: bytes, format_: Any, scorer: Any = None) -> Any:
        return self._terms._codec.postings_reader(
            self._terms._postfile,
            self.term_info(fieldname, tbytes),
            format_,
            term=(fieldname, tbytes),
            scorer=scorer,
        )


def _open_searcher(ix: whoosh_index.Index) -> Searcher:
    """A Whoosh searcher whose segments remember the words looked up in them, and which
    computes each field's average length once (Whoosh sums it over every segment for every
    term of every segment a search scores)."""
    searcher = ix.searcher()
    for subsearcher, _ in searcher.leaf_searchers():
        reader = subsearcher.reader()
        if type(getattr(reader, "_terms", None)) is W3TermsReader:
            reader._terms = _TermCache(reader._terms)
    # Every field's, now (a closure over the searcher itself would be a reference cycle).
    averages = {name: searcher.avg_field_length(name) for name in searcher.schema.names()}

    def avg_field_length(fieldname: str, default: Any = None) -> Any:
        average = averages.get(fieldname)  # None: not a scored field
        return default if average is None else average

    searcher.avg_field_length = avg_field_length
    return searcher


@dataclass(frozen=True, slots=True)
class _Reading:
    """A Whoosh searcher and the field lengths read through it (per segment and field)."""

    searcher: Searcher
    lengths: dict[int, dict[str, bytes | list[Any]]]

    def close(self) -> None:
        self.searcher.close()


@dataclass(frozen=True, slots=True)
class EntityStats:
    """An entity with how often, and in how many articles, it is mentioned."""

    entity: Entity
    mentions: int
    articles: int


@dataclass(frozen=True, slots=True)
class KwicLine:
    """A keyword-in-context line: left context, the mention as written, right context."""

    ref: MentionRef
    article: StoredArticle
    left: str
    text: str
    right: str


class Engine:
    """Search and mentions over the index of one corpus."""

    def __init__(
        self,
        corpus: Path | None = None,
        index_root: Path | None = None,
        gazetteer: Gazetteer | None = None,
        procs: int = 1,
    ) -> None:
        self.corpus = expand_user(corpus or BUNDLED_ARTICLES)
        if gazetteer is None:
            gazetteer, problems = load_gazetteer()
            self.gazetteer_problems = problems
        else:
            self.gazetteer_problems = []
        self.gazetteer = gazetteer
        self.index_root = None if index_root is None else expand_user(index_root)
        self.root = index_dir_for(self.corpus, self.index_root)
        self.indexer = Indexer(self.corpus, self.root, gazetteer, procs=procs)
        self._lock = threading.Lock()
        # Not `searcher.refresh()` when the index changed: Whoosh 2.7 then reuses the old
        # segment readers, with their old deletions, and keeps segments merged away, so a
        # changed article is found twice. A searcher that is not up to date is closed.
        self._readings: Pool[_Reading] = Pool(
            self._open_reading, _Reading.close, fresh=lambda r: r.searcher.up_to_date()
        )
        self._expansions = _Expansions()
        self._ix: whoosh_index.Index | None = None
        self._store: Store | None = None
        self._compiler: QueryCompiler | None = None
        self._generation_path: Path | None = None
        self.notices: list[str] = []

    # --- lifecycle ------------------------------------------------------------------------

    def prepare_root(self) -> None:
        """Make sure the index folder can be written; if not, fall back to a temporary one
        (said in `notices`). See `index.lifecycle.prepare_root`."""
        from index.lifecycle import prepare_root

        if (notice := prepare_root(self)) is not None:
            self.notices.append(notice)

    def is_fresh(self) -> bool:
        """The cheap start-up check: is the index there, whole and current?"""
        from index.lifecycle import is_fresh

        return is_fresh(self)

    def update(
        self, progress: ProgressCallback | None = None, rebuild: bool = False
    ) -> UpdateReport:
        """Build, resume or refresh the index in this process, then (re)open it; raises
        IndexBusy when another process is updating it."""
        from index.lifecycle import update_index

        self.prepare_root()
        report = update_index(self, progress, rebuild=rebuild)
        self.notices.extend(report.notices)
        if report.repaired:
            self.notices.append(f"{report.repaired}; it was rebuilt")
        self.reopen()
        return report

    def open(self, progress: ProgressCallback | None = None) -> UpdateReport | None:
        """Open the index, updating it first (in this process) unless it is fresh; None when
        nothing was done. What `index.lifecycle.open_index` said is added to `notices`.

        When another process is updating the index, opens the last complete one.
        """
        from index.lifecycle import open_index

        opened = open_index(self, progress, subprocess=False)
        self.notices.extend(opened.notices)
        if opened.warning:
            self.notices.append(opened.warning)
        return opened.report

    def reopen(self) -> None:
        """Open the current generation (after an update, or another process's)."""
        generation = self.indexer.current()
        if generation is None:
            raise EngineError(f"no index of {self.corpus} yet in {self.root}")
        with self._lock:
            if generation.path == self._generation_path and self._ix is not None:
                # Searchers open the files of the segments they read, and close them only when
                # closed: the next search opens the index as it now is.
                self._readings.clear()
                return
            self.close()
            try:
                self._ix = open_whoosh(generation.whoosh_dir)
                self._store = Store(generation.store_path)
                self._store.count()  # the store opens lazily: read it once now
                self._compiler = QueryCompiler(self._ix.schema, self.gazetteer)
            except Exception as error:  # any way Whoosh or SQLite fails to read it is damage
                self.close()
                raise IndexDamaged.of(error) from None
            self._generation_path = generation.path

    def close(self) -> None:
        """Release the index files."""
        self._readings.clear()
        if self._store is not None:
            self._store.close()
        if self._ix is not None:
            self._ix.close()
        self._ix = self._store = None
        self._generation_path = None

    @property
    def store(self) -> Store:
        """The document and mention store."""
        if self._store is None:
            raise EngineError("the index is not open")
        return self._store

    @property
    def compiler(self) -> QueryCompiler:
        """The query compiler for this index and gazetteer."""
        if self._compiler is None:
            raise EngineError("the index is not open")
        return self._compiler

    def searcher(self) -> Searcher:
        """A new Whoosh searcher of the index as it now is, the caller's to close (for
        inspection; the engine's own searches borrow pooled ones, see `searching`)."""
        self._follow_rebuild()
        assert self._ix is not None
        return _open_searcher(self._ix)

    @contextmanager
    def searching(self) -> Iterator[Searcher]:
        """A searcher of the index as it now is, for the `with` block (Whoosh's API, for
        inspection: the engine's own searches borrow one as this does)."""
        with self._reading() as reading:
            yield reading.searcher

    @contextmanager
    def _reading(self) -> Iterator[_Reading]:
        """A searcher and the field lengths read through it, lent for one search."""
        self._follow_rebuild()
        with self._readings.lease() as reading:
            yield reading

    def _follow_rebuild(self) -> None:
        if self._ix is None:
            raise EngineError("the index is not open")
        if self.indexer.pointed_at() != self._generation_path:
            # Another process finished a rebuild: read the new generation (the old one is
            # being deleted; files this process has open stay readable until then).
            self.reopen()

    def _open_reading(self) -> _Reading:
        if self._ix is None:
            raise EngineError("the index is not open")
        return _Reading(_open_searcher(self._ix), {})

    # --- reading --------------------------------------------------------------------------

    def problems(self) -> list[Problem]:
        """Every problem met loading the corpus and the gazetteer."""
        return [*self.gazetteer_problems, *self.store.problems()]

    def article(self, article_id: str) -> StoredArticle | None:
        """One article by id."""
        return self.store.article(article_id)

    def mentions_in(self, article: StoredArticle) -> list[Mention]:
        """The mentions in an article, in reading order."""
        return self.store.mentions_in(article.n)

    def compile(self, text: str) -> CompiledQuery:
        """Parse a query; raises QueryError."""
        return self.compiler.compile(text)

    def search(
        self,
        text: str,
        *,
        offset: int = 0,
        limit: int = 20,
        sort: str = "relevance",
        actor: str | None = None,
        cancelled: Cancelled | None = None,
    ) -> SearchResults:
        """A page of results. An empty query lists every article, newest first.

        `actor` (an entity id) keeps only the articles that mention it. The total is counted
        in the same pass that ranks the hits, so it is always exact. `cancelled`, when given,
        is called every few hundred matching documents (and between the steps of the work):
        once it returns True the search stops with SearchCancelled.
        Raises QueryError for a query that cannot be run.
        """
        if sort not in SORTS:
            raise QueryError(f"sort must be one of {', '.join(SORTS)}, not {sort!r}")
        started = time.perf_counter()
        check = _checker(cancelled)
        if check is not None:
            check()
        if not text.strip() and actor is None:
            newest = self.store.newest(offset, limit)
            hits = [Hit(a, None, make_snippet(a.article.body, []), ()) for a in newest]
            return SearchResults(
                text, "date", self.count(), offset, hits, time.perf_counter() - started
            )
        compiled = self.compile(text) if text.strip() else None
        q, kwargs = self._whoosh_query(compiled, actor, sort)
        q = _expanding_once(q, self._expansions)
        with self._reading() as reading:
            searcher = reading.searcher
            top, total = self._top(reading, q, offset + limit, kwargs, check)
            page = top[offset : offset + limit]
            ids = [searcher.stored_fields(docnum)["id"] for docnum, _ in page]
            stored = self.store.articles(ids)
            entity_ids: set[str] = (
                set(compiled.entity_ids | compiled.filter_ids) if compiled else set()
            )
            if actor is not None:
                entity_ids.add(actor)
            found = []
            for (docnum, score), article_id in zip(page, ids, strict=True):
                article = stored.get(article_id)
                if article is None:  # indexed by Whoosh, not yet in the store: being updated
                    continue
                mentions = self.store.mentions_in(article.n, entity_ids) if entity_ids else []
                found.append((docnum, score, article, mentions))
            if check is not None:
                check()
            highlighter = Highlighter(searcher, q, entity_ids, check)
            spans = highlighter.page(
                [
                    (docnum, "body", article.article.body, mentions)
                    for docnum, _, article, mentions in found
                ]
            )
            hits = []
            for (_, score, article, mentions), body_spans in zip(found, spans, strict=True):
                matched = tuple(
                    sorted(
                        {m.text for m in mentions if m.entity_id in entity_ids}, key=str.casefold
                    )
                )
                hits.append(
                    Hit(
                        article,
                        # Sorted by date, Whoosh gives the sort key as the score: no score then.
                        score if compiled and sort == "relevance" else None,
                        make_snippet(article.article.body, body_spans),
                        matched,
                    )
                )
            shown_sort = "date" if (sort == "date" or compiled is None) else "relevance"
            return SearchResults(
                text, shown_sort, total, offset, hits, time.perf_counter() - started, actor
            )

    @staticmethod
    def _top(
        reading: _Reading,
        q: wq.Query,
        limit: int,
        kwargs: dict[str, Any],
        check: Callable[[], None] | None,
    ) -> tuple[list[tuple[int, float]], int]:
        """The first `limit` (docnum, score) pairs in order, and how many documents match.

        Every match is scored and counted in one pass. (Whoosh's own top-N search skips
        blocks of postings that cannot beat the N-th score and prunes its matcher tree as
        that score rises: its count is then wrong, so an exact total ran the query twice, and
        the pruning can lose a document that belongs in the top N: a `britain` search lost
        its second-best hit.)
        """
        searcher = reading.searcher
        allowed = kwargs.get("filter")
        if "sortedby" not in kwargs:
            return _ranked(
                searcher,
                q,
                limit,
                None if allowed is None else set(_checked(searcher.docs_for_query(allowed), check)),
                reading.lengths,
                check,
            )
        collector: Any = _SortingCollector(
            kwargs["sortedby"], max(1, limit), kwargs.get("reverse", False), check
        )
        if allowed is not None:
            collector = collectors.FilterCollector(collector, allow=allowed)
        searcher.search_with_collector(q, collector)
        top = [(docnum, score) for score, docnum in collector.results().top_n[:limit]]
        return top, collector.count()

    def count(
        self, text: str = "", actor: str | None = None, cancelled: Cancelled | None = None
    ) -> int:
        """How many articles match a query; with no query, how many the index holds.

        `cancelled` works as in `search`.
        """
        check = _checker(cancelled)
        if check is not None:
            check()
        if not text.strip() and actor is None:
            return self.store.count()
        compiled = self.compile(text) if text.strip() else None
        q, kwargs = self._whoosh_query(compiled, actor, "relevance")
        allowed = kwargs.get("filter")
        with self.searching() as searcher:
            matched = _checked(searcher.docs_for_query(q), check)
            if allowed is None:
                return sum(1 for _ in matched)
            keep = set(_checked(searcher.docs_for_query(allowed), check))
            return sum(1 for docnum in matched if docnum in keep)

    @staticmethod
    def _whoosh_query(
        compiled: CompiledQuery | None, actor: str | None, sort: str
    ) -> tuple[wq.Query, dict[str, object]]:
        q: wq.Query = compiled.query if compiled else wq.Term("actor", actor)
        kwargs: dict[str, object] = {}
        if actor is not None and compiled is not None:
            kwargs["filter"] = wq.Term("actor", actor)
        if sort == "date" or compiled is None:
            kwargs.update(sortedby="published", reverse=True)
        return q, kwargs

    def highlights(self, text: str, article: StoredArticle) -> dict[str, list[tuple[int, int]]]:
        """The query's hits in an article's title and body, as character spans."""
        if not text.strip():
            return {"title": [], "body": []}
        compiled = self.compile(text)
        entity_ids = compiled.entity_ids | compiled.filter_ids
        mentions = self.store.mentions_in(article.n, entity_ids) if entity_ids else []
        with self.searching() as searcher:
            docnum = searcher.document_number(id=article.article.id)
            if docnum is None:
                return {"title": [], "body": []}
            highlighter = Highlighter(
                searcher, _expanding_once(compiled.query, self._expansions), entity_ids
            )
            title, body = highlighter.page(
                [
                    (docnum, "title", article.article.title, mentions),
                    (docnum, "body", article.article.body, mentions),
                ]
            )
        return {"title": title, "body": body}

    # --- entities and mentions ------------------------------------------------------------

    def entity(self, entity_id: str) -> Entity | None:
        """A gazetteer entity by id."""
        return self.gazetteer.by_id.get(entity_id)

    def resolve_entity(self, spelling: str) -> list[Entity]:
        """Entities an id or spelling may refer to, most prominent first."""
        return self.gazetteer.lookup(spelling)

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

    def mentions_of(
        self, entity_id: str, offset: int = 0, limit: int = -1, by: str = "date"
    ) -> list[MentionRef]:
        """Mentions of an entity across the corpus (all, or a page), by date or by spelling."""
        return self.store.mentions_of(entity_id, offset, limit, by)

    def iter_mentions(
        self, entity_ids: Sequence[str] | None = None, by: str = "date"
    ) -> Iterator[KwicLine]:
        """Keyword-in-context lines for every mention of some entities (None: all), streamed."""
        refs = self.store.iter_mentions(entity_ids, by)
        while chunk := list(itertools.islice(refs, 1000)):
            yield from self.kwic(chunk)

    def count_mentions(self, entity_id: str) -> tuple[int, int]:
        """How many mentions an entity has, and in how many articles."""
        return self.store.count_mentions(entity_id)

    def next_mention(self, current: MentionRef, forward: bool = True) -> MentionRef | None:
        """The next (or previous) mention of the same entity in corpus order."""
        return self.store.next_mention(current, forward)

    def kwic(self, refs: list[MentionRef], width: int = 50) -> list[KwicLine]:
        """Keyword-in-context lines for mentions (one line each, newlines shown as spaces)."""
        articles = {
            a.n: a for a in self.store.articles(sorted({r.article_id for r in refs})).values()
        }
        lines = []
        for ref in refs:
            article = articles.get(ref.article_n)
            if article is None:
                continue
            text = article.article.title if ref.field == "title" else article.article.body
            left = text[max(0, ref.start - width) : ref.start]
            right = text[ref.end : ref.end + width]
            lines.append(
                KwicLine(
                    ref,
                    article,
                    " ".join(left.split()),
                    text[ref.start : ref.end],
                    " ".join(right.split()),
                )
            )
        return lines


def open_engine(
    corpus: Path | None = None,
    index_root: Path | None = None,
    progress: ProgressCallback | None = None,
) -> Engine:
    """An engine with its index built or brought up to date."""
    engine = Engine(corpus, index_root)
    engine.open(progress)
    return engine


__all__ += ["QueryError", "open_engine", "open_whoosh"]
