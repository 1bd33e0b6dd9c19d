"""The benchmark's scale section (`--scale`): its corpora, its growth table, and that a stopped
run resumes. Real builds on a small corpus; the figures are the benchmark's business."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from bench.floors import FLOOR
from bench.report import table
from bench.scale import base_id, exponent, make_corpus, scale_table
from tests.test_bench import bench, small_corpus


def ids_of(path: Path) -> list[str]:
    with gzip.open(path, "rt", encoding="utf-8") as stream:
        return [json.loads(line)["id"] for line in stream]


def test_corpora_are_a_sample_or_the_file_repeated_with_new_ids(tmp_path: Path) -> None:
    source = small_corpus(tmp_path / "small.jsonl.gz")  # 40 records
    original = ids_of(source)
    assert make_corpus(source, tmp_path / "a.jsonl.gz", 15, seed=1) == 15
    sample = ids_of(tmp_path / "a.jsonl.gz")
    assert len(set(sample)) == 15 and set(sample) <= set(original)
    assert make_corpus(source, tmp_path / "b.jsonl.gz", 15, seed=1) == 15
    assert ids_of(tmp_path / "b.jsonl.gz") == sample  # the same seed, the same sample
    assert make_corpus(source, tmp_path / "c.jsonl.gz", 100, seed=1) == 100
    tripled = ids_of(tmp_path / "c.jsonl.gz")
    assert tripled[:40] == original
    assert tripled[40:80] == [f"{i}~2" for i in original]
    assert tripled[80:] == [f"{i}~3" for i in original[:20]]
    assert len(set(tripled)) == 100
    assert {base_id(i) for i in tripled} == set(original)


def test_the_exponent_is_the_slope_in_log_log() -> None:
    assert exponent([1, 10, 100], [5, 50, 500]) == 1.0
    assert exponent([57_110, 171_330], [100, 410]) == 1.284  # the 4.1x for 3x of issue 19
    assert exponent([1, 2], [3, 3]) == 0.0
    assert exponent([1], [2]) is None


def test_scale_builds_both_at_each_size_reports_growth_and_resumes(tmp_path: Path) -> None:
    corpus = small_corpus(tmp_path / "small.jsonl.gz")
    work = tmp_path / "work"
    args = ["--corpus", str(corpus), "--work", str(work), "--queries", "2", "--repeat", "1"]
    done = bench(*args, "--scale", "--scale-sizes", "20,80")
    assert done.returncode == 0, done.stderr
    results = json.loads((work / "results.json").read_text(encoding="utf-8"))
    assert list(results["sections"]) == ["scale"]  # --scale runs that section alone
    data = results["sections"]["scale"]["data"]
    assert data["sizes"] == [20, 80]
    for label, count in (("20", 20), ("80", 80)):
        size = data["per_size"][label]
        assert size["articles"] == count
        assert size["plain"]["docs"] == count
        assert 0 < size["afreader"]["docs"] <= count  # records without text are problems
        for who in ("afreader", "plain"):
            assert size[who]["wall_s"] > 0 and size[who]["cpu_s"] > 0
        assert set(size["afreader_queries"]) >= {"term", "phrase", "actor", "date"}
        assert set(size["plain_queries"]) >= {"term", "phrase", "date"}
    growth = data["growth"]
    assert growth["afreader build cpu_s"]["values"] == [
        data["per_size"][label]["afreader"]["cpu_s"] for label in ("20", "80")
    ]
    assert isinstance(growth["plain phrase p95_ms"]["exponent"], float)
    assert "| afreader build wall_s |" in done.stdout
    assert "exponent" in scale_table(data)
    # Run again: every step is kept, nothing is built again.
    again = bench(*args, "--scale", "--scale-sizes", "20,80")
    assert again.returncode == 0, again.stderr
    steps = [line for line in again.stderr.splitlines() if "] scale: " in line]
    assert len(steps) == 11  # five a size, and the actors the queries draw from
    assert all(line.endswith("kept from an earlier run") for line in steps), steps


def test_the_scale_floors_are_judged_at_57k_and_171k() -> None:
    build = {"wall_s": 100.0, "cpu_s": 180.0, "cores": 1.8, "segments": 12, "disk_mb": 1.0}
    plain = {**build, "wall_s": 95.0, "cpu_s": 150.0}
    queries = {k: {"p50_ms": 10.0, "p95_ms": 20.0} for k in ("term", "terms", "phrase")}
    per_size = {
        "57k": {"articles": 57_110, "afreader": build, "plain": plain, "afreader_queries": queries},
        "171k": {
            "articles": 171_330,
            "afreader": {**build, "cpu_s": 540.0},
            "plain": plain,
            "afreader_queries": {**queries, "terms": {"p50_ms": 10.0, "p95_ms": 50.0}},
        },
    }
    growth = {
        "afreader build cpu_s": {"exponent_57k_171k": 1.0},
        "afreader terms p95_ms": {"growth_57k_171k": 2.5},
        "afreader term p95_ms": {"growth_57k_171k": 1.0},
    }
    data = {"sizes": [57_110, 171_330], "per_size": per_size, "growth": growth}
    report = table({"sections": {"scale": {"data": data}}})
    rows = {line.split(" | ")[0].strip("| "): line for line in report.splitlines()}
    assert "FAIL" not in rows[FLOOR["scale_build_wall"].measure]  # 1.05
    assert "FAIL" in rows[FLOOR["scale_build_cpu"].measure]  # 1.2
    assert "pass" in rows[FLOOR["scale_cpu_exponent"].measure]
    assert "FAIL" in rows[FLOOR["scale_query_growth"].measure]  # terms 2.5x
    assert "terms" in rows[FLOOR["scale_query_growth"].measure]
    assert "pass" in rows[FLOOR["scale_phrase_171k"].measure]  # 20 ms
