"""The floors: the targets the project set itself, one row each, with the issue that set it.

The report checks each measured figure against its floor here; no limit is written anywhere else.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Floor:
    """One target: `measure`'s `statistic` (p95, max, median...) must be `comparison` `limit`."""

    key: str
    measure: str
    statistic: str
    unit: str  # "s", "ms", "MB", "x" (a ratio to a baseline) or "" (a plain ratio)
    limit: float
    comparison: str  # "<" or "≤"
    issue: int  # the issue that set it

    def met(self, value: float) -> bool:
        """Whether `value` (in `unit`) meets the floor; NaN never does."""
        return value < self.limit if self.comparison == "<" else value <= self.limit

    def text(self) -> str:
        """The floor as the report's column shows it: `p95 < 100 ms`, `≤ 2x`, `≤ 1.2`."""
        statistic = f"{self.statistic} " if self.statistic in ("p95",) else ""
        unit = self.unit if self.unit in ("", "x") else f" {self.unit}"
        return f"{statistic}{self.comparison} {self.limit:g}{unit}"


FLOORS: tuple[Floor, ...] = (
    Floor("build_ratio", "full build, afreader / plain Whoosh", "ratio", "", 1.2, "≤", 3),
    Floor(
        "disk_ratio",
        "index on disk, afreader / plain Whoosh storing the text",
        "ratio",
        "",
        1.6,
        "≤",
        19,
    ),
    Floor("incremental", "add one article to the built index", "median of 3", "s", 2, "<", 3),
    Floor("fresh", "start-up freshness check Engine(...).is_fresh()", "median", "ms", 200, "<", 3),
    Floor("command_term", "`afreader search` new process, 1 term", "median", "s", 0.18, "≤", 19),
    Floor("command_phrase", "`afreader search` new process, phrase", "median", "s", 0.2, "≤", 19),
    Floor("command_date", "`afreader search` new process, by date", "median", "s", 0.2, "≤", 19),
    Floor("query_term", "first page of 20 with snippets, 1 term", "p95", "ms", 100, "<", 3),
    Floor("query_terms", "first page of 20 with snippets, 2-3 terms", "p95", "ms", 100, "<", 3),
    Floor("query_phrase", "first page of 20 with snippets, phrase", "p95", "ms", 40, "≤", 19),
    Floor("query_date", "first page of 20, terms sorted by date", "p95", "ms", 50, "≤", 19),
    Floor("query_actor", "first page of 20, actor:<id>", "p95", "ms", 100, "<", 3),
    Floor("next_mention", "next mention of an actor across the corpus", "p95", "ms", 50, "<", 5),
    Floor("mentions_view", "the mentions view opens", "median", "ms", 500, "<", 5),
    Floor("launch_ratio", "launch to first frame / minimal app", "median", "x", 2, "≤", 5),
    Floor("app_rss", "app peak memory (VmHWM)", "max", "MB", 400, "<", 5),
    Floor("typing_57k", "keystroke to results drawn at 57k, 1-3 terms", "p95", "ms", 100, "≤", 19),
    Floor("typing_bundled", "keystroke to results drawn, bundled corpus", "max", "ms", 100, "<", 4),
    Floor("fuzz", "the slowest fuzzed query, bundled corpus", "max", "ms", 50, "<", 6),
    Floor("fuzzy_first", "first `goverment~2` in a new process", "median of 3", "s", 1, "<", 19),
    Floor("cancel", "a slow search stopped by a newer keystroke", "max", "ms", 100, "<", 19),
    Floor("debounce", "last keystroke to search start, past the debounce", "max", "ms", 30, "<", 5),
    Floor(
        "overview_27k",
        "histogram + facets after the results, 27k hits",
        "median",
        "ms",
        150,
        "<",
        16,
    ),
    Floor(
        "overview_500",
        "histogram + facets after the results, 500 hits",
        "median",
        "ms",
        50,
        "<",
        16,
    ),
    Floor("timeline", "timeline of the most-mentioned actor", "median", "ms", 100, "<", 16),
    Floor("comentions", "co-mentions of an actor", "median", "ms", 300, "<", 16),
    Floor("matrix", "30x30 actor matrix, 5,000-article result set", "median", "ms", 1000, "<", 16),
    Floor("keyness", "keyness, 5,000-article result set", "median", "ms", 1000, "<", 16),
    Floor("curation_alias", "an alias in about 2,000 articles, applied", "once", "s", 10, "<", 17),
    Floor("suggest", "suggest over the whole corpus, no cache", "once", "s", 60, "<", 17),
    Floor("history_picker", "history picker opens, 10,000 entries", "max", "ms", 100, "<", 15),
    Floor("new_since", "saved search new-since count / the search itself", "max", "x", 1, "≤", 15),
    Floor("export_csv", "20,000+ results exported to CSV", "seconds", "s", 10, "<", 15),
    Floor(
        "export_memory", "export peak memory, 20,000+ / a tenth as many", "ratio", "", 1.2, "≤", 15
    ),
    Floor(
        "scale_build_wall", "full build at 57k, wall, afreader / plain", "ratio", "", 1.1, "≤", 19
    ),
    Floor("scale_build_cpu", "full build at 57k, CPU, afreader / plain", "ratio", "", 1.1, "≤", 19),
    Floor("scale_cpu_exponent", "build CPU exponent, 57k to 171k", "slope", "", 1.1, "≤", 19),
    Floor("scale_query_growth", "query p95 at 171k / at 57k, worst kind", "max", "x", 2, "≤", 19),
    Floor("scale_phrase_171k", "phrase query at 171k", "p95", "ms", 100, "≤", 19),
)
FLOOR = {floor.key: floor for floor in FLOORS}
