"""Faults: builds killed at random moments, damaged index files, a failing disk, an unusable cache
directory. Every following open gives a consistent index or rebuilds by itself, with a message."""

from __future__ import annotations

import json
import random
import resource
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from whoosh import index as whoosh_index

from index import Engine
from index.segments import whoosh_files as _whoosh_files

WORDS = [
    "alliance",
    "resistance",
    "governor",
    "province",
    "valley",
    "council",
    "militia",
    "commander",
    "election",
]


def corpus_of(
    path: Path, count: int, write: Callable[[Path, Iterable[dict[str, object]]], Path]
) -> Path:
    """A JSON Lines corpus of `count` generated articles (word i is in article i's title)."""
    rng = random.Random(7)
    records: list[dict[str, object]] = [
        {
            "id": f"gen-{i}",
            "title": f"Report {i} on the {WORDS[i % len(WORDS)]}",
            "date": f"20{10 + i % 15:02d}-0{1 + i % 9}-1{i % 9}",
            "source": "Generated",
            "url": None,
            "body": " ".join(rng.choice(WORDS) for _ in range(120)) + f" marker{i}",
        }
        for i in range(count)
    ]
    return write(path, records)


def build_process(corpus: Path, root: Path, batch: int, **kwargs: object) -> subprocess.Popen[str]:
    command = [
        sys.executable, "-m", "index.subprocess_build",
        "--corpus", str(corpus), "--index-root", str(root), "--procs", "1", "--batch-size", str(batch),
    ]  # fmt: skip
    return subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs
    )  # type: ignore[call-overload]


def assert_consistent(corpus: Path, root: Path, most: int) -> None:
    """The index as a reader sees it: opens, searches, no article twice, no phantom."""
    engine = Engine(corpus, root)
    if engine.indexer.current() is None:
        return  # nothing committed yet: the next launch builds
    engine.reopen()
    count = engine.count()
    assert count <= most
    results = engine.search("marker1 OR alliance", limit=most)
    ids = [hit.article.article.id for hit in results.hits]
    assert len(ids) == len(set(ids)), "an article was found twice"
    engine.close()


def test_a_build_killed_twenty_times_at_random_moments_always_recovers(
    tmp_path: Path, write_jsonl: Callable[[Path, Iterable[dict[str, object]]], Path]
) -> None:
    # Large enough that twenty kills cannot finish it even on a fast machine (about 1,400
    # articles a second here; each process is killed within 0.7 s of its start).
    total = 12_000
    corpus = corpus_of(tmp_path / "news.jsonl", total, write_jsonl)
    root = tmp_path / "indexes"
    rng = random.Random(20261122)
    outcomes = []
    for _ in range(20):
        process = build_process(corpus, root, batch=100)
        time.sleep(rng.uniform(0.1, 0.7))
        process.send_signal(signal.SIGKILL)
        process.wait()
        assert_consistent(corpus, root, total)
        engine = Engine(corpus, root)
        if engine.indexer.current() is None:
            outcomes.append(0)
        else:
            engine.reopen()
            outcomes.append(engine.count())
        engine.close()
    # Progress is kept between kills: the count never goes back.
    assert outcomes == sorted(outcomes)
    engine = Engine(corpus, root)
    report = engine.open()
    assert outcomes[-1] < total, "the build finished before the last kill: make the corpus larger"
    assert report is not None and report.added == total - outcomes[-1]  # resumed, not restarted
    assert engine.count() == total
    assert engine.search("marker11999").total == 1
    with engine.searcher() as searcher:
        assert searcher.doc_count() == total  # no orphan left in Whoosh


def test_a_truncated_index_file_is_detected_and_rebuilt(
    bundled_engine: Engine, tmp_path: Path
) -> None:
    engine = Engine(None, tmp_path)
    engine.open()
    generation = engine.indexer.current()
    assert generation is not None
    ix = whoosh_index.open_dir(str(generation.whoosh_dir))
    segment = next(name for name in _whoosh_files(ix) if name.endswith(".seg"))
    ix.close()
    engine.close()
    path = generation.whoosh_dir / segment
    path.write_bytes(path.read_bytes()[:1000])

    again = Engine(None, tmp_path)
    assert not again.is_fresh()
    report = again.open()
    assert report is not None and report.rebuilt
    assert any("damaged" in notice and segment in notice for notice in again.notices)
    assert again.search("Dostum").total == 5


def test_a_corrupt_store_is_rebuilt(tmp_path: Path) -> None:
    engine = Engine(None, tmp_path)
    engine.open()
    generation = engine.indexer.current()
    assert generation is not None
    engine.close()
    generation.store_path.write_bytes(b"this is not a database" * 100)
    for extra in generation.path.glob("store.sqlite-*"):
        extra.unlink()

    again = Engine(None, tmp_path)
    report = again.open()
    assert report is not None and report.rebuilt and report.repaired
    assert again.search("Dostum").total == 5


def test_an_unusable_index_folder_falls_back_to_a_temporary_one(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be", encoding="utf-8")
    engine = Engine(None, blocker / "indexes")
    engine.open()
    assert engine.search("Dostum").total == 5
    assert engine.notices and "using a temporary index" in engine.notices[0]
    assert not str(engine.root).startswith(str(blocker))


def _limit_file_size() -> None:
    # A real write failure, as on a full disk: files may not grow past 256 KB (EFBIG).
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (256 * 1024, 256 * 1024))


def test_a_failing_disk_during_a_build_is_explained_and_loses_nothing(
    tmp_path: Path, write_jsonl: Callable[[Path, Iterable[dict[str, object]]], Path]
) -> None:
    corpus = corpus_of(tmp_path / "news.jsonl", 300, write_jsonl)
    root = tmp_path / "indexes"
    process = build_process(corpus, root, batch=50, preexec_fn=_limit_file_size)
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 1
    assert "Traceback" not in stderr
    last = json.loads(stdout.strip().splitlines()[-1])
    assert "cannot write the index" in last["error"]
    assert any(reason in last["error"].lower() for reason in ("too large", "disk i/o error"))
    assert_consistent(corpus, root, 300)
    # With a working disk, the next launch finishes the job.
    engine = Engine(corpus, root)
    engine.open()
    assert engine.count() == 300


def test_readers_keep_working_while_another_process_rebuilds(
    tmp_path: Path, write_jsonl: Callable[[Path, Iterable[dict[str, object]]], Path]
) -> None:
    corpus = corpus_of(tmp_path / "news.jsonl", 400, write_jsonl)
    root = tmp_path / "indexes"
    Engine(corpus, root).open()
    reader = Engine(corpus, root)
    reader.open()
    process = subprocess.Popen(
        [sys.executable, "-m", "index.subprocess_build", "--corpus", str(corpus), "--index-root", str(root),
         "--procs", "1", "--batch-size", "50", "--rebuild"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    searches = 0
    while process.poll() is None:
        assert reader.search("alliance").total > 0
        searches += 1
    assert process.returncode == 0, process.stderr.read() if process.stderr else ""
    assert searches > 0
    reader.reopen()  # the new generation
    assert reader.count() == 400
    with sqlite3.connect(reader.indexer.current().store_path) as db:  # type: ignore[union-attr]
        assert db.execute("SELECT count(*) FROM articles").fetchone()[0] == 400
    assert len(list(root.rglob("g-*"))) == 1, "the old generation was not cleaned up"
