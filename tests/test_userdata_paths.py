"""Where a person's own data lives: apart from the rebuildable index, movable for tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from index import default_index_root
from userdata import ENV_DATA_DIR, data_dir


def test_the_flag_wins_over_the_environment(tmp_path: Path) -> None:
    assert data_dir(tmp_path / "flag") == tmp_path / "flag"


def test_the_environment_moves_it(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(ENV_DATA_DIR, str(tmp_path / "env"))
    assert data_dir() == tmp_path / "env"


def test_by_default_it_is_the_user_data_folder_never_the_index_cache(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv(ENV_DATA_DIR, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "share"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("AFREADER_INDEX_DIR", raising=False)
    assert data_dir() == tmp_path / "share" / "afreader"
    assert not data_dir().is_relative_to(default_index_root().parent)


def test_asking_where_creates_nothing(tmp_path: Path) -> None:
    data_dir(tmp_path / "never")
    assert not (tmp_path / "never").exists()
