"""`python -m bench`: run the benchmark (see `bench/README.md`)."""

from __future__ import annotations

from bench.main import main

raise SystemExit(main())
