"""One record validator for both readers, and records that nothing can break.

A record (a Markdown file's front matter, a JSON Lines line) is a unit: whatever it holds,
reading it gives an Article or a Problem saying where (file, line, field) and why, and every
other record still loads, in the loader and through the real index and command line.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from corpus import Article, PartialDate, Problem, load_corpus
from corpus.loader import read_article_file, read_record

AFREADER = shutil.which("afreader", path=str(Path(sys.executable).parent))
# What no message may hold raw: C0 and C1 controls, DEL, bidirectional controls, surrogates.
UNSAFE = {chr(c) for c in [*range(0x20), *range(0x7F, 0xA0)]} | {
    "\u061c",
    "\u200e",
    "\u200f",
    *map(chr, range(0x202A, 0x202F)),
    *map(chr, range(0x2066, 0x206A)),
}


def afreader(
    *args: str | Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the installed command line (sandboxed by the conftest environment)."""
    assert AFREADER is not None, "the afreader command is not installed"
    return subprocess.run(
        [AFREADER, *map(str, args)],
        capture_output=True,
        text=True,
        errors="backslashreplace",
        timeout=240,
        env={**os.environ, **(env or {})},
        check=False,
    )


def assert_safe(text: str) -> None:
    """No raw control character, bidi control or lone surrogate in `text`."""
    assert not (set(text) & UNSAFE), repr(text)
    assert not any(0xD800 <= ord(c) <= 0xDFFF for c in text), repr(text)


def write_markdown(folder: Path, name: str, front: str, body: str = "Body text.\n") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(f"---\n{front}---\n{body}", encoding="utf-8")
    return path


# --- one validator ------------------------------------------------------------------------------

FIELDS = {
    "id": "kabul-1",
    "title": "Talks in Kabul",
    "source": "Tolonews",
    "author": "A. Reporter",
    "url": "http://example.org/1",
    "language": "en",
    "notes": "checked against the print edition",
    "published": "2015-06-29",
}


def test_both_readers_give_the_same_article_with_every_field(tmp_path: Path) -> None:
    """JSON Lines keeps author, language and notes, as front matter does."""
    front = "".join(f"{key}: {json.dumps(value)}\n" for key, value in FIELDS.items())
    md = read_article_file(write_markdown(tmp_path / "md", "a.md", front), tmp_path / "md")
    record = read_record(json.dumps({**FIELDS, "body": "Body text."}).encode(), "c.jsonl", 1)
    assert isinstance(md, Article) and isinstance(record, Article)
    assert record.author == "A. Reporter" and record.language == "en"
    assert record.notes == "checked against the print edition"
    same = ("id", "title", "body", "source", "author", "url", "language", "notes", "published")
    assert {k: getattr(md, k) for k in same} == {k: getattr(record, k) for k in same}


@pytest.mark.parametrize(
    ("fields", "expected", "warned"),
    [
        ({"published": "2015-06-29", "date": "2014-01-01"}, PartialDate(2015, 6, 29), "date"),
        ({"date": "2014-01-01"}, PartialDate(2014, 1, 1), None),
        ({"published": None, "date": "2014"}, PartialDate(2014), None),
        ({"published": "2015", "date": "2015"}, PartialDate(2015), None),
    ],
)
def test_one_date_precedence_in_both_readers(
    tmp_path: Path, fields: dict[str, str | None], expected: PartialDate, warned: str | None
) -> None:
    """`published` comes before `date` in both; a `date` not used is said in a warning."""
    base = {"id": "d", "title": "T"}
    front = "".join(f"{k}: {json.dumps(v)}\n" for k, v in {**base, **fields}.items())
    md = read_article_file(write_markdown(tmp_path, "d.md", front), tmp_path)
    record = read_record(json.dumps({**base, **fields}).encode(), "c.jsonl", 4)
    for article in (md, record):
        assert isinstance(article, Article)
        assert article.published == expected
        assert [w.field for w in article.warnings] == ([warned] if warned else [])
    if warned:
        assert isinstance(record, Article)
        (warning,) = record.warnings
        assert (warning.line, warning.severity) == (4, "warning")
        assert warning.message == "'2014-01-01' not used: `published` ('2015-06-29') comes first"


@pytest.mark.parametrize(
    ("value", "field", "message"),
    [
        ('["a"]', "title", "must be text, not a list"),
        ("{a: 1}", "source", "must be text, not a mapping"),
        ("true", "author", "must be text, not a true/false value"),
        ('"bad id!"', "id", "'bad id!' is not a valid id (letters, digits, . _ : / -)"),
        ('"yesterday"', "published", "'yesterday' is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)"),
    ],
)
def test_the_same_fault_gets_the_same_message_in_both_readers(
    tmp_path: Path, value: str, field: str, message: str
) -> None:
    mapping = {"id": "x", "title": "T", field: yaml.safe_load(value)}
    front = "".join(f"{k}: {v if k == field else json.dumps(v)}\n" for k, v in mapping.items())
    md = read_article_file(write_markdown(tmp_path, "x.md", front), tmp_path)
    record = read_record(json.dumps(mapping).encode(), "c.jsonl", 9)
    assert isinstance(md, Problem) and isinstance(record, Problem)
    assert (md.field, md.message) == (record.field, record.message) == (field, message)
    assert md.line == list(mapping).index(field) + 2  # the field's own line in the file
    assert record.line == 9


# --- a record is a unit -------------------------------------------------------------------------

SURROGATE_LINES = [
    b'{"id": "s", "title": "\\ud800"}',  # escaped in JSON
    b'{"id": "s", "title": "\xed\xa0\x80"}',  # the surrogate's bytes, raw
    b'{"id": "s", "title": "T", "body": "a\\udfffb"}',
    b'{"id": "s", "title": "T", "notes": "\\ud83d"}',
]


@pytest.mark.parametrize("bad", SURROGATE_LINES)
def test_a_lone_surrogate_is_a_problem_of_its_line_and_the_rest_loads(
    tmp_path: Path, bad: bytes
) -> None:
    path = tmp_path / "c.jsonl"
    path.write_bytes(
        b'{"id": "a", "title": "Before"}\n' + bad + b'\n{"id": "b", "title": "After"}\n'
    )
    result = load_corpus(path)
    assert [a.id for a in result.articles] == ["a", "b"]
    assert all(len(a.content_hash) == 32 for a in result.articles)
    (problem,) = result.problems
    assert (problem.path, problem.line, problem.severity) == (str(path), 2, "error")
    assert "surrogate" in problem.message or "not valid UTF-8" in problem.message
    assert_safe(problem.message)


def test_a_huge_hex_id_in_front_matter_is_a_problem_of_its_file(tmp_path: Path) -> None:
    write_markdown(tmp_path, "big.md", "id: 0x" + "f" * 3600 + "\ntitle: T\n")
    write_markdown(tmp_path, "good.md", "title: Good\n")
    result = load_corpus(tmp_path)
    assert [a.id for a in result.articles] == ["good"]
    (problem,) = result.problems
    assert (Path(problem.path).name, problem.line, problem.field) == ("big.md", 2, "id")
    assert problem.message == "must be text, not a number with thousands of digits"


def test_one_bad_record_does_not_stop_the_index(tmp_path: Path) -> None:
    """Through the real command line: the good records are indexed and found, and `problems`
    names the bad ones (before, a lone surrogate stopped the whole build)."""
    folder = tmp_path / "articles"
    write_markdown(folder, "big.md", "id: 0x" + "a" * 3600 + "\ntitle: T\n")
    write_markdown(folder, "good.md", "title: Good\n", "The word Quokkaroo.\n")
    jsonl = tmp_path / "c.jsonl"
    jsonl.write_bytes(
        b'{"id": "s", "title": "\\ud800"}\n{"id": "ok", "title": "Fine", "body": "Quokkaroo."}\n'
    )
    for corpus, bad in ((folder, "big.md"), (jsonl, "c.jsonl:1")):
        index: list[str | Path] = ["--corpus", corpus, "--index-dir", tmp_path / "idx"]
        found = afreader(*index, "search", "quokkaroo")
        assert found.returncode == 0, found.stderr
        assert "Traceback" not in found.stderr
        assert "1 article(s) match" in found.stderr
        listed = afreader(*index, "problems")
        assert "Traceback" not in listed.stderr
        assert bad in listed.stdout + listed.stderr


# --- fuzz: never an exception, always an Article or a Problem with its location ---------------

# Stands for a number of 4,400 digits, written into the JSON text (Python refuses to print one,
# hypothesis included).
HUGE = "<huge number>"
# Text of any code points, lone surrogates and controls included (`st.text()` leaves out
# surrogates).
ANY_TEXT = st.text(
    st.characters(exclude_categories=())
    | st.sampled_from(["\ud800", "\udfff", "\x00", "\x1b", "\x85", "\u202e", "\ufeff"]),
    max_size=20,
)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.just(HUGE) | st.floats() | ANY_TEXT,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
FIELD_NAMES = st.sampled_from(
    ["id", "title", "body", "source", "author", "url", "language", "notes", "published", "date"]
)


def check_item(item: Article | Problem, where: str, line: int | None) -> None:
    if isinstance(item, Article):
        assert len(item.content_hash) == 32
        for value in (item.id, item.title, item.body, item.source, item.notes):
            if value is not None:
                value.encode("utf-8")  # text, all of it
        return
    assert isinstance(item, Problem)
    assert item.path == where
    if line is not None:
        assert item.line == line
    assert item.message
    assert_safe(item.message)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    record=st.dictionaries(FIELD_NAMES, ANY_TEXT | JSON_VALUES, max_size=6).map(
        lambda fields: {"id": "f1", "title": "T", **fields}  # a good record, fields changed
    )
    | st.dictionaries(FIELD_NAMES, JSON_VALUES, max_size=6)
    | JSON_VALUES,
    ascii_only=st.booleans(),
)
@example(record={"id": "f1", "title": "\ud800"}, ascii_only=True)  # the reported cases
@example(record={"id": "f1", "title": "\ud800"}, ascii_only=False)
def test_fuzz_json_records(record: object, ascii_only: bool) -> None:
    """Arbitrary JSON values, as a record or as its fields: an Article or a located Problem."""
    text = json.dumps(record, ensure_ascii=ascii_only).replace(json.dumps(HUGE), "9" * 4400)
    raw = text.encode("utf-8", "surrogatepass") + b"\n"
    check_item(read_record(raw, "fuzz.jsonl", 7), "fuzz.jsonl", 7)


YAML_SCALARS = st.one_of(
    ANY_TEXT,
    st.integers(4290, 4400).map(lambda n: "0x" + "7f" * n),
    st.integers(4290, 4400).map(lambda n: "9" * n),
    st.sampled_from(
        [
            "~",
            "null",
            "true",
            "no",
            ".inf",
            "-.nan",
            "0o777",
            "1_000",
            "0b101",
            "12:30:00",
            "2015-06-01T25:99:00",
            "2015-02-30",
            "2015-06-01 10:00:00 +04:30",
            "!!binary aGVsbG8=",
            "!!python/object:os.system x",
            "&a [*a]",
            "[1, 2]",
            "{a: b}",
            "'\\ud800'",
            '"\\ud800"',
            '"\\x1b[31mred"',
            "|\n  block",
            "@reserved",
            "`tick",
            "*nothing",
        ]
    ),
)


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    fields=st.dictionaries(FIELD_NAMES, YAML_SCALARS, max_size=5),
    body=st.text(max_size=30),
)
@example(fields={"id": "0x" + "f" * 3600}, body="")  # the reported case
def test_fuzz_front_matter_scalars(tmp_path: Path, fields: dict[str, str], body: str) -> None:
    """Arbitrary YAML scalars as front-matter fields: an Article or a Problem naming the file."""
    front = "".join(f"{name}: {value}\n" for name, value in {"title": "T", **fields}.items())
    path = tmp_path / "fuzz.md"
    path.write_bytes(f"---\n{front}---\n{body}".encode("utf-8", "surrogatepass"))
    check_item(read_article_file(path, tmp_path), str(path), None)
