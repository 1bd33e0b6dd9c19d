"""Odd corpus paths, encodings known by their byte-order marks, impossible dates, and messages
that quote what they found safely."""

from __future__ import annotations

import codecs
import json
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from corpus import Article, CorpusError, Problem, corpus_kind, corpus_path_problem, load_corpus
from corpus.loader import read_article_file, read_record

AFREADER = shutil.which("afreader", path=str(Path(sys.executable).parent))
RAW_CONTROLS = {chr(c) for c in [*range(0x20), *range(0x7F, 0xA0)]} | {"\u202e", "\u2066"}


def afreader(*args: str | Path) -> subprocess.CompletedProcess[str]:
    assert AFREADER is not None, "the afreader command is not installed"
    return subprocess.run(
        [AFREADER, *map(str, args)],
        capture_output=True,
        text=True,
        errors="backslashreplace",
        timeout=120,
        stdin=subprocess.DEVNULL,
        check=False,
    )


# --- odd paths: one message, the same in the command line and the app ---------------------------


def _loop(tmp: Path) -> Path:
    (tmp / "loop").symlink_to(tmp / "loop")
    return tmp / "loop"


def _dangling(tmp: Path) -> Path:
    (tmp / "dangling").symlink_to(tmp / "nowhere")
    return tmp / "dangling"


def _not_utf8(tmp: Path) -> Path:
    path = Path(os.fsdecode(os.fsencode(tmp) + b"/caf\xe9"))
    path.mkdir()
    return path


def _fifo(tmp: Path) -> Path:
    os.mkfifo(tmp / "pipe.jsonl")
    return tmp / "pipe.jsonl"


def _socket(tmp: Path) -> Path:
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(tmp / "sock"))
    server.close()
    return tmp / "sock"


def _unknown_kind(tmp: Path) -> Path:
    (tmp / "table.csv").write_text("a,b\n", encoding="utf-8")
    return tmp / "table.csv"


def _missing(tmp: Path) -> Path:
    return tmp / "not-there"


def _under_a_file(tmp: Path) -> Path:
    (tmp / "file").write_text("x", encoding="utf-8")
    return tmp / "file" / "corpus"


ODD_PATHS: list[tuple[str, Callable[[Path], Path], str]] = [
    ("symlink loop", _loop, "a loop of symbolic links (a link that leads back to itself)"),
    ("dangling link", _dangling, "a broken symbolic link (to '"),
    ("name not UTF-8", _not_utf8, "the path is not valid UTF-8 (rename it)"),
    ("named pipe", _fifo, "a named pipe, not a corpus (expected a folder of .md/.txt files"),
    ("socket", _socket, "a socket, not a corpus"),
    ("unknown kind", _unknown_kind, "not a corpus (expected a folder of .md/.txt files or a"),
    ("missing", _missing, "no such file or folder"),
    ("under a file", _under_a_file, "no such file or folder"),
]


@pytest.mark.parametrize(("case", "make", "reason"), ODD_PATHS, ids=[c[0] for c in ODD_PATHS])
def test_every_odd_path_gets_one_clear_message(
    tmp_path: Path, case: str, make: Callable[[Path], Path], reason: str
) -> None:
    path = make(tmp_path)
    problem = corpus_path_problem(path)
    assert problem is not None and reason in problem, (case, problem)
    assert not set(problem) & RAW_CONTROLS
    with pytest.raises(CorpusError) as raised:
        corpus_kind(path)
    assert str(raised.value) == problem
    # The app's command line says it before any screen opens, exactly so.
    app = afreader("--corpus", path, "--index-dir", tmp_path / "idx")
    assert app.returncode != 0
    assert "Traceback" not in app.stderr
    assert reason in app.stderr, app.stderr


@pytest.mark.parametrize(
    ("case", "make", "reason"),
    ODD_PATHS,
    ids=[c[0] for c in ODD_PATHS],
)
def test_the_commands_say_the_same_for_an_odd_path(
    tmp_path: Path, case: str, make: Callable[[Path], Path], reason: str
) -> None:
    path = make(tmp_path)
    searched = afreader("--corpus", path, "--index-dir", tmp_path / "idx", "search", "x")
    assert searched.returncode != 0
    assert "Traceback" not in searched.stderr, searched.stderr
    assert f"afreader: {corpus_path_problem(path)}" in searched.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any folder: no permission to refuse")
def test_a_folder_without_permission(tmp_path: Path) -> None:
    folder = tmp_path / "closed"
    folder.mkdir()
    folder.chmod(0)
    try:
        problem = corpus_path_problem(folder)
    finally:
        folder.chmod(0o755)
    assert problem is not None and "cannot read the folder: Permission denied" in problem


def test_good_paths_have_no_problem(tmp_path: Path) -> None:
    (tmp_path / "c.jsonl.gz").write_bytes(b"")
    assert corpus_path_problem(tmp_path) is None
    assert corpus_path_problem(tmp_path / "c.jsonl.gz") is None


# --- encodings known by their byte-order marks -------------------------------------------------

TEXT = "---\ntitle: Kabul talks\n---\nDostum and Atta met in Mazar-i-Sharif.\n"


@pytest.mark.parametrize(
    ("codec", "mark"),
    [
        ("utf-8", codecs.BOM_UTF8),
        ("utf-16-le", codecs.BOM_UTF16_LE),
        ("utf-16-be", codecs.BOM_UTF16_BE),
        ("utf-32-le", codecs.BOM_UTF32_LE),
        ("utf-32-be", codecs.BOM_UTF32_BE),
    ],
)
def test_text_with_a_byte_order_mark_is_decoded_by_it(
    tmp_path: Path, codec: str, mark: bytes
) -> None:
    path = tmp_path / "a.md"
    path.write_bytes(mark + TEXT.encode(codec))
    article = read_article_file(path, tmp_path)
    assert isinstance(article, Article), article
    assert (article.title, article.body) == (
        "Kabul talks",
        "Dostum and Atta met in Mazar-i-Sharif.",
    )


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_nul_interleaved_text_without_a_mark_is_reported(tmp_path: Path, codec: str) -> None:
    path = tmp_path / "a.md"
    path.write_bytes(TEXT.encode(codec))
    problem = read_article_file(path, tmp_path)
    assert isinstance(problem, Problem)
    assert problem.message.startswith("looks like UTF-16 or UTF-32 text without a byte-order mark")


def test_other_bytes_with_nul_are_binary(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_bytes(bytes(range(256)) * 8)
    problem = read_article_file(path, tmp_path)
    assert isinstance(problem, Problem) and problem.message == "binary file, not text"


@pytest.mark.parametrize(
    ("mark", "codec", "name"),
    [
        (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16 LE"),
        (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32 BE"),
        (b"", "utf-16-le", None),
    ],
)
def test_json_lines_that_are_not_utf8_are_said_once(
    tmp_path: Path, mark: bytes, codec: str, name: str | None
) -> None:
    path = tmp_path / "c.jsonl"
    lines = "".join(json.dumps({"id": f"a{n}", "title": "T"}) + "\n" for n in range(50))
    path.write_bytes(mark + lines.encode(codec))
    result = load_corpus(path)
    assert result.articles == []
    (problem,) = result.problems
    assert (problem.line, problem.path) == (1, str(path))
    if name:
        assert f"the file is {name} (by its byte-order mark): JSON Lines must be UTF-8" in (
            problem.message
        )
    else:
        assert "without a byte-order mark" in problem.message


def test_json_lines_with_a_utf8_mark_load(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    path.write_bytes(codecs.BOM_UTF8 + b'{"id": "a", "title": "T"}\n{"id": "b", "title": "U"}\n')
    assert [a.id for a in load_corpus(path).articles] == ["a", "b"]


# --- dates ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("2015-06-01T25:99:00", "hour must be in 0..23"),
        ("2015-06-01T10:61", "minute must be in 0..59"),
        ("2015-06-01 10:30:00+25:00", "offset"),
    ],
)
def test_an_impossible_time_is_reported_in_both_readers(
    tmp_path: Path, value: str, reason: str
) -> None:
    write = tmp_path / "a.md"
    write.write_text(f"---\ntitle: T\npublished: {value}\n---\nBody.\n", encoding="utf-8")
    md = read_article_file(write, tmp_path)
    record = read_record(json.dumps({"id": "a", "title": "T", "date": value}).encode(), "c", 3)
    for problem, field, line in ((md, "published", 3), (record, "date", 3)):
        assert isinstance(problem, Problem), problem
        assert (problem.field, problem.line) == (field, line)
        assert problem.message.startswith(f"{value!r} is not a real date: ")
        assert reason in problem.message


@pytest.mark.parametrize(
    "value",
    [
        "2015-06-01T10:30:00+04:30",
        "2015-06-01 10:30",
        "2015-06-01T23:59:59Z",
        "2015-06-01T10:30:00.123+0430",
    ],
)
def test_real_date_times_still_load(value: str) -> None:
    article = read_record(json.dumps({"id": "a", "title": "T", "date": value}).encode(), "c", 1)
    assert isinstance(article, Article) and article.published is not None
    assert article.published.iso == "2015-06-01"


# --- every message quotes what it found safely, and says where --------------------------------

HOSTILE = "\x1b]0;owned\x07\u202eevil\x85end"


@pytest.mark.parametrize("field", ["id", "published", "date", "title"])
def test_messages_quote_hostile_values_escaped_in_both_readers(tmp_path: Path, field: str) -> None:
    value: object = [HOSTILE] if field == "title" else HOSTILE
    mapping = {"id": "ok", "title": "T", field: value}
    path = tmp_path / "a.md"
    front = "".join(f"{k}: {json.dumps(v)}\n" for k, v in mapping.items())
    path.write_text(f"---\n{front}---\nBody.\n", encoding="utf-8")
    for problem in (
        read_article_file(path, tmp_path),
        read_record(json.dumps(mapping).encode(), str(tmp_path / "c.jsonl"), 5),
    ):
        assert isinstance(problem, Problem), problem
        assert problem.field == field and problem.line is not None and problem.path
        assert not set(problem.message) & RAW_CONTROLS, repr(problem.message)
        if field != "title":
            assert "\\x1b]0;owned\\x07\\u202eevil\\x85end" in problem.message
