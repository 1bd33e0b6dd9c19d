"""`index.open_index`, the one lifecycle the app, the command line and `Engine.open` share:
fresh, built, cancelled and resumed, busy, failed over an older index; in this process and
in a build process."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pytest

from corpus import Gazetteer
from index import BuildCancelled, BuildProgress, Engine, EngineError, Opened, open_index
from index.build import UPDATE_LOCK
from index.locks import ProcessLock
from index.report import PROGRESS_EVERY, Ticker

WriteJsonl = Callable[[Path, Iterable[dict[str, object]]], Path]
ARTICLES = 3000


def articles(count: int, start: int = 0) -> Iterator[dict[str, object]]:
    rng = random.Random(start)
    words = ["alliance", "council", "valley", "militia", "province", "governor", "election"]
    for i in range(start, start + count):
        body = " ".join(rng.choice(words) for _ in range(150)) + f" marker{i}"
        yield {"id": f"a-{i}", "title": f"Report {i}", "date": "2021-03-04", "body": body}


@pytest.fixture
def big_corpus(tmp_path: Path, write_jsonl: WriteJsonl) -> Path:
    return write_jsonl(tmp_path / "news.jsonl", articles(ARTICLES))


@pytest.mark.parametrize("in_subprocess", [True, False], ids=["build process", "this process"])
def test_a_first_build_reports_small_steps_then_a_fresh_index_does_nothing(
    big_corpus: Path, tmp_path: Path, bundled_gazetteer: Gazetteer, in_subprocess: bool
) -> None:
    steps: list[BuildProgress] = []
    engine = Engine(big_corpus, tmp_path / "ix", gazetteer=bundled_gazetteer, procs=2)
    opened = open_index(engine, steps.append, subprocess=in_subprocess)
    assert opened.report is not None and opened.report.added == ARTICLES
    assert opened.notices == () and opened.warning is None
    assert engine.count() == ARTICLES
    done = [step.done for step in steps if step.phase == "indexing"]
    assert done == sorted(done), "progress went back"
    assert done and max(b - a for a, b in zip([0, *done], [*done, ARTICLES], strict=True)) <= 500
    engine.close()
    again = Engine(big_corpus, tmp_path / "ix", gazetteer=bundled_gazetteer)
    assert open_index(again, subprocess=in_subprocess) == Opened(None, (), None)
    assert again.search("marker2999").total == 1
    again.close()


def test_a_batch_being_read_says_where_it_starts_once() -> None:
    # Reading a batch leaves `done` where it was (read and pending grow together): a count
    # that is a multiple of PROGRESS_EVERY is said once, not once for every article read.
    steps: list[int] = []
    ticker = Ticker(lambda step: steps.append(step.done))
    for read in range(1, 2 * PROGRESS_EVERY + 1):
        ticker.step(read, 2 * PROGRESS_EVERY, queued=True)
    for _ in range(PROGRESS_EVERY):
        ticker.written()
    assert steps.count(0) == 1 and steps.count(PROGRESS_EVERY) == 1, steps


@pytest.mark.parametrize("in_subprocess", [True, False], ids=["build process", "this process"])
def test_a_cancelled_build_keeps_what_it_committed_and_the_next_open_resumes(
    tmp_path: Path, write_jsonl: WriteJsonl, bundled_gazetteer: Gazetteer, in_subprocess: bool
) -> None:
    total = 600  # six batches of 100: the cancel comes in the second
    corpus = write_jsonl(tmp_path / "news.jsonl", articles(total))
    seen: list[int] = []
    engine = Engine(corpus, tmp_path / "ix", gazetteer=bundled_gazetteer)
    engine.indexer.batch_size = 100  # the build process is given it too
    # Cancelled once a batch is committed (article 101 is written after the first commit).
    with pytest.raises(BuildCancelled):
        open_index(
            engine,
            lambda step: seen.append(step.done),
            lambda: bool(seen) and seen[-1] > 150,
            subprocess=in_subprocess,
        )
    engine.close()
    again = Engine(corpus, tmp_path / "ix", gazetteer=bundled_gazetteer)
    opened = open_index(again, subprocess=in_subprocess)
    assert opened.report is not None
    assert 0 < opened.report.added < total, "the build restarted instead of resuming"
    assert again.count() == total and again.search("marker0").total == 1
    again.close()


def test_an_index_being_built_by_another_process_is_opened_with_a_notice(
    big_corpus: Path, tmp_path: Path, bundled_gazetteer: Gazetteer
) -> None:
    engine = Engine(big_corpus, tmp_path / "ix", gazetteer=bundled_gazetteer)
    engine.indexer.batch_size = 100
    seen: list[int] = []
    with pytest.raises(BuildCancelled):  # a first build part-way, as another process leaves it
        open_index(engine, lambda s: seen.append(s.done), lambda: bool(seen) and seen[-1] > 150)
    engine.close()
    lock = ProcessLock(engine.root / UPDATE_LOCK)  # "another process" is building it
    assert lock.acquire()
    try:
        reader = Engine(big_corpus, tmp_path / "ix", gazetteer=bundled_gazetteer)
        opened = open_index(reader, subprocess=True)
        assert opened.report is None
        assert any("being built" in notice for notice in opened.notices), opened
        assert 0 < reader.search("alliance").total < ARTICLES
        reader.close()
    finally:
        lock.release()


def test_nothing_to_open_while_another_process_starts_the_first_build(
    big_corpus: Path, tmp_path: Path, bundled_gazetteer: Gazetteer
) -> None:
    engine = Engine(big_corpus, tmp_path / "ix", gazetteer=bundled_gazetteer)
    engine.root.mkdir(parents=True)
    lock = ProcessLock(engine.root / UPDATE_LOCK)
    assert lock.acquire()
    try:
        with pytest.raises(EngineError, match="being built"):
            open_index(engine)
    finally:
        lock.release()


def test_a_read_only_cache_reuses_one_temporary_index(tmp_path: Path) -> None:
    afreader = shutil.which("afreader", path=str(Path(sys.executable).parent))
    if afreader is None:
        pytest.skip("the afreader command is not installed")
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be", encoding="utf-8")
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    environment = {**os.environ, "TMPDIR": str(temporary)}
    for command in (["index"], ["problems"], ["index"], ["search", "dostum"]):
        run = subprocess.run(
            [afreader, "--index-dir", str(blocker / "indexes"), *command],
            capture_output=True, text=True, env=environment, timeout=120,
        )  # fmt: skip
        assert run.returncode in (0, 1), run.stderr  # problems: none found
        assert "using a temporary index" in run.stderr
    assert len(list(temporary.iterdir())) == 1, list(temporary.iterdir())
    assert len(list(temporary.glob("*/*/g-*"))) == 1
