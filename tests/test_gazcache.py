"""What each process would work out again is kept in the index cache: the parsed gazetteer
(under the digest of its bytes and of the code that parses it) and the fast path's check of
Whoosh; whatever is found there that cannot be read is worked out again."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from corpus import BUNDLED_GAZETTEER, load_gazetteer
from index import Engine
from index.fastpath import shapes
from index.gazcache import cache_folder, cached_gazetteer, make_cache_folder


def _entities(path: Path | None, root: Path) -> list[tuple[str, tuple[str, ...]]]:
    gazetteer, _ = cached_gazetteer(path, root)
    return [(e.id, tuple(e.aliases)) for e in gazetteer.entities]


def test_the_gazetteer_is_parsed_once_and_again_when_it_changes(tmp_path: Path) -> None:
    own = tmp_path / "entities.yaml"
    own.write_bytes(BUNDLED_GAZETTEER.read_bytes())
    root = tmp_path / "indexes"
    root.mkdir()
    make_cache_folder(root)
    parsed, problems = load_gazetteer(own)
    first = _entities(own, root)
    assert first == [(e.id, tuple(e.aliases)) for e in parsed.entities]
    kept = sorted(cache_folder(root).glob("gazetteer-*.pickle"))
    assert len(kept) == 1
    assert _entities(own, root) == first  # read back
    assert sorted(cache_folder(root).glob("gazetteer-*.pickle")) == kept
    text = own.read_text(encoding="utf-8").replace(
        "      - Peking\n", "      - Peking\n      - Pekin\n"
    )
    own.write_text(text, encoding="utf-8")  # a changed file: parsed again, kept apart
    changed = _entities(own, root)
    assert changed != first
    assert changed == [(e.id, tuple(e.aliases)) for e in load_gazetteer(own)[0].entities]
    assert len(list(cache_folder(root).glob("gazetteer-*.pickle"))) == 2
    _, problems_again = cached_gazetteer(own, root)
    assert [p.message for p in problems_again] == [p.message for p in load_gazetteer(own)[1]]
    del problems


def test_a_kept_gazetteer_that_cannot_be_read_is_parsed_again(tmp_path: Path) -> None:
    root = tmp_path / "indexes"
    root.mkdir()
    make_cache_folder(root)
    first = _entities(None, root)
    (kept,) = cache_folder(root).glob("gazetteer-*.pickle")
    kept.write_bytes(b"\x80\x05not a pickle")
    assert _entities(None, root) == first
    assert kept.read_bytes() != b"\x80\x05not a pickle"  # written anew


def test_a_cache_that_cannot_be_written_costs_only_the_work(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        root = tmp_path / "file-not-folder"
        root.write_text("x", encoding="utf-8")  # root may write anywhere: a file blocks it
    else:
        root = tmp_path / "read-only"
        root.mkdir()
        root.chmod(0o500)
    assert _entities(None, root) == [(e.id, tuple(e.aliases)) for e in load_gazetteer()[0].entities]
    engine = Engine(None, tmp_path / "indexes")
    engine.open()
    assert engine.search("dostum").total > 0
    engine.close()


def test_the_fast_path_s_check_runs_once_per_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    check = shapes.shape_problems.__wrapped__  # not the per-process memo
    make_cache_folder(tmp_path)
    assert check(tmp_path) == []
    (stamp,) = cache_folder(tmp_path).glob("fastpath-*.ok")

    def behaviour(ix: object) -> list[str]:
        return ["the behaviour was checked again"]

    monkeypatch.setattr(shapes, "_behaviour", behaviour)
    assert check(tmp_path) == []  # passed before, with this very code: not built again
    stamp.unlink()
    assert check(tmp_path) == ["the behaviour was checked again"]
    assert not list(cache_folder(tmp_path).glob("fastpath-*.ok"))  # a failure is not kept


def test_nothing_is_kept_before_a_build_has_finished(tmp_path: Path) -> None:
    """A first build that fails (a full disk) must leave the disk as it found it: the folder
    where results are kept is made by the first build that finishes."""
    root = tmp_path / "indexes"
    root.mkdir()
    _entities(None, root)
    shapes.shape_problems.__wrapped__(root)
    assert list(root.iterdir()) == []
    engine = Engine(None, root)
    engine.open()
    engine.close()
    assert cache_folder(root).is_dir()
    Engine(None, root)  # the next process keeps its gazetteer
    assert list(cache_folder(root).glob("gazetteer-*.pickle"))
