"""Section `fuzz`: how long the query fuzz's queries take, the slowest above all.

The queries are the ones `tests/test_fuzz.py` generates (its hypothesis strategy, drawn here
with a fixed seed so that every run times the same ones), plus the 5,000-character query the
tests used to time; each runs on the bundled corpus with the sort and page size drawn beside it.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

from bench.common import Context, Skip, log, summary_ms, timed

EXAMPLES = 300
LONG_QUERY = "a" * 5_000


def bundled_engine(root: Path) -> Any:
    """An engine over the bundled corpus in `root`, built there when it is not fresh."""
    from index import Engine

    engine = Engine(index_root=root)
    engine.open()
    return engine


def section_fuzz(ctx: Context) -> dict[str, Any]:
    """Every fuzzed query's time (results or a QueryError, as the test accepts); the slowest."""
    try:
        from hypothesis import HealthCheck, given, settings
        from hypothesis import strategies as st

        from tests.test_fuzz import QUERIES
    except ImportError as error:  # the test extra is not installed, or the strategy moved
        raise Skip(f"the query fuzz's generator cannot be imported: {error}") from error
    from index import QueryError

    engine = bundled_engine(ctx.paths.work / "bundled-index")
    rows: list[tuple[float, str]] = []

    def run(query: str, sort: str = "relevance", limit: int = 20) -> None:
        def search() -> None:
            # Refused with a message is as good an answer as results.
            with contextlib.suppress(QueryError):
                engine.search(query, sort=sort, limit=limit)

        rows.append((timed(search)[0], query))

    run("Dostum")  # warm-up: imports, the first searcher
    rows.clear()

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,  # the same queries in every run, so that runs compare
        suppress_health_check=list(HealthCheck),
    )
    @given(query=QUERIES, sort=st.sampled_from(["relevance", "date"]), limit=st.integers(1, 50))
    def fuzzed(query: str, sort: str, limit: int) -> None:
        run(query, sort, limit)

    log(f"query fuzz: up to {EXAMPLES} generated queries on the bundled corpus")
    fuzzed()
    run(LONG_QUERY)
    engine.close()
    slowest = sorted(rows, reverse=True)[:5]
    return {
        "queries": len(rows),
        "all": summary_ms([seconds for seconds, _ in rows]),
        "long_query_ms": round(rows[-1][0] * 1000, 2),
        "slowest": [{"ms": round(s * 1000, 2), "q": q[:120], "length": len(q)} for s, q in slowest],
    }
