"""Damage to a built index, of every kind, through the real command line: each is detected,
said, and repaired once, automatically; never a traceback. Plus a seeded fuzz of random byte
damage to every file of an index."""

from __future__ import annotations

import itertools
import os
import random
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from corpus import Gazetteer
from index import Engine, open_index
from index.generation import Generation

AFREADER = shutil.which("afreader", path=str(Path(sys.executable).parent))
pytestmark = pytest.mark.skipif(AFREADER is None, reason="the afreader command is not installed")


def afreader(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert AFREADER is not None
    return subprocess.run(
        [AFREADER, "--index-dir", str(root), *args],
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


@pytest.fixture(scope="module")
def command_built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled corpus indexed by the command line, once for the module."""
    root = tmp_path_factory.mktemp("command-built")
    done = afreader(root, "index")
    assert done.returncode == 0, done.stderr
    return root


@pytest.fixture
def built(command_built: Path) -> Callable[[Path], Generation]:
    """Copy the command line's index to a root; its generation there (each test damages its own)."""

    def copy(root: Path) -> Generation:
        shutil.copytree(command_built, root, symlinks=True, dirs_exist_ok=True)
        generation = Engine(None, root).indexer.current()
        assert generation is not None
        return generation

    return copy


def whoosh_file(generation: Generation, suffix: str) -> Path:
    return next(p for p in sorted(generation.whoosh_dir.iterdir()) if p.name.endswith(suffix))


def flip(path: Path, rng: random.Random, count: int = 8, keep_time: bool = False) -> None:
    """Flip `count` random bytes in the middle half of a file, in place (same size)."""
    stat = path.stat()
    data = bytearray(path.read_bytes())
    for _ in range(count):
        at = rng.randrange(len(data) // 4, max(len(data) // 4 + 1, 3 * len(data) // 4))
        data[at] ^= 0xFF
    path.write_bytes(bytes(data))
    if keep_time:  # damage the system does not see: the bytes change, the time does not
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def assert_repaired_once(root: Path, command: tuple[str, ...] = ("search", "dostum")) -> None:
    """The next run says the index was damaged and answers; the one after says nothing."""
    first = afreader(root, *command)
    assert "Traceback" not in first.stderr, first.stderr
    assert first.returncode == 0, first.stderr
    assert "damaged" in first.stderr or "unreadable" in first.stderr, first.stderr
    second = afreader(root, *command)
    assert second.returncode == 0 and "Traceback" not in second.stderr, second.stderr
    assert "damaged" not in second.stderr and "unreadable" not in second.stderr, second.stderr
    search = afreader(root, "search", "dostum")
    assert "5 article(s) match" in search.stderr


def _truncate_toc(g: Generation) -> None:
    toc = whoosh_file(g, ".toc")
    toc.write_bytes(toc.read_bytes()[:40])


def _empty_toc(g: Generation) -> None:
    whoosh_file(g, ".toc").write_bytes(b"")


def _flip_toc(g: Generation) -> None:
    flip(whoosh_file(g, ".toc"), random.Random(1))


def _flip_toc_unseen(g: Generation) -> None:
    flip(whoosh_file(g, ".toc"), random.Random(2), count=40, keep_time=True)


def _flip_segment(g: Generation) -> None:
    flip(whoosh_file(g, ".seg"), random.Random(3), count=64)


def _flip_store(g: Generation) -> None:
    flip(g.store_path, random.Random(4), count=64)


def _flip_store_unseen(g: Generation) -> None:
    flip(g.store_path, random.Random(5), count=64, keep_time=True)


def _long_pointer(g: Generation) -> None:
    (g.path.parent / "current").write_text("g-" + "a" * 298, encoding="utf-8")


def _folder_pointer(g: Generation) -> None:
    pointer = g.path.parent / "current"
    pointer.unlink()
    pointer.mkdir()
    (pointer / "inside").write_text("x", encoding="utf-8")


DAMAGE: dict[str, Callable[[Generation], None]] = {
    "truncated table of contents": _truncate_toc,
    "emptied table of contents": _empty_toc,
    "bit-flipped table of contents": _flip_toc,
    "table of contents flipped, time kept": _flip_toc_unseen,
    "segment with flipped bytes": _flip_segment,
    "store with flipped bytes": _flip_store,
    "store flipped, time kept": _flip_store_unseen,
    "pointer holding a 300-character name": _long_pointer,
    "pointer replaced by a folder": _folder_pointer,
}


@pytest.mark.parametrize("damage", list(DAMAGE), ids=list(DAMAGE))
def test_damage_is_detected_said_and_repaired_once(
    tmp_path: Path, damage: str, built: Callable[[Path], Generation]
) -> None:
    generation = built(tmp_path)
    DAMAGE[damage](generation)
    assert_repaired_once(tmp_path)


@pytest.mark.parametrize("command", [("mentions", "dostum"), ("problems",), ("index",)])
def test_a_damaged_store_is_repaired_by_every_command(
    tmp_path: Path, command: tuple[str, ...], built: Callable[[Path], Generation]
) -> None:
    generation = built(tmp_path)
    _flip_store(generation)
    first = afreader(tmp_path, *command)
    assert "Traceback" not in first.stderr, first.stderr
    assert "damaged" in first.stderr, first.stderr
    assert first.returncode in (0, 1), first.stderr  # `problems`: none is found (1)
    assert "damaged" not in afreader(tmp_path, *command).stderr


def test_random_damage_to_any_file_never_breaks_a_run(
    tmp_path: Path, bundled_gazetteer: Gazetteer
) -> None:
    """Every file of the index (pointer, seal, locks, store, every Whoosh file, the caches
    beside) damaged each way in turn: random bytes overwritten (seeded), cut short at a random
    length, or emptied. Every open answers searches, mentions and problems without an
    exception, and the open after it finds nothing to do."""
    gazetteer = bundled_gazetteer
    rng = random.Random(20261203)
    pristine = tmp_path / "pristine"
    built_once = Engine(None, pristine, gazetteer=gazetteer)
    built_once.open()
    built_once.close()  # the store's journal files folded in: the files stay the same
    names = sorted(str(p.relative_to(pristine)) for p in pristine.rglob("*") if p.is_file())
    assert len(names) >= 8, names  # the store, the Whoosh files, the pointer, the caches...
    cases = itertools.product(names, ("overwrite", "truncate", "empty"))
    for case, (name, kind) in enumerate(cases):
        root = tmp_path / f"case-{case}"
        shutil.copytree(pristine, root, symlinks=True)
        target = root / name
        data = bytearray(target.read_bytes())
        if kind == "overwrite" and data:
            for _ in range(rng.randint(1, 32)):
                data[rng.randrange(len(data))] = rng.randrange(256)
        elif kind == "truncate":
            data = data[: rng.randrange(len(data) + 1)]
        elif kind == "empty":
            data = bytearray()
        target.write_bytes(bytes(data))
        where = f"case {case}: {kind} {target.relative_to(root)}"
        engine = Engine(None, root, gazetteer=gazetteer)
        open_index(engine, subprocess=False)
        assert engine.search("dostum").total == 5, where
        assert engine.mentions_of("abdul-rashid-dostum"), where
        assert engine.problems() == [], where
        engine.close()
        again = Engine(None, root, gazetteer=gazetteer)
        opened = open_index(again, subprocess=False)
        assert opened.report is None and opened.notices == (), f"{where}: {opened}"
        assert again.search("dostum").total == 5, where
        again.close()
        shutil.rmtree(root)


async def test_the_reader_repairs_damage_it_finds_while_reading(
    tmp_path: Path, built: Callable[[Path], Generation]
) -> None:
    """Damage the open checks cannot see (store bytes flipped, its time kept) is met by the
    first search: the reader says so, rebuilds, and the search's results are then shown."""
    from tests.pilot import SIZE, search, settle
    from tui.app import make_app

    _flip_store_unseen(built(tmp_path))
    app = make_app(engine=Engine(None, tmp_path), show_timings=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = await search(app, pilot, "dostum")
        for _ in range(200):  # the rebuild runs in a separate process
            await settle(app, pilot)
            if screen.results.option_count == 5:
                break
            await pilot.pause(0.05)
        said = [str(n.message) for n in app._notifications]
        assert any("damaged" in m for m in said), said
        assert "Traceback" not in " ".join(said)
        assert screen.results.option_count == 5
        assert not any("Something went wrong" in m for m in said), said
