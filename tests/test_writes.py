"""The user database's writes run one at a time, in the order they were asked for, whichever
threads ask and drain."""

from __future__ import annotations

import threading
import time

import pytest

from userdata.writes import WriteQueue


def test_writes_run_in_order_one_at_a_time() -> None:
    queue: WriteQueue[int] = WriteQueue()
    done: list[int] = []
    running = threading.Semaphore(1)
    threads: list[threading.Thread] = []

    def run(n: int) -> None:
        assert running.acquire(blocking=False), "two writes at once"
        time.sleep(0.001)
        done.append(n)
        running.release()

    for n in range(200):
        if queue.add(n):  # no thread is draining: start one, as the reader starts a worker
            thread = threading.Thread(target=queue.drain, args=(run,))
            thread.start()
            threads.append(thread)
    for thread in threads:
        thread.join()
    assert done == list(range(200))


def test_a_failing_write_stops_the_draining_and_the_next_add_starts_it_again() -> None:
    queue: WriteQueue[int] = WriteQueue()
    done: list[int] = []

    def run(n: int) -> None:
        if n == 1:
            raise RuntimeError("disk")
        done.append(n)

    assert queue.add(0) and not queue.add(1) and not queue.add(2)
    with pytest.raises(RuntimeError):
        queue.drain(run)
    assert done == [0]
    assert queue.add(3)  # nobody is draining now: the caller starts again
    queue.drain(run)
    assert done == [0, 2, 3]
