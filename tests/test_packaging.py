"""The wheel that `pip install .` builds holds every module and data file of the three packages.

An editable install (what the tests run on) reads the source tree, so a subpackage or a data
file missing from the wheel would only show on a user's machine: `afreader` failing to start.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("corpus", "index", "tui")


def source_files() -> set[str]:
    """Every file the installed packages need: modules, the gazetteer, articles, styles."""
    found: set[str] = set()
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                found.add(path.relative_to(ROOT).as_posix())
    return found


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel `pip install .` would install, built from this tree."""
    # From a copy of what git would hold: a `build/` folder left by an earlier build would
    # otherwise end up in the wheel and hide what is missing.
    tree = tmp_path_factory.mktemp("tree")
    for name in ("pyproject.toml", "README.md", *PACKAGES):
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, tree / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(ROOT / name, tree / name)
    out = tmp_path_factory.mktemp("wheel")
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(tree)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert built.returncode == 0, built.stderr
    (built_wheel,) = out.glob("afreader-*.whl")
    return built_wheel


def test_the_wheel_holds_every_module_and_data_file(wheel: Path) -> None:
    wanted = source_files()
    assert {"tui/screens/reader.py", "tui/widgets/results.py", "corpus/entities.yaml"} <= wanted
    with zipfile.ZipFile(wheel) as archive:
        assert sorted(wanted - set(archive.namelist())) == []


def test_the_wheel_declares_the_afreader_command(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        (name,) = [n for n in archive.namelist() if n.endswith(".dist-info/entry_points.txt")]
        entry_points = archive.read(name).decode()
    assert "afreader = tui.cli:main" in entry_points
