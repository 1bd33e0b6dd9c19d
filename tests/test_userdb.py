"""The user database on the real file: migrations from every earlier schema, kills during
writes, two writers at once, and files that are damaged, read-only or full."""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from userdata.db import DB_NAME, UserDataError, migrate, open_userdb
from userdata.notes import Notes
from userdata.saved import SavedSearches
from userdata.schema import SCHEMA_VERSION

CORPUS = "corpus-0123456789ab"

# A writer that clips passages as fast as it can and says each committed id on stdout.
WRITER = """
import sys
from pathlib import Path
from userdata.db import open_userdb
from userdata.notes import Notes
db = open_userdb(Path(sys.argv[1]))
assert db.notice is None, db.notice
notes = Notes(db, sys.argv[2])
for n in range(int(sys.argv[3])):
    clip_id = notes.clip(article_id=f"a{n}", content_hash="h", title="t", field="body",
                         start=n, end=n + 5, text="x" * 200, note=sys.argv[2], tags=("kill",))
    print(clip_id, flush=True)
"""


def _writer(folder: Path, corpus: str, count: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, str(folder), corpus, str(count)],
        stdout=subprocess.PIPE,
        text=True,
    )


def _integrity(path: Path) -> str:
    with sqlite3.connect(path) as db:
        return str(db.execute("PRAGMA integrity_check").fetchone()[0])


def test_a_new_database_is_made_at_the_newest_version(tmp_path: Path) -> None:
    db = open_userdb(tmp_path / "data")
    assert db.notice is None and not db.readonly
    assert db.version == SCHEMA_VERSION
    assert (tmp_path / "data" / DB_NAME).is_file()
    with sqlite3.connect(tmp_path / "data" / DB_NAME) as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    db.close()


@pytest.mark.parametrize("version", range(SCHEMA_VERSION))
def test_every_earlier_schema_migrates_and_keeps_its_rows(tmp_path: Path, version: int) -> None:
    path = tmp_path / DB_NAME
    raw = sqlite3.connect(path, isolation_level=None)
    migrate(raw, target=version)
    if version >= 1:
        raw.execute(
            "INSERT INTO history (corpus, kind, at, query) VALUES (?, 'search', 'then', 'dostum')",
            (CORPUS,),
        )
        for name, opened in (("north", "then"), ("never", None)):
            raw.execute(
                "INSERT INTO saved (corpus, name, query, sort, created, opened)"
                " VALUES (?, ?, 'dostum', 'relevance', 'then', ?)",
                (CORPUS, name, opened),
            )
    if 1 <= version < 4:  # what a saved search had seen: a row per id until version 4
        raw.executemany(
            "INSERT INTO saved_seen (saved, article_id) SELECT id, ? FROM saved WHERE name = 'north'",
            [("b-2",), ("a-1",), ('c "3"',)],
        )
    if version >= 2:
        raw.execute(
            "INSERT INTO clips (corpus, article_id, content_hash, title, field, start, end, text,"
            " created) VALUES (?, 'a', 'h', 't', 'body', 1, 4, 'abc', 'then')",
            (CORPUS,),
        )
    raw.close()
    db = open_userdb(tmp_path)
    assert db.notice is None
    assert db.version == SCHEMA_VERSION
    queries = [row[0] for row in db.read("SELECT query FROM history")]
    assert queries == (["dostum"] if version >= 1 else [])
    clips = Notes(db, CORPUS).clips()
    assert [c.text for c in clips] == (["abc"] if version >= 2 else [])
    saved = SavedSearches(db, CORPUS)
    searches = {s.name: s for s in saved.all()}
    assert sorted(searches) == (["never", "north"] if version >= 1 else [])
    if version >= 1:
        assert saved.seen(searches["north"]) == {"a-1", "b-2", 'c "3"'}
        assert saved.seen(searches["never"]) == set()
        assert saved.new_since(searches["north"], {"a-1", "d-4"}) == 1
        saved.opened(searches["north"], ["d-4"])
        assert saved.seen(searches["north"]) == {"d-4"}
    # The migrated file takes every kind of write.
    Notes(db, CORPUS).clip(
        article_id="b", content_hash="h", title="t", field="body", start=0, end=1, text="b"
    )
    db.close()
    assert _integrity(path) == "ok"


def test_twenty_kills_during_writes_lose_no_committed_row(tmp_path: Path) -> None:
    rng = random.Random(15)
    committed: list[int] = []
    for _ in range(20):
        writer = _writer(tmp_path, CORPUS, 100_000)
        assert writer.stdout is not None
        first = writer.stdout.readline()  # it is writing
        assert first.strip().isdigit()
        time.sleep(rng.uniform(0.0, 0.15))
        os.kill(writer.pid, signal.SIGKILL)
        rest, _ = writer.communicate()
        committed += [int(line) for line in [first, *rest.splitlines()] if line.strip()]
        assert writer.returncode == -signal.SIGKILL
    assert len(committed) >= 20
    assert _integrity(tmp_path / DB_NAME) == "ok"
    db = open_userdb(tmp_path)
    assert db.notice is None
    kept = {row[0] for row in db.read("SELECT id FROM clips")}
    assert set(committed) <= kept
    tagged = {row[0] for row in db.read("SELECT clip FROM clip_tags")}
    assert kept == tagged  # a clip and its tags land together or not at all
    db.close()


def test_two_writers_at_once_both_keep_everything(tmp_path: Path) -> None:
    open_userdb(tmp_path).close()  # made first, so neither writer migrates
    writers = [_writer(tmp_path, corpus, 300) for corpus in ("one", "two")]
    outputs = [w.communicate(timeout=120)[0] for w in writers]
    assert [w.returncode for w in writers] == [0, 0]
    db = open_userdb(tmp_path)
    for corpus, output in zip(("one", "two"), outputs, strict=True):
        ids = [int(line) for line in output.split()]
        assert len(ids) == 300
        stored = {c.id for c in Notes(db, corpus).clips()}
        assert stored == set(ids)
    db.close()
    assert _integrity(tmp_path / DB_NAME) == "ok"


def test_a_corrupt_file_is_kept_aside_and_a_new_one_started(tmp_path: Path) -> None:
    junk = b"this is not a database, but someone's notes might be in it\n" * 100
    (tmp_path / DB_NAME).write_bytes(junk)
    db = open_userdb(tmp_path)
    assert db.notice is not None and "damaged" in db.notice and "kept as" in db.notice
    assert not db.readonly
    aside = [p for p in tmp_path.iterdir() if p.name.startswith(f"{DB_NAME}.damaged-")]
    assert len(aside) == 1 and aside[0].read_bytes() == junk  # kept, byte for byte
    Notes(db, CORPUS).toggle_bookmark("a", "h", "t")
    assert [b.article_id for b in Notes(db, CORPUS).bookmarks()] == ["a"]
    db.close()


def test_a_damaged_page_is_found_and_kept_aside(tmp_path: Path) -> None:
    db = open_userdb(tmp_path)
    notes = Notes(db, CORPUS)
    for n in range(300):
        notes.clip(
            article_id=f"a{n}",
            content_hash="h",
            title="t",
            field="body",
            start=0,
            end=1,
            text="passage " * 50,
        )
    db.close()
    path = tmp_path / DB_NAME
    data = bytearray(path.read_bytes())
    page = 4096
    data[page * 3 : page * 3 + 200] = b"\xff" * 200  # a b-tree page of the clips
    path.write_bytes(bytes(data))
    again = open_userdb(tmp_path)
    assert again.notice is not None and "damaged" in again.notice
    assert any(p.name.startswith(f"{DB_NAME}.damaged-") for p in tmp_path.iterdir())
    assert Notes(again, CORPUS).clips() == []
    again.close()


def test_a_newer_schema_is_opened_read_only(tmp_path: Path) -> None:
    db = open_userdb(tmp_path)
    Notes(db, CORPUS).toggle_bookmark("a", "h", "kept")
    db.close()
    with sqlite3.connect(tmp_path / DB_NAME) as raw:
        raw.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    newer = open_userdb(tmp_path)
    assert newer.readonly and newer.notice is not None and "newer afreader" in newer.notice
    # What is there can be read; nothing is written.
    assert newer.read("SELECT title FROM bookmarks")[0][0] == "kept"
    with pytest.raises(UserDataError, match="not saved"):
        Notes(newer, CORPUS).toggle_bookmark("b", "h", "t")
    newer.close()


@contextmanager
def _read_only_folder(tmp_path: Path) -> Iterator[tuple[Path, Callable[[], None]]]:
    """A folder, and what makes it read-only: permissions for a user; for root, who writes
    through permissions, a small filesystem mounted read-only (skipped where none can be)."""
    if os.geteuid() != 0:
        folder = tmp_path / "data"
        folder.mkdir()

        def by_permissions() -> None:
            (folder / DB_NAME).chmod(0o444)
            folder.chmod(0o555)

        try:
            yield folder, by_permissions
        finally:
            folder.chmod(0o755)
        return
    folder = tmp_path / "mounted"
    folder.mkdir()
    mount = shutil.which("mount")
    if mount is None:
        pytest.skip("no mount command to make a read-only filesystem")
    made = subprocess.run(
        [mount, "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(folder)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if made.returncode != 0:
        pytest.skip(f"cannot mount a filesystem here: {made.stderr.strip()}")

    def by_mount() -> None:
        subprocess.run([mount, "-o", "remount,ro", str(folder)], check=True)

    try:
        yield folder, by_mount
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def test_a_read_only_file_is_read_but_not_written(tmp_path: Path) -> None:
    with _read_only_folder(tmp_path) as (folder, make_read_only):
        db = open_userdb(folder)
        Notes(db, CORPUS).toggle_bookmark("a", "h", "kept")
        db.close()
        make_read_only()
        ro = open_userdb(folder)
        assert ro.readonly and ro.notice is not None
        assert [b.title for b in Notes(ro, CORPUS).bookmarks()] == ["kept"]
        with pytest.raises(UserDataError, match="not saved"):
            Notes(ro, CORPUS).toggle_bookmark("b", "h", "t")
        ro.close()
        assert [b.title for b in Notes(open_userdb(folder), CORPUS).bookmarks()] == ["kept"]


def test_a_folder_that_cannot_be_made_still_gives_a_database(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file where the folder should be")
    db = open_userdb(blocker / "data")
    assert db.readonly and db.notice is not None and "cannot make" in db.notice
    assert Notes(db, CORPUS).bookmarks() == []
    with pytest.raises(UserDataError, match="not saved"):
        Notes(db, CORPUS).toggle_bookmark("a", "h", "t")


def test_a_full_disk_is_a_message_and_loses_nothing_written(tmp_path: Path) -> None:
    db = open_userdb(tmp_path)
    notes = Notes(db, CORPUS)
    notes.toggle_bookmark("kept", "h", "t")
    pages = db.read("PRAGMA page_count")[0][0]
    db.read(f"PRAGMA max_page_count={pages}")  # no room to grow: as a full disk
    with pytest.raises(UserDataError, match="full"):
        for n in range(200):
            notes.clip(
                article_id=f"a{n}",
                content_hash="h",
                title="t",
                field="body",
                start=0,
                end=1,
                text="x" * 4000,
            )
    assert "kept" in [b.article_id for b in notes.bookmarks()]
    db.close()
    assert _integrity(tmp_path / DB_NAME) == "ok"


def test_a_damaged_seen_set_is_said_and_the_search_kept(tmp_path: Path) -> None:
    db = open_userdb(tmp_path)
    saved = SavedSearches(db, CORPUS)
    north = saved.save("north", "dostum", None, "relevance")
    saved.opened(north, ["a-1"])
    db.write(
        lambda raw: raw.execute("UPDATE saved SET seen = '{\"a-1\": 1' WHERE id = ?", (north.id,))
    )
    with pytest.raises(UserDataError, match="'north' is damaged"):
        saved.new_since(north, {"a-1"})
    assert [s.name for s in saved.all()] == ["north"]  # kept, not dropped
    saved.opened(north, ["a-2"])  # opening it again writes a whole set
    assert saved.new_since(north, {"a-1", "a-2"}) == 1
    db.close()
