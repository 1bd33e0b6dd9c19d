"""Scoring every match at once (the fast path's second half).

Whoosh moves a tree of matchers from one matching document to the next: several Python
calls per document and per node (1.3 s for three common words on 57k articles). The
evaluator below visits each node of the same matcher tree once instead: a term's postings
are read a block at a time into a {docnum: score} map, and the maps are combined as the
nodes combine documents. Scores are added in the order Whoosh adds them, so each is the
same float and the ranking is the same. A node it does not know (a phrase, a span query)
is stepped through as Whoosh would; inside an AND of the plan, only at the documents the
other side allows.
"""

from __future__ import annotations

import bisect
import heapq
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from whoosh import query as wq
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, W3PerDocReader, _lenfield
from whoosh.columns import NumericColumn
from whoosh.matching.binary import IntersectionMatcher, UnionMatcher
from whoosh.matching.combo import ArrayUnionMatcher
from whoosh.matching.wrappers import FilterMatcher, InverseMatcher, WrappingMatcher
from whoosh.scoring import BM25FScorer, WeightScorer
from whoosh.searching import Searcher
from whoosh.util.numeric import byte_to_length

from index.cancel import CHECK_EVERY
from index.fastpath import postings as block_data
from index.fastpath.phrases import phrase_scores
from index.fastpath.plan import Boosted, Both, Either, Leaf, Node, Other, Paired, Planner, Sum

__all__ = ["Evaluator", "field_lengths", "ranked"]

_Scores = dict[int, float]
_UNSET: Any = object()


def _all_but(m: Any, excluded: set[int]) -> _Scores:
    """The documents of a NOT node (Whoosh's InverseMatcher) from where it stands: those not
    in `excluded` and not deleted, each scoring the matcher's weight."""
    weight, missing = m._weight, m.missing
    return {d: weight for d in range(m._id, m.limit) if d not in excluded and not missing(d)}


class Evaluator:
    """Every document one segment's matcher tree matches from where it stands, with its score.

    `lengths` caches each field's length per document (as the scorers read it) for this
    segment reader; `check` is called every CHECK_EVERY postings or so.
    """

    def __init__(
        self,
        lengths: dict[str, bytes | list[Any]],
        doc_count: int,
        check: Callable[[], None] | None,
        planner: Planner,
    ) -> None:
        self.lengths = lengths
        self.doc_count = doc_count
        self.check = check
        self.planner = planner
        self.work = 0

    def tick(self, n: int) -> None:
        if self.check is not None:
            self.work += n
            if self.work >= CHECK_EVERY:
                self.work = 0
                self.check()

    # A plan, every match of it.
    def evaluate(self, node: Node) -> _Scores:
        if isinstance(node, (Leaf, Other)):
            return self.scores(self.planner.open(node))
        if isinstance(node, Paired):
            return phrase_scores(self, node, None)
        if isinstance(node, Boosted):
            boost = node.boost
            return {d: s * boost for d, s in self.evaluate(node.child).items()}
        if isinstance(node, Either):
            return _union(self.evaluate(node.a), self.evaluate(node.b))
        if isinstance(node, Sum):
            return _summed([self.evaluate(part) for part in node.parts], node.boost)
        assert isinstance(node, Both)
        return self._both(node, None)

    # A plan, at the `wanted` documents only (ascending).
    def within(self, node: Node, wanted: list[int]) -> _Scores:
        if isinstance(node, (Leaf, Other)):
            return self.matcher_at(self.planner.open(node), wanted)
        if isinstance(node, Paired):
            return phrase_scores(self, node, wanted)
        if isinstance(node, Boosted):
            boost = node.boost
            return {d: s * boost for d, s in self.within(node.child, wanted).items()}
        if isinstance(node, Either):
            return _union(self.within(node.a, wanted), self.within(node.b, wanted))
        if isinstance(node, Sum):
            return _summed([self.within(part, wanted) for part in node.parts], node.boost)
        assert isinstance(node, Both)
        return self._both(node, wanted)

    def _both(self, node: Both, wanted: list[int] | None) -> _Scores:
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
            self.tick(1)
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
            self.tick(1)
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
                whole = None if self.planner is None else field_lengths(self.planner.reader, field)
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
                    self.tick(1)
                    continue
                j = bisect.bisect_right(wanted, last, i)
                inblock = set(wanted[i:j])
                i = j
            if m._ids is None or m._weights is None:
                block_data.read_scoring_data(m)
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
            self.tick(len(ids))
            m._next_block()
        return found


_LENGTH_OF_BYTE = [None, *(byte_to_length(b) for b in range(1, 256))]


def field_lengths(reader: Any, field: str) -> bytes | None:
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


def segment_scores(
    searcher: Searcher,
    q: wq.Query,
    allowed: set[int] | None,
    lengths: dict[int, dict[str, bytes | list[Any]]],
    check: Callable[[], None] | None,
) -> Iterator[tuple[Any, int, _Scores]]:
    """Each segment's reader, document offset and scores of every match (only those in
    `allowed`, global numbers, when given); segments a required term is not in are skipped.
    `lengths` is the searcher's per-segment cache."""
    context = searcher.context()
    for subsearcher, offset in searcher.leaf_searchers():
        if check is not None:
            check()
        planner = Planner(subsearcher, context)
        plan = planner.plan(q)
        if plan is None:  # a term it requires is not in this segment
            continue
        reader = planner.reader
        evaluator = Evaluator(
            lengths.setdefault(id(reader), {}), reader.doc_count_all(), check, planner
        )
        scores = evaluator.evaluate(plan)
        if allowed is not None:
            scores = {d: s for d, s in scores.items() if d + offset in allowed}
        yield reader, offset, scores


def ranked(
    searcher: Searcher,
    q: wq.Query,
    limit: int,
    allowed: set[int] | None,
    lengths: dict[int, dict[str, bytes | list[Any]]],
    check: Callable[[], None] | None,
) -> tuple[list[tuple[int, float]], int]:
    """The first `limit` (docnum, score) pairs by score (ties: lower docnum first, as Whoosh),
    and how many documents match. `lengths` is the field-length cache of this searcher."""
    items: list[tuple[float, int]] = []
    total = 0
    for _, offset, scores in segment_scores(searcher, q, allowed, lengths, check):
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
