"""Sections `fts5` and `grep`: the same queries on SQLite FTS5 and on grep, for comparison."""

from __future__ import annotations

import gzip
import re
import shutil
import subprocess
import time
from typing import Any

from bench.common import Context, iter_records, log, mb
from bench.queryset import FTS_KINDS, make_queries, time_queries


def fts_match(kind: str, text: str) -> str:
    """The FTS5 MATCH expression for one of the benchmark's queries of `kind`."""
    words = re.findall(r"[A-Za-z0-9]+", text)
    if kind == "phrase":
        return '"' + " ".join(words) + '"'
    if kind == "wildcard":
        return words[0] + "*"
    return " ".join(f'"{w}"' for w in words)


def section_fts5(ctx: Context) -> dict[str, Any]:
    """SQLite FTS5 (porter) on title and body: its build, and the query kinds with snippets."""
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
    """`grep -c -i -F` over the unpacked JSON Lines: terms and phrases."""
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
