"""Section `mentions`: next-mention jumps and the mentions view."""

from __future__ import annotations

import functools
import inspect
import random
import statistics
from typing import Any

from bench.common import Context, log, open_engine, summary_ms, timed


def section_mentions(ctx: Context) -> dict[str, Any]:
    """Next-mention jumps from random mentions, and the mentions view as the app opens it."""
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
