"""Exports, the history and saved searches on the command line: the installed `afreader`,
files read back with the csv and json modules, hostile text that must stay data."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest

from tests.command import AFREADER, afreader
from tests.test_cli import json_lines
from userdata.keys import corpus_key
from userdata.workbench import open_workbench

pytestmark = pytest.mark.skipif(AFREADER is None, reason="the afreader command is not installed")

WriteJsonl = Callable[[Path, Iterable[dict[str, object] | str]], Path]

HOSTILE_TITLE = "=cmd|' /C calc'!A0 Dostum"
HOSTILE_BODY = (
    "Dostum spoke.\x1b[2J\x07 <script>alert(1)</script> <img src=x onerror=alert(2)>\n\n"
    "# Not a heading\n* not a list [click](javascript:alert(3)) `code` **bold** | a | b |\n"
    "\u202eevil reversed\u202c and @SUM(1+1) and -2+3 and +A1."
)
ARTICLES: list[dict[str, object]] = [
    {
        "id": "h1",
        "title": HOSTILE_TITLE,
        "date": "2021-08",
        "source": "@outlet",
        "author": "+Author",
        "url": "javascript:alert(4)",
        "body": HOSTILE_BODY,
    },
    {
        "id": "h2",
        "title": "Dostum in Sheberghan",
        "date": "2020-01-02",
        "source": "Tolo",
        "url": "https://example.org/h2",
        "body": "General Dostum returned.",
    },
]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A corpus of hostile text and its index, shared by the tests of this module."""
    folder = tmp_path_factory.mktemp("hostile")
    corpus = folder / "hostile.jsonl"
    corpus.write_text(
        "\n".join(json.dumps(a, ensure_ascii=False) for a in ARTICLES) + "\n", encoding="utf-8"
    )
    return corpus, folder / "ix"


def run(hostile: tuple[Path, Path], *args: str | Path) -> Any:
    corpus, index = hostile
    return afreader("--corpus", corpus, "--index-dir", index, *args)


def _no_controls(text: str) -> None:
    assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e]", text), repr(text)


def test_csv_export_reads_back_and_no_cell_is_a_formula(
    hostile: tuple[Path, Path], tmp_path: Path
) -> None:
    out = tmp_path / "results.csv"
    result = run(hostile, "export", "results", "Dostum", "--format", "csv", "--output", out)
    assert result.returncode == 0, result.stderr
    assert "wrote 2 results" in result.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text("utf-8"), newline="")))
    assert {r["article_id"] for r in rows} == {"h1", "h2"}
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value
            _no_controls(value)
    h1 = next(r for r in rows if r["article_id"] == "h1")
    assert h1["title"] == "'" + HOSTILE_TITLE
    assert h1["outlet"] == "'@outlet" and h1["author"] == "'+Author"
    assert h1["published"] == "2021-08"  # as known: a month, not a made-up day


def test_jsonl_export_reads_back_with_the_text_as_data(hostile: tuple[Path, Path]) -> None:
    result = run(hostile, "export", "mentions", "Dostum", "--format", "jsonl")
    assert result.returncode == 0, result.stderr
    records = json_lines(result.stdout)
    assert {r["article_id"] for r in records} == {"h1", "h2"}
    assert all(r["start"] < r["end"] and r["entity_id"] for r in records)
    h1 = next(r for r in records if r["article_id"] == "h1")
    assert h1["title"] == HOSTILE_TITLE  # JSON keeps the text as it is, escaped
    assert "\x1b" not in result.stdout and "\u202e" not in result.stdout


def test_markdown_export_cites_each_item_and_cannot_be_broken(
    hostile: tuple[Path, Path], tmp_path: Path
) -> None:
    corpus, _ = hostile
    workbench = open_workbench(corpus)
    start = HOSTILE_BODY.index("<script>")
    end = HOSTILE_BODY.index("reversed") + len("reversed")
    workbench.notes.clip(
        article_id="h1",
        content_hash="stale",  # the article changed since (as far as this clip knows)
        title=HOSTILE_TITLE,
        field="body",
        start=start,
        end=end,
        text=HOSTILE_BODY[start:end],
        note="<b>note</b> # too",
        tags=("evidence",),
        query="Dostum",
        actor="abdul-rashid-dostum",
    )
    workbench.notes.clip(
        article_id="gone", content_hash="h", title="Vanished", field="body", start=0, end=3,
        text="old", tags=("other",),
    )  # fmt: skip
    workbench.db.close()
    out = tmp_path / "clips.md"
    result = run(hostile, "export", "clips", "--tag", "evidence", "--format", "md", "--output", out)
    assert result.returncode == 0, result.stderr
    assert "wrote 1 clips" in result.stderr
    text = out.read_text("utf-8")
    _no_controls(text)
    assert "<script>" not in text and "<img" not in text and "<b>" not in text
    assert "&lt;script&gt;" in text
    assert "\n# Not" not in text and "\n* not" not in text  # the passage stays one quote
    items = [line for line in text.splitlines() if line.startswith("## ")]
    assert len(items) == 1
    source = next(line for line in text.splitlines() if line.startswith("Source: "))
    assert "\\@outlet" in source or "@outlet" in source
    assert "2021\\-08" in source and "article h1" in source
    assert f"body characters {start}–{end}" in source
    assert "query" in source and "Dostum" in source
    assert "changed since it was clipped" in source
    assert "javascript" not in source  # not a URL a reader could follow
    everything = run(hostile, "export", "clips", "--format", "jsonl")
    records = json_lines(everything.stdout)
    assert [r["state"] for r in records] == ["gone", "changed"]
    assert records[1]["tags"] == ["evidence"] and records[1]["actor"] == "abdul-rashid-dostum"


def test_history_and_saved_searches(hostile: tuple[Path, Path], tmp_path: Path) -> None:
    corpus, _ = hostile
    data = tmp_path / "elsewhere"
    workbench = open_workbench(corpus, data)
    workbench.history.searched("Dostum", None, "relevance", 2)
    workbench.history.opened("h2", "hash", "Dostum in Sheberghan", "Dostum")
    workbench.db.close()
    listed = run(hostile, "--data-dir", data, "history", "--json")
    assert listed.returncode == 0, listed.stderr
    entries = json_lines(listed.stdout)
    assert [(e["kind"], e["article_id"]) for e in entries] == [("article", "h2"), ("search", None)]
    assert run(hostile, "history").returncode == 1  # the default data folder has none
    added = run(hostile, "--data-dir", data, "saved", "add", "north", "Dostum")
    assert added.returncode == 0, added.stderr
    first = json_lines(run(hostile, "--data-dir", data, "saved", "--json").stdout)
    assert [(s["name"], s["total"], s["new"]) for s in first] == [("north", 2, 2)]
    ran = run(hostile, "--data-dir", data, "saved", "run", "north", "--json")
    assert ran.returncode == 0, ran.stderr
    assert sorted((r["article_id"], r["new"]) for r in json_lines(ran.stdout)) == [
        ("h1", True),
        ("h2", True),
    ]
    again = json_lines(run(hostile, "--data-dir", data, "saved", "--json").stdout)
    assert [(s["total"], s["new"]) for s in again] == [(2, 0)]
    missing = run(hostile, "--data-dir", data, "saved", "run", "nope")
    assert missing.returncode == 2 and "no saved search called 'nope'" in missing.stderr
    assert corpus_key(corpus) == corpus_key(corpus.parent / "." / corpus.name)


def test_an_export_that_cannot_be_written_says_so(
    hostile: tuple[Path, Path], tmp_path: Path
) -> None:
    result = run(hostile, "export", "results", "Dostum", "--output", tmp_path / "no" / "x.csv")
    assert result.returncode == 2
    assert "cannot write" in result.stderr and "Traceback" not in result.stderr
    bad = run(hostile, "export", "results", "Dostum AND (", "--format", "md")
    assert bad.returncode == 2 and "bad query" in bad.stderr
