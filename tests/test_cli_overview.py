"""The overview's command-line twins (`timeline`, `facets`, `comentions`, `keyness`), run as
the installed command, against the same numbers the engine gives."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from index import Engine

AFREADER = shutil.which("afreader", path=str(Path(sys.executable).parent))

pytestmark = pytest.mark.skipif(AFREADER is None, reason="the afreader command is not installed")

DOSTUM, NOOR = "abdul-rashid-dostum", "atta-mohammad-noor"


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One index of the bundled corpus for every command of this module."""
    return tmp_path_factory.mktemp("cli-overview-index")


def run(index_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert AFREADER is not None
    return subprocess.run(
        [AFREADER, *args, "--index-dir", str(index_dir)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )


def records(done: subprocess.CompletedProcess[str]) -> list[dict[str, Any]]:
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


def test_timeline_json(index_dir: Path, bundled_engine: Engine) -> None:
    rows = records(run(index_dir, "timeline", DOSTUM, "--by", "year", "--json"))
    assert all({"period", "mentions", "articles"} <= set(r) for r in rows)
    assert rows[0] == {"period": "2015", "mentions": 23, "articles": 3, "entity_id": DOSTUM}
    assert sum(int(r["mentions"]) for r in rows) == bundled_engine.count_mentions(DOSTUM)[0]
    by_month = records(run(index_dir, "timeline", DOSTUM, "--json"))
    assert [r["period"] for r in by_month[:2]] == ["2015-06", "2015-07"]
    assert by_month[-1]["period"] == "2015"  # dated only to the year: after the months


def test_timeline_table_says_first_and_last(index_dir: Path) -> None:
    done = run(index_dir, "timeline", "Atta Noor")
    assert done.returncode == 0, done.stderr
    assert "2015-07" in done.stdout and "2015-08" not in done.stdout  # no empty months
    assert "Atta Mohammad Noor: 27 mention(s); first 2015, last 2025-12-10" in done.stdout


def test_an_ambiguous_spelling_says_which_actor_it_shows(index_dir: Path) -> None:
    done = run(index_dir, "timeline", "Dostum", "--json")
    assert done.returncode == 0
    assert "could mean abdul-rashid-dostum, yar-dostum; showing abdul-rashid-dostum" in done.stderr


def test_an_unknown_actor_is_a_usage_error(index_dir: Path) -> None:
    done = run(index_dir, "comentions", "nobody-at-all")
    assert done.returncode == 2
    assert "no actor called 'nobody-at-all'" in done.stderr and "Traceback" not in done.stderr


def test_facets_json(index_dir: Path, bundled_engine: Engine) -> None:
    rows = records(run(index_dir, "facets", "alliance", "--json"))
    assert all(list(r)[:3] == ["facet", "value", "count"] for r in rows)
    for row in rows:
        if row["facet"] == "actor":
            assert row["count"] == bundled_engine.count("alliance", actor=str(row["value"]))
    years = {r["value"]: r["count"] for r in rows if r["facet"] == "year"}
    assert years == {"2015": 3, "2021": 1}


def test_a_bad_query_is_a_usage_error(index_dir: Path) -> None:
    done = run(index_dir, "keyness", "(alliance")
    assert done.returncode == 2
    assert "bad query" in done.stderr and "Traceback" not in done.stderr


def test_comentions_json_most_first(index_dir: Path) -> None:
    rows = records(run(index_dir, "comentions", DOSTUM, "--json"))
    assert list(rows[0])[:4] == ["entity_id", "entity", "sentences", "articles"]
    assert rows[0]["entity_id"] == NOOR and rows[0]["sentences"] == 22
    assert rows[0]["articles"] == 4
    keys = [(-int(r["sentences"]), -int(r["articles"])) for r in rows]
    assert keys == sorted(keys)


def test_comentions_with_lists_the_sentences(index_dir: Path) -> None:
    rows = records(run(index_dir, "comentions", DOSTUM, "--with", NOOR, "--json"))
    assert len(rows) == 22
    assert any(str(r["text"]).startswith("Gen. Dostum and Gov. Atta") for r in rows)


def test_keyness_json_highest_first(index_dir: Path) -> None:
    rows = records(run(index_dir, "keyness", "alliance", "--json"))
    assert rows
    assert all(list(r)[:5] == ["kind", "value", "score", "in_results", "in_corpus"] for r in rows)
    scores = [float(r["score"]) for r in rows]
    assert scores == sorted(scores, reverse=True)
    assert {r["kind"] for r in rows} <= {"term", "actor"}


def test_an_exclusion_in_parentheses_searches(index_dir: Path) -> None:
    done = run(index_dir, "search", "(Taliban -Kabul)")
    assert done.returncode == 0, done.stderr
    assert "Minus" not in done.stderr
