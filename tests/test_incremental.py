"""Keeping a JSON Lines index current: a file that only grew at its end is read from where the
last update stopped; anything else is read again in full, with the same result as a first build.

Real files, real indexes: each test compares what the index holds with what the file says.
"""

from __future__ import annotations

import gzip
import json
import random
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest

from corpus import Gazetteer, Problem
from corpus.loader import JsonlLines
from index import Engine
from index.listing import ranked_ids
from index.segments import KeepingStorage as _KeepingStorage
from index.store import Store

WORDS = ["alliance", "resistance", "governor", "province", "valley", "council", "militia"]


def record(i: int, **changes: object) -> dict[str, object]:
    """Article i: the word `markeri` is only in it."""
    rng = random.Random(i)
    fields: dict[str, object] = {
        "id": f"art-{i}",
        "title": f"Report {i} on the {WORDS[i % len(WORDS)]}",
        "date": f"20{10 + i % 15:02d}-0{1 + i % 9}-1{i % 9}",
        "source": "Generated",
        "body": " ".join(rng.choice(WORDS) for _ in range(40)) + f" marker{i}",
    }
    fields.update(changes)
    return fields


def lines_of(*items: dict[str, object] | str) -> bytes:
    """JSON Lines text: dicts as JSON, strings as written (bad lines, blank lines)."""
    return b"".join(
        (item if isinstance(item, str) else json.dumps(item)).encode() + b"\n" for item in items
    )


def append(path: Path, data: bytes) -> None:
    """Append as a feed does: plain lines, or a new gzip member."""
    with path.open("ab") as stream:
        stream.write(gzip.compress(data) if path.name.endswith(".gz") else data)


def ids(engine: Engine) -> set[str]:
    """The ids Whoosh holds (the engine's own searcher: the engine closes it)."""
    return {fields["id"] for fields in engine.searcher().all_stored_fields()}


def errors(engine: Engine) -> list[tuple[int | None, str]]:
    return [(p.line, p.message) for p in engine.problems() if p.severity == "error"]


def fresh_build(corpus: Path, root: Path, gazetteer: Gazetteer) -> Engine:
    """A first build of `corpus`, in its own index root, to compare an update against."""
    engine = Engine(corpus, root, gazetteer=gazetteer)
    engine.open()
    return engine


@pytest.mark.parametrize("name", ["news.jsonl", "news.jsonl.gz"])
def test_appended_lines_are_read_alone_and_found(
    tmp_path: Path, small_gazetteer: Gazetteer, name: str
) -> None:
    corpus = tmp_path / name
    corpus.write_bytes(b"")
    append(corpus, lines_of(*(record(i) for i in range(50))))
    engine = Engine(corpus, tmp_path / "idx", gazetteer=small_gazetteer)
    first = engine.open()
    assert first is not None and first.added == 50 and not first.appended_only

    for round_ in range(3):  # each update starts where the one before stopped
        new = range(50 + 10 * round_, 60 + 10 * round_)
        append(corpus, lines_of(*(record(i) for i in new)))
        assert not engine.is_fresh()
        report = engine.update()
        assert report.appended_only
        assert (report.added, report.changed, report.removed) == (10, 0, 0)
        assert engine.is_fresh()
        for i in new:
            (hit,) = engine.search(f"marker{i}").hits
            assert hit.article.article.id == f"art-{i}"
            assert hit.article.article.origin == f"{corpus}:{i + 1}"  # its line number
    assert engine.count() == 80
    assert ids(engine) == {f"art-{i}" for i in range(80)}
    engine.close()


def test_nothing_appended_reads_nothing_and_changes_nothing(
    tmp_path: Path, small_gazetteer: Gazetteer
) -> None:
    corpus = tmp_path / "news.jsonl.gz"
    corpus.write_bytes(gzip.compress(lines_of(*(record(i) for i in range(20)))))
    engine = Engine(corpus, tmp_path / "idx", gazetteer=small_gazetteer)
    engine.open()
    corpus.touch()  # a new time, the same bytes
    time.sleep(0.01)
    append(corpus, b"")  # an empty gzip member
    report = engine.update()
    assert report.appended_only and report.touched == 0
    assert engine.count() == 20 and engine.is_fresh()
    engine.close()


def test_problems_in_the_appended_part_have_their_line_numbers(
    tmp_path: Path, small_gazetteer: Gazetteer
) -> None:
    corpus = tmp_path / "news.jsonl.gz"
    # Lines 1-4: a good record, a blank line (lines are counted all the same), a bad line.
    corpus.write_bytes(gzip.compress(lines_of(record(0), "", "{not json", record(1))))
    engine = Engine(corpus, tmp_path / "idx", gazetteer=small_gazetteer)
    engine.open()
    assert errors(engine) == [
        (3, "invalid JSON: Expecting property name enclosed in double quotes (column 2)")
    ]

    append(
        corpus,
        lines_of(
            record(2),  # 5
            record(3, title=""),  # 6: no title
            record(0, title="Another article 0"),  # 7: the id of line 1
            "",  # 8
            record(4, date="2099-01-01"),  # 9: loads, with a warning
            record(2, title="Article 2 again"),  # 10: the id of line 5, also appended
            "[1, 2]",  # 11
        ),
    )
    report = engine.update()
    assert report.appended_only and report.added == 2  # art-2, art-4
    said = {(p.line, p.severity, p.field, p.message) for p in engine.problems()}
    assert said == {
        (3, "error", None, "invalid JSON: Expecting property name enclosed in double quotes (column 2)"),
        (6, "error", "title", "missing title"),
        (7, "error", "id", "duplicate id 'art-0': an earlier line has it; this copy was not loaded"),
        (9, "warning", "date", "date 2099-01-01 is in the future"),
        (10, "error", "id", "duplicate id 'art-2': an earlier line has it; this copy was not loaded"),
        (11, "error", None, "a record must be a JSON object, not a list"),
    }  # fmt: skip
    assert engine.article("art-0").article.title == "Report 0 on the alliance"  # type: ignore[union-attr]
    assert engine.article("art-2").article.title == "Report 2 on the governor"  # type: ignore[union-attr]

    # A first build of the same file says exactly the same.
    again = fresh_build(corpus, tmp_path / "idx2", small_gazetteer)
    assert {(p.line, p.severity, p.field, p.message) for p in again.problems()} == said
    assert ids(again) == ids(engine) == {"art-0", "art-1", "art-2", "art-4"}
    again.close()
    engine.close()


def rewrite(corpus: Path, data: bytes) -> None:
    corpus.write_bytes(gzip.compress(data) if corpus.name.endswith(".gz") else data)


CHANGES = {
    # What happens to the file after the first build, and the lines it then holds.
    "shrunk": lambda old: old[: old.rindex(b"\n", 0, -1) + 1],
    "first line changed": lambda old: old.replace(b"Report 0 on", b"Report 0 in", 1),
    "one byte changed, same size": lambda old: old.replace(b"marker3", b"marker9", 1),
    "rewritten with a line added": lambda old: old + lines_of(record(90)),
    "lines added in front": lambda old: lines_of(record(91)) + old,
}


@pytest.mark.parametrize("name", ["news.jsonl", "news.jsonl.gz"])
@pytest.mark.parametrize("change", list(CHANGES))
def test_a_file_changed_otherwise_is_read_in_full(
    tmp_path: Path, small_gazetteer: Gazetteer, name: str, change: str
) -> None:
    corpus = tmp_path / name
    old = lines_of(*(record(i) for i in range(30)))
    rewrite(corpus, old)
    engine = Engine(corpus, tmp_path / "idx", gazetteer=small_gazetteer)
    engine.open()
    rewrite(corpus, CHANGES[change](old))
    report = engine.update()
    # Plain lines rewritten with one more at the end are that line appended, byte for byte.
    assert report.appended_only == (
        change == "rewritten with a line added" and name == "news.jsonl"
    )
    again = fresh_build(corpus, tmp_path / "idx2", small_gazetteer)
    assert ids(engine) == ids(again)
    for article_id in ids(again):
        assert engine.article(article_id).article == again.article(article_id).article  # type: ignore[union-attr]
    assert engine.problems() == again.problems()
    # And the read after it starts from there.
    append(corpus, lines_of(record(95)))
    assert engine.update().appended_only
    assert engine.search("marker95").total == 1
    again.close()
    engine.close()


def test_a_last_line_without_newline_is_not_continued_by_an_append(
    tmp_path: Path, small_gazetteer: Gazetteer
) -> None:
    corpus = tmp_path / "news.jsonl"
    corpus.write_bytes(lines_of(record(0)) + json.dumps(record(1)).encode())  # no final newline
    engine = Engine(corpus, tmp_path / "idx", gazetteer=small_gazetteer)
    engine.open()
    assert engine.count() == 2
    append(corpus, lines_of(record(2)))  # glued to line 2: one line of two records
    report = engine.update()
    assert not report.appended_only and report.removed == 1
    assert ids(engine) == {"art-0"}
    ((line, message),) = errors(engine)
    assert line == 2 and message.startswith("invalid JSON: Extra data")


def test_a_damaged_gzip_tail_is_read_again_once_whole(
    tmp_path: Path, small_gazetteer: Gazetteer
) -> None:
    corpus = tmp_path / "news.jsonl.gz"
    corpus.write_bytes(gzip.compress(lines_of(*(record(i) for i in range(10)))))
    engine = Engine(corpus, tmp_path / "idx", gazetteer=small_gazetteer)
    engine.open()
    member = gzip.compress(lines_of(*(record(i) for i in range(10, 20))))
    whole = corpus.read_bytes()
    corpus.write_bytes(whole + member[: len(member) // 2])  # a feed caught mid-write
    report = engine.update()
    assert report.appended_only
    ((line, message),) = errors(engine)
    assert message.startswith("file is damaged after line")
    assert line is not None and line > 10  # numbered on from the lines read before
    corpus.write_bytes(whole + member)  # the writer finished
    report = engine.update()
    assert not report.appended_only  # the damaged read left nothing to go on from
    assert errors(engine) == []
    assert ids(engine) == {f"art-{i}" for i in range(20)}
    engine.close()


def test_switching_between_gzip_and_plain_reads_in_full(tmp_path: Path) -> None:
    path = tmp_path / "news.jsonl"
    path.write_bytes(lines_of(record(0)))
    with JsonlLines(path) as lines:
        list(lines)
        end = lines.end
    assert end is not None and end.clean and not end.compressed
    path.write_bytes(gzip.compress(lines_of(record(0))) + gzip.compress(lines_of(record(1))))
    with JsonlLines(path, after=end) as lines:
        assert [e[0] for e in lines if not isinstance(e, Problem)] == [1, 2]
        assert not lines.resumed


def stored(path: Path) -> int:
    """The articles committed to a store, read as another process would."""
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)) as db:
        return int(db.execute("SELECT count(*) FROM articles").fetchone()[0])


def test_an_update_killed_while_reading_an_append_recovers(tmp_path: Path) -> None:
    corpus = tmp_path / "news.jsonl.gz"
    corpus.write_bytes(gzip.compress(lines_of(*(record(i) for i in range(100)))))
    root = tmp_path / "indexes"
    engine = Engine(corpus, root)
    engine.open()
    store = engine.store.path
    engine.close()
    # Four kills, each within 0.3 s of a batch of 50 more articles committed, cannot add
    # 2,400 articles even on a fast machine (about 500 here); waiting for the commit, not for
    # a fixed time, keeps every kill inside the update however loaded the machine is.
    total = 2500
    append(corpus, lines_of(*(record(i) for i in range(100, total))))
    rng = random.Random(20261123)
    counts: list[int] = []
    generations = set()
    for _ in range(4):
        before = counts[-1] if counts else 100
        process = subprocess.Popen(
            [sys.executable, "-m", "index.subprocess_build", "--corpus", str(corpus),
             "--index-root", str(root), "--procs", "1", "--batch-size", "50"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 120  # a bound on a hang, not a measurement
        while stored(store) <= before and process.poll() is None:
            assert time.monotonic() < deadline, "the update committed nothing in 120 s"
            time.sleep(0.01)
        time.sleep(rng.uniform(0.0, 0.3))
        process.send_signal(signal.SIGKILL)
        process.wait()
        reader = Engine(corpus, root)
        reader.reopen()  # the index is usable at every moment
        generations.add(reader.indexer.pointed_at())
        counts.append(reader.count())
        hits = [article_id for article_id, _ in ranked_ids(reader, "alliance")]
        assert len(hits) == len(set(hits)), "an article was found twice"
        reader.close()
    assert counts == sorted(counts)
    assert len(generations) == 1, "a kill made the next update rebuild the index"
    assert 100 < counts[-1] < total, "no kill came in the middle of the update"
    engine = Engine(corpus, root)
    report = engine.open()
    assert report is not None and report.added == total - counts[-1]
    assert not report.appended_only  # killed: the next update reads the whole file
    assert engine.count() == total
    assert errors(engine) == []  # the articles already added are not taken for duplicates
    assert engine.searcher().doc_count() == total
    append(corpus, lines_of(record(total)))
    report = engine.update()
    assert report.appended_only and report.added == 1
    engine.close()


def test_a_whoosh_commit_without_its_store_commit_is_not_taken_for_damage(
    tmp_path: Path, small_gazetteer: Gazetteer
) -> None:
    """What a process killed between a batch's Whoosh commit and its SQLite commit leaves: a
    newer Whoosh table of contents than the store names. The next update keeps the index."""
    corpus = tmp_path / "news.jsonl"
    corpus.write_bytes(lines_of(*(record(i) for i in range(20))))
    engine = Engine(corpus, tmp_path / "idx", gazetteer=small_gazetteer)
    engine.open()
    generation = engine.indexer.current()
    assert generation is not None
    store = Store(generation.store_path)
    recorded = json.loads(store.get_meta("whoosh_files") or "{}")
    store.close()
    # The Whoosh half of a batch, through the storage an update writes with (merging too).
    ix = _KeepingStorage(str(generation.whoosh_dir), recorded).open_index()
    writer = ix.writer()
    writer.add_document(id="art-20", title="Report 20", body="marker20")
    writer.commit(merge=True)
    ix.close()
    assert engine.indexer.damage(generation) is None
    append(corpus, lines_of(record(20)))
    report = engine.update()
    assert not report.rebuilt and report.repaired is None and report.added == 1
    assert engine.indexer.current() == generation
    assert engine.search("marker20").total == 1  # once: the Whoosh-only copy was dropped
    assert engine.count() == 21 and engine.searcher().doc_count() == 21
    # The files kept for the store are gone once it names the new ones.
    store = Store(generation.store_path)
    recorded = json.loads(store.get_meta("whoosh_files") or "{}")
    store.close()
    assert {p.name for p in generation.whoosh_dir.iterdir() if p.name != "MAIN_WRITELOCK"} == set(
        recorded
    )
    engine.close()


# --- segments -----------------------------------------------------------------------------


def built(tmp_path: Path, count: int, batch_size: int) -> tuple[Path, Engine]:
    """A JSON Lines corpus of `count` articles, indexed `batch_size` articles a commit."""
    corpus = tmp_path / "news.jsonl"
    corpus.write_bytes(lines_of(*(record(i) for i in range(count))))
    engine = Engine(corpus, tmp_path / "indexes")
    engine.indexer.batch_size = batch_size
    engine.open()
    return corpus, engine


def segment_sizes(engine: Engine) -> list[int]:
    """Documents (deleted ones included) per Whoosh segment, smallest first."""
    searcher = engine.searcher()
    return sorted(sub.reader().doc_count_all() for sub, _ in searcher.leaf_searchers())


def test_a_build_never_merges_what_it_wrote_and_small_updates_are_merged(tmp_path: Path) -> None:
    from index.segments import MAX_SMALL_SEGMENTS, SMALL_SEGMENT

    # two commits, each its own segment, kept as written
    corpus, engine = built(tmp_path, 1200, batch_size=600)
    assert segment_sizes(engine) == [600, 600]
    for n in range(1200, 1200 + MAX_SMALL_SEGMENTS + 3):  # one article an update
        append(corpus, lines_of(record(n)))
        assert engine.update().added == 1
        sizes = segment_sizes(engine)
        assert sizes[-2:] == [600, 600], "a small update merged the big segments"
        small = [size for size in sizes if size < SMALL_SEGMENT]
        assert len(small) <= MAX_SMALL_SEGMENTS  # merged once there were more
    assert len(segment_sizes(engine)) < 2 + MAX_SMALL_SEGMENTS + 3
    total = 1200 + MAX_SMALL_SEGMENTS + 3
    assert engine.count() == total == engine.searcher().doc_count()
    assert all(engine.search(f"marker{n}").total == 1 for n in (0, 599, 1200, total - 1))
    engine.close()


def test_a_segment_whose_articles_were_mostly_changed_is_merged(tmp_path: Path) -> None:
    records = [record(i) for i in range(1200)]
    corpus, engine = built(tmp_path, 1200, batch_size=600)
    assert segment_sizes(engine) == [600, 600]
    changed = [record(i, title=f"Revised report {i}") for i in range(400)]  # of the first 600
    corpus.write_bytes(lines_of(*changed, *records[400:]))
    assert engine.update().changed == 400
    searcher = engine.searcher()
    for sub, _ in searcher.leaf_searchers():
        reader = sub.reader()
        assert reader.doc_count() * 2 >= reader.doc_count_all(), "a hollow segment was kept"
    assert engine.count() == 1200 == searcher.doc_count()
    assert engine.search("revised").total == 400
    engine.close()


def test_a_build_of_a_dozen_batches_keeps_every_segment_it_wrote(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import index.segments

    # Batches of 100 (small enough to be quick, large enough not to count as small here):
    # Whoosh's own policy would merge a dozen segments of this size into one; the tiered
    # policy (tests/test_merging.py) leaves fewer than SEGMENTS_PER_TIER of one size alone.
    monkeypatch.setattr(index.segments, "SMALL_SEGMENT", 50)
    assert index.segments.SEGMENTS_PER_TIER > 12
    _, engine = built(tmp_path, 1200, batch_size=100)
    assert segment_sizes(engine) == [100] * 12
    assert engine.count() == 1200
    engine.close()
