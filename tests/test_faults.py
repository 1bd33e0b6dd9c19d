"""Faults: builds killed at random moments, damaged index files, a failing disk, an unusable cache
directory. Every following open gives a consistent index or rebuilds by itself, with a message."""

from __future__ import annotations

import json
import os
import random
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pytest
from whoosh import index as whoosh_index

from corpus import Gazetteer
from index import Engine, open_index
from index.listing import ranked_ids
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
    path: Path,
    count: int,
    write: Callable[[Path, Iterable[dict[str, object]]], Path],
    words: int = 120,
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
            "body": " ".join(rng.choice(WORDS) for _ in range(words)) + f" marker{i}",
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


def assert_consistent(corpus: Path, root: Path, most: int) -> int:
    """The index as a reader sees it: opens, searches, no article twice, no phantom.

    Returns how many articles it holds (0 when nothing is committed yet).
    """
    engine = Engine(corpus, root)
    if engine.indexer.current() is None:
        return 0  # nothing committed yet: the next launch builds
    engine.reopen()
    count = engine.count()
    assert count <= most
    # Every match's id, as an export reads them (a page of `most` snippets cost seconds).
    # (Whoosh may hold a batch the store lost: the next update drops it, said by the tests.)
    ids = [article_id for article_id, _ in ranked_ids(engine, "marker1 OR alliance")]
    assert len(ids) == len(set(ids)), "an article was found twice"
    engine.close()
    return count


def test_a_build_killed_at_moments_spread_over_it_always_recovers(
    tmp_path: Path, write_jsonl: Callable[[Path, Iterable[dict[str, object]]], Path]
) -> None:
    # Ten kills spread over the build, whatever the speed of the machine: the k-th process is
    # killed once its progress lines (one every 250 articles or 0.1 s) pass a random point of
    # the k-th tenth of the first 90% of the articles; a point already passed kills it as soon
    # as it says how far it is. Kills so land before the first commit, in batches being
    # written, in commits and merges, and the build is never left to finish.
    total, rounds = 2000, 10
    corpus = corpus_of(tmp_path / "news.jsonl", total, write_jsonl, words=40)
    root = tmp_path / "indexes"
    rng = random.Random(2026)  # its first point is in the first batch: killed before any commit
    span = total * 9 // 10
    outcomes = []
    for k in range(rounds):
        point = rng.randrange(k * span // rounds, (k + 1) * span // rounds)
        process = build_process(corpus, root, batch=100)
        assert process.stdout is not None
        for line in process.stdout:
            if '"phase"' not in line or json.loads(line)["done"] >= point:
                break  # the point is passed (or the build ended: the last count says so)
        process.send_signal(signal.SIGKILL)
        process.wait()
        outcomes.append(assert_consistent(corpus, root, total))
    # Progress is kept between kills: the count never goes back, and it moved.
    assert outcomes == sorted(outcomes)
    assert 0 < outcomes[-1] < total, f"no batch kept, or the build finished: {outcomes}"
    engine = Engine(corpus, root)
    report = engine.open()
    assert report is not None and report.added == total - outcomes[-1]  # resumed, not restarted
    assert engine.count() == total
    assert engine.search(f"marker{total - 1}").total == 1
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
    with engine.searcher() as searcher:
        assert searcher.doc_count() == 300  # the batch Whoosh kept and the store lost: dropped


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


def test_a_search_meeting_a_generation_deleted_under_it_reads_the_new_one(
    tmp_path: Path,
    write_jsonl: Callable[[Path, Iterable[dict[str, object]]], Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The window the loop above can only sometimes hit: another process's rebuild finishes
    after this engine looked at the pointer and before it opened a searcher."""
    corpus = corpus_of(tmp_path / "news.jsonl", 60, write_jsonl)
    root = tmp_path / "indexes"
    reader = Engine(corpus, root)
    reader.open()
    old = reader.generation_path
    Engine(corpus, root).update(rebuild=True)  # points at a new generation, deletes the old
    assert old is not None and not old.exists()
    monkeypatch.setattr(reader, "_follow_rebuild", lambda: None)  # the look came first
    assert reader.search("alliance").total > 0
    assert reader.generation_path != old
    assert reader.count() == 60


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 2 MB filesystem (tmpfs), unmounted afterwards; skipped where none can be mounted."""
    mountpoint = tmp_path / "small-disk"
    mountpoint.mkdir()
    mount = shutil.which("mount")
    if mount is None:
        pytest.skip("no mount command to make a small filesystem")
    made = subprocess.run(
        [mount, "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mountpoint)],
        capture_output=True,
        text=True,
    )
    if made.returncode != 0:
        pytest.skip(f"cannot mount a small filesystem here: {made.stderr.strip()}")
    try:
        yield mountpoint
    finally:
        # Lazily: a failed test may still hold a file of it open.
        subprocess.run(["umount", "-l", str(mountpoint)], check=False)


def test_a_full_disk_ends_the_first_build_with_the_message_and_leaves_the_disk_as_found(
    small_disk: Path,
    tmp_path: Path,
    write_jsonl: Callable[[Path, Iterable[dict[str, object]]], Path],
) -> None:
    # Larger than the disk, and enough new articles for Whoosh's two worker processes; at this
    # size a worker is the one that meets the full disk, and its reason must reach the message.
    corpus = corpus_of(tmp_path / "news.jsonl", 1500, write_jsonl)
    afreader = shutil.which("afreader", path=str(Path(sys.executable).parent))
    assert afreader is not None
    free = os.statvfs(small_disk).f_bfree
    for command in (["index"], ["search", "alliance"], ["index", "--rebuild"]):
        # A hang is the failure this guards against: the timeout bounds it.
        run = subprocess.run(
            [afreader, "--corpus", str(corpus), "--index-dir", str(small_disk), *command],
            capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL,
        )  # fmt: skip
        assert run.returncode == 2, run.stderr
        assert "No space left on device" in run.stderr and "Traceback" not in run.stderr
        assert not list(small_disk.rglob("g-*")), "a half-written generation was left"
        assert not list(small_disk.rglob("current")), "a pointer to nothing was left"
        assert os.statvfs(small_disk).f_bfree == free, "the disk was not left as found"


def test_a_full_disk_during_an_update_warns_and_keeps_the_older_index_open(
    small_disk: Path, corpus_copy: Path, bundled_gazetteer: Gazetteer
) -> None:
    engine = Engine(corpus_copy, small_disk, gazetteer=bundled_gazetteer)
    assert open_index(engine, subprocess=False).report is not None
    engine.close()
    words = " ".join(f"word{i}" for i in range(400_000))  # about 4 MB: more than the disk
    (corpus_copy / "huge.md").write_text(f"# A very long article\n\n{words}\n", encoding="utf-8")
    for in_subprocess in (False, True):
        again = Engine(corpus_copy, small_disk, gazetteer=bundled_gazetteer)
        opened = open_index(again, subprocess=in_subprocess)
        assert opened.warning is not None and "No space left on device" in opened.warning
        assert again.count() == 5 and again.search("Dostum").total == 5
        again.close()
