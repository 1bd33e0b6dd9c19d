"""afreader benchmark: build, update, start-up, queries, mentions, against plain Whoosh, FTS5, grep.

    .venv/bin/python bench/run.py [--corpus PATH] [--work DIR] [--repeat N] [--skip-build]
                                  [--only SECTION[,SECTION...]] [--out FILE]

Sections (run in this order; each stands alone given the indexes of `build`):
    build        full build: afreader (Engine.update, procs=2) and plain Whoosh, separate processes
    fresh        start-up freshness check: Engine(...).is_fresh()
    queries      query latency by kind, afreader and plain Whoosh
    mentions     next-mention jumps and the mentions view (mentions_of + kwic)
    fts5         SQLite FTS5: build and the same query kinds
    grep         grep -c -i over the unpacked JSON Lines
    incremental  append one article to a copy of the corpus, Engine.update()
    launch       process start to first frame / to results, in tmux; peak memory of the app

Results: a markdown table on stdout, progress on stderr, everything in a JSON file (default
<work>/results.json; results of sections not run this time are kept from the previous run).
Exit code 0 also when the corpus is absent (the benchmark is then skipped).
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import datetime as dt
import functools
import gzip
import inspect
import itertools
import json
import os
import platform
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
import traceback
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO.parent / "shared" / "bench" / "news-57k.jsonl.gz"
DEFAULT_WORK = Path("/tmp/afbench")
SECTIONS = (
    "build",
    "fresh",
    "queries",
    "mentions",
    "fts5",
    "grep",
    "incremental",
    "launch",
    "typing",
)
QUERY_KINDS = ("term", "terms", "phrase", "wildcard", "fuzzy", "actor", "date", "empty")
FTS_KINDS = ("term", "terms", "phrase", "wildcard")
# Floors (the targets the project set itself).
FLOOR_BUILD_RATIO = 1.2
FLOOR_INCREMENTAL_S = 2.0
FLOOR_FRESH_MS = 200.0
FLOOR_TERMS_P95_MS = 100.0
SLOW_QUERY_S = 2.0
FLOOR_PHRASE_P95_MS = 300.0
FLOOR_NEXT_MENTION_P95_MS = 50.0
FLOOR_MENTIONS_VIEW_MS = 500.0
FLOOR_LAUNCH_RATIO = 2.0
FLOOR_APP_RSS_MB = 400.0
FLOOR_TYPING_57K_P95_MS = 150.0
FLOOR_TYPING_BUNDLED_MS = 100.0
QUERY_FLOORS = {
    "term": FLOOR_TERMS_P95_MS,
    "terms": FLOOR_TERMS_P95_MS,
    "date": FLOOR_TERMS_P95_MS,
    "actor": FLOOR_TERMS_P95_MS,
    "phrase": FLOOR_PHRASE_P95_MS,
}

STARTED = time.perf_counter()


def log(message: str) -> None:
    print(f"[bench {time.perf_counter() - STARTED:7.1f}s] {message}", file=sys.stderr, flush=True)


class Skip(Exception):
    """A section cannot run (missing input); the message says why."""


# --- small statistics helpers ---------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    """Linear interpolation between closest ranks (numpy's default)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * p / 100
    low = int(k)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def summary_ms(seconds: list[float]) -> dict[str, float]:
    ms = [s * 1000 for s in seconds]
    return {
        "n": len(ms),
        "p50_ms": round(percentile(ms, 50), 2),
        "p95_ms": round(percentile(ms, 95), 2),
        "max_ms": round(max(ms), 2) if ms else float("nan"),
        "mean_ms": round(statistics.fmean(ms), 2) if ms else float("nan"),
    }


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    value = fn()
    return time.perf_counter() - started, value


def dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def mb(n_bytes: float) -> float:
    return round(n_bytes / 1e6, 1)


def maxrss_mb() -> dict[str, float]:
    """Peak resident memory of this process and of its waited-for children (Linux: KiB)."""
    return {
        "self_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "children_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
    }


# --- paths ------------------------------------------------------------------------------------


class Paths:
    def __init__(self, corpus: Path, work: Path) -> None:
        self.corpus = corpus  # the pristine corpus, never written
        self.work = work
        self.copy = (
            work / "corpus" / corpus.name
        )  # afreader's corpus (appended to by `incremental`)
        self.afreader_root = work / "afreader-index"
        self.plain_dir = work / "plain-whoosh"
        self.fts = work / "fts5.sqlite"
        self.unpacked = work / "unpacked" / corpus.name.removesuffix(".gz")
        self.pycache = work / "pycache"


# --- reading the corpus -----------------------------------------------------------------------


def iter_records(path: Path) -> Iterator[dict[str, Any]]:
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rb") as stream:
        for line in stream:
            if line.strip():
                yield json.loads(line)


_CORPUS_CACHE: dict[Path, list[dict[str, Any]]] = {}


def load_records(path: Path) -> list[dict[str, Any]]:
    if path not in _CORPUS_CACHE:
        log(f"reading {path.name} into memory (query vocabulary, texts for plain highlights)")
        _CORPUS_CACHE[path] = [
            {"id": r["id"], "title": r.get("title") or "", "body": r.get("body") or ""}
            for r in iter_records(path)
        ]
    return _CORPUS_CACHE[path]


# --- child processes: the two full builds -----------------------------------------------------


def child_plain_build(corpus: Path, target: Path) -> dict[str, Any]:
    """Plain Whoosh: the same fields, one multi-process writer, one commit, nothing else."""
    from whoosh import index as whoosh_index
    from whoosh.analysis import StemmingAnalyzer
    from whoosh.fields import DATETIME, ID, TEXT, Schema

    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    schema = Schema(
        id=ID(stored=True, unique=True),
        title=TEXT(analyzer=StemmingAnalyzer(), phrase=True, chars=True),
        body=TEXT(analyzer=StemmingAnalyzer(), phrase=True, chars=True),
        published=DATETIME(sortable=True),
        source=TEXT(),
        author=TEXT(),
    )
    started = time.perf_counter()
    ix = whoosh_index.create_in(str(target), schema)
    writer = ix.writer(procs=2, multisegment=True, limitmb=256)
    count = 0
    for count, record in enumerate(iter_records(corpus), start=1):
        fields: dict[str, Any] = {
            "id": record["id"],
            "title": record.get("title") or "",
            "body": record.get("body") or "",
        }
        if record.get("source"):
            fields["source"] = record["source"]
        if record.get("author"):
            fields["author"] = record["author"]
        if record.get("date"):
            with contextlib.suppress(ValueError):
                fields["published"] = dt.datetime.fromisoformat(record["date"])
        writer.add_document(**fields)
        if count % 10000 == 0:
            log(f"plain Whoosh: {count:,} documents added")
    writer.commit()
    seconds = time.perf_counter() - started
    segments = len(ix._segments())
    with ix.searcher() as searcher:
        docs = searcher.doc_count()
    ix.close()
    return {
        "seconds": round(seconds, 2),
        "docs": docs,
        "segments": segments,
        "disk_mb": mb(dir_size(target)),
        "maxrss": maxrss_mb(),
    }


def child_afreader_build(corpus: Path, root: Path) -> dict[str, Any]:
    """afreader: Engine.update() from nothing, procs=2, mention extraction and SQLite included."""
    shutil.rmtree(root, ignore_errors=True)
    from whoosh import index as whoosh_index

    from index import BuildProgress, Engine

    last = [0]

    def progress(step: BuildProgress) -> None:
        if step.done - last[0] >= 10000 or step.phase == "done":
            last[0] = step.done
            log(f"afreader: {step.phase} {step.done:,} of {step.total or '?'}")

    init_s, engine = timed(lambda: Engine(corpus, root, procs=2))
    seconds, report = timed(lambda: engine.update(progress))
    generation = engine.indexer.current()
    assert generation is not None
    ix = whoosh_index.open_dir(str(generation.whoosh_dir))
    segments = len(ix._segments())
    ix.close()
    return {
        "seconds": round(seconds, 2),
        "report_seconds": round(report.seconds, 2),
        "engine_init_s": round(init_s, 3),
        "added": report.added,
        "problems": len(report.problems),
        "docs": engine.count(),
        "segments": segments,
        "whoosh_disk_mb": mb(dir_size(generation.whoosh_dir)),
        "sqlite_disk_mb": mb(
            sum(p.stat().st_size for p in generation.path.glob("store.sqlite*") if p.is_file())
        ),
        "disk_mb": mb(dir_size(root)),
        "maxrss": maxrss_mb(),
    }


def run_child(kind: str, args: list[str]) -> dict[str, Any]:
    command = [sys.executable, str(Path(__file__).resolve()), "--child", kind, *args]
    process = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=False, cwd=REPO)
    lines = [ln for ln in process.stdout.splitlines() if ln.startswith("{")]
    if process.returncode != 0 or not lines:
        raise RuntimeError(f"the {kind} child failed with exit code {process.returncode}")
    result: dict[str, Any] = json.loads(lines[-1])
    return result


# --- sections ---------------------------------------------------------------------------------


def section_build(ctx: Context) -> dict[str, Any]:
    paths = ctx.paths
    paths.copy.parent.mkdir(parents=True, exist_ok=True)
    log(f"copying the corpus to {paths.copy} (afreader's corpus; `incremental` appends to it)")
    shutil.copyfile(paths.corpus, paths.copy)
    log("plain Whoosh build (separate process; takes minutes)")
    plain = run_child("plain-build", ["--corpus", str(paths.corpus), "--work", str(paths.work)])
    log(f"plain Whoosh: {plain['seconds']} s, {plain['docs']:,} docs")
    log("afreader build (separate process; takes minutes)")
    afreader = run_child("afreader-build", ["--corpus", str(paths.copy), "--work", str(paths.work)])
    log(f"afreader: {afreader['seconds']} s, {afreader['docs']:,} docs")
    return {
        "afreader": afreader,
        "plain": plain,
        "ratio": round(afreader["seconds"] / plain["seconds"], 3),
    }


def open_engine(ctx: Context, procs: int = 1) -> Any:
    from index import Engine

    engine = Engine(ctx.paths.copy, ctx.paths.afreader_root, procs=procs)
    if not ctx.paths.copy.exists() or engine.indexer.current() is None:
        raise Skip(f"no afreader index in {ctx.paths.afreader_root}: run the build section first")
    if not engine.is_fresh():
        log("the afreader index is not fresh: updating it first")
        engine.update()
    engine.reopen()
    return engine


def section_fresh(ctx: Context) -> dict[str, Any]:
    from index import Engine

    open_engine(ctx).close()
    paths = ctx.paths
    n = 20
    Engine(paths.copy, paths.afreader_root).is_fresh()  # warm-up: imports, OS cache
    with_init: list[float] = []
    results = []
    for _ in range(n):
        seconds, fresh = timed(lambda: Engine(paths.copy, paths.afreader_root).is_fresh())
        with_init.append(seconds)
        results.append(fresh)
    engine = Engine(paths.copy, paths.afreader_root)
    alone = [timed(engine.is_fresh)[0] for _ in range(n)]
    # In a new process, as the app pays it: interpreter + imports + Engine + is_fresh.
    code = (
        "import time; t=time.perf_counter(); from pathlib import Path; from index import Engine; "
        f"ok=Engine(Path({str(paths.copy)!r}), Path({str(paths.afreader_root)!r})).is_fresh(); "
        "print(time.perf_counter()-t, ok)"
    )
    in_process = []
    for _ in range(5):
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO
        ).stdout.split()
        in_process.append(float(out[0]))
    return {
        "all_fresh": all(results),
        "engine_and_is_fresh": summary_ms(with_init),
        "is_fresh_only": summary_ms(alone),
        "new_process_import_engine_is_fresh_ms": round(statistics.median(in_process) * 1000, 1),
    }


# --- the query set ----------------------------------------------------------------------------

_WORD = re.compile(r"[A-Za-z]+")


def make_queries(ctx: Context, actor_ids: list[str]) -> dict[str, list[str]]:
    """~N real queries per kind, drawn with a fixed seed from the corpus vocabulary."""
    from whoosh.analysis import STOP_WORDS

    records = load_records(ctx.paths.corpus)
    rng = random.Random(ctx.args.seed)
    n = ctx.args.queries
    sample = rng.sample(records, min(5000, len(records)))
    df: collections.Counter[str] = collections.Counter()
    bigrams: collections.Counter[tuple[str, ...]] = collections.Counter()
    trigrams: collections.Counter[tuple[str, ...]] = collections.Counter()
    token_lists = []

    def content(word: str) -> bool:
        return len(word) >= 3 and word not in STOP_WORDS

    for record in sample:
        tokens = [w.lower() for w in _WORD.findall(record["title"] + "\n" + record["body"])]
        token_lists.append(tokens)
        df.update({w for w in tokens if len(w) >= 4 and w not in STOP_WORDS})
        for a, b in itertools.pairwise(tokens):
            if content(a) and content(b):
                bigrams[(a, b)] += 1
        for a, b, c in zip(tokens, tokens[1:], tokens[2:], strict=False):
            if content(a) and content(b) and content(c):
                trigrams[(a, b, c)] += 1
    ranked = [w for w, _ in df.most_common()]
    vocabulary = set(ranked[:6000])

    def pick(pool: list[str], k: int) -> list[str]:
        return rng.sample(pool, min(k, len(pool)))

    third = n // 3
    term = (
        pick(ranked[20:300], third)
        + pick(ranked[300:1500], third)
        + pick(ranked[1500:6000], n - 2 * third)
    )
    terms: list[str] = []
    while len(terms) < n:
        tokens = rng.choice(token_lists)
        words = sorted({w for w in tokens if w in vocabulary})
        k = 2 + len(terms) % 2
        if len(words) >= k:
            terms.append(" ".join(rng.sample(words, k)))
    phrase_pool2 = [" ".join(b) for b, c in bigrams.most_common() if c >= 10]
    phrase_pool3 = [" ".join(t) for t, c in trigrams.most_common() if c >= 5]
    phrases = pick(phrase_pool2, n - n // 3) + pick(phrase_pool3, n // 3)
    long_words = [w for w in ranked[50:3000] if len(w) >= 6]
    prefixes: list[str] = []
    for word in rng.sample(long_words, len(long_words)):
        prefix = word[: 4 + len(prefixes) % 2]
        if prefix not in prefixes:
            prefixes.append(prefix)
        if len(prefixes) >= n:
            break
    fuzzy = pick([w for w in ranked[100:3000] if len(w) >= 6], n)
    actors = pick(actor_ids, n)
    return {
        "term": term,
        "terms": terms,
        "phrase": [f'"{p}"' for p in phrases],
        "wildcard": [f"{p}*" for p in prefixes],
        "fuzzy": [f"{w}~" for w in fuzzy],
        "actor": [f"actor:{a}" for a in actors],
        "date": term,
        "empty": [""] * n,
    }


def time_queries(
    queries: list[str], run: Callable[[int, str], int], repeat: int, budget_s: float = 60.0
) -> dict[str, Any]:
    """Each query once cold (first run in this process), then `repeat` warm runs (median).

    A slow kind (fuzzy) stops after `budget_s` once 3 queries are done, and a query slower than
    SLOW_QUERY_S gets a single warm run (none past 5x that), so the whole benchmark stays under ~20 minutes.
    """
    cold, warm, rows = [], [], []
    started = time.perf_counter()
    for i, text in enumerate(queries):
        if i >= 3 and time.perf_counter() - started > budget_s:
            log(f"  time budget spent: {i} of {len(queries)} queries measured")
            break
        seconds, total = timed(functools.partial(run, i, text))
        cold.append(seconds)
        # Slow: one warm run; very slow (plain Whoosh highlighting fuzzy hits): the cold run only.
        n = 0 if seconds > 5 * SLOW_QUERY_S else 1 if seconds > SLOW_QUERY_S else repeat
        runs = [timed(functools.partial(run, i, text))[0] for _ in range(n)]
        warm.append(statistics.median(runs) if runs else seconds)
        rows.append(
            {
                "q": text,
                "total": total,
                "cold_ms": round(seconds * 1000, 2),
                "warm_ms": round(warm[-1] * 1000, 2),
                "warm_runs": n,
            }
        )
    return {
        "warm": summary_ms(warm),
        "cold": summary_ms(cold),
        "measured": len(rows),
        "of": len(queries),
        "queries": rows,
    }


def section_queries(ctx: Context) -> dict[str, Any]:
    engine = open_engine(ctx)
    actor_ids = [s.entity.id for s in engine.entities() if s.articles >= 20]
    queries = make_queries(ctx, actor_ids)
    out: dict[str, Any] = {"afreader": {}, "plain": {}, "repeat": ctx.args.repeat}
    for kind in QUERY_KINDS:
        log(f"afreader queries: {kind} ({len(queries[kind])})")

        def run(i: int, text: str, kind: str = kind) -> int:
            if kind == "empty":
                results = engine.search("", offset=i * 20, limit=20)
            else:
                results = engine.search(
                    text, limit=20, sort="date" if kind == "date" else "relevance"
                )
            return int(results.total)

        out["afreader"][kind] = time_queries(queries[kind], run, ctx.args.repeat)
        s = out["afreader"][kind]["warm"]
        log(f"  p50 {s['p50_ms']} ms, p95 {s['p95_ms']} ms")
    engine.close()

    from whoosh import index as whoosh_index

    if not whoosh_index.exists_in(str(ctx.paths.plain_dir)):
        log("no plain Whoosh index: skipping the plain comparison")
        return out
    from whoosh import index as whoosh_index
    from whoosh.qparser import AndGroup, FuzzyTermPlugin, MultifieldParser

    texts = {r["id"]: r["body"] for r in load_records(ctx.paths.corpus)}
    ix = whoosh_index.open_dir(str(ctx.paths.plain_dir))
    searcher = ix.searcher()
    parser = MultifieldParser(["title", "body"], ix.schema, group=AndGroup)
    parser.add_plugin(FuzzyTermPlugin())
    for kind in ("term", "terms", "phrase", "wildcard", "fuzzy", "date"):
        log(f"plain Whoosh queries: {kind}")

        def run_plain(i: int, text: str, kind: str = kind) -> int:
            q = parser.parse(text)
            if kind == "date":
                results = searcher.search(q, limit=20, sortedby="published", reverse=True)
            else:
                results = searcher.search(q, limit=20)
            for hit in results:
                # Plain Whoosh stores only the id: the text comes from memory (a lower bound).
                hit.highlights("body", text=texts.get(hit["id"], ""))
            return int(results.scored_length())

        out["plain"][kind] = time_queries(queries[kind], run_plain, ctx.args.repeat)
        s = out["plain"][kind]["warm"]
        log(f"  p50 {s['p50_ms']} ms, p95 {s['p95_ms']} ms")
    searcher.close()
    ix.close()
    return out


def section_mentions(ctx: Context) -> dict[str, Any]:
    engine = open_engine(ctx)
    stats = engine.entities()
    top = stats[0]
    rng = random.Random(ctx.args.seed)
    refs_s, refs = timed(lambda: engine.mentions_of(top.entity.id))
    log(f"mentions: {top.entity.id} has {len(refs):,} mentions in {top.articles:,} articles")
    starts = rng.sample(refs, min(200, len(refs)))
    for ref in starts[:10]:  # warm-up
        engine.next_mention(ref)
    forward = [timed(functools.partial(engine.next_mention, r, forward=True))[0] for r in starts]
    backward = [timed(functools.partial(engine.next_mention, r, forward=False))[0] for r in starts]
    # The next mention must be the next one of mentions_of's list (correctness check).
    index_of = {r: i for i, r in enumerate(refs)}
    consistent = all(
        engine.next_mention(r) == (refs[index_of[r] + 1] if index_of[r] + 1 < len(refs) else None)
        for r in starts[:50]
    )
    # A second, mid-frequency entity: jumps should not depend much on the count.
    mid = next((s for s in stats if s.mentions < top.mentions // 10 and s.mentions > 100), None)
    mid_result = None
    if mid is not None:
        mid_refs = engine.mentions_of(mid.entity.id)
        mid_starts = rng.sample(mid_refs, min(100, len(mid_refs)))
        mid_result = {
            "entity": mid.entity.id,
            "mentions": len(mid_refs),
            "next": summary_ms(
                [timed(functools.partial(engine.next_mention, r))[0] for r in mid_starts]
            ),
        }
    view, of_times, kwic_times = [], [], []
    for _ in range(5):
        s1, all_refs = timed(lambda: engine.mentions_of(top.entity.id))
        s2, _lines = timed(functools.partial(engine.kwic, all_refs[:500]))
        of_times.append(s1)
        kwic_times.append(s2)
        view.append(s1 + s2)
    paged = None
    if "limit" in inspect.signature(engine.mentions_of).parameters and hasattr(
        engine, "count_mentions"
    ):
        # The view as the app now loads it: the count, then the first page of 500.
        page_times = []
        for _ in range(5):
            t1, _count = timed(functools.partial(engine.count_mentions, top.entity.id))
            t2, page = timed(functools.partial(engine.mentions_of, top.entity.id, 0, 500))
            t3, _lines = timed(functools.partial(engine.kwic, page))
            page_times.append(t1 + t2 + t3)
        paged = round(statistics.median(page_times) * 1000, 1)
    engine.close()
    return {
        "entity": top.entity.id,
        "mentions": len(refs),
        "articles": top.articles,
        "first_mentions_of_ms": round(refs_s * 1000, 1),
        "next_forward": summary_ms(forward),
        "next_backward": summary_ms(backward),
        "next_all": summary_ms(forward + backward),
        "next_consistent_with_mentions_of": consistent,
        "mid_entity": mid_result,
        "view_ms": round(statistics.median(view) * 1000, 1),
        "mentions_of_ms": round(statistics.median(of_times) * 1000, 1),
        "kwic_500_ms": round(statistics.median(kwic_times) * 1000, 1),
        "paged_view_ms": paged,
    }


def fts_match(kind: str, text: str) -> str:
    words = re.findall(r"[A-Za-z0-9]+", text)
    if kind == "phrase":
        return '"' + " ".join(words) + '"'
    if kind == "wildcard":
        return words[0] + "*"
    return " ".join(f'"{w}"' for w in words)


def section_fts5(ctx: Context) -> dict[str, Any]:
    import sqlite3

    paths = ctx.paths
    paths.fts.unlink(missing_ok=True)
    log("FTS5 build")
    started = time.perf_counter()
    db = sqlite3.connect(paths.fts)
    db.execute(
        "CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, body, "
        "tokenize='porter unicode61 remove_diacritics 2')"
    )
    with db:
        db.executemany(
            "INSERT INTO docs (id, title, body) VALUES (?, ?, ?)",
            (
                (r["id"], r.get("title") or "", r.get("body") or "")
                for r in iter_records(paths.corpus)
            ),
        )
    build_s = time.perf_counter() - started
    log(f"FTS5 build: {build_s:.1f} s")
    queries = make_queries(ctx, [])
    out: dict[str, Any] = {"build_s": round(build_s, 2), "disk_mb": mb(paths.fts.stat().st_size)}
    sql = (
        "SELECT id, snippet(docs, 2, '[', ']', '…', 24) FROM docs WHERE docs MATCH ? "
        "ORDER BY rank LIMIT 20"
    )
    for kind in FTS_KINDS:
        log(f"FTS5 queries: {kind}")

        def run(i: int, text: str, kind: str = kind) -> int:
            return len(db.execute(sql, (fts_match(kind, text),)).fetchall())

        out[kind] = time_queries(queries[kind], run, ctx.args.repeat)
    db.close()
    return out


def section_grep(ctx: Context) -> dict[str, Any]:
    paths = ctx.paths
    if not paths.unpacked.exists():
        log(f"unpacking the corpus to {paths.unpacked} for grep")
        paths.unpacked.parent.mkdir(parents=True, exist_ok=True)
        with gzip.open(paths.corpus, "rb") as src, paths.unpacked.open("wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
    queries = make_queries(ctx, [])
    out: dict[str, Any] = {"size_mb": mb(paths.unpacked.stat().st_size)}
    for kind in ("term", "phrase"):
        words = [q.strip('"') for q in queries[kind][:10]]
        log(f"grep -c -i -F: {kind} ({len(words)})")

        def run(i: int, text: str) -> int:
            done = subprocess.run(
                ["grep", "-c", "-i", "-F", text, str(paths.unpacked)],
                capture_output=True,
                text=True,
                check=False,
            )
            return int(done.stdout.strip() or 0)

        out[kind] = time_queries(words, run, ctx.args.repeat)
    return out


def section_incremental(ctx: Context) -> dict[str, Any]:
    engine = open_engine(ctx, procs=2)
    rng = random.Random(ctx.args.seed + 1)
    words = [w for w in load_vocabulary(ctx) if w.isalpha()]
    runs = []
    for i in range(3):
        nonce = f"zqxbench{uuid.uuid4().hex[:10]}"
        record = {
            "id": f"afbench-{time.time_ns()}",
            "title": f"Benchmark article {i + 1}: the Taliban and Kabul {nonce}",
            "date": dt.date.today().isoformat(),
            "source": "afreader benchmark",
            "url": None,
            "body": "KABUL - The Taliban said on Monday that Hamid Karzai met Ashraf Ghani. "
            + " ".join(rng.choice(words) for _ in range(300))
            + f" {nonce}.",
        }
        with ctx.paths.copy.open("ab") as stream:  # a new gzip member at the end
            stream.write(gzip.compress((json.dumps(record) + "\n").encode("utf-8")))
        detected = not engine.is_fresh()
        seconds, report = timed(engine.update)
        found = engine.search(nonce).total
        runs.append(
            {
                "seconds": round(seconds, 3),
                "report_seconds": round(report.seconds, 3),
                "added": report.added,
                "changed": report.changed,
                "removed": report.removed,
                "detected_stale": detected,
                "found_after": found,
                "fresh_after": engine.is_fresh(),
            }
        )
        log(f"incremental {i + 1}: {seconds:.2f} s, added {report.added}, found {found}")
    segments = None
    with contextlib.suppress(Exception):
        from whoosh import index as whoosh_index

        generation = engine.indexer.current()
        ix = whoosh_index.open_dir(str(generation.whoosh_dir))
        segments = len(ix._segments())
        ix.close()
    engine.close()
    return {
        "median_s": round(statistics.median(r["seconds"] for r in runs), 3),
        "runs": runs,
        "all_only_one_added": all(
            r["added"] == 1 and r["changed"] == 0 and r["removed"] == 0 for r in runs
        ),
        "segments_after": segments,
    }


def load_vocabulary(ctx: Context) -> list[str]:
    queries = make_queries(ctx, [])
    return [w for q in queries["term"] + queries["terms"] for w in q.split()]


# --- launch in tmux ---------------------------------------------------------------------------

MINIMAL_APP = """\
from textual.app import App, ComposeResult
from textual.widgets import Static


class Minimal(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("MINIMAL-APP-READY")


Minimal().run()
"""


class Tmux:
    def __init__(self) -> None:
        self.socket = f"afbench-{os.getpid()}"
        self.count = 0
        self.tmux("new-session", "-d", "-s", "keep", "-x", "120", "-y", "36", "sleep 86400")

    def tmux(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=False
        )

    def launch(
        self, command: str, marks: dict[str, str], timeout: float = 60.0
    ) -> tuple[str, dict[str, float], str]:
        """Start `command` in a new session; seconds until each mark's text is on screen."""
        self.count += 1
        name = f"run{self.count}"
        seen: dict[str, float] = {}
        screen = ""
        started = time.perf_counter()
        self.tmux("new-session", "-d", "-s", name, "-x", "120", "-y", "36", command)
        while time.perf_counter() - started < timeout and len(seen) < len(marks):
            screen = self.tmux("capture-pane", "-p", "-t", name).stdout
            now = time.perf_counter() - started
            for label, text in marks.items():
                if label not in seen and text in screen:
                    seen[label] = now
            time.sleep(0.01)
        return name, seen, screen

    def pids(self, name: str) -> list[int]:
        """The pane's process and its descendants."""
        out = self.tmux("display", "-p", "-t", name, "#{pane_pid}").stdout.strip()
        if not out.isdigit():
            return []
        children: dict[int, list[int]] = collections.defaultdict(list)
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError, ValueError, IndexError):
                fields = stat.read_text().rsplit(")", 1)[1].split()
                children[int(fields[1])].append(int(stat.parent.name))
        found, todo = [], [int(out)]
        while todo:
            pid = todo.pop()
            found.append(pid)
            todo.extend(children.get(pid, []))
        return found

    def close(self, name: str, keys: tuple[str, ...] = ()) -> bool:
        for key in keys:
            self.tmux("send-keys", "-t", name, key)
            time.sleep(0.3)
        deadline = time.monotonic() + 10
        while keys and time.monotonic() < deadline:
            if self.tmux("has-session", "-t", name).returncode != 0:
                return True
            time.sleep(0.1)
        self.tmux("kill-session", "-t", name)
        return False

    def shutdown(self) -> None:
        self.tmux("kill-server")


def status_kb(pid: int, key: str) -> int | None:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return None


def python_pid(pids: list[int]) -> int | None:
    for pid in pids:
        with contextlib.suppress(OSError):
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
            if b"python" in cmdline or b"afreader" in cmdline:
                return pid
    return None


def section_launch(ctx: Context) -> dict[str, Any]:
    if shutil.which("tmux") is None:
        raise Skip("tmux is not installed")
    paths = ctx.paths
    engine = open_engine(ctx)  # makes sure the index is fresh: the app must not build
    engine.close()
    app_file = paths.work / "minimal_app.py"
    app_file.write_text(MINIMAL_APP, encoding="utf-8")
    afreader = Path(sys.executable).parent / "afreader"
    # Bytecode is cached (outside the repo) as an installed app would have it; the first,
    # untimed launch of each command writes it.
    env = (
        f"exec env -u PYTHONDONTWRITEBYTECODE PYTHONPYCACHEPREFIX={paths.pycache} "
        "TERM=xterm-256color "
    )
    minimal_cmd = env + f"{sys.executable} {app_file}"
    afreader_cmd = env + f"{afreader} --corpus {paths.copy} --index-dir {paths.afreader_root}"
    runs = max(5, ctx.args.repeat)
    tmux = Tmux()
    out: dict[str, Any] = {"runs": runs}
    try:
        minimal: list[float] = []
        for i in range(runs + 1):
            name, seen, screen = tmux.launch(minimal_cmd, {"frame": "MINIMAL-APP-READY"})
            tmux.close(name)
            if "frame" not in seen:
                raise RuntimeError(f"the minimal app never showed its text:\n{screen}")
            if i:
                minimal.append(seen["frame"])
            time.sleep(0.3)
        log(f"minimal Textual app, first frame: {[round(s, 3) for s in minimal]}")
        first, ready, rss, rss_search, quit_ok = [], [], [], [], []
        marks = {"first": "Search:", "ready": "articles ·"}
        for i in range(runs + 1):
            name, seen, screen = tmux.launch(afreader_cmd, marks)
            if "ready" not in seen:
                tmux.close(name)
                raise RuntimeError(f"afreader never showed 'articles ·':\n{screen}")
            pid = python_pid(tmux.pids(name))
            hwm = status_kb(pid, "VmHWM") if pid else None
            # One search, as a person would do first: memory after it.
            tmux.tmux("send-keys", "-t", name, "-l", "taliban")
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                if "by relevance" in tmux.tmux("capture-pane", "-p", "-t", name).stdout:
                    break
                time.sleep(0.05)
            hwm_search = status_kb(pid, "VmHWM") if pid else None
            quit_ok.append(tmux.close(name, ("Enter", "q")))
            if i:
                first.append(seen.get("first", float("nan")))
                ready.append(seen["ready"])
                if hwm is not None:
                    rss.append(hwm / 1024)
                if hwm_search is not None:
                    rss_search.append(hwm_search / 1024)
            time.sleep(0.3)
        log(f"afreader, results shown: {[round(s, 3) for s in ready]}")
        out.update(
            {
                "minimal_first_frame_s": round(statistics.median(minimal), 3),
                "minimal_all_s": [round(s, 3) for s in minimal],
                "afreader_first_frame_s": round(statistics.median(first), 3),
                "afreader_ready_s": round(statistics.median(ready), 3),
                "afreader_ready_all_s": [round(s, 3) for s in ready],
                "ratio_ready": round(statistics.median(ready) / statistics.median(minimal), 2),
                "ratio_first_frame": round(
                    statistics.median(first) / statistics.median(minimal), 2
                ),
                "app_vmhwm_ready_mb": round(max(rss), 1) if rss else None,
                "app_vmhwm_after_search_mb": round(max(rss_search), 1) if rss_search else None,
                "quit_with_q": all(quit_ok),
            }
        )
    finally:
        tmux.shutdown()
    return out


# --- the report -------------------------------------------------------------------------------


BUNDLED_QUERIES = (
    "Dostum",
    "Atta Noor",
    "Taliban alliance",
    '"National Resistance Front"',
    "Massoud Panjshir",
    "actor:dostum",
    "Salih",
    "resistance",
)


async def _type_queries(
    corpus: Path | None,
    index_root: Path,
    queries: list[str],
    shown: list[tuple[float, str]],
    settled: list[float],
) -> tuple[list[float], list[float]]:
    """In the real app (headless, the Pilot): put each query in the box as one keystroke would,
    and time it until the results list has drawn that query's results, the debounce excluded;
    also from the moment the debounce timer fired (it can fire late on a busy machine).
    `shown` gets (moment, query) each time the list draws results that reached it."""
    import asyncio

    from textual.widgets import Input

    from tui.app import make_app
    from tui.widgets.search_bar import DEBOUNCE_SECONDS

    app = make_app(corpus=corpus, index_dir=index_root)
    latencies: list[float] = []
    after_timer: list[float] = []

    async def shown_for(text: str, timeout: float = 60.0) -> float:
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            for moment, query in shown:
                if query == text:
                    return moment
            await asyncio.sleep(0.002)
        raise RuntimeError(f"the app never showed the results of {text!r}")

    async with app.run_test(size=(120, 36)) as pilot:
        await shown_for("", timeout=120)  # the index is open and the newest articles listed
        box = app.screen.query_one("#query", Input)
        for text in queries:
            shown.clear()
            settled.clear()
            started = time.perf_counter()
            box.value = text
            moment = await shown_for(text)
            latencies.append(moment - started - DEBOUNCE_SECONDS)
            after_timer.append(moment - settled[-1])
            await pilot.pause()  # the frame is finished before the next keystroke
            shown.clear()
            box.value = ""
            await shown_for("")
            await pilot.pause()
        await pilot.press("q")
    return latencies, after_timer


def section_typing(ctx: Context) -> dict[str, Any]:
    """Keystroke to updated results in the app, on the 57k index and on the bundled corpus."""
    import asyncio

    from tui.widgets.results import ResultsList
    from tui.widgets.search_bar import SearchBar

    engine = open_engine(ctx)  # fresh: the app must not build
    actor_ids = [s.entity.id for s in engine.entities() if s.articles >= 20]
    engine.close()
    queries = make_queries(ctx, actor_ids)
    shown: list[tuple[float, str]] = []
    arrived: list[str] = []
    original, original_render = ResultsList.show, ResultsList.render_lines

    def show(self: ResultsList, results: Any) -> None:  # a page reaches the list
        original(self, results)
        arrived.append(results.query)

    def render_lines(self: ResultsList, crop: Any) -> Any:  # and is drawn
        lines = original_render(self, crop)
        if arrived:
            shown.append((time.perf_counter(), arrived.pop()))
            arrived.clear()
        return lines

    settled: list[float] = []
    original_settled = SearchBar._settled

    def settle(self: SearchBar) -> None:  # records when the debounce timer fired
        settled.append(time.perf_counter())
        original_settled(self)

    ResultsList.show = show  # type: ignore[method-assign]
    ResultsList.render_lines = render_lines  # type: ignore[method-assign]
    SearchBar._settled = settle  # type: ignore[method-assign]
    out: dict[str, Any] = {}
    try:
        for kind in ("term", "terms", "phrase"):
            texts = list(dict.fromkeys(queries[kind]))
            log(f"typing at 57k: {kind} ({len(texts)})")
            latencies, after_timer = asyncio.run(
                _type_queries(ctx.paths.copy, ctx.paths.afreader_root, texts, shown, settled)
            )
            out[kind] = summary_ms(latencies)
            out[f"{kind}_after_timer"] = summary_ms(after_timer)
        bundled_root = ctx.paths.work / "bundled-index"
        log("typing on the bundled corpus")
        latencies, after_timer = asyncio.run(
            _type_queries(None, bundled_root, list(BUNDLED_QUERIES) * 3, shown, settled)
        )
        out["bundled"] = summary_ms(latencies)
        out["bundled_after_timer"] = summary_ms(after_timer)
    finally:
        ResultsList.show = original  # type: ignore[method-assign]
        ResultsList.render_lines = original_render  # type: ignore[method-assign]
        SearchBar._settled = original_settled  # type: ignore[method-assign]
    return out


def machine() -> dict[str, Any]:
    model = "?"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    versions = {}
    for name in ("whoosh-reloaded", "textual"):
        with contextlib.suppress(Exception):
            from importlib.metadata import version

            versions[name] = version(name)
    import sqlite3

    revision = subprocess.run(
        ["git", "-C", str(REPO), "describe", "--always", "--dirty"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return {
        "git": revision or "?",
        "nproc": os.cpu_count(),
        "cpu": model,
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "packages": versions,
        "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "loadavg_at_start": os.getloadavg(),
    }


def verdict(ok: bool | None) -> str:
    return "—" if ok is None else ("pass" if ok else "FAIL")


def table(results: dict[str, Any]) -> str:
    rows: list[tuple[str, str, str, str]] = []

    def add(measure: str, value: str, floor: str = "—", ok: bool | None = None) -> None:
        rows.append((measure, value, floor, verdict(ok)))

    sections = results.get("sections", {})
    b = sections.get("build", {}).get("data")
    if b:
        a, p = b["afreader"], b["plain"]
        add("Full build, afreader (Engine.update, procs=2)", f"{a['seconds']:.1f} s")
        add("Full build, plain Whoosh (procs=2, one commit)", f"{p['seconds']:.1f} s")
        add(
            "Build ratio afreader / plain",
            f"{b['ratio']:.2f}",
            f"≤ {FLOOR_BUILD_RATIO}",
            b["ratio"] <= FLOOR_BUILD_RATIO,
        )
        add(
            "Build peak RSS afreader (parent / writer children)",
            f"{a['maxrss']['self_mb']:.0f} / {a['maxrss']['children_mb']:.0f} MB",
        )
        add(
            "Build peak RSS plain (parent / writer children)",
            f"{p['maxrss']['self_mb']:.0f} / {p['maxrss']['children_mb']:.0f} MB",
        )
        add(
            "Index on disk afreader (Whoosh + SQLite) / plain",
            f"{a['whoosh_disk_mb']:.0f} + {a['sqlite_disk_mb']:.0f} MB / {p['disk_mb']:.0f} MB",
        )
        add("Segments after build afreader / plain", f"{a['segments']} / {p['segments']}")
    inc = sections.get("incremental", {}).get("data")
    if inc:
        add(
            "Incremental add of 1 article (median of 3)",
            f"{inc['median_s']:.2f} s",
            f"< {FLOOR_INCREMENTAL_S:.0f} s",
            inc["median_s"] < FLOOR_INCREMENTAL_S and inc["all_only_one_added"],
        )
    f = sections.get("fresh", {}).get("data")
    if f:
        e = f["engine_and_is_fresh"]
        add(
            "Freshness check Engine(...).is_fresh() (median of 20)",
            f"{e['p50_ms']:.1f} ms",
            f"< {FLOOR_FRESH_MS:.0f} ms",
            e["p50_ms"] < FLOOR_FRESH_MS and f["all_fresh"],
        )
        add(
            "  is_fresh() alone / new process incl. imports",
            f"{f['is_fresh_only']['p50_ms']:.1f} ms / {f['new_process_import_engine_is_fresh_ms']:.0f} ms",
        )
    q = sections.get("queries", {}).get("data")
    if q:
        for kind in QUERY_KINDS:
            s = q["afreader"].get(kind)
            if not s:
                continue
            w = s["warm"]
            floor = QUERY_FLOORS.get(kind)
            measured, of = s.get("measured", 0), s.get("of", 0)
            count = f", {measured} of {of} queries" if measured < of else ""
            add(
                f"Query {kind}: p50 / p95 warm (cold p50){count}",
                f"{w['p50_ms']:.1f} / {w['p95_ms']:.1f} ms ({s['cold']['p50_ms']:.0f})",
                f"p95 < {floor:.0f} ms" if floor else "—",
                w["p95_ms"] < floor if floor else None,
            )
    m = sections.get("mentions", {}).get("data")
    if m:
        n = m["next_all"]
        add(
            f"Next mention of {m['entity']} ({m['mentions']:,}): p50 / p95",
            f"{n['p50_ms']:.2f} / {n['p95_ms']:.2f} ms",
            f"p95 < {FLOOR_NEXT_MENTION_P95_MS:.0f} ms",
            n["p95_ms"] < FLOOR_NEXT_MENTION_P95_MS and m["next_consistent_with_mentions_of"],
        )
        if m.get("paged_view_ms") is not None:
            add(
                "Mentions view as the app opens it: count_mentions + mentions_of(limit=500) + kwic",
                f"{m['paged_view_ms']:.0f} ms",
                f"< {FLOOR_MENTIONS_VIEW_MS:.0f} ms",
                m["paged_view_ms"] < FLOOR_MENTIONS_VIEW_MS,
            )
        add(
            f"  all {m['mentions']:,} mentions at once: mentions_of + kwic(500)",
            f"{m['view_ms']:.0f} ms ({m['mentions_of_ms']:.0f} + {m['kwic_500_ms']:.0f})",
            "—" if m.get("paged_view_ms") is not None else f"< {FLOOR_MENTIONS_VIEW_MS:.0f} ms",
            None if m.get("paged_view_ms") is not None else m["view_ms"] < FLOOR_MENTIONS_VIEW_MS,
        )
    fts = sections.get("fts5", {}).get("data")
    if fts:
        add("FTS5 build (porter)", f"{fts['build_s']:.1f} s, {fts['disk_mb']:.0f} MB")
    g = sections.get("grep", {}).get("data")
    if g:
        add("grep -c -i -F over the unpacked JSONL (term)", f"{g['term']['warm']['p50_ms']:.0f} ms")
    la = sections.get("launch", {}).get("data")
    if la:
        add(
            "Minimal Textual app: first frame (median of 5)", f"{la['minimal_first_frame_s']:.3f} s"
        )
        add("afreader: first frame", f"{la['afreader_first_frame_s']:.3f} s")
        add("afreader: results of the empty query shown", f"{la['afreader_ready_s']:.3f} s")
        # Interactive: the first frame, with the cursor in the search box (what is typed
        # before the index is open is searched once it is); Whoosh is imported after it.
        add(
            "Launch ratio afreader / minimal, first frame (interactive)",
            f"{la['ratio_first_frame']:.2f}x",
            f"≤ {FLOOR_LAUNCH_RATIO:.0f}x",
            la["ratio_first_frame"] <= FLOOR_LAUNCH_RATIO,
        )
        add(
            "  afreader results shown / minimal first frame",
            f"{la['ratio_ready']:.2f}x",
        )
        if la.get("app_vmhwm_ready_mb") is not None:
            peak = max(la["app_vmhwm_ready_mb"], la.get("app_vmhwm_after_search_mb") or 0)
            add(
                "afreader app peak RSS (VmHWM; at results / after a search)",
                f"{la['app_vmhwm_ready_mb']:.0f} / {la.get('app_vmhwm_after_search_mb') or 0:.0f} MB",
                f"< {FLOOR_APP_RSS_MB:.0f} MB",
                peak < FLOOR_APP_RSS_MB,
            )
    ty = sections.get("typing", {}).get("data")
    if ty:
        for kind in ("term", "terms", "phrase"):
            if kind in ty:
                t = ty[kind]
                add(
                    f"Keystroke to results in the app, 57k, {kind}: p50 / p95 (debounce excluded)",
                    f"{t['p50_ms']:.0f} / {t['p95_ms']:.0f} ms",
                    f"p95 < {FLOOR_TYPING_57K_P95_MS:.0f} ms" if kind != "phrase" else "—",
                    t["p95_ms"] < FLOOR_TYPING_57K_P95_MS if kind != "phrase" else None,
                )
                a = ty.get(f"{kind}_after_timer")
                if a:
                    add(
                        "  from the debounce timer firing: p50 / p95",
                        f"{a['p50_ms']:.0f} / {a['p95_ms']:.0f} ms",
                    )
        if "bundled" in ty:
            t = ty["bundled"]
            add(
                "Keystroke to results in the app, bundled corpus: p50 / max (debounce excluded)",
                f"{t['p50_ms']:.0f} / {t['max_ms']:.0f} ms",
                f"< {FLOOR_TYPING_BUNDLED_MS:.0f} ms",
                t["max_ms"] < FLOOR_TYPING_BUNDLED_MS,
            )
            a = ty.get("bundled_after_timer")
            if a:
                add(
                    "  from the debounce timer firing: p50 / max",
                    f"{a['p50_ms']:.0f} / {a['max_ms']:.0f} ms",
                )

    lines = ["| measure | result | floor | verdict |", "|---|---|---|---|"]
    lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]

    # Comparison table: afreader against plain Whoosh, FTS5 and grep.
    if q or fts or g:
        lines += [
            "",
            "| query kind (warm, ms) | afreader p50 / p95 | plain Whoosh p50 / p95 |"
            " afreader / plain (p50) | FTS5 p50 / p95 | afreader / FTS5 (p50) |"
            " grep p50 | grep / afreader (p50) |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for kind in QUERY_KINDS:
            a = (q or {}).get("afreader", {}).get(kind)
            p = (q or {}).get("plain", {}).get(kind)
            s = (fts or {}).get(kind)
            gr = (g or {}).get(kind) if kind in ("term", "phrase") else None
            if not (a or p or s):
                continue

            def pair(x: dict[str, Any] | None) -> str:
                return f"{x['warm']['p50_ms']:.1f} / {x['warm']['p95_ms']:.1f}" if x else "—"

            def ratio(x: dict[str, Any] | None, y: dict[str, Any] | None) -> str:
                if not x or not y or not y["warm"]["p50_ms"]:
                    return "—"
                return f"{x['warm']['p50_ms'] / y['warm']['p50_ms']:.2f}"

            lines.append(
                f"| {kind} | {pair(a)} | {pair(p)} | {ratio(a, p)} | {pair(s)} | {ratio(a, s)} | "
                f"{(str(round(gr['warm']['p50_ms'])) if gr else '—')} | "
                f"{(ratio(gr, a) if gr and a else '—')} |"
            )
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


# --- main -------------------------------------------------------------------------------------


class Context:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.paths = Paths(args.corpus, args.work)


RUNNERS: dict[str, Callable[[Context], dict[str, Any]]] = {
    "build": section_build,
    "fresh": section_fresh,
    "queries": section_queries,
    "mentions": section_mentions,
    "fts5": section_fts5,
    "grep": section_grep,
    "incremental": section_incremental,
    "launch": section_launch,
    "typing": section_typing,
}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench/run.py", description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument(
        "--work",
        type=Path,
        default=DEFAULT_WORK,
        help="indexes, copies and results go here (default /tmp/afbench)",
    )
    parser.add_argument("--repeat", type=int, default=3, help="warm runs per query (median)")
    parser.add_argument("--queries", type=int, default=30, help="queries per kind")
    parser.add_argument("--seed", type=int, default=57110)
    parser.add_argument("--skip-build", action="store_true", help="reuse the indexes in --work")
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="SECTION",
        help=f"run only these sections ({', '.join(SECTIONS)}); repeatable or a,b",
    )
    parser.add_argument("--out", type=Path, help="the JSON results (default <work>/results.json)")
    parser.add_argument(
        "--child", choices=("plain-build", "afreader-build"), help=argparse.SUPPRESS
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    args.corpus = args.corpus.expanduser().resolve()
    args.work = args.work.expanduser().resolve()
    if args.child:
        paths = Paths(args.corpus, args.work)
        if args.child == "plain-build":
            result = child_plain_build(args.corpus, paths.plain_dir)
        else:
            result = child_afreader_build(args.corpus, paths.afreader_root)
        print(json.dumps(result), flush=True)
        return 0
    if not args.corpus.is_file():
        print(f"bench: the corpus {args.corpus} is absent: benchmark skipped.", file=sys.stderr)
        return 0
    try:
        args.work.relative_to(REPO)
    except ValueError:
        pass
    else:
        print("bench: --work must not be inside the repository", file=sys.stderr)
        return 2
    only = [s for item in args.only for s in item.split(",") if s]
    unknown = [s for s in only if s not in SECTIONS]
    if unknown:
        print(f"bench: unknown section(s) {unknown}; choose from {SECTIONS}", file=sys.stderr)
        return 2
    chosen = [s for s in SECTIONS if (not only or s in only)]
    if args.skip_build and "build" in chosen:
        chosen.remove("build")
    args.work.mkdir(parents=True, exist_ok=True)
    out_path = args.out or args.work / "results.json"
    results: dict[str, Any] = {}
    if out_path.exists():
        with contextlib.suppress(json.JSONDecodeError):
            results = json.loads(out_path.read_text(encoding="utf-8"))
        if results.get("corpus") != str(args.corpus):
            results = {}
    results["corpus"] = str(args.corpus)
    results["machine"] = machine()
    sections = results.setdefault("sections", {})
    for earlier in sections.values():
        earlier["from_earlier_run"] = True
    ctx = Context(args)
    log(f"sections: {', '.join(chosen)}; work dir {args.work}")
    for name in chosen:
        log(f"== {name}")
        started = time.perf_counter()
        entry: dict[str, Any] = {"measured_at": dt.datetime.now().isoformat(timespec="seconds")}
        try:
            entry["data"] = RUNNERS[name](ctx)
        except Skip as skip:
            log(f"{name}: skipped: {skip}")
            entry["skipped"] = str(skip)
        except Exception as error:  # one section failing must not stop the others
            log(f"{name}: ERROR {error!r}\n{traceback.format_exc()}")
            entry["error"] = repr(error)
        entry["section_seconds"] = round(time.perf_counter() - started, 1)
        sections[name] = entry
        out_path.write_text(json.dumps(results, indent=1, default=str), encoding="utf-8")
    results["machine"]["loadavg_at_end"] = os.getloadavg()
    results["total_seconds"] = round(time.perf_counter() - STARTED, 1)
    out_path.write_text(json.dumps(results, indent=1, default=str), encoding="utf-8")
    print(table(results))
    log(f"results in {out_path}; total {results['total_seconds']} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
