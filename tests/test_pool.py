"""Searchers are lent to one search at a time and kept between searches.

Textual runs searches on its worker threads, any of several; opening a searcher per thread
opened (and warmed) one per thread, and a searcher per search cost 25 ms each at 57k.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TypeVar

import pytest

from index import Engine
from index.pool import Pool

T = TypeVar("T")


def in_thread(work: Callable[[], T]) -> T:
    """Run `work` in a new thread, wait for it to end, and give its result."""
    out: list[T] = []
    thread = threading.Thread(target=lambda: out.append(work()))
    thread.start()
    thread.join()
    return out[0]


class Resource:
    made = 0

    def __init__(self) -> None:
        Resource.made += 1
        self.closed = False
        self.stale = False

    def close(self) -> None:
        assert not self.closed, "closed twice"
        self.closed = True


@pytest.fixture
def pool() -> Pool[Resource]:
    return Pool(Resource, Resource.close, fresh=lambda r: not r.stale, keep=2)


def test_one_resource_serves_search_after_search_whatever_the_thread(
    pool: Pool[Resource],
) -> None:
    def borrow() -> Resource:
        with pool.lease() as resource:
            return resource

    first = borrow()
    assert in_thread(borrow) is first
    assert borrow() is first
    assert not first.closed


def test_two_borrowers_at_once_never_share(pool: Pool[Resource]) -> None:
    got: list[Resource] = []
    both_borrowed = threading.Barrier(2)

    def borrow() -> None:
        with pool.lease() as resource:
            got.append(resource)
            both_borrowed.wait()  # neither gives it back before the other has its own

    threads = [threading.Thread(target=borrow) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert got[0] is not got[1]
    with pool.lease() as again:
        assert again in got  # both were kept


def test_no_more_than_keep_are_kept_idle(pool: Pool[Resource]) -> None:
    with pool.lease() as a, pool.lease() as b, pool.lease() as c:
        pass
    assert sorted(r.closed for r in (a, b, c)) == [False, False, True]


def test_a_stale_resource_is_closed_and_never_lent(pool: Pool[Resource]) -> None:
    with pool.lease() as a, pool.lease() as b:
        pass
    a.stale = b.stale = True  # the index changed under both
    with pool.lease() as c:
        assert c is not a and c is not b
    assert a.closed and b.closed


def test_clear_closes_idle_ones_now_and_lent_ones_when_they_come_back(
    pool: Pool[Resource],
) -> None:
    with pool.lease() as idle:
        pass
    with pool.lease() as lent:
        assert lent is idle
        with pool.lease() as other:
            pass
        pool.clear()
        assert other.closed  # it was idle
        assert not lent.closed  # in use
    assert lent.closed
    with pool.lease() as fresh:
        assert fresh is not lent and not fresh.closed


def test_a_resource_comes_back_when_its_borrower_fails(pool: Pool[Resource]) -> None:
    with pytest.raises(ZeroDivisionError), pool.lease() as failed:
        _ = 1 / 0
    with pool.lease() as again:
        assert again is failed


def test_an_engine_opens_one_searcher_for_searches_from_thread_after_thread(
    bundled_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[object] = []
    pool = bundled_engine._readings
    make = pool._make

    def counted() -> object:
        opened.append(make())
        return opened[-1]

    pool.clear()
    monkeypatch.setattr(pool, "_make", counted)
    for text in ("taliban", "Dostum", '"Ahmad Massoud"', "Punj*"):
        assert in_thread(partial(bundled_engine.search, text)).total > 0
    assert len(opened) == 1


def test_a_searcher_kept_idle_sees_the_index_as_it_now_is(
    tmp_path: Path, corpus_copy: Path
) -> None:
    """Two searchers idle when another process updates the index: neither is lent again."""
    engine = Engine(corpus_copy, tmp_path / "index")
    engine.open()
    try:
        both = threading.Barrier(2)

        def search_together() -> None:
            with engine.searching():
                both.wait()
            assert engine.search("zanzibar").total == 0

        threads = [threading.Thread(target=search_together) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(engine._readings._idle) == 2
        article = next(corpus_copy.glob("*.md"))
        article.write_text(
            article.read_text(encoding="utf-8") + "\nA line about Zanzibar.\n", encoding="utf-8"
        )
        other = Engine(corpus_copy, tmp_path / "index")  # another process, say
        other.update()
        other.close()
        assert in_thread(lambda: engine.search("zanzibar").total) == 1
        assert engine.search("zanzibar").total == 1
    finally:
        engine.close()
