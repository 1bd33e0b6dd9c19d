"""Compression bombs and other inputs that ask for unbounded work: each read is bounded.

The bombs are generated small (a few megabytes of text at most) but trip the same limits as
the reported ones (1 GiB of newlines in 1 MB, 16.7 million `{}` lines in 49 KB): the default
limits where that is quick, a lower limit passed as a parameter or an environment variable
where it is not.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tracemalloc
import zlib
from pathlib import Path

import pytest

from corpus import Article, Limits, Problem, load_corpus
from corpus.loader import JsonlLines, iter_jsonl_lines

AFREADER = shutil.which("afreader", path=str(Path(sys.executable).parent))
MB = 1024 * 1024
BENCHMARK = Path(__file__).resolve().parents[2] / "shared" / "bench" / "news-57k.jsonl.gz"


def gzip_of(path: Path, chunk: bytes, times: int) -> Path:
    """`chunk` repeated `times` times, gzip-compressed into `path` without holding it whole."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    with path.open("wb") as file:
        for _ in range(times):
            file.write(packer.compress(chunk))
        file.write(packer.flush())
    return path


def records(count: int, start: int = 0) -> bytes:
    return b"".join(
        json.dumps({"id": f"r{n}", "title": f"Record {n}", "body": "Text."}).encode() + b"\n"
        for n in range(start, start + count)
    )


def stopped(problems: list[Problem], path: Path, variable: str) -> Problem:
    """The last problem, checked to be the stop at a limit, naming the file and the limit."""
    last = problems[-1]
    assert last.path == str(path) and last.severity == "error"
    assert last.message.startswith(f"stopped reading at line {last.line}: ")
    assert variable in last.message
    return last


def test_a_gzip_of_newlines_stops_at_the_empty_line_limit(tmp_path: Path) -> None:
    """64 MiB of newlines in 64 KB (112 s before): stopped after 100,000 lines."""
    bomb = gzip_of(tmp_path / "newlines.jsonl.gz", b"\n" * MB, 64)
    assert bomb.stat().st_size < 100_000
    tracemalloc.start()
    result = load_corpus(bomb)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert result.articles == []
    (problem,) = result.problems
    stopped(result.problems, bomb, "AFREADER_MAX_EMPTY_LINES")
    assert problem.line == 100_001
    assert "more than 100,000 blank lines or lines too short to be an article" in problem.message
    assert peak < 20 * MB, peak


def test_empty_records_count_against_the_same_limit(tmp_path: Path) -> None:
    """`{}` lines (16.7 million in 49 KB took 277 s and 8.5 GB): each is a problem, up to the
    limit, then one problem says the read stopped."""
    bomb = gzip_of(tmp_path / "empty.jsonl.gz", b"{}\n" * 100_000, 2)
    result = load_corpus(bomb, Limits(max_empty_lines=1000))
    assert result.articles == []
    assert len(result.problems) == 1001
    assert {p.field for p in result.problems[:-1]} == {"id"}
    last = stopped(result.problems, bomb, "AFREADER_MAX_EMPTY_LINES")
    assert last.line == 1001  # lines 1 to 1,000 each a problem; the 1,001st stops the read


def test_a_bomb_of_records_stops_at_the_ratio_limit(tmp_path: Path) -> None:
    """Lines too long to count as empty, compressed a thousand times: the ratio stops them
    after a few megabytes of text, under the default limits."""
    line = b'{"x": "' + b"a" * 40 + b'"}\n'
    bomb = gzip_of(tmp_path / "records.jsonl.gz", line * 65_536, 64)  # 200 MB of text
    result = load_corpus(bomb)
    last = stopped(result.problems, bomb, "AFREADER_MAX_RATIO")
    assert "over 100:1, the limit for compressed data" in last.message
    assert len(result.problems) < 200_000


def test_one_endless_line_stops_at_the_ratio_limit(tmp_path: Path) -> None:
    """A single line of 64 MiB in 64 KB: reported as too long, and stopped by the ratio."""
    bomb = gzip_of(tmp_path / "line.jsonl.gz", b"a" * MB, 64)
    tracemalloc.start()
    entries = list(iter_jsonl_lines(bomb))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert all(isinstance(e, Problem) for e in entries)
    stopped([e for e in entries if isinstance(e, Problem)], bomb, "AFREADER_MAX_RATIO")
    assert peak < 40 * MB, peak


@pytest.mark.parametrize("compressed", [False, True])
def test_the_record_and_size_limits(tmp_path: Path, compressed: bool) -> None:
    text = records(20)
    path = tmp_path / ("c.jsonl.gz" if compressed else "c.jsonl")
    if compressed:
        gzip_of(path, text, 1)
    else:
        path.write_bytes(text)
    result = load_corpus(path, Limits(max_records=10))
    assert [a.id for a in result.articles] == [f"r{n}" for n in range(10)]
    (problem,) = result.problems
    assert problem.line == 11
    assert "more than 10 records (the limit for one file, AFREADER_MAX_RECORDS)" in problem.message

    result = load_corpus(path, Limits(max_text_bytes=len(text) // 2))
    last = stopped(result.problems, path, "AFREADER_MAX_TEXT_BYTES")
    assert 0 < len(result.articles) < 20
    assert last.line == len(result.articles) + 1


def test_a_stopped_read_is_not_taken_for_a_complete_one(tmp_path: Path) -> None:
    """A read stopped at a limit is not clean: a later read does not resume after it."""
    path = tmp_path / "c.jsonl"
    path.write_bytes(records(5))
    with JsonlLines(path, limits=Limits(max_records=2)) as lines:
        list(lines)
    assert lines.end is not None and not lines.end.clean


def afreader(*args: str | Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    assert AFREADER is not None, "the afreader command is not installed"
    return subprocess.run(
        [AFREADER, *map(str, args)],
        capture_output=True,
        text=True,
        timeout=240,
        env={**os.environ, **env},
        check=False,
    )


def test_the_limits_are_set_through_the_environment_in_the_command_line(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    path.write_bytes(records(6))
    common = ("--corpus", path, "--index-dir", tmp_path / "idx")
    listed = afreader(*common, "problems", env={"AFREADER_MAX_RECORDS": "3"})
    assert "Traceback" not in listed.stderr
    said = listed.stdout + listed.stderr
    assert "c.jsonl:4" in said
    assert "more than 3 records (the limit for one file, AFREADER_MAX_RECORDS)" in said

    wrong = afreader(*common, "index", "--rebuild", env={"AFREADER_MAX_RATIO": "lots"})
    assert "Traceback" not in wrong.stderr
    assert "AFREADER_MAX_RATIO: expected a positive whole number, got 'lots'" in wrong.stderr


def test_the_limits_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AFREADER_MAX_EMPTY_LINES", "7")
    monkeypatch.setenv("AFREADER_MAX_TEXT_BYTES", "1_000")
    assert (
        Limits.from_environment().max_empty_lines,
        Limits.from_environment().max_text_bytes,
    ) == (
        7,
        1000,
    )


@pytest.mark.skipif(not BENCHMARK.exists(), reason="the 57k benchmark corpus is not here")
def test_the_benchmark_corpus_is_well_inside_every_limit() -> None:
    """57,110 records, 117 MB of text from 39 MB: no limit is near (each at least 10 times)."""
    with JsonlLines(BENCHMARK) as lines:
        entries = list(lines)
    assert not [e for e in entries if isinstance(e, Problem)]
    assert len(entries) == 57_110
    assert lines.end is not None and lines.end.clean
    text = sum(len(e[1]) for e in entries if isinstance(e, tuple))
    limits = Limits()
    assert limits.max_records > len(entries) * 10
    assert limits.max_text_bytes > text * 10
    assert limits.max_ratio > text / lines.end.size * 10


def test_a_limit_never_drops_an_article_silently(tmp_path: Path) -> None:
    """Every line before the stop is an article or a problem; the stop says where it was."""
    path = tmp_path / "c.jsonl"
    path.write_bytes(records(3) + b"\n" * 5 + records(3, start=3))
    result = load_corpus(path, Limits(max_empty_lines=4))
    assert [a.id for a in result.articles if isinstance(a, Article)] == ["r0", "r1", "r2"]
    assert [p.line for p in result.problems] == [8]
