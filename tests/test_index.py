"""The index's life: built when missing, cheap to check, updated in place, safe when killed,
readable while another process writes to it."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest

from corpus import Gazetteer
from index import ENV_INDEX_DIR, Engine, EngineError, IndexBusy, default_index_root, index_dir_for
from index.build import UPDATE_LOCK
from index.listing import ranked_ids
from index.locks import ProcessLock

WriteJsonl = Callable[[Path, Iterable[dict[str, object] | str]], Path]

NEW_ARTICLE = (
    "---\ntitle: Bamiyan talks\npublished: '2024-02-03'\nsource: Test Wire\n---\n"
    "Ahmad Massoud met envoys in Bamiyan to discuss the Taliban.\n"
)


@pytest.fixture
def gazetteer(bundled_gazetteer: Gazetteer) -> Gazetteer:
    """The bundled gazetteer, loaded once: every engine here would otherwise read it again."""
    return bundled_gazetteer


def article_file(corpus: Path, stem: str) -> Path:
    (path,) = corpus.glob(f"{stem}*.md")
    return path


def stores_of(root: Path) -> list[Path]:
    return sorted(root.glob("*/g-*/store.sqlite"))


# --- building and freshness -----------------------------------------------------------------


def test_built_automatically_when_missing(
    corpus_copy: Path, tmp_path: Path, gazetteer: Gazetteer
) -> None:
    engine = Engine(corpus_copy, index_root=tmp_path / "indexes", gazetteer=gazetteer)
    assert not engine.is_fresh()
    with pytest.raises(EngineError, match="not open"):
        engine.search("Dostum")
    progress: list[str] = []
    report = engine.open(lambda p: progress.append(p.phase))
    assert report is not None
    assert (report.added, report.changed, report.removed, report.rebuilt) == (5, 0, 0, True)
    assert report.problems == []
    assert progress[-1] == "done"
    assert engine.is_fresh()
    assert engine.count() == 5
    assert engine.search("Interfax").total == 1
    assert engine.root == index_dir_for(corpus_copy, tmp_path / "indexes")
    assert engine.root.is_dir() and not list(corpus_copy.glob("**/*.sqlite"))
    engine.close()


def test_fresh_index_opens_without_work(
    corpus_copy: Path, tmp_path: Path, gazetteer: Gazetteer
) -> None:
    Engine(corpus_copy, index_root=tmp_path, gazetteer=gazetteer).open()
    engine = Engine(corpus_copy, index_root=tmp_path, gazetteer=gazetteer)
    assert engine.is_fresh()
    assert engine.open() is None  # no update report: nothing was read or written
    assert engine.count() == 5
    engine.close()


def test_is_fresh_reads_no_article(corpus_copy: Path, tmp_path: Path, gazetteer: Gazetteer) -> None:
    engine = Engine(corpus_copy, index_root=tmp_path, gazetteer=gazetteer)
    engine.open()
    # Rewrite an article with text of the same size and put its time back: only reading the
    # file could tell, and the freshness check must not read it.
    path = article_file(corpus_copy, "2021-08")
    stat = path.stat()
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("Interfax", "Xafretni"), encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert path.stat().st_size == stat.st_size
    assert engine.is_fresh()
    engine.close()


@pytest.mark.parametrize("change", ["touch", "add", "remove", "add-ignored"])
def test_a_changed_corpus_is_not_fresh(
    corpus_copy: Path, tmp_path: Path, change: str, gazetteer: Gazetteer
) -> None:
    engine = Engine(corpus_copy, index_root=tmp_path, gazetteer=gazetteer)
    engine.open()
    path = article_file(corpus_copy, "2015-06")
    if change == "touch":
        os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    elif change == "add":
        (corpus_copy / "new.md").write_text(NEW_ARTICLE, encoding="utf-8")
    elif change == "remove":
        path.unlink()
    else:
        (corpus_copy / "scan.pdf").write_bytes(b"%PDF-1.4\n")
    assert not engine.is_fresh()
    engine.close()


def test_another_gazetteer_means_another_index(
    corpus_copy: Path, tmp_path: Path, gazetteer: Gazetteer, small_gazetteer: Gazetteer
) -> None:
    Engine(corpus_copy, index_root=tmp_path, gazetteer=gazetteer).open()
    engine = Engine(corpus_copy, index_root=tmp_path, gazetteer=small_gazetteer)
    assert not engine.is_fresh()
    report = engine.open()
    assert report is not None and report.rebuilt and report.added == 5
    assert {s.entity.id for s in engine.entities()} == set(small_gazetteer.by_id)
    assert engine.search("", actor="yar-dostum").total == 1
    assert len(list(engine.root.glob("g-*"))) == 1  # the old generation is gone
    engine.close()


def test_rebuild(corpus_copy: Path, tmp_path: Path, gazetteer: Gazetteer) -> None:
    engine = Engine(corpus_copy, index_root=tmp_path, gazetteer=gazetteer)
    engine.open()
    before = engine.indexer.current()
    report = engine.update(rebuild=True)
    after = engine.indexer.current()
    assert report.rebuilt and report.added == 5
    assert before is not None and after is not None and before.path != after.path
    assert not before.path.exists()
    assert not (engine.root / "next").exists()
    assert engine.search("Interfax").total == 1
    engine.close()


def test_default_root_follows_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_INDEX_DIR, str(tmp_path / "here"))
    assert default_index_root() == tmp_path / "here"
    engine = Engine()
    assert engine.root.parent == tmp_path / "here"
    assert engine.root.name.startswith("articles-")


def test_index_root_never_defaults_to_the_home_cache() -> None:
    root = default_index_root()
    assert not str(root).startswith(str(Path.home() / ".cache")), root


def test_a_second_engine_sees_updates_without_duplicates(
    corpus_copy: Path, tmp_path: Path, gazetteer: Gazetteer
) -> None:
    writer = Engine(corpus_copy, index_root=tmp_path, gazetteer=gazetteer)
    writer.open()
    reader = Engine(corpus_copy, index_root=tmp_path, gazetteer=gazetteer)
    assert reader.open() is None
    assert reader.search("Dostum").total == 5
    target = article_file(corpus_copy, "2015-06")
    for round_number in range(3):
        target.write_text(target.read_text("utf-8") + f"\nRound{round_number}.\n", "utf-8")
        assert writer.update().changed == 1
        results = reader.search("Dostum", limit=50)
        found = [hit.article.article.id for hit in results.hits]
        assert results.total == len(found) == len(set(found)) == 5
        assert reader.search(f"Round{round_number}").total == 1
        assert reader.searcher().doc_count_all() >= reader.searcher().doc_count() == 5
    reader.close()
    writer.close()


# --- incremental updates --------------------------------------------------------------------


def test_incremental_update_of_a_folder(
    corpus_copy: Path, tmp_path: Path, gazetteer: Gazetteer
) -> None:
    engine = Engine(corpus_copy, index_root=tmp_path, gazetteer=gazetteer)
    engine.open()
    (corpus_copy / "new.md").write_text(NEW_ARTICLE, encoding="utf-8")
    changed = article_file(corpus_copy, "2015-06")
    changed.write_text(
        changed.read_text(encoding="utf-8").replace("Qamaruddin", "Zarghuna"), encoding="utf-8"
    )
    article_file(corpus_copy, "2021-08").unlink()

    report = engine.update()
    assert (report.added, report.changed, report.removed, report.rebuilt) == (1, 1, 1, False)
    assert engine.is_fresh()
    assert engine.count() == 5
    assert [h.article.article.id for h in engine.search("Bamiyan").hits] == ["new"]
    assert engine.search("Zarghuna").total == 1
    assert engine.search("Qamaruddin").total == 0
    assert engine.search("Interfax").total == 0
    assert engine.article("2021-08-anti-taliban-alliance-sons-of-resistance") is None
    assert [r.article_id for r in engine.mentions_of("yar-dostum")] == []
    assert {r.article_id for r in engine.mentions_of("ahmad-massoud")} == {
        "new",
        "2025-12-nationpress-anti-taliban-movements-agreement",
    }

    nothing = engine.update()
    assert nothing.touched == 0
    engine.close()


def test_problems_are_recorded_and_forgotten(
    corpus_copy: Path, tmp_path: Path, gazetteer: Gazetteer
) -> None:
    engine = Engine(corpus_copy, index_root=tmp_path, gazetteer=gazetteer)
    engine.open()
    broken = corpus_copy / "broken.md"
    broken.write_text("---\ntitle: [\n---\nBody.\n", encoding="utf-8")
    engine.update()
    (problem,) = engine.problems()
    assert (problem.path, problem.field, problem.severity) == (str(broken), "front matter", "error")
    assert engine.count() == 5

    broken.write_text("---\ntitle: Mended\n---\nBody about Bamiyan.\n", encoding="utf-8")
    report = engine.update()
    assert report.added == 1
    assert engine.problems() == []
    assert engine.search("Bamiyan").total == 1

    broken.unlink()
    assert engine.update().removed == 1
    assert engine.count() == 5
    engine.close()


def test_a_changed_file_cannot_steal_an_id(
    corpus_copy: Path, tmp_path: Path, gazetteer: Gazetteer
) -> None:
    engine = Engine(corpus_copy, index_root=tmp_path, gazetteer=gazetteer)
    engine.open()
    (corpus_copy / "thief.md").write_text(
        "---\nid: 2021-08-anti-taliban-alliance-sons-of-resistance\ntitle: Thief\n---\nx\n",
        encoding="utf-8",
    )
    engine.update()
    (problem,) = engine.problems()
    assert problem.field == "id"
    assert "duplicate id" in problem.message
    stored = engine.article("2021-08-anti-taliban-alliance-sons-of-resistance")
    assert stored is not None and stored.article.title.startswith("Anti-Taliban Alliance")
    engine.close()


def generated(count: int, start: int = 0) -> list[dict[str, object]]:
    """Articles made up for size: each names an actor and says 'common'."""
    actors = ["Dostum", "Atta Mohammad Noor", "Amrullah Saleh", "the Taliban", "Ahmad Massoud"]
    return [
        {
            "id": f"gen-{n:05d}",
            "title": f"Generated report {n} on {actors[n % 5]}",
            "date": f"{2001 + n % 24}-{1 + n % 12:02d}",
            "source": "Generator",
            "body": f"A common paragraph number {n} about {actors[n % 5]} and Panjshir.",
        }
        for n in range(start, start + count)
    ]


def test_jsonl_gz_corpus_and_its_updates(
    tmp_path: Path, write_jsonl: WriteJsonl, gazetteer: Gazetteer
) -> None:
    records = generated(40)
    path = write_jsonl(tmp_path / "news.jsonl.gz", [*records, "{broken"])
    engine = Engine(path, index_root=tmp_path / "indexes", gazetteer=gazetteer)
    report = engine.open()
    assert report is not None and report.added == 40
    (problem,) = engine.problems()
    assert (problem.path, problem.line) == (str(path), 41)
    assert engine.search("common", limit=100).total == 40
    assert engine.search("", actor="amrullah-saleh").total == 8
    assert engine.is_fresh()

    records[0] = {**records[0], "body": "Rewritten: Bamiyan only."}
    write_jsonl(path, [*records[:-1], *generated(2, start=40)])
    report = engine.update()
    assert (report.added, report.changed, report.removed) == (2, 1, 1)
    assert engine.problems() == []
    assert engine.search("common", limit=100).total == 40
    assert [h.article.article.id for h in engine.search("Bamiyan").hits] == ["gen-00000"]
    engine.close()


def test_a_busy_index_is_reported_and_the_last_one_opened(
    corpus_copy: Path, tmp_path: Path, gazetteer: Gazetteer
) -> None:
    engine = Engine(corpus_copy, index_root=tmp_path, gazetteer=gazetteer)
    engine.open()
    (corpus_copy / "new.md").write_text(NEW_ARTICLE, encoding="utf-8")
    lock = ProcessLock(engine.root / UPDATE_LOCK)
    assert lock.acquire(blocking=False)
    try:
        with pytest.raises(IndexBusy, match="another afreader process"):
            engine.update()
        other = Engine(corpus_copy, index_root=tmp_path, gazetteer=gazetteer)
        assert other.open() is None  # busy: the last complete index, as it was
        assert other.count() == 5
        other.close()
    finally:
        lock.release()
    assert engine.update().added == 1
    engine.close()


# --- a build killed midway ------------------------------------------------------------------


def stored_count(store: Path) -> int:
    with sqlite3.connect(store, timeout=5) as db:
        try:
            return int(db.execute("SELECT count(*) FROM articles").fetchone()[0])
        except sqlite3.OperationalError:  # the schema is not there yet
            return 0


def test_a_killed_build_resumes(
    tmp_path: Path, write_jsonl: WriteJsonl, gazetteer: Gazetteer
) -> None:
    total = 3000
    corpus = write_jsonl(tmp_path / "big.jsonl", generated(total))
    root = tmp_path / "indexes"
    build = subprocess.Popen(
        [sys.executable, "-m", "index.subprocess_build", "--corpus", str(corpus),
         "--index-root", str(root), "--procs", "1", "--batch-size", "100"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        # Killed on the first progress line past the first batch: article 101 is written
        # only once the batch before it is committed, whatever the speed of the machine.
        assert build.stdout is not None
        for line in build.stdout:
            if '"phase"' in line and json.loads(line)["done"] > 150:
                break
        assert build.poll() is None, "the build ended before it could be killed"
        build.send_signal(signal.SIGKILL)
    finally:
        build.kill()
        _, stderr = build.communicate(timeout=30)
    assert build.returncode == -signal.SIGKILL, stderr

    (store,) = stores_of(root)
    done_before = stored_count(store)
    assert 0 < done_before < total

    engine = Engine(corpus, index_root=root, gazetteer=gazetteer)
    assert not engine.is_fresh()
    report = engine.open()
    assert report is not None
    assert report.added == total - done_before < total
    assert engine.is_fresh()
    assert engine.count() == total
    assert engine.search("common").total == total
    found = [article_id for article_id, _ in ranked_ids(engine, "common")]
    assert len(found) == len(set(found)) == total
    assert engine.searcher().doc_count() == total
    assert engine.search('"paragraph number 2999"').total == 1
    engine.close()


def test_a_crash_between_the_two_commits_leaves_no_duplicates(
    tmp_path: Path, write_jsonl: WriteJsonl, gazetteer: Gazetteer
) -> None:
    # The narrowest window of a kill: a batch committed to Whoosh, not yet to SQLite. Made
    # by hand, since a signal cannot be aimed at it: drop the last batch from the store.
    corpus = write_jsonl(tmp_path / "c.jsonl", generated(300))
    engine = Engine(corpus, index_root=tmp_path / "indexes", gazetteer=gazetteer)
    engine.indexer.batch_size = 100
    engine.open()
    generation = engine.indexer.current()
    engine.close()
    assert generation is not None
    with sqlite3.connect(generation.store_path) as db:
        db.execute(
            "DELETE FROM mentions WHERE article IN (SELECT n FROM articles WHERE id >= ?)",
            ("gen-00200",),
        )
        db.execute("DELETE FROM articles WHERE id >= ?", ("gen-00200",))
        db.execute("UPDATE meta SET value = '0' WHERE key = 'complete'")

    engine = Engine(corpus, index_root=tmp_path / "indexes", gazetteer=gazetteer)
    report = engine.open()
    assert report is not None and report.added == 100
    assert engine.search("common", limit=1000).total == 300
    assert engine.searcher().doc_count() == 300
    engine.close()


# --- readers while a writer works -----------------------------------------------------------

READER_SCRIPT = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from index import Engine

    corpus, root, stop = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    engine = Engine(corpus, index_root=root)
    assert engine.open() is None, "the index should be fresh when a reader starts"
    print("ready", flush=True)
    searches = 0
    while not stop.exists() or searches < 20:
        for query in ("Dostum", '"security forces"', "Taliban actor:ahmad-massoud"):
            results = engine.search(query, limit=50)
            found = [hit.article.article.id for hit in results.hits]
            assert len(found) == len(set(found)), found
            assert results.total >= 1, query
            for hit in results.hits:
                engine.mentions_in(hit.article)
            searches += 1
        engine.entities()
    print(searches, flush=True)
    """
)


def test_readers_keep_working_while_the_index_is_updated(
    corpus_copy: Path, tmp_path: Path, gazetteer: Gazetteer
) -> None:
    root = tmp_path / "indexes"
    engine = Engine(corpus_copy, index_root=root, gazetteer=gazetteer)
    engine.open()
    stop = tmp_path / "stop"
    readers = [
        subprocess.Popen(
            [sys.executable, "-c", READER_SCRIPT, str(corpus_copy), str(root), str(stop)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    try:
        for reader in readers:
            assert reader.stdout is not None
            assert reader.stdout.readline().strip() == "ready"
        target = article_file(corpus_copy, "2015-06")
        original = target.read_text(encoding="utf-8")
        for round_number in range(6):
            extra = corpus_copy / f"extra-{round_number}.md"
            extra.write_text(NEW_ARTICLE.replace("Bamiyan", f"Bamiyan{round_number}"), "utf-8")
            target.write_text(original + f"\nRound {round_number}.\n", encoding="utf-8")
            if round_number:
                (corpus_copy / f"extra-{round_number - 1}.md").unlink()
            report = engine.update()
            assert report.touched >= 2
            assert engine.search(f"Bamiyan{round_number}").total == 1
    finally:
        stop.touch()
        outputs = [reader.communicate(timeout=60) for reader in readers]
    for reader, (stdout, stderr) in zip(readers, outputs, strict=True):
        assert reader.returncode == 0, stderr
        assert int(stdout.split()[-1]) >= 20
    assert engine.count() == 6
    engine.close()
