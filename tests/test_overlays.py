"""Overlay gazetteers: layered over the bundled one, checked with file, line and field, and a
bad overlay never stops the bundled actors loading."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from corpus import load_gazetteer
from corpus.layers import load_layered
from index import Engine
from tests.election import write_election
from userdata.overlays import corpus_overlay, global_overlay, load_for

AFREADER = shutil.which("afreader", path=str(Path(sys.executable).parent))


def afreader(*args: str | Path) -> subprocess.CompletedProcess[str]:
    assert AFREADER is not None
    return subprocess.run(
        [AFREADER, *map(str, args)], capture_output=True, text=True, timeout=120, check=False
    )


def test_an_overlay_adds_actors_and_spellings_and_takes_some_away(tmp_path: Path) -> None:
    overlay = tmp_path / "mine.yaml"
    overlay.write_text(
        "entities:\n"
        "  - id: taliban\n"
        "    aliases: [Talibs]\n"
        "  - id: ines-quarry\n"
        "    name: Ines Quarry\n"
        "    type: person\n"
        "  - id: yar-dostum\n"
        "    not_aliases: [Dostum]\n",
        encoding="utf-8",
    )
    bundled, _ = load_gazetteer()
    layered, problems = load_layered([overlay])
    assert [p for p in problems if p.path == str(overlay)] == []
    assert len(layered) == len(bundled) + 1
    assert "Talibs" in layered.by_id["taliban"].aliases
    assert layered.lookup("Talibs") == [layered.by_id["taliban"]]
    assert "Dostum" not in layered.by_id["yar-dostum"].shared_aliases
    assert layered.never["yar-dostum"] == frozenset({"dostum"})


def test_a_bad_overlay_says_its_line_and_the_bundled_actors_still_load() -> None:
    path = global_overlay()
    path.parent.mkdir(parents=True)
    path.write_text("entities:\n  - id: x\n    name: [unclosed\n", encoding="utf-8")
    bundled, _ = load_gazetteer()
    layered, problems = load_for(None)
    assert len(layered) == len(bundled)
    [problem] = [p for p in problems if p.path == str(path)]
    assert problem.line == 4 and "left out" in problem.message
    assert layered.layer_problems == (problem,)


def test_check_reports_every_error_with_file_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(
        "entities:\n"
        "  - id: zed\n"  # line 2
        "    name: Zed Party\n"
        "    type: party\n"  # line 4: unknown type
        "  - id: taliban\n"
        "    aliases: [Talibs, the]\n"  # line 6: a common word
        "  - id: two\n"
        "    name: Other\n"
        "    type: person\n"
        "    aliases: [Dostum]\n"  # line 10: shared elsewhere, not marked shared
        "  - id: two\n"  # line 11: duplicate id
        "    name: Another\n"
        "    type: person\n",
        encoding="utf-8",
    )
    result = afreader("entities", "--check", path, "--json")
    assert result.returncode == 2, result.stderr
    found = {(r["line"], r["field"]) for r in map(json.loads, result.stdout.splitlines())}
    assert found == {(4, "type"), (6, "aliases"), (10, "aliases"), (11, "id")}
    assert all(json.loads(line)["path"] == str(path) for line in result.stdout.splitlines())
    bad = tmp_path / "bad.yaml"
    bad.write_text("entities:\n  - id: x\n    name: [unclosed\n", encoding="utf-8")
    result = afreader("entities", "--check", bad)
    assert result.returncode == 2
    assert f"{bad}:4: error" in result.stdout and "invalid YAML" in result.stdout
    good = tmp_path / "good.yaml"
    good.write_text("entities:\n  - id: taliban\n    aliases: [Talibs]\n", encoding="utf-8")
    result = afreader("entities", "--check", good)
    assert result.returncode == 0 and result.stdout == ""


def test_entities_files_and_the_corpus_overlay_reach_the_index(tmp_path: Path) -> None:
    corpus, gazetteer = write_election(tmp_path)
    result = afreader("--corpus", corpus, "--entities", gazetteer, "entities", "--json")
    assert result.returncode == 0, result.stderr
    counts = {r["id"]: r["mentions"] for r in map(json.loads, result.stdout.splitlines())}
    assert counts["mara-lindqvist"] > 0 and counts["port-halden"] == 5
    # The corpus's own overlay, written by hand: the index sees it at the next run.
    overlay = corpus_overlay(corpus)
    overlay.parent.mkdir(parents=True)
    overlay.write_text(
        "entities:\n  - id: ines-quarry\n    name: Ines Quarry\n    type: person\n",
        encoding="utf-8",
    )
    result = afreader("--corpus", corpus, "--entities", gazetteer, "mentions", "ines-quarry")
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) == 3
    result = afreader("--corpus", corpus, "--entities", tmp_path / "missing.yaml", "entities")
    assert result.returncode == 2 and "missing.yaml: no such gazetteer file" in result.stderr


def test_the_engine_reports_a_bad_overlay_among_its_problems(tmp_path: Path) -> None:
    corpus, gazetteer = write_election(tmp_path)
    bad = tmp_path / "bad.yaml"
    bad.write_text("entities: [\n", encoding="utf-8")
    layered, _ = load_for(corpus, [gazetteer, bad])
    engine = Engine(corpus, tmp_path / "ix", gazetteer=layered)
    engine.open()
    try:
        assert any(p.path == str(bad) and p.line for p in engine.problems())
        assert engine.entity("mara-lindqvist") is not None
    finally:
        engine.close()
