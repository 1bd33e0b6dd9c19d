"""Section `queries`: query latency by kind, afreader and plain Whoosh on the same queries."""

from __future__ import annotations

from typing import Any

from bench.common import Context, load_records, log, open_engine
from bench.queryset import QUERY_KINDS, make_queries, time_queries


def section_queries(ctx: Context) -> dict[str, Any]:
    """Each query kind on afreader's engine, then on plain Whoosh with the same queries."""
    engine = open_engine(ctx)
    actor_ids = [s.entity.id for s in engine.entities() if s.articles >= 20]
    queries = make_queries(ctx, actor_ids)
    out: dict[str, Any] = {"afreader": {}, "plain": {}, "repeat": ctx.args.repeat}
    chosen = [k for k in getattr(ctx.args, "kinds", "").split(",") if k] or list(QUERY_KINDS)
    for kind in (k for k in QUERY_KINDS if k in chosen):
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
    for kind in (
        k for k in ("term", "terms", "phrase", "wildcard", "fuzzy", "date") if k in chosen
    ):
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
