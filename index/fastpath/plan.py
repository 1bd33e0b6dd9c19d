"""A plan per segment: which terms to read, in which order (the fast path's first half).

Whoosh builds the whole matcher tree of a query in every segment before reading a posting:
each term is looked up three or four times in the segment's term index, its postings opened
and the first block's header read, and each intersection steps its sides to their first
common document; half the time of a two- or three-word search on 57k articles went there.
The plan below is the same tree, built the way Whoosh builds it (`And` and `Or` weigh their
parts by estimated size and pair the two lightest first, see `make_weighted_tree`), so that
scores are added in the same order; but its leaves are only a term and its document
frequency, and a term's postings are opened when the evaluator gets to them. A segment
where a required term is missing is then skipped without opening anything, and an
intersection reads its rarer side first and the other side only at the documents the
first one found, skipping the blocks of postings that cannot hold any of them.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Callable
from typing import Any

from whoosh import query as wq
from whoosh.searching import Searcher

from index.pairs import PAIR_FIELDS, PairField, pair_text

__all__ = [
    "Boosted",
    "Both",
    "Either",
    "Leaf",
    "Node",
    "Other",
    "Paired",
    "Planner",
    "Sum",
    "weighted_tree",
]


class Node:
    """A node of a plan: `bound` is at least the number of documents it can match."""

    __slots__ = ("bound",)

    bound: int


class Leaf(Node):
    """A term present in the segment: Whoosh opens its matcher when it is read."""

    __slots__ = ("query",)

    def __init__(self, query: wq.Term, bound: int) -> None:
        self.query = query
        self.bound = bound


class Other(Node):
    """Any other query (phrase, wildcard, negation...): Whoosh's own matcher."""

    __slots__ = ("query",)

    def __init__(self, query: wq.Query, bound: int) -> None:
        self.query = query
        self.bound = bound


class Paired(Node):
    """A phrase of adjacent words (Whoosh's Phrase, slop 1) in a field whose word pairs are
    indexed (`index/pairs.py`): its documents are among those of its indexed pairs' postings
    (`pairs`, rarest first; `bound` is the rarest's document frequency; `whole` when every
    pair of the phrase is indexed), its positions checked on those when it has three words
    or more or a pair is not indexed, its score Whoosh's (`index/fastpath/phrases.py`)."""

    __slots__ = ("pair_field", "pairs", "query", "whole")

    def __init__(
        self, query: wq.Phrase, pair_field: str, pairs: list[str], bound: int, whole: bool
    ) -> None:
        self.query = query
        self.pair_field = pair_field
        self.pairs = pairs
        self.bound = bound
        self.whole = whole


class Both(Node):
    """Whoosh's IntersectionMatcher: a document of both sides scores a + b."""

    __slots__ = ("a", "b")

    def __init__(self, a: Node, b: Node) -> None:
        self.a, self.b = a, b
        self.bound = min(a.bound, b.bound)


class Either(Node):
    """Whoosh's UnionMatcher: a + b where both sides match, else the side that does."""

    __slots__ = ("a", "b")

    def __init__(self, a: Node, b: Node) -> None:
        self.a, self.b = a, b
        self.bound = a.bound + b.bound


class Sum(Node):
    """Whoosh's ArrayUnionMatcher (an Or of three parts or more, in a small segment): each
    document's scores times `boost`, added from 0.0 part after part; a document matches
    when the sum is above 0."""

    __slots__ = ("boost", "parts")

    def __init__(self, parts: list[Node], boost: float) -> None:
        self.parts, self.boost = parts, boost
        self.bound = sum(part.bound for part in parts)


class Boosted(Node):
    """Whoosh's WrappingMatcher: the child's score times `boost`."""

    __slots__ = ("boost", "child")

    def __init__(self, child: Node, boost: float) -> None:
        self.child, self.boost = child, boost
        self.bound = child.bound


def both(a: Node | None, b: Node | None) -> Node | None:
    return None if a is None or b is None else Both(a, b)


def either(a: Node | None, b: Node | None) -> Node | None:
    if a is None:
        return b
    return a if b is None else Either(a, b)


def weighted_tree(
    combine: Callable[[Node | None, Node | None], Node | None],
    parts: list[tuple[int, Node | None]],
) -> Node | None:
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


class Planner:
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

    def plan(self, q: wq.Query) -> Node | None:
        """The plan of `q` (None: it matches nothing in this segment)."""
        kind = type(q)
        if kind is wq.Term:
            size = self.estimate(q)
            # Whoosh gives a NullMatcher for a term the segment does not hold; a term it
            # holds has postings.
            return Leaf(q, size) if size else None
        or_kind = self._or_kind(q) if kind is wq.Or else None
        if or_kind == wq.Or.ARRAY_MATCHER and len(q.subqueries) > 1:
            parts = [self.plan(sub) for sub in q.subqueries]
            found = [part for part in parts if part is not None]
            return Sum(found, q.boost) if found else None
        if kind is wq.And or or_kind == wq.Or.DEFAULT_MATCHER:
            subs = q.subqueries
            if not subs:
                return None
            if len(subs) == 1:  # CompoundQuery.matcher: the only part, its boost ignored
                return self.plan(subs[0])
            if kind is wq.And:
                node = weighted_tree(both, [(-self.estimate(s), self.plan(s)) for s in subs])
            else:
                node = weighted_tree(either, [(self.estimate(s), self.plan(s)) for s in subs])
            if node is not None and q.boost != 1.0:
                node = Boosted(node, q.boost)
            return node
        if kind is wq.Phrase:
            return self._phrase(q)
        if kind is wq.Not:
            bound = self.reader.doc_count_all()
        else:
            try:
                bound = self.estimate(q)
            except NotImplementedError:
                bound = self.reader.doc_count_all()
        return Other(q, bound)

    def _phrase(self, q: wq.Phrase) -> Node | None:
        """A phrase read from its word pairs (None: one of its words or pairs is not in the
        segment, so it matches nothing, as Whoosh's NullMatcher); or, in a field without
        pairs, with a slop, with no pair the index holds (one of two words not among its
        common words), or in an index built before pairs, Whoosh's own matcher."""
        pair_field = PAIR_FIELDS.get(q.fieldname)
        schema = self.reader.schema
        words = q.words
        if (
            pair_field is None
            or pair_field not in schema
            or not isinstance(schema[pair_field], PairField)
            or q.fieldname not in schema
            or q.slop != 1
            or len(words) < 2
            or not all(isinstance(word, str) for word in words)
        ):
            return Other(q, self.estimate(q))
        pairing: PairField = schema[pair_field]
        held = [pair_text(a, b) for a, b in itertools.pairwise(words) if pairing.holds(a, b)]
        if not held:
            return Other(q, self.estimate(q))
        field = schema[q.fieldname]
        for word in words:
            try:
                if (q.fieldname, field.to_bytes(word)) not in self.reader:
                    return None
            except ValueError:
                return None
        found: list[tuple[int, str]] = []
        for pair in dict.fromkeys(held):
            size = self._term_size(wq.Term(pair_field, pair))
            if not size:
                return None
            found.append((size, pair))
        found.sort()
        whole = len(held) == len(words) - 1
        return Paired(q, pair_field, [pair for _, pair in found], found[0][0], whole)

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

    def open(self, node: Leaf | Other) -> Any:
        """The Whoosh matcher of a leaf of the plan."""
        return node.query.matcher(self.searcher, self.context)
