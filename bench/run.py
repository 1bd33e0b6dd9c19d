"""The benchmark's entry point as a script: `python bench/run.py [options]` (as `python -m bench`).

Run as a script, Python puts this file's folder first on the path; the package's imports need
the repository root there instead (and a module here must not shadow a library one).
"""

from __future__ import annotations

import sys
from pathlib import Path

if __name__ == "__main__":
    sys.path[0] = str(Path(__file__).resolve().parent.parent)
    from bench.main import main

    raise SystemExit(main())
