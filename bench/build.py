"""Sections `build` (afreader and plain Whoosh, each in its own process) and `incremental`."""

from __future__ import annotations

import contextlib
import datetime as dt
import gzip
import json
import random
import shutil
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

from bench.common import (
    REPO,
    Context,
    dir_size,
    iter_records,
    log,
    maxrss_mb,
    mb,
    open_engine,
    timed,
)
from bench.queryset import load_vocabulary


def child_plain_build(corpus: Path, target: Path, stored: bool = False) -> dict[str, Any]:
    """Plain Whoosh: the same fields, one multi-process writer, one commit, nothing else
    (`stored`: the title and body stored too, as afreader keeps them, for the size on disk)."""
    from whoosh import index as whoosh_index
    from whoosh.analysis import StemmingAnalyzer
    from whoosh.fields import DATETIME, ID, TEXT, Schema

    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    schema = Schema(
        id=ID(stored=True, unique=True),
        title=TEXT(analyzer=StemmingAnalyzer(), phrase=True, chars=True, stored=stored),
        body=TEXT(analyzer=StemmingAnalyzer(), phrase=True, chars=True, stored=stored),
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
        "sqlite_parts_mb": store_parts(generation.store_path),
        "disk_mb": mb(dir_size(root)),
        "maxrss": maxrss_mb(),
    }


def store_parts(path: Path) -> dict[str, float]:
    """Megabytes of each table and index of a SQLite store (its pages, from `dbstat`)."""
    import sqlite3

    db = sqlite3.connect(path)
    try:
        rows = db.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC")
        return {str(name): mb(int(size)) for name, size in rows}
    except sqlite3.Error:  # a SQLite built without dbstat
        return {}
    finally:
        db.close()


def run_child(kind: str, args: list[str]) -> dict[str, Any]:
    """Run one build in a new process of this interpreter (its peak memory is its own); its
    result is the last JSON line it prints."""
    command = [sys.executable, "-m", "bench", "--child", kind, *args]
    process = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=False, cwd=REPO)
    lines = [ln for ln in process.stdout.splitlines() if ln.startswith("{")]
    if process.returncode != 0 or not lines:
        raise RuntimeError(f"the {kind} child failed with exit code {process.returncode}")
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def section_build(ctx: Context) -> dict[str, Any]:
    """Both full builds, each in its own process: afreader on a copy of the corpus, plain Whoosh."""
    paths = ctx.paths
    paths.copy.parent.mkdir(parents=True, exist_ok=True)
    log(f"copying the corpus to {paths.copy} (afreader's corpus; `incremental` appends to it)")
    shutil.copyfile(paths.corpus, paths.copy)
    log("plain Whoosh build (separate process; takes minutes)")
    plain = run_child("plain-build", ["--corpus", str(paths.corpus), "--work", str(paths.work)])
    log(f"plain Whoosh: {plain['seconds']} s, {plain['docs']:,} docs")
    log("plain Whoosh storing the title and body too (for the size on disk; separate process)")
    stored = run_child(
        "plain-stored-build", ["--corpus", str(paths.corpus), "--work", str(paths.work)]
    )
    log(f"plain Whoosh storing the text: {stored['disk_mb']} MB")
    log("afreader build (separate process; takes minutes)")
    afreader = run_child("afreader-build", ["--corpus", str(paths.copy), "--work", str(paths.work)])
    log(f"afreader: {afreader['seconds']} s, {afreader['docs']:,} docs")
    return {
        "afreader": afreader,
        "plain": plain,
        "plain_stored": stored,
        "ratio": round(afreader["seconds"] / plain["seconds"], 3),
        "disk_ratio": round(afreader["disk_mb"] / stored["disk_mb"], 3),
    }


def section_incremental(ctx: Context) -> dict[str, Any]:
    """Append one article to the corpus copy and time `Engine.update()`; three times."""
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
