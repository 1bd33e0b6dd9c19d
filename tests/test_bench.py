"""The benchmark: its command line on a small corpus, its floors and its report.

The figures themselves are the benchmark's business, never a test's: these tests check that it
runs, measures what it says, and judges each figure by its floor.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from bench.floors import FLOOR, FLOORS
from bench.report import table
from corpus import BUNDLED_ARTICLES

REPO = Path(__file__).resolve().parent.parent


def bench(*args: str) -> subprocess.CompletedProcess[str]:
    """`python -m bench ARGS` from the repository root, as the README runs it."""
    return subprocess.run(
        [sys.executable, "-m", "bench", *args], capture_output=True, text=True, cwd=REPO
    )


def small_corpus(path: Path, copies: int = 8) -> Path:
    """The bundled articles as JSON Lines, each `copies` times under new ids."""
    records = []
    for file in sorted(BUNDLED_ARTICLES.glob("*.md")):
        _, front, body = file.read_text(encoding="utf-8").split("---", 2)
        meta = yaml.safe_load(front)
        records.append(
            {
                "title": str(meta["title"]),
                "date": str(meta.get("published") or ""),
                "source": str(meta.get("source") or ""),
                "body": body,
            }
        )
    with gzip.open(path, "wt", encoding="utf-8") as stream:
        for i in range(copies):
            for n, record in enumerate(records):
                stream.write(json.dumps({**record, "id": f"copy{i}-{n}"}) + "\n")
    return path


def test_the_benchmark_runs_its_sections_and_judges_them_by_their_floors(tmp_path: Path) -> None:
    corpus = small_corpus(tmp_path / "small.jsonl.gz")
    work = tmp_path / "work"
    done = bench(
        "--corpus", str(corpus), "--work", str(work), "--queries", "3", "--repeat", "1",
        "--only", "build,fresh,command,queries,mentions,incremental,fuzz,cancel,overview,curation",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "ERROR" not in done.stdout, done.stdout
    results = json.loads((work / "results.json").read_text(encoding="utf-8"))
    sections = results["sections"]
    assert sections["build"]["data"]["afreader"]["docs"] == 40
    assert sections["build"]["data"]["plain"]["docs"] == 40
    assert sections["build"]["data"]["plain_stored"]["docs"] == 40
    parts = sections["build"]["data"]["afreader"]["sqlite_parts_mb"]
    assert {"articles", "mentions", "mentions_by_article"} <= set(parts)
    assert sections["incremental"]["data"]["all_only_one_added"]
    assert sections["fuzz"]["data"]["queries"] > 100  # the test suite's generator was used
    cancel = sections["cancel"]["data"]
    assert len(cancel["first_fuzzy_s"]) == 3
    assert len(cancel["queries"]) == 3 + 6  # 3 fuzzy words (--queries 3) and the slow ones
    assert cancel["stopped_count"] + cancel["finished_before"] == 9  # each one ran
    overview = sections["overview"]["data"]
    assert overview["queries"]["27k"]["query"] == "Iran"
    assert overview["top_entity"]["mentions"] > 0 and overview["set_5k"]["hits"] > 0
    # The first co-mentions and keyness in a new process read what the build stored.
    assert overview["comentions_first_ms"] > 0 and overview["keyness_first_ms"] > 0
    assert overview["first_run_notices"] == []
    assert "Keyness of" in done.stdout and "first in a new process" in done.stdout
    curation = sections["curation"]
    assert "error" not in curation, curation
    if "data" in curation:  # the small corpus may hold no name frequent enough to suggest
        assert curation["data"]["fresh_after"] and curation["data"]["suggest_progress_ticks"]
    command = sections["command"]["data"]["kinds"]
    assert all(command[kind]["queries"][0]["ratio"] > 0 for kind in ("term", "phrase", "date"))
    for key in (
        "build_ratio",
        "incremental",
        "fresh",
        "command_term",
        "query_term",
        "query_phrase",
        "fuzz",
        "fuzzy_first",
    ):
        line = next(ln for ln in done.stdout.splitlines() if f"| {FLOOR[key].text()} |" in ln)
        assert line.endswith(("| pass |", "| FAIL |")), line
    tables = done.stdout.split("\nCode: ")[0]  # the machine line holds a tuple, JSON a list
    assert tables == table(results).split("\nCode: ")[0]  # the report is the results file's


def test_without_the_corpus_it_says_so_and_exits_0(tmp_path: Path) -> None:
    done = bench("--corpus", str(tmp_path / "absent.jsonl.gz"), "--work", str(tmp_path / "w"))
    assert done.returncode == 0
    assert "absent.jsonl.gz is absent: benchmark skipped" in done.stderr


def test_a_work_folder_inside_the_repository_is_refused(tmp_path: Path) -> None:
    corpus = small_corpus(tmp_path / "small.jsonl.gz", copies=1)
    done = bench("--corpus", str(corpus), "--work", str(REPO / "bench-work"))
    assert done.returncode == 2
    assert "must not be inside the repository" in done.stderr
    assert not (REPO / "bench-work").exists()


def test_the_script_entry_point_runs_the_same_command(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(REPO / "bench" / "run.py"), "--help"],
        capture_output=True,
        text=True,
        cwd=tmp_path,  # from anywhere, not only the repository root
    )
    assert done.returncode == 0, done.stderr
    assert "--only SECTION" in done.stdout and "--skip-build" in done.stdout


def typing_results(bundled_max_ms: float, fuzz_max_ms: float, past: float, early: float) -> Any:
    """A results file with the typing, fuzz and debounce sections only."""

    def summary(p50: float, worst: float) -> dict[str, float]:
        return {"n": 24, "p50_ms": p50, "p95_ms": worst, "max_ms": worst, "mean_ms": p50}

    return {
        "sections": {
            "typing": {"data": {"bundled": summary(10, bundled_max_ms)}},
            "fuzz": {
                "data": {"queries": 301, "all": summary(0.4, fuzz_max_ms), "long_query_ms": 0.1}
            },
            "debounce": {
                "data": {
                    "debounce_ms": 150,
                    "past_debounce": summary(4, past),
                    "min_past_debounce_ms": early,
                }
            },
        }
    }


@pytest.mark.parametrize(
    ("figures", "verdicts"),
    [
        ((99.0, 49.0, 29.0, 1.0), ["pass", "pass", "pass"]),
        ((100.0, 50.0, 30.0, 1.0), ["FAIL", "FAIL", "FAIL"]),  # "under": the limit itself fails
        ((150.0, 72.0, 12.0, -5.0), ["FAIL", "FAIL", "FAIL"]),  # a search before the debounce
    ],
)
def test_each_figure_is_judged_by_its_floor(
    figures: tuple[float, float, float, float], verdicts: list[str]
) -> None:
    report = table(typing_results(*figures))
    judged = [
        line.rsplit("|", 2)[1].strip()
        for line in report.splitlines()
        if line.startswith("| ") and line.rsplit("|", 3)[1].strip() not in ("—", "floor")
    ]
    assert judged == verdicts, report


def test_every_floor_names_its_issue_and_reads_as_a_limit() -> None:
    assert len({floor.key for floor in FLOORS}) == len(FLOORS)
    for floor in FLOORS:
        assert floor.issue > 0 and floor.comparison in ("<", "≤")
        assert floor.met(floor.limit) == (floor.comparison == "≤")
        assert not floor.met(float("nan"))
    assert FLOOR["query_terms"].text() == "p95 < 100 ms"
    assert FLOOR["launch_ratio"].text() == "≤ 2x"
    assert FLOOR["build_ratio"].text() == "≤ 1.2"


QUERIES_OF = """
import argparse, json, sys
from pathlib import Path
from bench.common import Context
from bench.queryset import make_queries
args = argparse.Namespace(corpus=Path(sys.argv[1]), work=Path(sys.argv[2]), seed=57110, queries=30)
print(json.dumps(make_queries(Context(args), [])))
"""


def test_the_queries_are_the_same_in_every_process(tmp_path: Path) -> None:
    """The seed alone decides the queries, whatever the process's string hashing."""
    corpus = small_corpus(tmp_path / "small.jsonl.gz", copies=1)
    drawn = [
        subprocess.run(
            [sys.executable, "-c", QUERIES_OF, str(corpus), str(tmp_path)],
            capture_output=True, text=True, check=True, cwd=REPO,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2", "3")
    ]  # fmt: skip
    assert json.loads(drawn[0])["term"]
    assert drawn[0] == drawn[1] == drawn[2]
