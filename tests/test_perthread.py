"""A thread's searcher and SQLite connection go to the next thread once it ends.

Textual runs every search in a new thread; opening a searcher each time made a search in the
app twice as slow as the same search run again in one thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest

from index import Engine
from index.perthread import PerThread

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
        self.n = Resource.made
        self.closed = False

    def close(self) -> None:
        assert not self.closed, "closed twice"
        self.closed = True


@pytest.fixture
def pool() -> PerThread[Resource]:
    return PerThread(Resource, Resource.close, keep=2)


def test_a_thread_keeps_its_own(pool: PerThread[Resource]) -> None:
    assert pool.get() is pool.get()


def test_the_next_thread_takes_what_an_ended_thread_had(pool: PerThread[Resource]) -> None:
    first = in_thread(pool.get)
    second = in_thread(pool.get)
    assert second is first
    assert not first.closed


def test_threads_alive_at_once_never_share(pool: PerThread[Resource]) -> None:
    got: list[Resource] = []
    both_asked = threading.Barrier(2)

    def ask() -> None:
        got.append(pool.get())
        both_asked.wait()  # neither ends before the other has its own

    threads = [threading.Thread(target=ask) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert got[0] is not got[1]
    assert in_thread(pool.get) in got  # and both were kept for later threads


def test_no_more_than_keep_are_kept_idle(pool: PerThread[Resource]) -> None:
    got: list[Resource] = []
    all_asked = threading.Barrier(3)

    def ask() -> None:
        got.append(pool.get())
        all_asked.wait()

    threads = [threading.Thread(target=ask) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(r.closed for r in got) == [False, False, True]


def test_discard_closes_the_threads_resource_and_makes_a_new_one(
    pool: PerThread[Resource],
) -> None:
    old = pool.get()
    pool.discard()
    assert old.closed
    new = pool.get()
    assert new is not old and not new.closed


def test_clear_closes_idle_ones_now_and_held_ones_when_next_asked(
    pool: PerThread[Resource],
) -> None:
    mine = pool.get()
    idle = in_thread(pool.get)
    holding = threading.Event()
    cleared = threading.Event()
    seen: list[Resource] = []

    def hold() -> None:
        seen.append(pool.get())
        holding.set()
        cleared.wait()
        seen.append(pool.get())

    other = threading.Thread(target=hold)
    other.start()
    holding.wait()
    assert seen[0] is idle  # the other thread took the idle one
    in_thread(pool.get)  # leaves one idle again
    pool.clear()
    assert mine.closed
    assert not idle.closed  # still in use
    cleared.set()
    other.join()
    assert idle.closed, "a thread's stale resource is closed when it next asks"
    assert seen[1] is not idle


def test_an_engine_searches_from_thread_after_thread_with_one_searcher(
    bundled_engine: Engine,
) -> None:
    first = in_thread(bundled_engine.searcher)
    in_thread(lambda: bundled_engine.search("taliban"))
    assert in_thread(bundled_engine.searcher) is first
    # and one SQLite connection, with its cache
    assert in_thread(lambda: bundled_engine.store.db) is in_thread(lambda: bundled_engine.store.db)


def test_a_searcher_handed_on_sees_the_index_as_it_now_is(
    tmp_path: Path, corpus_copy: Path
) -> None:
    engine = Engine(corpus_copy, tmp_path / "index")
    engine.open()
    try:
        assert in_thread(lambda: engine.search("zanzibar").total) == 0
        article = next(corpus_copy.glob("*.md"))
        article.write_text(
            article.read_text(encoding="utf-8") + "\nA line about Zanzibar.\n", encoding="utf-8"
        )
        other = Engine(corpus_copy, tmp_path / "index")  # another process, say
        other.update()
        other.close()
        assert in_thread(lambda: engine.search("zanzibar").total) == 1
    finally:
        engine.close()
