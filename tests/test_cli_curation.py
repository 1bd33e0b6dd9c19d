"""`afreader curation ...` and `afreader suggest`: curation from scripts, on the real command."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from tests.election import write_election

AFREADER = shutil.which("afreader", path=str(Path(sys.executable).parent))


def afreader(*args: str | Path) -> subprocess.CompletedProcess[str]:
    assert AFREADER is not None
    return subprocess.run(
        [AFREADER, *map(str, args)], capture_output=True, text=True, timeout=120, check=False
    )


def test_curation_verbs_log_and_undo(tmp_path: Path) -> None:
    corpus, gazetteer = write_election(tmp_path)
    common: list[str | Path] = ["--corpus", corpus, "--entities", gazetteer]
    result = afreader(
        *common,
        "curation",
        "new-actor",
        "Elias Varga",
        "--type",
        "person",
        "--why",
        "the electoral commissioner",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("#1 new-actor: actor elias-varga")
    assert "5 article(s) matched again" in result.stderr
    mentions = afreader(*common, "mentions", "elias-varga", "--json")
    assert len(mentions.stdout.splitlines()) == 5
    first = json.loads(mentions.stdout.splitlines()[0])
    where = [first["article_id"], first["field"], str(first["start"]), str(first["end"])]
    result = afreader(*common, "curation", "reassign", *where, "tomas-redfield")
    assert result.returncode == 0, result.stderr
    assert len(afreader(*common, "mentions", "elias-varga").stdout.splitlines()) == 4
    log = afreader(*common, "curation", "log", "--json")
    records = [json.loads(line) for line in log.stdout.splitlines()]
    assert [r["op"] for r in records] == ["new-actor", "reassign"]
    assert records[0]["why"] == "the electoral commissioner" and records[0]["who"]
    assert "before" not in records[0]
    assert afreader(*common, "curation", "undo").returncode == 0
    assert len(afreader(*common, "mentions", "elias-varga").stdout.splitlines()) == 5
    text = afreader(*common, "curation", "log").stdout
    assert "(undone)" in text and "why: the electoral commissioner" in text
    bad = afreader(*common, "curation", "add-alias", "nobody", "Some Name")
    assert bad.returncode == 2 and "no actor called 'nobody'" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_a_corpus_on_another_topic_works_end_to_end_with_its_own_gazetteer(
    tmp_path: Path,
) -> None:
    """A fictional election, with the researcher's gazetteer: search, mentions, counts and
    suggestions, and no Afghan actor anywhere."""
    corpus, gazetteer = write_election(tmp_path)
    common: list[str | Path] = ["--corpus", corpus, "--entities", gazetteer]
    found = afreader(*common, "search", "Lindqvist", "--json")
    assert found.returncode == 0, found.stderr
    hits = [json.loads(line) for line in found.stdout.splitlines()]
    assert len(hits) == 4 and all("mara-lindqvist" in h["matched"] or h["matched"] for h in hits)
    entities = afreader(*common, "entities", "--json")
    # The bundled actors are still listed, but none is found in this corpus.
    counted = {r["id"]: r for r in map(json.loads, entities.stdout.splitlines()) if r["mentions"]}
    assert set(counted) == {
        "mara-lindqvist",
        "tomas-redfield",
        "civic-renewal-party",
        "unity-bloc",
        "port-halden",
    }
    mentions = afreader(*common, "mentions", "Unity Bloc", "--json")
    assert {json.loads(line)["entity_id"] for line in mentions.stdout.splitlines()} == {
        "unity-bloc"
    }
    suggested = afreader(*common, "suggest", "--json", "--min-articles", "2")
    assert suggested.returncode == 0, suggested.stderr
    records = [json.loads(line) for line in suggested.stdout.splitlines()]
    assert [r["name"] for r in records] == ["Elias Varga", "Ines Quarry"]
    keys = ["name", "variants", "count", "articles", "first", "last", "examples"]
    assert all(list(r) == keys for r in records)
    varga = records[0]
    assert (varga["count"], varga["articles"]) == (5, 5)
    assert (varga["first"], varga["last"]) == ("2031-03-01", "2031-03-30")
    assert len(varga["examples"]) == 2 and all("Elias Varga" in e for e in varga["examples"])
    # Known names are never suggested: once added, Varga is an actor, and gone from the list.
    added = afreader(*common, "curation", "new-actor", "Elias Varga", "--type", "person")
    assert added.returncode == 0, added.stderr
    again = afreader(*common, "suggest", "--json", "--min-articles", "2")
    assert [json.loads(line)["name"] for line in again.stdout.splitlines()] == ["Ines Quarry"]


def test_a_rejection_from_the_command_line_survives_afreader_index_rebuild(
    tmp_path: Path,
) -> None:
    corpus, gazetteer = write_election(tmp_path)
    common: list[str | Path] = ["--corpus", corpus, "--entities", gazetteer]
    mentions = afreader(*common, "mentions", "port-halden", "--json")
    first = json.loads(mentions.stdout.splitlines()[0])
    where = [first["article_id"], first["field"], str(first["start"]), str(first["end"])]
    rejected = afreader(*common, "curation", "reject", *where, "--why", "the port, not the city")
    assert rejected.returncode == 0, rejected.stderr
    assert len(afreader(*common, "mentions", "port-halden").stdout.splitlines()) == 4
    rebuilt = afreader(*common, "index", "--rebuild")  # in a build process of its own
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert len(afreader(*common, "mentions", "port-halden").stdout.splitlines()) == 4
