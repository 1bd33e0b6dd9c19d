"""The overview's command-line twins (`timeline`, `facets`, `comentions`, `keyness`), run as
the installed command, against the same numbers the engine gives."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from index import Engine
from tests.command import AFREADER, afreader

pytestmark = pytest.mark.skipif(AFREADER is None, reason="the afreader command is not installed")

DOSTUM, NOOR = "abdul-rashid-dostum", "atta-mohammad-noor"


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One index of the bundled corpus for every command of this module."""
    return tmp_path_factory.mktemp("cli-overview-index")


def records(done: subprocess.CompletedProcess[str]) -> list[dict[str, Any]]:
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


def test_timeline_json(index_dir: Path, bundled_engine: Engine) -> None:
    rows = records(afreader("timeline", DOSTUM, "--by", "year", "--json", index_dir=index_dir))
    assert all({"period", "mentions", "articles"} <= set(r) for r in rows)
    assert rows[0] == {"period": "2015", "mentions": 23, "articles": 3, "entity_id": DOSTUM}
    assert sum(int(r["mentions"]) for r in rows) == bundled_engine.count_mentions(DOSTUM)[0]
    by_month = records(afreader("timeline", DOSTUM, "--json", index_dir=index_dir))
    assert [r["period"] for r in by_month[:2]] == ["2015-06", "2015-07"]
    assert by_month[-1]["period"] == "2015"  # dated only to the year: after the months


def test_timeline_table_says_first_and_last(index_dir: Path) -> None:
    done = afreader("timeline", "Atta Noor", index_dir=index_dir)
    assert done.returncode == 0, done.stderr
    assert "2015-07" in done.stdout and "2015-08" not in done.stdout  # no empty months
    assert "Atta Mohammad Noor: 27 mention(s); first 2015, last 2025-12-10" in done.stdout


def test_an_ambiguous_spelling_says_which_actor_it_shows(index_dir: Path) -> None:
    done = afreader("timeline", "Dostum", "--json", index_dir=index_dir)
    assert done.returncode == 0
    assert "could mean abdul-rashid-dostum, yar-dostum; showing abdul-rashid-dostum" in done.stderr


def test_an_unknown_actor_is_a_usage_error(index_dir: Path) -> None:
    done = afreader("comentions", "nobody-at-all", index_dir=index_dir)
    assert done.returncode == 2
    assert "no actor called 'nobody-at-all'" in done.stderr and "Traceback" not in done.stderr


def test_facets_json(index_dir: Path, bundled_engine: Engine) -> None:
    rows = records(afreader("facets", "alliance", "--json", index_dir=index_dir))
    assert all(list(r)[:3] == ["facet", "value", "count"] for r in rows)
    for row in rows:
        if row["facet"] == "actor":
            assert row["count"] == bundled_engine.count("alliance", actor=str(row["value"]))
    years = {r["value"]: r["count"] for r in rows if r["facet"] == "year"}
    assert years == {"2015": 3, "2021": 1}


def test_a_bad_query_is_a_usage_error(index_dir: Path) -> None:
    done = afreader("keyness", "(alliance", index_dir=index_dir)
    assert done.returncode == 2
    assert "bad query" in done.stderr and "Traceback" not in done.stderr


def test_comentions_json_most_first(index_dir: Path) -> None:
    rows = records(afreader("comentions", DOSTUM, "--json", index_dir=index_dir))
    assert list(rows[0])[:4] == ["entity_id", "entity", "sentences", "articles"]
    assert rows[0]["entity_id"] == NOOR and rows[0]["sentences"] == 22
    assert rows[0]["articles"] == 4
    keys = [(-int(r["sentences"]), -int(r["articles"])) for r in rows]
    assert keys == sorted(keys)


def test_comentions_with_lists_the_sentences(index_dir: Path) -> None:
    rows = records(afreader("comentions", DOSTUM, "--with", NOOR, "--json", index_dir=index_dir))
    assert len(rows) == 22
    assert any(str(r["text"]).startswith("Gen. Dostum and Gov. Atta") for r in rows)


def test_keyness_json_highest_first(index_dir: Path) -> None:
    rows = records(afreader("keyness", "alliance", "--json", index_dir=index_dir))
    assert rows
    assert all(list(r)[:5] == ["kind", "value", "score", "in_results", "in_corpus"] for r in rows)
    scores = [float(r["score"]) for r in rows]
    assert scores == sorted(scores, reverse=True)
    assert {r["kind"] for r in rows} <= {"term", "actor"}


def test_an_exclusion_in_parentheses_searches(index_dir: Path) -> None:
    done = afreader("search", "(Taliban -Kabul)", index_dir=index_dir)
    assert done.returncode == 0, done.stderr
    assert "Minus" not in done.stderr
