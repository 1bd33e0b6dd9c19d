"""The installed `afreader` command, run as a person runs it: the tests' one way to do so.

Standard output is a pipe, not a terminal, so no progress bar is drawn; a SyntaxWarning in
any module the command imports is an error, as in the test suite itself.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

__all__ = ["AFREADER", "afreader"]

AFREADER = shutil.which("afreader", path=str(Path(sys.executable).parent))


def afreader(*args: str | Path, index_dir: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run `afreader ARGS` (with `--index-dir` after them when given) and wait for it."""
    assert AFREADER is not None, "the afreader command is not installed"
    where = ["--index-dir", str(index_dir)] if index_dir is not None else []
    return subprocess.run(
        [AFREADER, *map(str, args), *where],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        env={**os.environ, "PYTHONWARNINGS": "error::SyntaxWarning"},
        check=False,
    )
