"""A conjunction reads the postings of its common words only where its rare word is.

The engine plans each segment's query as Whoosh builds its matcher tree, reads the rarer side
of an intersection first, and then reads only the blocks of the other side's postings that
can hold one of the documents found. These tests count the blocks read, and compare the
answers with Whoosh's.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from whoosh.codec.whoosh3 import W3LeafMatcher

from corpus import Gazetteer
from index import Engine
from index.engine import _expanding_once, _Expansions, _ranked
from tests.test_search import _write, generated, indexed, straightforward

RARE = "zebrafish"


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
    _write(path, [*records[:390], *changed, *records[410:]])
    engine.update()
    yield engine
    engine.close()


class BlockReads:
    """Counts the blocks of postings whose data is read, per term."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.reads: dict[tuple[str, bytes], int] = {}
        read = W3LeafMatcher._read_data

        def counted(m: Any) -> None:
            self.reads[m._term] = self.reads.get(m._term, 0) + 1
            read(m)

        monkeypatch.setattr(W3LeafMatcher, "_read_data", counted)


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
    expected = straightforward(searcher, engine.compile(text).query)
    assert blocks_of(engine, "body", "govern") > 8  # the common word has many blocks
    results = engine.search(text, limit=10)
    assert results.total == len(expected) > 0
    assert [(h.article.article.id, h.score) for h in results.hits] == [
        (searcher.stored_fields(d)["id"], s) for d, s in expected[:10]
    ]
    # the ranking alone (the page's highlights read the postings of its hits)
    reads = BlockReads(monkeypatch)
    q = _expanding_once(engine.compile(text).query, _Expansions())
    assert _ranked(searcher, q, 10, None, {}, None) == (expected[:10], len(expected))
    common = {t: n for t, n in reads.reads.items() if t[1] != RARE.encode()}
    # at most one block per document of the rare word, in each field of each common word
    assert all(n <= 6 for n in common.values()), common


def test_a_word_missing_from_a_segment_opens_nothing_there(
    big_segment_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = big_segment_engine
    reads = BlockReads(monkeypatch)
    q = engine.compile("zzzunknownzzz government said").query
    assert _ranked(engine.searcher(), q, 10, None, {}, None) == ([], 0)
    assert reads.reads == {}
