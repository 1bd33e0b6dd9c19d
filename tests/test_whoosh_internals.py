"""The Whoosh internals the fast path reads are still there, shaped as it reads them.

If this fails after a Whoosh upgrade or a switch of fork, the message names each internal
that changed; run with AFREADER_PLAIN_WHOOSH=1 meanwhile (plain Whoosh, the same answers,
slower) and update `index/fastpath/`. The app and the command line do that by themselves:
they fall back to plain Whoosh, with a notice, as the last test shows.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from corpus import Gazetteer
from index import Engine
from index.fastpath import postings
from index.fastpath.shapes import INTERNALS, explain, shape_problems
from index.gazcache import cache_folder

pytestmark = pytest.mark.filterwarnings("error")


@pytest.fixture
def fresh_check(bundled_engine: Engine) -> Iterator[None]:
    """The once-per-process verdict, and the verdict kept beside the bundled index for the
    code as it is (a test changes Whoosh's behaviour, not its code), forgotten before and after
    the test."""

    def forget() -> None:
        shape_problems.cache_clear()
        if bundled_engine.index_root is not None:
            for stamp in cache_folder(bundled_engine.index_root).glob("fastpath-*.ok"):
                stamp.unlink()

    forget()
    yield
    forget()


def test_every_internal_the_fast_path_reads_has_the_shape_it_expects(fresh_check: None) -> None:
    problems = shape_problems()
    assert not problems, explain(problems)


def test_the_list_names_each_internal_and_its_parameters() -> None:
    names = {(module, owner, name) for module, owner, name, _ in INTERNALS}
    assert len(names) == len(INTERNALS) > 30
    # what the fast path's heaviest shortcuts read
    assert ("whoosh.codec.whoosh3", "W3LeafMatcher", "_next_block") in names
    assert ("whoosh.query", "MultiTerm", "_btexts") in names


def test_a_changed_method_is_named_with_what_to_do(
    fresh_check: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from whoosh.codec.whoosh3 import W3LeafMatcher

    monkeypatch.delattr(W3LeafMatcher, "_next_block")
    problems = shape_problems()
    assert problems == ["whoosh.codec.whoosh3.W3LeafMatcher._next_block is missing"]
    message = explain(problems)
    assert "W3LeafMatcher._next_block" in message and "AFREADER_PLAIN_WHOOSH=1" in message


def test_a_changed_block_layout_is_found_by_searching_a_small_index(
    fresh_check: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(postings, "FIRST_VALUE", b"a marker no block holds")
    problems = shape_problems()
    assert any("pickled layout of a block" in p for p in problems), problems


def test_the_engine_falls_back_to_plain_whoosh_with_a_notice(
    fresh_check: None,
    monkeypatch: pytest.MonkeyPatch,
    bundled_engine: Engine,
    bundled_gazetteer: Gazetteer,
) -> None:
    monkeypatch.setattr(postings, "FIRST_VALUE", b"a marker no block holds")
    index_root = bundled_engine.index_root
    assert isinstance(index_root, Path)
    engine = Engine(index_root=index_root, gazetteer=bundled_gazetteer)
    try:
        assert engine.answerer == "plain Whoosh"
        assert any("plain Whoosh" in n and "pickled layout" in n for n in engine.notices), (
            engine.notices
        )
        engine.open()
        mine = engine.search("Dostum OR Taliban", limit=5)
        fast = bundled_engine.search("Dostum OR Taliban", limit=5)
        assert bundled_engine.answerer == "fast path"
        assert mine.total == fast.total > 0
        assert [(h.article.article.id, h.score) for h in mine.hits] == [
            (h.article.article.id, h.score) for h in fast.hits
        ]
    finally:
        engine.close()
