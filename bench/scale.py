"""Section `scale` (`--scale`): how build, disk and queries grow from 20k to 57k to 171k articles.

Three corpora are made from the benchmark file, in `<work>/scale/`: a seeded sample of 20,000
records, the file itself, and the file three times over with the copies' ids rewritten (`<id>~2`,
`<id>~3`), so that 171k is exactly three times 57k. At each size afreader (`Engine.update`,
procs=2, mentions and SQLite included) and plain Whoosh (the same fields, `bench.build`) are
built in processes of their own, one after the other in the same run: wall time, and CPU time
(user + system of the build process and its writer processes, from `getrusage`). Then the same
queries (`bench.queryset`, drawn from the benchmark file, the same at every size) are timed on
both. The table gives each figure per size and its fitted exponent: the slope of log(figure)
over log(articles), least squares over the sizes, and from 57k to 171k alone (1.0 is linear).

Resumable: every step's result is written to `<work>/scale/state.json` as soon as it is
measured, and a later `--scale` run skips the steps already there (`--scale-fresh` forgets
them). A whole run takes about 25-40 minutes on two cores, most of it the two 171k builds.
"""

from __future__ import annotations

import gzip
import json
import math
import random
import resource
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from bench.build import run_child
from bench.common import Context, iter_records, log
from bench.floors import FLOOR
from bench.queryset import make_queries, time_queries
from bench.rows import row

DEFAULT_SIZES = (20000, 57110, 171330)
AFREADER_KINDS = ("term", "terms", "phrase", "wildcard", "actor", "date")
PLAIN_KINDS = ("term", "terms", "phrase", "wildcard", "date")
COPY_MARK = "~"


def scale_dir(ctx: Context) -> Path:
    """Where the scaled corpora, their indexes and the state of a run are kept."""
    return ctx.paths.work / "scale"


def size_label(n: int) -> str:
    """20000 -> 20k, 171330 -> 171k (a size under 10,000 as it is)."""
    return f"{n // 1000}k" if n >= 10000 else str(n)


def base_id(article_id: str) -> str:
    """The benchmark file's id of a record that a copy's id was rewritten from."""
    head, mark, tail = article_id.rpartition(COPY_MARK)
    return head if mark and tail.isdigit() else article_id


def make_corpus(source: Path, target: Path, n: int, seed: int) -> int:
    """Write `n` records of `source` to `target` (gzip JSON Lines): a seeded sample when fewer
    than the file holds, the whole file repeated (ids rewritten) when more. Returns the count."""
    records = list(iter_records(source))
    if n <= len(records):
        chosen = sorted(random.Random(seed).sample(range(len(records)), n))
        rows: list[dict[str, Any]] = [records[i] for i in chosen]
    else:
        rows = []
        copy = 1
        while len(rows) < n:
            for record in records[: n - len(rows)]:
                rows.append(
                    record if copy == 1 else {**record, "id": f"{record['id']}{COPY_MARK}{copy}"}
                )
            copy += 1
    partial = target.with_name(target.name + ".partial")
    target.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(partial, "wt", encoding="utf-8", compresslevel=1) as stream:
        for record in rows:
            stream.write(json.dumps(record, ensure_ascii=False) + "\n")
    partial.replace(target)
    return len(rows)


def measured_child(kind: str, corpus: Path, work: Path) -> dict[str, Any]:
    """One build in its own process (`bench.build.run_child`), with its wall and CPU time."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = run_child(kind, ["--corpus", str(corpus), "--work", str(work)])
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    result["wall_s"] = round(wall, 2)
    result["cpu_s"] = round(cpu, 2)
    result["cores"] = round(cpu / wall, 2) if wall else None
    return result


def exponent(sizes: list[float], values: list[float]) -> float | None:
    """Least-squares slope of log(value) over log(size); None without two positive points."""
    points = [(math.log(s), math.log(v)) for s, v in zip(sizes, values, strict=True) if v > 0]
    if len(points) < 2:
        return None
    mx = sum(x for x, _ in points) / len(points)
    my = sum(y for _, y in points) / len(points)
    sxx = sum((x - mx) ** 2 for x, _ in points)
    if sxx == 0:
        return None
    return round(sum((x - mx) * (y - my) for x, y in points) / sxx, 3)


class State:
    """The steps measured so far, kept on disk after each one (the run is resumable)."""

    def __init__(self, path: Path, fresh: bool) -> None:
        self.path = path
        self.data: dict[str, Any] = {}
        if path.exists() and not fresh:
            try:
                self.data = json.loads(path.read_text(encoding="utf-8"))
            except json.JSONDecodeError:
                self.data = {}

    def step(self, key: str, work: Callable[[], Any]) -> Any:
        """The result of step `key`: from an earlier run if measured, else measured now."""
        if key in self.data:
            log(f"scale: {key}: kept from an earlier run")
            return self.data[key]
        log(f"scale: {key}")
        self.data[key] = work()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(json.dumps(self.data, indent=1), encoding="utf-8")
        return self.data[key]


def time_afreader(corpus: Path, root: Path, queries: dict[str, list[str]], repeat: int) -> Any:
    """Each afreader query kind on the index built at one size."""
    from index import Engine

    engine = Engine(corpus, root)
    engine.reopen()
    out = {}
    try:
        for kind in AFREADER_KINDS:

            def run(i: int, text: str, kind: str = kind) -> int:
                sort = "date" if kind == "date" else "relevance"
                return int(engine.search(text, limit=20, sort=sort).total)

            out[kind] = time_queries(queries[kind], run, repeat)["warm"]
            log(f"  afreader {kind}: p50 {out[kind]['p50_ms']} ms, p95 {out[kind]['p95_ms']} ms")
    finally:
        engine.close()
    return out


def time_plain(ctx: Context, folder: Path, queries: dict[str, list[str]], repeat: int) -> Any:
    """The same queries on plain Whoosh at one size (highlights from the texts in memory)."""
    from whoosh import index as whoosh_index
    from whoosh.qparser import AndGroup, MultifieldParser

    from bench.common import load_records

    texts = {r["id"]: r["body"] for r in load_records(ctx.paths.corpus)}
    ix = whoosh_index.open_dir(str(folder))
    searcher = ix.searcher()
    parser = MultifieldParser(["title", "body"], ix.schema, group=AndGroup)
    out = {}
    try:
        for kind in PLAIN_KINDS:

            def run(i: int, text: str, kind: str = kind) -> int:
                q = parser.parse(text)
                if kind == "date":
                    results = searcher.search(q, limit=20, sortedby="published", reverse=True)
                else:
                    results = searcher.search(q, limit=20)
                for hit in results:
                    hit.highlights("body", text=texts.get(base_id(hit["id"]), ""))
                return int(results.scored_length())

            out[kind] = time_queries(queries[kind], run, repeat)["warm"]
            log(f"  plain {kind}: p50 {out[kind]['p50_ms']} ms, p95 {out[kind]['p95_ms']} ms")
    finally:
        searcher.close()
        ix.close()
    return out


def actor_ids(corpus: Path, root: Path) -> list[str]:
    """Actors mentioned in at least 20 articles of an index (the actor queries' pool)."""
    from index import Engine

    engine = Engine(corpus, root)
    engine.reopen()
    try:
        return sorted(s.entity.id for s in engine.entities() if s.articles >= 20)
    finally:
        engine.close()


def section_scale(ctx: Context) -> dict[str, Any]:
    """Build and query at each size, then the growth table's figures and exponents."""
    args = ctx.args
    sizes = sorted(args.scale_sizes or DEFAULT_SIZES)
    folder = scale_dir(ctx)
    state = State(folder / "state.json", fresh=args.scale_fresh)
    per_size: dict[str, dict[str, Any]] = {}
    queries: dict[str, list[str]] | None = None
    for n in sizes:
        label = size_label(n)
        work = folder / label
        corpus = work / "corpus" / f"news-{label}.jsonl.gz"
        steps: dict[str, Any] = {}
        if not corpus.exists():  # removed since: made again (the same records, the same seed)
            state.data.pop(f"{label}/corpus", None)
        steps["articles"] = state.step(
            f"{label}/corpus", partial(make_corpus, ctx.paths.corpus, corpus, n, args.seed)
        )
        # The same run builds both, one after the other: their ratio is the figure to read.
        steps["plain"] = state.step(
            f"{label}/plain-build", partial(measured_child, "plain-build", corpus, work)
        )
        steps["afreader"] = state.step(
            f"{label}/afreader-build", partial(measured_child, "afreader-build", corpus, work)
        )
        root = work / "afreader-index"
        per_size[label] = steps
        if args.scale_builds_only:
            continue
        if queries is None:
            ids = state.step("actor-ids", partial(actor_ids, corpus, root))
            queries = make_queries(ctx, ids)
        steps["afreader_queries"] = state.step(
            f"{label}/afreader-queries", partial(time_afreader, corpus, root, queries, args.repeat)
        )
        steps["plain_queries"] = state.step(
            f"{label}/plain-queries",
            partial(time_plain, ctx, work / "plain-whoosh", queries, args.repeat),
        )
    return {"sizes": sizes, "per_size": per_size, "growth": growth(sizes, per_size)}


def growth(sizes: list[int], per_size: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Each figure's values by size, its exponent over all sizes and from 57k to 171k."""
    labels = [size_label(n) for n in sizes]
    counts = [float(per_size[label]["articles"]) for label in labels]
    figures: dict[str, list[float]] = {}
    for who in ("afreader", "plain"):
        for key in ("wall_s", "cpu_s", "disk_mb"):
            figures[f"{who} build {key}"] = [per_size[lb][who][key] for lb in labels]
    for who, kinds in (("afreader", AFREADER_KINDS), ("plain", PLAIN_KINDS)):
        if not all(f"{who}_queries" in per_size[lb] for lb in labels):
            continue  # --scale-builds-only
        for kind in kinds:
            for stat in ("p50_ms", "p95_ms"):
                figures[f"{who} {kind} {stat}"] = [
                    per_size[lb][f"{who}_queries"][kind][stat] for lb in labels
                ]
    out: dict[str, Any] = {}
    last_two = [i for i, n in enumerate(sizes) if n >= 57000][:2]
    for name, values in figures.items():
        entry: dict[str, Any] = {"values": values, "exponent": exponent(counts, values)}
        if len(last_two) == 2:
            i, j = last_two
            entry["exponent_57k_171k"] = exponent([counts[i], counts[j]], [values[i], values[j]])
            entry["growth_57k_171k"] = round(values[j] / values[i], 3) if values[i] else None
        out[name] = entry
    return out


def scale_rows(data: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """The floors the scale section checks (rows of the report's floors table)."""
    rows = []
    per_size, grown = data["per_size"], data["growth"]
    at57 = per_size.get("57k")
    if at57:
        a, p = at57["afreader"], at57["plain"]
        for key, figure in (("scale_build_wall", "wall_s"), ("scale_build_cpu", "cpu_s")):
            floor, ratio = FLOOR[key], a[figure] / p[figure]
            rows.append(row(floor.measure, f"{ratio:.2f}", floor, floor.met(ratio)))
    cpu = grown.get("afreader build cpu_s", {}).get("exponent_57k_171k")
    if cpu is not None:
        floor = FLOOR["scale_cpu_exponent"]
        rows.append(row(floor.measure, f"{cpu:.2f}", floor, floor.met(cpu)))
    worst = [
        (grown.get(f"afreader {kind} p95_ms", {}).get("growth_57k_171k"), kind)
        for kind in AFREADER_KINDS
        if kind != "phrase"
    ]
    worst = [(g, kind) for g, kind in worst if g is not None]
    if worst:
        floor = FLOOR["scale_query_growth"]
        value, kind = max(worst)
        rows.append(row(floor.measure, f"{value:.2f}x ({kind})", floor, floor.met(value)))
    phrase = per_size.get("171k", {}).get("afreader_queries", {}).get("phrase")
    if phrase:
        floor = FLOOR["scale_phrase_171k"]
        rows.append(
            row(floor.measure, f"{phrase['p95_ms']:.0f} ms", floor, floor.met(phrase["p95_ms"]))
        )
    return rows


def scale_table(data: dict[str, Any]) -> str:
    """The growth table: each figure by size, with its exponents."""
    labels = [size_label(n) for n in data["sizes"]]
    lines = [
        "",
        "| figure | " + " | ".join(labels) + " | exponent (all) | exponent 57k→171k |",
        "|---|" + "---|" * (len(labels) + 2),
    ]
    for name, entry in data["growth"].items():
        values = " | ".join(f"{v:,.1f}" for v in entry["values"])
        pair = entry.get("exponent_57k_171k")
        lines.append(
            f"| {name} | {values} | {entry['exponent']} | {'—' if pair is None else pair} |"
        )
    for label in labels:
        a = data["per_size"][label]["afreader"]
        p = data["per_size"][label]["plain"]
        lines.append(
            f"\nAt {label}: afreader {a['wall_s']:.1f} s wall, {a['cpu_s']:.1f} s CPU "
            f"({a['cores']} cores), {a['segments']} segments, {a['disk_mb']} MB "
            f"(Whoosh {a['whoosh_disk_mb']}, SQLite {a['sqlite_disk_mb']}); plain Whoosh "
            f"{p['wall_s']:.1f} s, {p['cpu_s']:.1f} s CPU ({p['cores']} cores), "
            f"{p['segments']} segments, {p['disk_mb']} MB; ratios wall "
            f"{a['wall_s'] / p['wall_s']:.2f}, CPU {a['cpu_s'] / p['cpu_s']:.2f}."
        )
    return "\n".join(lines)
