"""Curation on the real index and mention store: applied at once without a rebuild, kept
across restarts and rebuilds, undone exactly, and safe against a kill midway."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from index import Engine
from tests.election import write_election
from userdata.curation import CurationError, Curator
from userdata.overlays import corpus_overlay, load_for


def opened(corpus: Path, gazetteer: Path, root: Path) -> Engine:
    layered, problems = load_for(corpus, [gazetteer])
    assert problems == []
    engine = Engine(corpus, root, gazetteer=layered)
    engine.open()
    return engine


@pytest.fixture
def election(tmp_path: Path) -> tuple[Path, Path, Path]:
    corpus, gazetteer = write_election(tmp_path)
    return corpus, gazetteer, tmp_path / "indexes"


def counts(engine: Engine) -> dict[str, tuple[int, int]]:
    return engine.store.entity_counts()


def test_an_alias_finds_its_mentions_at_once_and_survives_a_restart(
    election: tuple[Path, Path, Path],
) -> None:
    corpus, gazetteer, root = election
    engine = opened(corpus, gazetteer, root)
    try:

        def texts() -> list[str]:
            stored = engine.article("2031-03-30-results")
            assert stored is not None
            return [m.text for m in engine.mentions_in(stored) if m.entity_id == "tomas-redfield"]

        assert texts() == ["Tomas Redfield", "Redfield"]  # "Tom Redfield": only its surname
        done = Curator(engine, [gazetteer]).add_alias(
            "tomas-redfield", "Tom Redfield", "a nickname"
        )
        assert done.matched == 1 and done.rewritten == 0  # one article holds it; same actors
        assert texts() == ["Tomas Redfield", "Tom Redfield"]
        assert done.record["who"] and done.record["when"] and done.record["why"] == "a nickname"
        hits = engine.search('"Tom Redfield"')
        # Now a spelling of the actor: the search finds every article mentioning him.
        assert hits.total == engine.count_mentions("tomas-redfield")[1]
    finally:
        engine.close()
    again = Engine(corpus, root, gazetteer=load_for(corpus, [gazetteer])[0])
    assert again.is_fresh()  # the index recorded the overlay: no rebuild
    again.open()
    try:
        stored = again.article("2031-03-30-results")
        assert stored is not None
        assert "Tom Redfield" in [m.text for m in again.mentions_in(stored)]
    finally:
        again.close()


def test_a_new_actor_changes_only_the_articles_naming_it(election: tuple[Path, Path, Path]) -> None:
    corpus, gazetteer, root = election
    engine = opened(corpus, gazetteer, root)
    try:
        done = Curator(engine, [gazetteer]).new_actor("Ines Quarry", "person")
        assert (done.matched, done.rewritten) == (3, 3)
        assert engine.count_mentions("ines-quarry") == (3, 3)
        assert engine.search("actor:ines-quarry").total == 3
    finally:
        engine.close()


def test_a_rejected_mention_stays_rejected_after_a_full_rebuild(
    election: tuple[Path, Path, Path],
) -> None:
    corpus, gazetteer, root = election
    engine = opened(corpus, gazetteer, root)
    try:
        stored = engine.article("2031-03-22-rally")
        assert stored is not None
        [first, *_] = [m for m in engine.mentions_in(stored) if m.entity_id == "tomas-redfield"]
        before = engine.count_mentions("tomas-redfield")
        Curator(engine, [gazetteer]).reject("2031-03-22-rally", first.field, first.start, first.end)
        assert engine.count_mentions("tomas-redfield") == (before[0] - 1, before[1] - 1)
        assert engine.search("actor:tomas-redfield").total == before[1] - 1
        engine.update(rebuild=True)
        assert engine.count_mentions("tomas-redfield") == (before[0] - 1, before[1] - 1)
    finally:
        engine.close()


def test_undo_restores_exactly_the_previous_counts(election: tuple[Path, Path, Path]) -> None:
    corpus, gazetteer, root = election
    engine = opened(corpus, gazetteer, root)
    try:
        curator = Curator(engine, [gazetteer])
        stored = engine.article("2031-03-09-debate")
        assert stored is not None
        mention = engine.mentions_in(stored)[0]
        steps = [
            lambda: curator.add_alias("unity-bloc", "Redfield camp"),
            lambda: curator.new_actor("Elias Varga", "person", ["Commissioner Elias Varga"]),
            lambda: curator.reject(stored.article.id, mention.field, mention.start, mention.end),
            lambda: curator.merge("unity-bloc", "tomas-redfield"),
            lambda: curator.never("mara-lindqvist", "Lindqvist"),
            lambda: curator.split("tomas-redfield", "Redfield", "The Redfield family"),
        ]
        seen = []
        for number, step in enumerate(steps):
            seen.append((counts(engine), engine.search("actor:tomas-redfield").total))
            step()
            assert (counts(engine), engine.search("actor:tomas-redfield").total) != seen[-1], number
        for expected in reversed(seen):
            curator.undo()
            assert (counts(engine), engine.search("actor:tomas-redfield").total) == expected
        with pytest.raises(CurationError, match="nothing to undo"):
            curator.undo()
        log = curator.log()
        assert [r["op"] for r in log[:6]] == [
            "add-alias",
            "new-actor",
            "reject",
            "merge",
            "never",
            "split",
        ]
        assert all(r.get("undone") for r in log[:6]) and len(log) == 12
    finally:
        engine.close()


def test_bad_curations_are_refused_with_a_reason(election: tuple[Path, Path, Path]) -> None:
    corpus, gazetteer, root = election
    engine = opened(corpus, gazetteer, root)
    try:
        curator = Curator(engine, [gazetteer])
        with pytest.raises(CurationError, match="already a spelling of 'mara-lindqvist'"):
            curator.add_alias("tomas-redfield", "Lindqvist")
        with pytest.raises(CurationError, match="common English word"):
            curator.add_alias("tomas-redfield", "the")
        with pytest.raises(CurationError, match="no actor called"):
            curator.add_alias("nobody", "Nobody At All")
        with pytest.raises(CurationError, match="no mention"):
            curator.reject("2031-03-09-debate", "body", 0, 1)
        overlay = corpus_overlay(corpus)
        overlay.parent.mkdir(parents=True, exist_ok=True)
        overlay.write_text("entities: [\n", encoding="utf-8")
        with pytest.raises(CurationError, match=r":2: the overlay is not valid YAML"):
            curator.add_alias("tomas-redfield", "Tom Redfield")
        assert overlay.read_text(encoding="utf-8") == "entities: [\n"  # never overwritten
    finally:
        engine.close()


CHILD = """
import os, signal, sys
from pathlib import Path
from index import Engine
from index.store import Store
from userdata.curation import Curator
from userdata.overlays import load_for

corpus, gazetteer, root, where = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4]
engine = Engine(corpus, root, gazetteer=load_for(corpus, [gazetteer])[0])
engine.open()

def die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)

if where == "store":  # after Whoosh committed, before the store does
    Store.replace_mentions = die
Curator(engine, [gazetteer]).new_actor(
    "Ines Quarry", "person", progress=die if where == "matching" else None
)
"""


@pytest.mark.parametrize("where", ["matching", "store"])
def test_a_kill_during_a_rematch_leaves_no_half_applied_state(
    election: tuple[Path, Path, Path], where: str
) -> None:
    corpus, gazetteer, root = election
    engine = opened(corpus, gazetteer, root)
    engine.close()
    child = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(CHILD), corpus, gazetteer, root, where],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ},
        check=False,
    )
    assert child.returncode == -signal.SIGKILL, child.stderr
    layered = load_for(corpus, [gazetteer])[0]
    assert "ines-quarry" in layered.by_id  # the overlay was written before the kill
    again = Engine(corpus, root, gazetteer=layered)
    assert not again.is_fresh()  # never taken as it is: it is finished first
    again.open()
    try:
        assert again.count_mentions("ines-quarry") == (3, 3)
        assert again.search("actor:ines-quarry").total == 3
        assert again.store.get_meta("curation_pending") is None
        reference = Engine(corpus, root.parent / "reference", gazetteer=layered)
        reference.open()
        try:
            assert counts(again) == counts(reference)
        finally:
            reference.close()
        assert Engine(corpus, root, gazetteer=layered).is_fresh()
    finally:
        again.close()
