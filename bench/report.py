"""The report: the floors table and the comparison table, from the results (`results.json`)."""

from __future__ import annotations

from collections.abc import Callable

from bench.cancel import cancel_rows
from bench.features import curation_rows, overview_rows, workbench_rows
from bench.floors import FLOOR
from bench.queryset import QUERY_KINDS
from bench.rows import Data, Row, row


def build_rows(b: Data) -> list[Row]:
    """Full builds, their memory and size on disk."""
    a, p = b["afreader"], b["plain"]
    ratio = FLOOR["build_ratio"]
    return [
        row("Full build, afreader (Engine.update, procs=2)", f"{a['seconds']:.1f} s"),
        row("Full build, plain Whoosh (procs=2, one commit)", f"{p['seconds']:.1f} s"),
        row("Build ratio afreader / plain", f"{b['ratio']:.2f}", ratio, ratio.met(b["ratio"])),
        row(
            "Build peak RSS afreader (parent / writer children)",
            f"{a['maxrss']['self_mb']:.0f} / {a['maxrss']['children_mb']:.0f} MB",
        ),
        row(
            "Build peak RSS plain (parent / writer children)",
            f"{p['maxrss']['self_mb']:.0f} / {p['maxrss']['children_mb']:.0f} MB",
        ),
        row(
            "Index on disk afreader (Whoosh + SQLite) / plain",
            f"{a['whoosh_disk_mb']:.0f} + {a['sqlite_disk_mb']:.0f} MB / {p['disk_mb']:.0f} MB",
        ),
        row("Segments after build afreader / plain", f"{a['segments']} / {p['segments']}"),
        *disk_rows(b),
    ]


def disk_rows(b: Data) -> list[Row]:
    """The index on disk against plain Whoosh storing the same text, and the store's parts."""
    a, s = b["afreader"], b.get("plain_stored")
    if not s:  # a results file from before the stored baseline was built
        return []
    floor = FLOOR["disk_ratio"]
    parts = ", ".join(
        f"{name} {size:.0f}" for name, size in a.get("sqlite_parts_mb", {}).items() if size >= 0.5
    )
    return [
        row(
            "Index on disk afreader / plain Whoosh storing title and body",
            f"{a['disk_mb']:.0f} / {s['disk_mb']:.0f} MB = {b['disk_ratio']:.2f}",
            floor,
            floor.met(b["disk_ratio"]),
        ),
        row("  SQLite store by part (MB)", parts or "—"),
    ]


def incremental_rows(inc: Data) -> list[Row]:
    """Adding one article to the built index."""
    floor = FLOOR["incremental"]
    ok = floor.met(inc["median_s"]) and inc["all_only_one_added"]
    return [
        row("Incremental add of 1 article (median of 3)", f"{inc['median_s']:.2f} s", floor, ok)
    ]


def fresh_rows(f: Data) -> list[Row]:
    """The start-up freshness check."""
    e = f["engine_and_is_fresh"]
    floor = FLOOR["fresh"]
    return [
        row(
            "Freshness check Engine(...).is_fresh() (median of 20)",
            f"{e['p50_ms']:.1f} ms",
            floor,
            floor.met(e["p50_ms"]) and f["all_fresh"],
        ),
        row(
            "  is_fresh() alone / new process incl. imports",
            f"{f['is_fresh_only']['p50_ms']:.1f} ms / {f['new_process_import_engine_is_fresh_ms']:.0f} ms",
        ),
    ]


def query_rows(q: Data) -> list[Row]:
    """Query latency by kind (afreader)."""
    rows = []
    for kind in QUERY_KINDS:
        s = q["afreader"].get(kind)
        if not s:
            continue
        w = s["warm"]
        floor = FLOOR.get(f"query_{kind}")
        measured, of = s.get("measured", 0), s.get("of", 0)
        count = f", {measured} of {of} queries" if measured < of else ""
        rows.append(
            row(
                f"Query {kind}: p50 / p95 warm (cold p50){count}",
                f"{w['p50_ms']:.1f} / {w['p95_ms']:.1f} ms ({s['cold']['p50_ms']:.0f})",
                floor,
                floor.met(w["p95_ms"]) if floor else None,
            )
        )
    return rows


def mention_rows(m: Data) -> list[Row]:
    """Next-mention jumps and the mentions view."""
    n = m["next_all"]
    jump, view = FLOOR["next_mention"], FLOOR["mentions_view"]
    rows = [
        row(
            f"Next mention of {m['entity']} ({m['mentions']:,}): p50 / p95",
            f"{n['p50_ms']:.2f} / {n['p95_ms']:.2f} ms",
            jump,
            jump.met(n["p95_ms"]) and m["next_consistent_with_mentions_of"],
        )
    ]
    paged = m.get("paged_view_ms")
    if paged is not None:
        rows.append(
            row(
                "Mentions view as the app opens it: count_mentions + mentions_of(limit=500) + kwic",
                f"{paged:.0f} ms",
                view,
                view.met(paged),
            )
        )
    # Without the paged view (an older engine), loading every mention is what the view does.
    rows.append(
        row(
            f"  all {m['mentions']:,} mentions at once: mentions_of + kwic(500)",
            f"{m['view_ms']:.0f} ms ({m['mentions_of_ms']:.0f} + {m['kwic_500_ms']:.0f})",
            None if paged is not None else view,
            None if paged is not None else view.met(m["view_ms"]),
        )
    )
    return rows


def fts5_rows(fts: Data) -> list[Row]:
    """SQLite FTS5's build."""
    return [row("FTS5 build (porter)", f"{fts['build_s']:.1f} s, {fts['disk_mb']:.0f} MB")]


def grep_rows(g: Data) -> list[Row]:
    """grep over the unpacked corpus."""
    return [
        row("grep -c -i -F over the unpacked JSONL (term)", f"{g['term']['warm']['p50_ms']:.0f} ms")
    ]


def launch_rows(la: Data) -> list[Row]:
    """Launch in tmux against a minimal Textual app, and the app's memory."""
    ratio, rss = FLOOR["launch_ratio"], FLOOR["app_rss"]
    rows = [
        row(
            "Minimal Textual app: first frame (median of 5)", f"{la['minimal_first_frame_s']:.3f} s"
        ),
        row("afreader: first frame", f"{la['afreader_first_frame_s']:.3f} s"),
        row("afreader: results of the empty query shown", f"{la['afreader_ready_s']:.3f} s"),
        # Interactive: the first frame, with the cursor in the search box (what is typed
        # before the index is open is searched once it is); Whoosh is imported after it.
        row(
            "Launch ratio afreader / minimal, first frame (interactive)",
            f"{la['ratio_first_frame']:.2f}x",
            ratio,
            ratio.met(la["ratio_first_frame"]),
        ),
        row("  afreader results shown / minimal first frame", f"{la['ratio_ready']:.2f}x"),
    ]
    if la.get("app_vmhwm_ready_mb") is not None:
        after = la.get("app_vmhwm_after_search_mb") or 0
        rows.append(
            row(
                "afreader app peak RSS (VmHWM; at results / after a search)",
                f"{la['app_vmhwm_ready_mb']:.0f} / {after:.0f} MB",
                rss,
                rss.met(max(la["app_vmhwm_ready_mb"], after)),
            )
        )
    return rows


def typing_rows(ty: Data) -> list[Row]:
    """Keystroke to results drawn in the app."""
    rows = []
    big, bundled = FLOOR["typing_57k"], FLOOR["typing_bundled"]
    for kind in ("term", "terms", "phrase"):
        if kind not in ty:
            continue
        t = ty[kind]
        floor = big if kind != "phrase" else None
        rows.append(
            row(
                f"Keystroke to results in the app, 57k, {kind}: p50 / p95 (debounce excluded)",
                f"{t['p50_ms']:.0f} / {t['p95_ms']:.0f} ms",
                floor,
                floor.met(t["p95_ms"]) if floor else None,
            )
        )
        a = ty.get(f"{kind}_after_timer")
        if a:
            rows.append(
                row(
                    "  from the debounce timer firing: p50 / p95",
                    f"{a['p50_ms']:.0f} / {a['p95_ms']:.0f} ms",
                )
            )
    if "bundled" in ty:
        t = ty["bundled"]
        rows.append(
            row(
                "Keystroke to results in the app, bundled corpus: p50 / max (debounce excluded)",
                f"{t['p50_ms']:.0f} / {t['max_ms']:.0f} ms",
                bundled,
                bundled.met(t["max_ms"]),
            )
        )
        a = ty.get("bundled_after_timer")
        if a:
            rows.append(
                row(
                    "  from the debounce timer firing: p50 / max",
                    f"{a['p50_ms']:.0f} / {a['max_ms']:.0f} ms",
                )
            )
    return rows


def fuzz_rows(fz: Data) -> list[Row]:
    """The query fuzz's queries on the bundled corpus."""
    floor, a = FLOOR["fuzz"], fz["all"]
    return [
        row(
            f"Query fuzz, bundled corpus ({fz['queries']} queries): p50 / max",
            f"{a['p50_ms']:.1f} / {a['max_ms']:.1f} ms",
            floor,
            floor.met(a["max_ms"]),
        ),
        row("  the 5,000-character query", f"{fz['long_query_ms']:.1f} ms"),
    ]


def debounce_rows(d: Data) -> list[Row]:
    """The search's start after the last keystroke, past the debounce."""
    floor, past = FLOOR["debounce"], d["past_debounce"]
    return [
        row(
            f"Last keystroke to search start past the {d['debounce_ms']:.0f} ms debounce: p50 / max",
            f"{past['p50_ms']:.1f} / {past['max_ms']:.1f} ms",
            floor,
            floor.met(past["max_ms"]) and d["min_past_debounce_ms"] >= 0,
        )
    ]


def scale_rows(data: Data) -> list[Row]:
    """The scale section's floors (`bench.scale`, imported when there is one to show)."""
    from bench.scale import scale_rows as rows_of

    return rows_of(data)


def command_rows(c: Data) -> list[Row]:
    """`afreader search` as a whole new process, beside plain Whoosh's."""
    rows = []
    for kind, name in (("term", "1 term"), ("phrase", "phrase"), ("date", "by date")):
        k = c["kinds"].get(kind)
        if not k:
            continue
        floor = FLOOR[f"command_{kind}"]
        plain = (
            f"; plain Whoosh {k['plain_median_s']:.3f} s, ratio {k['ratio']:.2f}"
            if "ratio" in k
            else ""
        )
        rows.append(
            row(
                f"`afreader search` new process, {name} (median{plain})",
                f"{k['median_s']:.3f} s",
                floor,
                floor.met(k["median_s"]),
            )
        )
    rows.append(row("  `python -c pass` in the same run", f"{c['python_pass_ms']:.0f} ms"))
    return rows


ROWS: tuple[tuple[str, Callable[[Data], list[Row]]], ...] = (
    ("build", build_rows),
    ("incremental", incremental_rows),
    ("fresh", fresh_rows),
    ("command", command_rows),
    ("queries", query_rows),
    ("mentions", mention_rows),
    ("fts5", fts5_rows),
    ("grep", grep_rows),
    ("launch", launch_rows),
    ("typing", typing_rows),
    ("fuzz", fuzz_rows),
    ("debounce", debounce_rows),
    ("cancel", cancel_rows),
    ("overview", overview_rows),
    ("curation", curation_rows),
    ("workbench", workbench_rows),
    ("scale", scale_rows),
)


def comparison(q: Data | None, fts: Data | None, g: Data | None) -> list[str]:
    """afreader against plain Whoosh, FTS5 and grep, query kind by query kind."""
    lines = [
        "",
        "| query kind (warm, ms) | afreader p50 / p95 | plain Whoosh p50 / p95 |"
        " afreader / plain (p50) | FTS5 p50 / p95 | afreader / FTS5 (p50) |"
        " grep p50 | grep / afreader (p50) |",
        "|---|---|---|---|---|---|---|---|",
    ]

    def pair(x: Data | None) -> str:
        return f"{x['warm']['p50_ms']:.1f} / {x['warm']['p95_ms']:.1f}" if x else "—"

    def ratio(x: Data | None, y: Data | None) -> str:
        if not x or not y or not y["warm"]["p50_ms"]:
            return "—"
        return f"{x['warm']['p50_ms'] / y['warm']['p50_ms']:.2f}"

    for kind in QUERY_KINDS:
        a = (q or {}).get("afreader", {}).get(kind)
        p = (q or {}).get("plain", {}).get(kind)
        s = (fts or {}).get(kind)
        gr = (g or {}).get(kind) if kind in ("term", "phrase") else None
        if not (a or p or s):
            continue
        lines.append(
            f"| {kind} | {pair(a)} | {pair(p)} | {ratio(a, p)} | {pair(s)} | {ratio(a, s)} | "
            f"{(str(round(gr['warm']['p50_ms'])) if gr else '—')} | "
            f"{(ratio(gr, a) if gr and a else '—')} |"
        )
    return lines


def table(results: Data) -> str:
    """The whole report: floors table, comparison table, the machine, each section's state."""
    sections = results.get("sections", {})

    def data(name: str) -> Data | None:
        found: Data | None = sections.get(name, {}).get("data")
        return found

    rows: list[Row] = []
    for name, rows_of in ROWS:
        found = data(name)
        if found:
            rows += rows_of(found)
    lines = ["| measure | result | floor | verdict |", "|---|---|---|---|"]
    lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    q, fts, g = data("queries"), data("fts5"), data("grep")
    if q or fts or g:
        lines += comparison(q, fts, g)
    mach = results.get("machine", {})
    lines += [
        "",
        f"Code: {mach.get('git')}. Machine: {mach.get('nproc')} cores, {mach.get('cpu')}, Python {mach.get('python')}, "
        f"SQLite {mach.get('sqlite')}, {mach.get('packages')}; load average at start "
        f"{mach.get('loadavg_at_start')}; {mach.get('date')}.",
    ]
    for name, entry in sections.items():
        if entry.get("error"):
            lines.append(f"Section {name}: ERROR {entry['error']}")
        elif entry.get("skipped"):
            lines.append(f"Section {name}: skipped ({entry['skipped']})")
        elif entry.get("from_earlier_run"):
            lines.append(f"Section {name}: from an earlier run ({entry.get('measured_at')})")
    return "\n".join(lines)
