"""Shared fixtures.

Sections:
- the sandbox: every test runs with its own index root and cache directory, so nothing ever
  reads or writes the real `~/.cache`;
- the core: the bundled corpus and gazetteer, a session-wide engine over them (built once, only
  read by tests), copies of the corpus and small gazetteers in `tmp_path` for tests that write;
- helpers to write corpora (JSON Lines, plain or gzip).

App fixtures belong in their own section at the end.
"""

from __future__ import annotations

import gzip
import json
import shutil
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from corpus import BUNDLED_ARTICLES, Gazetteer, load_gazetteer
from index import ENV_INDEX_DIR, Engine
from userdata import ENV_DATA_DIR

if TYPE_CHECKING:
    from tui.app import AfreaderApp

# --- the order -------------------------------------------------------------------------------

# The longest tests (tens of seconds each: kill loops, the damage fuzz, the hostile folder,
# the plain-Whoosh rerun, builds on a full disk), started first: the two workers then share
# the short ones at the end instead of one waiting while the other runs a long test alone.
LONGEST = (
    "tests/test_kills.py::",
    "tests/test_faults.py::test_a_build_killed_at_moments",
    "tests/test_hostile.py::test_hostile_folder",
    "tests/test_plain_whoosh.py::test_the_search_tests_pass",
    "tests/test_damage.py::test_random_damage",
    "tests/test_bench.py::",
    "tests/test_faults.py::test_a_full_disk",
    "tests/test_cli_curation.py::test_curation_verbs",
    "tests/test_merging.py::test_bulk_additions",
    "tests/test_merging.py::test_the_build_is_the_same",
    "tests/test_app.py::test_mentions_jump",
    "tests/test_bench_scale.py::test_scale_builds",
    "tests/test_bounds.py::",
    "tests/test_index.py::test_a_killed_build_resumes",
    "tests/test_e2e_workbench.py::",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        return next(
            (i for i, prefix in enumerate(LONGEST) if item.nodeid.startswith(prefix)), len(LONGEST)
        )

    items.sort(key=rank)  # stable: the rest as collected


# --- the sandbox ------------------------------------------------------------------------------


@pytest.fixture(scope="session", autouse=True)
def _session_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The same for fixtures wider than a test (set up before any function-scoped fixture)."""
    sandbox = tmp_path_factory.mktemp("session-sandbox")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(ENV_INDEX_DIR, str(sandbox / "indexes"))
        patch.setenv("XDG_CACHE_HOME", str(sandbox / "xdg-cache"))
        patch.setenv(ENV_DATA_DIR, str(sandbox / "data"))
        patch.setenv("AFREADER_CONFIG_DIR", str(sandbox / "config"))
        # pytest-xdist's workers set COLUMNS=80 and LINES=24, which Textual obeys over the real
        # terminal's size: an app started in a 120x36 tmux window would lay itself out at 80x24.
        patch.delenv("COLUMNS", raising=False)
        patch.delenv("LINES", raising=False)
        yield


@pytest.fixture(autouse=True)
def _sandbox_dirs(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Point the default index root and the XDG cache at a fresh temporary folder.

    Subprocesses (the `afreader` command) inherit the environment, so they are sandboxed too.
    """
    sandbox = tmp_path_factory.mktemp("sandbox")
    monkeypatch.setenv(ENV_INDEX_DIR, str(sandbox / "indexes"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(sandbox / "xdg-cache"))
    monkeypatch.setenv(ENV_DATA_DIR, str(sandbox / "data"))
    # Settings too: no test reads or writes a real settings or state file.
    monkeypatch.setenv("AFREADER_CONFIG_DIR", str(sandbox / "config"))


# --- the core ---------------------------------------------------------------------------------

# A gazetteer small enough to read at a glance: a father and son sharing a surname, a person
# whose surname is a common word in lowercase, an organisation and a place.
SMALL_GAZETTEER = """\
version: 1
entities:
  - id: abdul-rashid-dostum
    name: Abdul Rashid Dostum
    type: person
    aliases: [Rashid Dostum, General Dostum]
    shared_aliases: [Dostum]
    relations: {father_of: [yar-dostum]}
    born: 1954
    active: [1978, null]
  - id: yar-dostum
    name: Yar Dostum
    type: person
    shared_aliases: [Dostum]
    relations: {son_of: [abdul-rashid-dostum]}
    active: [2021, null]
  - id: atta-mohammad-noor
    name: Atta Mohammad Noor
    type: person
    aliases: [Atta Noor, Atta, Ata]
    shared_aliases: [Noor]
  - id: khalid-noor
    name: Khalid Noor
    type: person
    shared_aliases: [Noor]
    relations: {son_of: [atta-mohammad-noor]}
  - id: taliban
    name: Taliban
    type: organization
    aliases: [Taleban]
  - id: panjshir
    name: Panjshir
    type: place
    aliases: [Punjshir, Penjshir]
"""


@pytest.fixture(scope="session")
def bundled_gazetteer() -> Gazetteer:
    """The bundled gazetteer (`corpus/entities.yaml`)."""
    gazetteer, _ = load_gazetteer()
    return gazetteer


@pytest.fixture(scope="session")
def bundled_engine(
    tmp_path_factory: pytest.TempPathFactory, bundled_gazetteer: Gazetteer
) -> Iterator[Engine]:
    """An engine over the bundled corpus, built once per session. Tests must only read it."""
    engine = Engine(
        index_root=tmp_path_factory.mktemp("bundled-index"), gazetteer=bundled_gazetteer
    )
    engine.open()
    yield engine
    engine.close()


@pytest.fixture
def small_gazetteer_path(tmp_path: Path) -> Path:
    """`SMALL_GAZETTEER` written to a file."""
    path = tmp_path / "entities.yaml"
    path.write_text(SMALL_GAZETTEER, encoding="utf-8")
    return path


@pytest.fixture
def small_gazetteer(small_gazetteer_path: Path) -> Gazetteer:
    """`SMALL_GAZETTEER`, loaded (it has no problems)."""
    gazetteer, problems = load_gazetteer(small_gazetteer_path)
    assert problems == []
    return gazetteer


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    """A writable copy of the bundled articles."""
    target = tmp_path / "corpus"
    shutil.copytree(BUNDLED_ARTICLES, target)
    return target


# --- helpers ----------------------------------------------------------------------------------


def _write_jsonl(path: Path, records: Iterable[dict[str, object] | str]) -> Path:
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records]
    data = ("\n".join(lines) + "\n").encode("utf-8")
    path.write_bytes(gzip.compress(data) if path.name.endswith(".gz") else data)
    return path


@pytest.fixture
def write_jsonl() -> Callable[[Path, Iterable[dict[str, object] | str]], Path]:
    """Write records (dicts, or raw lines as str) one a line; gzip when the name ends `.gz`."""
    return _write_jsonl


# --- app fixtures -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def app_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of the bundled corpus for the app tests, built once per module."""
    root = tmp_path_factory.mktemp("app-index")
    engine = Engine(None, root)
    engine.open()
    engine.close()
    return root


@pytest.fixture
def app(app_index: Path) -> AfreaderApp:
    """A fresh app over the prebuilt index (timings hidden so the screen is deterministic)."""
    from tui.app import make_app

    return make_app(engine=Engine(None, app_index), show_timings=False)
