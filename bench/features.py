"""The floors table's lines for the workbench, the overview and curation (issues 15-17)."""

from __future__ import annotations

from bench.floors import FLOOR
from bench.rows import Data, Row, row

__all__ = ["curation_rows", "overview_rows", "workbench_rows"]


def _ms(value: float) -> str:
    """Milliseconds as the table shows them: a tenth under 10 ms (a kept sum reads in 0.5)."""
    return f"{value:.1f} ms" if value < 10 else f"{value:.0f} ms"


def overview_rows(o: Data) -> list[Row]:
    """The overview beside the search alone."""
    rows = [
        row(
            "Overview: per-article columns, built once per state of the index",
            _ms(o["columns_ms"]),
        )
    ]
    for name in ("27k", "500"):
        q = o["queries"][name]
        floor = FLOOR[f"overview_{name}"]
        rows.append(
            row(
                f"Histogram + facets of {q['query']!r} ({q['hits']:,} hits) after its results"
                f" (the search alone: {_ms(q['search_ms'])})",
                _ms(q["histogram_facets_ms"]),
                floor,
                floor.met(q["histogram_facets_ms"]),
            )
        )
    top, mid, s5 = o["top_entity"], o["mid_entity"], o["set_5k"]
    for key, label, value in (
        ("timeline", f"Timeline of {top['id']} ({top['mentions']:,} mentions)", o["timeline_ms"]),
        (
            "comentions",
            f"Co-mentions of {top['id']} ({top['articles']:,} articles), warm"
            f" (first run: {_ms(o.get('comentions_cold_ms', 0))})",
            o["comentions_ms"],
        ),
        ("matrix", f"30x30 matrix of {s5['query']!r} ({s5['hits']:,} hits)", o["matrix_ms"]),
        (
            "keyness",
            f"Keyness of {s5['query']!r} ({s5['hits']:,} hits), warm"
            f" (first run: {_ms(o.get('keyness_cold_ms', 0))})",
            o["keyness_ms"],
        ),
    ):
        floor = FLOOR[key]
        rows.append(row(label, _ms(value), floor, floor.met(value)))
    for key, label, first in (
        ("comentions", f"Co-mentions of {top['id']}", "comentions_first_ms"),
        ("keyness", f"Keyness of {s5['query']!r}", "keyness_first_ms"),
    ):
        if first in o:  # the first call in a new process, the engine open: what a user meets
            floor, value = FLOOR[key], o[first]
            extra = (
                f" (its results before it: {_ms(o['keyness_first_results_ms'])})"
                if key == "keyness"
                else f" ({mid['id']}: {_ms(o['mid_comentions_first_ms'])})"
            )
            label = f"{label}, first in a new process{extra}"
            rows.append(row(label, _ms(value), floor, floor.met(value)))
    rows.append(
        row(
            f"  co-mentions of {mid['id']} ({mid['articles']:,} articles), warm (first run)",
            f"{_ms(o['mid_comentions_ms'])} ({_ms(o.get('mid_comentions_cold_ms', 0))})",
        )
    )
    return rows


def _p50_max(summary: Data | None) -> str:
    if not summary:
        return "not measured (an earlier run)"
    return f"{summary['p50_ms']:.1f} / {summary['max_ms']:.1f} ms"


def workbench_rows(w: Data) -> list[Row]:
    """The history picker, saved searches' new-since counts, exports."""
    picker, ratio = FLOOR["history_picker"], FLOOR["new_since"]
    csv_floor, memory = FLOOR["export_csv"], FLOOR["export_memory"]
    big, small = w["exports"]["big"], w["exports"]["small"]
    p = w["picker"]
    return [
        row(
            f"History picker opens, {w['history_entries']:,} entries: p50 / max",
            f"{p['p50_ms']:.1f} / {p['max_ms']:.1f} ms",
            picker,
            picker.met(p["max_ms"]),
        ),
        row(
            "  the same picker with 5 entries (Textual drawing the modal): p50 / max",
            _p50_max(w.get("picker_five")),
        ),
        row(
            "  the whole history read behind it (the filter covers all): p50 / max",
            _p50_max(w.get("picker_complete")),
        ),
        row(
            "Saved search new-since count / the search, both warm (worst query)",
            f"{w['new_since_max_ratio']:.2f}x",
            ratio,
            ratio.met(w["new_since_max_ratio"]),
        ),
        row(
            "The same, a query's first count (its ids read from the index)",
            f"{w.get('new_since_first_max_ratio', float('nan')):.2f}x",
        ),
        row(
            f"Export {big['rows']:,} results to CSV ({big['word']!r}), whole process",
            f"{big['seconds']:.1f} s",
            csv_floor,
            csv_floor.met(big["seconds"])
            and big["exit"] == 0
            and big["rows"] >= w["export_at_least"],
        ),
        row(
            f"Export peak RSS, {big['rows']:,} / {small['rows']:,} rows",
            f"{big['peak_rss_mb']:.0f} / {small['peak_rss_mb']:.0f} MB",
            memory,
            memory.met(w["export_memory_ratio"]),
        ),
    ]


# The floors table's sections, in the order the table lists them.
def curation_rows(c: Data) -> list[Row]:
    """Suggestions and a curation applied in place."""
    alias, names = FLOOR["curation_alias"], FLOOR["suggest"]
    return [
        row(
            f"Alias in {c['alias_articles']:,} articles applied ({c['alias_matched']:,} matched)",
            f"{c['alias_s']:.1f} s",
            alias,
            alias.met(c["alias_s"]) and c["fresh_after"],
        ),
        row(
            "Suggest over the corpus, no cache",
            f"{c['suggest_cold_s']:.1f} s",
            names,
            names.met(c["suggest_cold_s"]),
        ),
        row("Suggest from its cache", _ms(c["suggest_cached_ms"])),
    ]
