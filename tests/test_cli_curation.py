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
