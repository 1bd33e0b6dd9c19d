"""Where a person's own data lives: the one place that decides it.

The user data directory (platformdirs), never the cache directory that holds the indexes:
a cache may be cleared by the system or by the person, and an index is rebuilt from the corpus,
but notes are not. `AFREADER_DATA_DIR` moves it (so tests never touch a real home directory).
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

__all__ = ["ENV_DATA_DIR", "data_dir"]

ENV_DATA_DIR = "AFREADER_DATA_DIR"


def data_dir(override: Path | None = None) -> Path:
    """`override` (a `--data-dir` flag), else `$AFREADER_DATA_DIR`, else the user data folder.

    The folder is not created here: only a write creates it, so that reading never leaves
    folders behind.
    """
    if override is not None:
        return override.expanduser()
    from_env = os.environ.get(ENV_DATA_DIR)
    if from_env:
        return Path(from_env).expanduser()
    return Path(platformdirs.user_data_dir("afreader", appauthor=False))
