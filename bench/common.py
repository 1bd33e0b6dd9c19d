"""What every section shares: paths, the corpus as records, timing and statistics, logging."""

from __future__ import annotations

import argparse
import gzip
import json
import resource
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO.parent / "shared" / "bench" / "news-57k.jsonl.gz"
DEFAULT_WORK = Path("/tmp/afbench")

STARTED = time.perf_counter()


def log(message: str) -> None:
    """Progress on stderr, with the seconds since the benchmark started."""
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
    """Count, p50, p95, max and mean of `seconds`, in milliseconds."""
    ms = [s * 1000 for s in seconds]
    return {
        "n": len(ms),
        "p50_ms": round(percentile(ms, 50), 2),
        "p95_ms": round(percentile(ms, 95), 2),
        "max_ms": round(max(ms), 2) if ms else float("nan"),
        "mean_ms": round(statistics.fmean(ms), 2) if ms else float("nan"),
    }


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    """Seconds `fn()` took, and what it returned."""
    started = time.perf_counter()
    value = fn()
    return time.perf_counter() - started, value


def dir_size(path: Path) -> int:
    """Bytes in the files under `path`."""
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def mb(n_bytes: float) -> float:
    """Bytes as megabytes, one decimal."""
    return round(n_bytes / 1e6, 1)


def maxrss_mb() -> dict[str, float]:
    """Peak resident memory of this process and of its waited-for children (Linux: KiB)."""
    return {
        "self_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "children_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
    }


# --- paths ------------------------------------------------------------------------------------


class Paths:
    """Where a run keeps its inputs and outputs, all under the work folder but the corpus."""

    def __init__(self, corpus: Path, work: Path) -> None:
        self.corpus = corpus  # the pristine corpus, never written
        self.work = work
        self.copy = (
            work / "corpus" / corpus.name
        )  # afreader's corpus (appended to by `incremental`)
        self.afreader_root = work / "afreader-index"
        self.plain_dir = work / "plain-whoosh"
        self.plain_stored_dir = work / "plain-whoosh-stored"
        self.fts = work / "fts5.sqlite"
        self.unpacked = work / "unpacked" / corpus.name.removesuffix(".gz")
        self.pycache = work / "pycache"


# --- reading the corpus -----------------------------------------------------------------------


def iter_records(path: Path) -> Iterator[dict[str, Any]]:
    """The records of a JSON Lines file, gzip or plain."""
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rb") as stream:
        for line in stream:
            if line.strip():
                yield json.loads(line)


_CORPUS_CACHE: dict[Path, list[dict[str, Any]]] = {}


def load_records(path: Path) -> list[dict[str, Any]]:
    """Id, title and body of every record, read once per process."""
    if path not in _CORPUS_CACHE:
        log(f"reading {path.name} into memory (query vocabulary, texts for plain highlights)")
        _CORPUS_CACHE[path] = [
            {"id": r["id"], "title": r.get("title") or "", "body": r.get("body") or ""}
            for r in iter_records(path)
        ]
    return _CORPUS_CACHE[path]


class Context:
    """What every section gets: the command line's options and the paths."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.paths = Paths(args.corpus, args.work)


def open_engine(ctx: Context, procs: int = 1) -> Any:
    """An engine over the built index of the corpus copy, updated first if stale."""
    from index import Engine

    engine = Engine(ctx.paths.copy, ctx.paths.afreader_root, procs=procs)
    if not ctx.paths.copy.exists() or engine.indexer.current() is None:
        raise Skip(f"no afreader index in {ctx.paths.afreader_root}: run the build section first")
    if not engine.is_fresh():
        log("the afreader index is not fresh: updating it first")
        engine.update()
    engine.reopen()
    return engine
