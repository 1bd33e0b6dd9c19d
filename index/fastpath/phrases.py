"""A phrase from its word pairs (`Paired` nodes of a plan; the pairs are `index/pairs.py`'s).

Whoosh matches a phrase (`Phrase.matcher`: a SpanNear2 over an intersection of its words'
postings, slop 1) by decoding the positions of every document holding all its words, and
scores a document it keeps as that intersection does: the words' scores added as
`make_binary_tree` pairs them (w1 + w2; w1 + (w2 + w3); (w1 + w2) + (w3 + w4)...), times
the phrase's boost. Here the documents come from the postings of the pairs the index holds
(`index/pairs.py`: those of two common words) instead, rarest pair first and each next pair
read only at the documents left; a phrase of three words or more, or with a pair the index
does not hold, has its positions checked on those documents only (two pairs can be present
without the three words in a row); and the words' scores are read at the documents kept, and added in
Whoosh's order, so that each is the same float.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from whoosh import query as wq

from index.fastpath.plan import Paired

if TYPE_CHECKING:
    from index.fastpath.evaluate import Evaluator

__all__ = ["phrase_scores"]

_Scores = dict[int, float]


def phrase_scores(evaluator: Evaluator, node: Paired, wanted: list[int] | None) -> _Scores:
    """Every document of the segment (of `wanted`, ascending, when given) holding the phrase,
    with the score Whoosh gives it."""
    planner = evaluator.planner
    searcher, context = planner.searcher, planner.context
    docs = wanted
    for pair in node.pairs:
        m = wq.Term(node.pair_field, pair).matcher(searcher, context)
        found = evaluator.scores(m) if docs is None else evaluator.matcher_at(m, docs)
        docs = sorted(found)
        if not docs:
            return {}
    assert docs is not None
    q = node.query
    words: list[str] = list(q.words)
    distinct = list(dict.fromkeys(words))
    if len(words) > 2 or not node.whole:
        docs = _in_a_row(evaluator, q.fieldname, words, distinct, docs)
        if not docs:
            return {}
    of_word = {
        word: evaluator.matcher_at(wq.Term(q.fieldname, word).matcher(searcher, context), docs)
        for word in distinct
    }
    parts = [of_word[word] for word in words]
    scores = {d: _tree_sum(parts, d) for d in docs if all(d in part for part in parts)}
    boost = q.boost
    if boost != 1.0:  # Whoosh's WrappingMatcher around the phrase's matcher
        return {d: s * boost for d, s in scores.items()}
    return scores


def _tree_sum(parts: list[_Scores], d: int) -> float:
    """Whoosh's `make_binary_tree(IntersectionMatcher, ...)` score: the first half's plus the
    second half's."""
    if len(parts) == 1:
        return parts[0][d]
    half = len(parts) // 2
    return _tree_sum(parts[:half], d) + _tree_sum(parts[half:], d)


def _in_a_row(
    evaluator: Evaluator, field: str, words: list[str], distinct: list[str], docs: list[int]
) -> list[int]:
    """The documents of `docs` (ascending) where `words` stand at consecutive positions."""
    reader = evaluator.planner.reader
    to_bytes = reader.schema[field].to_bytes
    positions: dict[str, dict[int, list[int]]] = {}
    for word in distinct:
        m = reader.postings(field, to_bytes(word))
        at: dict[int, list[int]] = {}
        for d in docs:
            if not m.is_active():
                break
            if m.id() < d:
                m.skip_to(d)
                if not m.is_active():
                    break
            if m.id() == d:
                at[d] = m.value_as("positions")
        evaluator.tick(len(docs))
        positions[word] = at
    kept: list[int] = []
    for d in docs:
        lists = [positions[word].get(d) for word in words]
        if any(found is None for found in lists):
            continue
        first, *rest = lists
        assert first is not None
        later = [set(found or ()) for found in rest]
        if any(all(p + i in later[i - 1] for i in range(1, len(words))) for p in first):
            kept.append(d)
    return kept
