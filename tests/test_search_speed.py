"""A conjunction reads the postings of its common words only where its rare word is.

The engine plans each segment's query as Whoosh builds its matcher tree, reads the rarer side
of an intersection first, and then reads only the blocks of the other side's postings that
can hold one of the documents found. These tests count the blocks read, and compare the
answers with Whoosh's.
"""

from __future__ import annotations

import io
import os
import pickle
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.reading import TermNotFound

from corpus import Gazetteer
from index import Engine
from index.expansion import Budget, multiterms
from index.fastpath import postings, storage
from index.fastpath import terms as terms_module
from index.fastpath.evaluate import ranked
from index.fastpath.terms import Expansions, expanding_once
from index.plain import ENV_PLAIN_WHOOSH
from tests.search_corpus import generated, indexed, plain_searcher, straightforward, write_records

RARE = "zebrafish"

# What these tests count is how the fast path reads; plain Whoosh reads otherwise.
pytestmark = pytest.mark.skipif(
    os.environ.get(ENV_PLAIN_WHOOSH, "").strip() not in ("", "0"),
    reason="the fast path's own reading (plain Whoosh is in use)",
)


@pytest.fixture(scope="module")
def big_segment_engine(
    tmp_path_factory: pytest.TempPathFactory, bundled_gazetteer: Gazetteer
) -> Iterator[Engine]:
    """1,500 generated articles in one segment (postings of many blocks), a rare word in 6
    of them; then 20 changed: a segment with deleted documents, and a small one."""
    folder = tmp_path_factory.mktemp("big-segment")
    records = generated(1500, seed=11)
    for n in (3, 400, 401, 777, 1200, 1499):
        records[n]["body"] = f"{records[n]['body']} The {RARE} said so."
    path, engine = indexed(folder, records, bundled_gazetteer, batch_size=5000)
    changed = generated(20, seed=12, start=390)
    write_records(path, [*records[:390], *changed, *records[410:]])
    engine.update()
    yield engine
    engine.close()


class BlockReads:
    """Counts the blocks of postings whose data is read, per term (all of it, or the ids and
    weights scoring reads)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.blocks: set[tuple[tuple[str, bytes], int]] = set()
        read, read_for_scoring = W3LeafMatcher._read_data, postings.read_scoring_data

        def counted(m: Any) -> None:
            self.blocks.add((m._term, m._dataoffset))
            read(m)

        def counted_for_scoring(m: Any) -> None:
            self.blocks.add((m._term, m._dataoffset))
            read_for_scoring(m)

        monkeypatch.setattr(W3LeafMatcher, "_read_data", counted)
        monkeypatch.setattr(postings, "read_scoring_data", counted_for_scoring)

    @property
    def reads(self) -> dict[tuple[str, bytes], int]:
        return dict(Counter(term for term, _ in self.blocks))


def blocks_of(engine: Engine, field: str, word: str) -> int:
    """How many blocks of postings a term has, over all segments."""
    blocks = 0
    for subsearcher, _ in engine.searcher().leaf_searchers():
        reader = subsearcher.reader()
        if (field, word) in reader:
            m = reader.postings(field, word)
            m = getattr(m, "child", m)  # the filter of deleted documents
            while m.is_active():
                blocks += 1
                m._next_block()
    return blocks


@pytest.mark.parametrize(
    "text", [f"{RARE} government", f"government {RARE} said", f"{RARE} (market OR oil)"]
)
def test_a_rare_word_keeps_the_common_ones_from_being_read(
    text: str, big_segment_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = big_segment_engine
    searcher = engine.searcher()
    assert any(r.has_deletions() for r in (s.reader() for s, _ in searcher.leaf_searchers()))
    with plain_searcher(engine) as plain:
        expected = straightforward(plain, engine.compile(text).query)
    assert blocks_of(engine, "body", "govern") > 8  # the common word has many blocks
    results = engine.search(text, limit=10)
    assert results.total == len(expected) > 0
    assert [(h.article.article.id, h.score) for h in results.hits] == [
        (searcher.stored_fields(d)["id"], s) for d, s in expected[:10]
    ]
    # the ranking alone (the page's highlights read the postings of its hits)
    reads = BlockReads(monkeypatch)
    q = engine.compile(text).query
    q = expanding_once(q, Expansions(), Budget(len(list(multiterms(q))), searcher.doc_count_all()))
    assert ranked(searcher, q, 10, None, {}, None) == (expected[:10], len(expected))
    assert ("body", RARE.encode()) in reads.reads  # (what is read is counted)
    common = {t: n for t, n in reads.reads.items() if t[1] != RARE.encode()}
    # at most one block per document of the rare word, in each field of each common word
    assert all(n <= 6 for n in common.values()), common


def test_a_word_missing_from_a_segment_opens_nothing_there(
    big_segment_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = big_segment_engine
    reads = BlockReads(monkeypatch)
    q = engine.compile("zzzunknownzzz government said").query
    assert ranked(engine.searcher(), q, 10, None, {}, None) == ([], 0)
    assert reads.reads == {}


def every_block(engine: Engine, fields: tuple[str, ...] = ("body", "title")) -> Iterator[Any]:
    """A matcher at each block of postings of every word of `fields`, in every segment."""
    for subsearcher, _ in engine.searcher().leaf_searchers():
        reader = subsearcher.reader()
        for field in fields:
            for word in reader.lexicon(field):
                m = reader.postings(field, word)
                m = getattr(m, "child", m)  # the filter of deleted documents
                while m.is_active():
                    yield m
                    m._next_block()


@pytest.mark.parametrize("which", ["bundled", "big segment"])
def test_a_blocks_ids_and_weights_are_read_as_whoosh_reads_them(
    which: str, bundled_engine: Engine, big_segment_engine: Engine
) -> None:
    """Scoring decompresses and unpickles only the start of a block; whatever its size (1 to
    128 postings) and its weights (all 1, all the same, or each its own), what it reads is
    what Whoosh reads from the whole block."""
    engine = bundled_engine if which == "bundled" else big_segment_engine
    sizes: set[int] = set()
    weight_kinds: set[str] = set()
    blocks = 0
    for m in every_block(engine):
        m._read_ids()
        m._read_weights()
        expected = (m._ids, list(m._weights))
        data = m._data
        m._data = m._ids = m._weights = None
        postings.read_scoring_data(m)
        assert m._data is None, "the whole block was read"
        assert (m._ids, list(m._weights)) == expected
        sizes.add(len(expected[0]))
        minified = data[1]
        weight_kinds.add("none" if minified is None else type(minified).__name__)
        blocks += 1
    assert blocks > 100
    assert {1, 2, 3} <= sizes  # the short tuples pickle has opcodes of their own
    if which == "big segment":
        assert max(sizes) == 128
    assert weight_kinds == {"none", "float", "tuple"}


def test_a_block_laid_out_otherwise_is_read_whole(
    bundled_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    m = next(b for b in every_block(bundled_engine) if b._blocklength > 3)
    m._read_ids()
    m._read_weights()
    expected = (m._ids, list(m._weights))
    m._data = m._ids = m._weights = None
    monkeypatch.setattr(postings, "FIRST_VALUE", b"not in the block")
    postings.read_scoring_data(m)
    assert m._data is not None  # Whoosh's own reading
    assert (m._ids, list(m._weights)) == expected


@pytest.mark.parametrize("value", [(3, 127, 2.0, 6, 1, 9), list(range(500))])
def test_a_pickle_is_read_in_one_call_and_the_file_left_just_after_it(value: Any) -> None:
    """A block header is read with one call; a longer pickle as Whoosh reads it."""
    data = b"xx" + pickle.dumps(value, 2) + b"rest"
    f = storage.SegmentFile(io.BytesIO(data))
    f.seek(2)
    assert f.read_pickle() == value
    assert f.read(4) == b"rest"


def test_a_segments_words_are_looked_up_once_and_answer_as_whoosh_does(
    big_segment_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = big_segment_engine
    words = [RARE, "govern", "said", "zzzunknownzzz", "market"]
    with plain_searcher(engine) as plain:
        for (mine, _), (theirs, _) in zip(
            engine.searcher().leaf_searchers(), plain.leaf_searchers(), strict=True
        ):
            a, b = mine.reader(), theirs.reader()
            assert type(a._terms) is terms_module.TermCache
            for field in ("body", "title"):
                for word in words:
                    assert ((field, word) in a) == ((field, word) in b)
                    assert a.doc_frequency(field, word) == b.doc_frequency(field, word)
                    assert a.frequency(field, word) == b.frequency(field, word)
                    if (field, word) in b:
                        assert a.term_info(field, word).doc_frequency() == (
                            b.term_info(field, word).doc_frequency()
                        )
                    else:
                        with pytest.raises(TermNotFound):
                            a.term_info(field, word)
        # Whoosh shifts the ids of a term info it gets from a later segment: never the kept one
        terms = engine.searcher().leaf_searchers()[0][0].reader()._terms
        shifted = terms.term_info("body", b"said")
        shifted._minid += 1000
        assert terms.term_info("body", b"said").min_id() == shifted.min_id() - 1000
    # each answer is kept, up to TERMS_KEPT per segment
    reader = engine.searcher().leaf_searchers()[0][0].reader()
    lookups = Counter[str]()
    lookup = reader._terms._terms.term_info

    def counted(field: str, word: bytes) -> Any:
        lookups[field] += 1
        return lookup(field, word)

    monkeypatch.setattr(reader._terms._terms, "term_info", counted)
    monkeypatch.setattr(terms_module, "TERMS_KEPT", 50)
    reader._terms._infos.clear()
    for _ in range(3):
        reader.doc_frequency("body", "said")
        assert ("body", "said") in reader
    assert lookups["body"] == 1
    for word in list(reader.lexicon("body"))[:200]:
        reader.doc_frequency("body", word)
    assert len(reader._terms._infos) <= 50
