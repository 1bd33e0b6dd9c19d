"""Search at scale: the fast paths give the answers of the straightforward ones.

The engine scores every match in one pass (it counts as it ranks), reads postings a block at
a time instead of stepping Whoosh's matcher tree, highlights a page of hits in one pass per
segment, and can be cancelled. Each test here computes the same answer the plain way with
Whoosh, on real indexes (the bundled corpus and a generated one of several segments with
deleted documents), and compares.
"""

from __future__ import annotations

import random
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from whoosh import query as wq
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching.binary import IntersectionMatcher, UnionMatcher
from whoosh.matching.combo import ArrayUnionMatcher
from whoosh.matching.mcore import ListMatcher, NullMatcherClass
from whoosh.matching.wrappers import FilterMatcher, WrappingMatcher
from whoosh.query.spans import SpanNear2
from whoosh.searching import Searcher
from whoosh.util import make_weighted_tree

from corpus import Gazetteer
from index import Engine, SearchCancelled
from index.analysis import body_analyzer
from index.fastpath import plan
from tests.search_corpus import generated, indexed, plain_searcher, straightforward, write_records


@pytest.fixture(scope="module")
def segmented_engine(
    tmp_path_factory: pytest.TempPathFactory, bundled_gazetteer: Gazetteer
) -> Iterator[Engine]:
    """600 generated articles in several segments, then 40 changed and 30 added: segments
    with deleted documents."""
    folder = tmp_path_factory.mktemp("generated")
    records = generated(600, seed=7)
    path, engine = indexed(folder, records, bundled_gazetteer, batch_size=150)
    changed = generated(40, seed=8, start=100)
    write_records(
        path, [*records[:100], *changed, *records[140:], *generated(30, seed=9, start=600)]
    )
    report = engine.update()
    assert (report.added, report.changed) == (30, 40)
    yield engine
    engine.close()


QUERIES = [
    "security",
    "oil price",
    "government OR market",
    "talks nuclear agreement",
    "security -forces",
    "Taliban NOT Dostum",
    "Dostum",
    "Dostum Saleh",
    '"security forces"',
    '"interest rates"',
    '"oil price" market',
    '"Dostum Noor"~3',
    "sec*",
    "s*",  # many words: Whoosh's array union in small segments
    "*o*",
    "gov* OR bank",
    "goverment~",
    "markett~2",
    "title:security",
    "title:oil^3 OR body:oil",
    "(oil OR water) AND (price OR drought)",
    "Panjshir -(oil OR water)",
    "source:Wire security",
    "published:[2005-01-01 TO 2010-12-31] market",
    "actor:panjshir",
    "actor:panjshir oil",
    "NOT security",
    "zzzunknownzzz",
    # conjunctions of a rare and a common word: the rare side is read first, the common one
    # only at the documents it found
    "Bamiyan said",
    "Saleh analysts said",
    "Herat officials -forces",
    "zzzunknownzzz security",
    "title:oil said",
    "oil^2 said",
    "(oil market)^2 said",
    "(Herat OR Bamiyan) spokesman",
    '"security forces" Herat',
    "sec* Herat said",
    "Dostum (Kabul OR Herat OR Bamiyan) said",
]


def engines(request: pytest.FixtureRequest) -> list[Engine]:
    return [request.getfixturevalue("bundled_engine"), request.getfixturevalue("segmented_engine")]


@pytest.mark.parametrize("text", QUERIES)
def test_ranking_and_count_equal_scoring_every_match(
    text: str, request: pytest.FixtureRequest
) -> None:
    for engine in engines(request):
        with plain_searcher(engine) as searcher:
            expected = straightforward(searcher, engine.compile(text).query)
        searcher = engine.searcher()  # the same documents, the same numbers
        results = engine.search(text, limit=15)
        assert results.total == len(expected), text
        got = [(hit.article.article.id, hit.score) for hit in results.hits]
        want = [(searcher.stored_fields(d)["id"], s) for d, s in expected[:15]]
        assert got == want, text  # the same floats, in the same order
        assert engine.count(text) == len(expected), text
        # a later page is the continuation of the same ranking
        page = engine.search(text, offset=5, limit=7)
        assert [h.article.article.id for h in page.hits] == [
            searcher.stored_fields(d)["id"] for d, _ in expected[5:12]
        ]


@pytest.mark.parametrize("text", ["security", "Dostum OR oil", '"security forces"', "sec*"])
def test_actor_filter_and_date_sort_count_exactly(text: str, segmented_engine: Engine) -> None:
    engine = segmented_engine
    q = engine.compile(text).query
    with plain_searcher(engine) as plain:
        allowed = set(plain.docs_for_query(wq.Term("actor", "panjshir")))
        expected = [(d, s) for d, s in straightforward(plain, q) if d in allowed]
    searcher = engine.searcher()
    results = engine.search(text, limit=10, actor="panjshir")
    assert results.total == len(expected) == engine.count(text, actor="panjshir")
    assert [(h.article.article.id, h.score) for h in results.hits] == [
        (searcher.stored_fields(d)["id"], s) for d, s in expected[:10]
    ]
    by_date = engine.search(text, limit=10, sort="date")
    assert by_date.total == len(straightforward(searcher, q))
    dates = [h.article.article.published for h in by_date.hits]
    assert all(h.score is None for h in by_date.hits)
    assert [d.sort_date for d in dates if d] == sorted(
        (d.sort_date for d in dates if d), reverse=True
    )


# Queries of words, fields, boosts, AND and OR: the engine plans these itself, as Whoosh
# would build their matchers.
PLANNED = [
    "security",
    "oil price",
    "talks nuclear agreement",
    "government OR market",
    "title:oil^3 OR body:oil",
    "(oil OR water) AND (price OR drought)",
    "Dostum Saleh",
    "Bamiyan said analysts officials",
    "oil^2 said",
    "(oil market)^2 said",
    "zzzunknownzzz oil",
    "security forces officials said government market",
    '"security forces"',
    '"oil price" market',
    '"security forces"^2 Herat',
]


def _is_null(m: Any) -> bool:
    """Can this Whoosh matcher tree match nothing whatever the postings (a missing term)?"""
    kind = type(m)
    if kind is NullMatcherClass:
        return True
    if kind is IntersectionMatcher:
        return _is_null(m.a) or _is_null(m.b)
    if kind is UnionMatcher:
        return _is_null(m.a) and _is_null(m.b)
    if kind is WrappingMatcher:
        return _is_null(m.child)
    if kind is ArrayUnionMatcher:
        return all(_is_null(sub) for sub in m._submatchers)
    if kind is SpanNear2.SpanNear2Matcher:  # a phrase the segment does not hold (it finds its
        return not m.is_active()  # first match when made; an array union reads it all ahead)
    return False


def _leaf_term(m: Any, boost: float = 1.0) -> tuple[str, bytes, float]:
    if type(m) is WrappingMatcher:
        return _leaf_term(m.child, m.boost)
    if type(m) is FilterMatcher:  # the segment's deleted documents left out
        return _leaf_term(m.child, boost)
    assert type(m) in (W3LeafMatcher, ListMatcher), m
    field, text = m._term
    return field, text, boost


def assert_same_tree(node: Any, m: Any, planner: Any) -> None:
    """The engine's plan has the shape of Whoosh's matcher tree, less what cannot match."""
    reader = planner.reader
    while type(m) is UnionMatcher and (_is_null(m.a) or _is_null(m.b)):
        m = m.b if _is_null(m.a) else m.a
    if node is None:
        assert _is_null(m)
    elif type(node) is plan.Both:
        assert type(m) is IntersectionMatcher
        assert_same_tree(node.a, m.a, planner)
        assert_same_tree(node.b, m.b, planner)
    elif type(node) is plan.Either:
        assert type(m) is UnionMatcher
        assert_same_tree(node.a, m.a, planner)
        assert_same_tree(node.b, m.b, planner)
    elif type(node) is plan.Boosted:
        assert type(m) is WrappingMatcher and m.boost == node.boost
        assert_same_tree(node.child, m.child, planner)
    elif type(node) is plan.Sum:
        assert type(m) is ArrayUnionMatcher and m._boost == node.boost
        subs = [sub for sub in m._submatchers if not _is_null(sub)]
        assert len(subs) == len(node.parts)
        for part, sub in zip(node.parts, subs, strict=True):
            assert_same_tree(part, sub, planner)
    elif type(node) is plan.Other:
        assert type(m) is type(planner.open(node))
    elif type(node) is plan.Paired:  # Whoosh's phrase matcher, read from the word pairs
        if node.query.boost != 1.0:
            assert type(m) is WrappingMatcher and m.boost == node.query.boost
            m = m.child
        assert type(m) is SpanNear2.SpanNear2Matcher
    else:
        assert type(node) is plan.Leaf
        q = node.query
        field = reader.schema[q.fieldname]
        assert _leaf_term(m) == (q.fieldname, field.to_bytes(q.text), q.boost)
        assert node.bound == reader.doc_frequency(q.fieldname, field.to_bytes(q.text))


@pytest.mark.parametrize("text", PLANNED)
def test_the_plan_is_the_tree_whoosh_builds(text: str, request: pytest.FixtureRequest) -> None:
    for engine in engines(request):
        searcher = engine.searcher()
        q = engine.compile(text).query
        context = searcher.context()
        for subsearcher, _ in searcher.leaf_searchers():
            planner = plan.Planner(subsearcher, context)
            assert_same_tree(planner.plan(q), q.matcher(subsearcher, context), planner)


def test_the_weighted_tree_pairs_as_whoosh_does() -> None:
    """Whoosh's make_weighted_tree on (weight, matcher) pairs, ties included."""
    rng = random.Random(5)
    for _ in range(300):
        weights = [rng.randint(0, 4) for _ in range(rng.randint(1, 7))]
        leaves = [plan.Leaf(wq.Term("body", str(n)), 1) for n in range(len(weights))]
        matchers = [ListMatcher([n], [1.0]) for n in range(len(weights))]
        planned = plan.weighted_tree(plan.both, list(zip(weights, leaves, strict=True)))
        tree = make_weighted_tree(IntersectionMatcher, list(zip(weights, matchers, strict=True)))

        def shape(node: Any) -> Any:
            if type(node) is plan.Both:
                return (shape(node.a), shape(node.b))
            if type(node) is IntersectionMatcher:
                return (shape(node.a), shape(node.b))
            if type(node) is ListMatcher:
                return node._ids[0]
            return int(node.query.text)

        assert shape(planned) == shape(tree), weights


def test_the_segmented_index_has_deleted_documents(segmented_engine: Engine) -> None:
    searcher = segmented_engine.searcher()
    readers = [s.reader() for s, _ in searcher.leaf_searchers()]
    assert len(readers) > 1
    assert any(r.has_deletions() for r in readers)


# --- highlighting -------------------------------------------------------------------------


def reference_spans(
    searcher: Searcher, q: wq.Query, docnum: int, field: str, text: str
) -> set[tuple[int, int]]:
    """Where the query matched in one field of one document, the plain way: a fresh postings
    reader per term, a fresh matcher per phrase, each wildcard or fuzzy term expanded in each
    segment and the text analysed again."""
    spans: set[tuple[int, int]] = set()
    reader = searcher.reader()

    def walk(node: wq.Query) -> None:
        if isinstance(node, wq.Not):
            return
        if isinstance(node, wq.Term):
            if node.fieldname == field and (field, node.text) in reader:
                m = reader.postings(field, node.text)
                while m.is_active() and m.id() < docnum:
                    m.next()
                if m.is_active() and m.id() == docnum:
                    spans.update((s, e) for _, s, e in m.value_as("characters"))
            return
        if isinstance(node, (wq.Phrase, wq.Ordered, wq.Sequence)):
            if node.field() == field:
                m = node.matcher(searcher)
                while m.is_active() and m.id() < docnum:
                    m.next()
                if m.is_active() and m.id() == docnum:
                    spans.update((s.startchar, s.endchar) for s in m.spans())
            return
        if isinstance(node, wq.MultiTerm):
            if node.field() == field:
                words: set[str] = set()
                for sub, _ in searcher.leaf_searchers():
                    words.update(
                        w.decode() if isinstance(w, bytes) else w
                        for w in node._btexts(sub.reader())
                    )
                spans.update(
                    (t.startchar, t.endchar)
                    for t in body_analyzer()(text, chars=True)
                    if t.text in words
                )
            return
        for child in node.children():
            walk(child)

    walk(q)
    return spans


def covered(spans: list[tuple[int, int]]) -> set[int]:
    return {i for s, e in spans for i in range(s, e)}


@pytest.mark.parametrize(
    "text",
    [
        "security",
        "oil price",
        '"security forces"',
        '"interest rates" market',
        '"Dostum Noor"~3',
        "sec*",
        "goverment~",
        "title:oil^3 OR body:oil",
        "security -forces",
    ],
)
def test_page_highlights_equal_one_document_at_a_time(text: str, segmented_engine: Engine) -> None:
    engine = segmented_engine
    searcher = engine.searcher()
    q = engine.compile(text).query
    results = engine.search(text, limit=20)
    assert results.hits
    for hit in results.hits:
        article = hit.article.article
        docnum = searcher.document_number(id=article.id)
        marks = engine.highlights(text, hit.article)
        for field, field_text in (("title", article.title), ("body", article.body)):
            want = reference_spans(searcher, q, docnum, field, field_text)
            # the engine merges touching spans; compare the characters marked
            assert covered(marks[field]) == covered(sorted(want)), (text, article.id, field)
        # the snippet shows the same marks as the full highlights, shifted into the window
        snippet = hit.snippet
        for start, end in snippet.spans:
            assert snippet.text[start:end].strip()


def test_a_phrase_marks_the_phrase_not_each_word(segmented_engine: Engine) -> None:
    results = segmented_engine.search('"security forces"', limit=20)
    assert results.hits
    for hit in results.hits:
        body = hit.article.article.body
        for start, end in segmented_engine.highlights('"security forces"', hit.article)["body"]:
            assert re.fullmatch(r"security forces", body[start:end], re.IGNORECASE)


# --- cancellation -------------------------------------------------------------------------


class FlipAfter:
    """A `cancelled` callable: False for the first `n` calls, then True."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.calls = 0

    def __call__(self) -> bool:
        self.calls += 1
        return self.calls > self.n


@pytest.mark.parametrize("text", ["security OR market OR oil", "sec*", "goverment~"])
def test_a_search_stops_when_cancelled_and_the_engine_goes_on(
    text: str, segmented_engine: Engine
) -> None:
    engine = segmented_engine
    expected = engine.search(text, limit=20)
    # never cancelled: the callable is consulted along the way, the answer is the same
    patient = FlipAfter(sys.maxsize)
    results = engine.search(text, limit=20, cancelled=patient)
    assert patient.calls > 3, "the search should check for cancellation while it works"
    assert results.total == expected.total
    assert [h.article.article.id for h in results.hits] == [
        h.article.article.id for h in expected.hits
    ]
    # cancelled at every point it checks: always SearchCancelled, never a partial answer
    for n in range(patient.calls):
        flip = FlipAfter(n)
        with pytest.raises(SearchCancelled):
            engine.search(text, limit=20, cancelled=flip)
        assert flip.calls == n + 1, "the search should stop at the first True"
    # and the engine is none the worse
    again = engine.search(text, limit=20)
    assert [h.article.article.id for h in again.hits] == [
        h.article.article.id for h in expected.hits
    ]


def test_a_count_stops_when_cancelled(segmented_engine: Engine) -> None:
    engine = segmented_engine
    expected = engine.count("security OR market")
    patient = FlipAfter(sys.maxsize)
    assert engine.count("security OR market", cancelled=patient) == expected
    assert patient.calls > 1
    with pytest.raises(SearchCancelled):
        engine.count("security OR market", cancelled=FlipAfter(patient.calls - 1))
    assert engine.count("security OR market") == expected


# --- memory -------------------------------------------------------------------------------


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="needs Linux's /proc")
def test_index_files_are_read_not_memory_mapped(segmented_engine: Engine) -> None:
    if segmented_engine.answerer != "fast path":
        pytest.skip("plain Whoosh maps its files, as Whoosh does")
    # In a process of its own: this one built the index, and the build maps its files.
    generation = segmented_engine.indexer.current()
    assert generation is not None
    code = f"""
from pathlib import Path
from index import Engine
engine = Engine(Path({str(segmented_engine.corpus)!r}), Path({str(segmented_engine.index_root)!r}))
engine.open()
results = engine.search("security OR market", limit=20)
engine.highlights("security", results.hits[0].article)
engine.count("security")
print(sum(".seg" in line for line in Path("/proc/self/maps").read_text().splitlines()))
"""
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.strip() == "0"


def test_a_fuzzy_term_is_expanded_once_per_segment_for_its_search_and_its_article(
    segmented_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    from index.fastpath.terms import Expansions

    engine = segmented_engine
    if engine.answerer != "fast path":
        pytest.skip("the fast path keeps expansions; plain Whoosh expands each time")
    monkeypatch.setattr(engine._answerer, "expansions", Expansions())
    from index.expansion import Budget

    expanded: list[object] = []
    original = Budget.walk

    def counted(self: Budget, q: wq.MultiTerm, reader: object) -> object:
        expanded.append(reader)
        return original(self, q, reader)

    monkeypatch.setattr(Budget, "walk", counted)  # where a part's words are looked for
    # the word is searched in title and body: two fuzzy terms, each expanded in each segment
    once = 2 * len(engine.searcher().leaf_searchers())
    results = engine.search("goverment~", limit=5)
    assert results.hits and len(expanded) == once
    marks = engine.highlights("goverment~", results.hits[0].article)  # opening the article
    assert marks["body"]
    again = engine.search("goverment~", limit=5)  # and the same search again
    assert [h.article.article.id for h in again.hits] == [
        h.article.article.id for h in results.hits
    ]
    assert len(expanded) == once


# Every query alone and with an actor filter; the empty query with one (alone, every article is
# listed from the store, newest first: tests/test_app.py).
DATE_SORTED = [(t, a) for t in QUERIES for a in (None, "panjshir")] + [("", "panjshir")]


@pytest.mark.parametrize(("text", "actor"), DATE_SORTED)
def test_date_sort_is_whoosh_s_own_order(
    text: str, actor: str | None, segmented_engine: Engine
) -> None:
    """Newest first, exactly as Whoosh's sorting collector orders every match (ties between
    equal dates included, and the undated last), with its exact total."""
    engine = segmented_engine
    q = engine.compile(text).query if text else wq.Every()
    with plain_searcher(engine) as plain:
        if actor is not None:
            q = wq.And([q, wq.Term("actor", actor)])
        expected = plain.search(q, limit=None, sortedby="published", reverse=True)
        wanted = [plain.stored_fields(hit.docnum)["id"] for hit in expected]
    results = engine.search(text, limit=len(wanted) + 5, sort="date", actor=actor)
    assert results.total == len(wanted)
    assert [h.article.article.id for h in results.hits] == wanted
    page = engine.search(text, offset=3, limit=4, sort="date", actor=actor)
    assert [h.article.article.id for h in page.hits] == wanted[3:7]
