"""Section `curation`: suggestions over the corpus, and a curation applied without a rebuild.

1. `suggest` over the whole corpus, without its cache (timed), then again from the cache.
2. The suggested name found in the number of articles nearest 2,000 is added as an alias of
   an actor; the time is from the call to the index updated in place (the articles holding
   it matched again, their mentions and actor field replaced). Then it is undone, so the
   index is left as it was. The overlay lives in a data folder under the work folder.
"""

from __future__ import annotations

import os
import time
from typing import Any

from bench.common import Context, Skip, log, open_engine

TARGET_ARTICLES = 2000


def section_curation(ctx: Context) -> dict[str, Any]:
    """Suggest (cold and cached), then an alias in about 2,000 articles, applied and undone."""
    from index.suggest import CACHE, suggest
    from userdata.curation import Curator
    from userdata.overlays import load_for

    os.environ["AFREADER_DATA_DIR"] = str(ctx.paths.work / "userdata")
    engine = open_engine(ctx)
    generation = engine.indexer.current()
    if generation is None:
        raise Skip("no index")
    (generation.path / CACHE).unlink(missing_ok=True)
    ticks: list[float] = []
    started = time.perf_counter()
    found = suggest(
        engine.store,
        engine.gazetteer,
        3,
        lambda d, t: ticks.append(time.perf_counter()),
        cache_dir=generation.path,
    )
    cold = time.perf_counter() - started
    started = time.perf_counter()
    suggest(engine.store, engine.gazetteer, 3, cache_dir=generation.path)
    cached = time.perf_counter() - started
    log(f"curation: suggest {cold:.1f} s cold, {cached * 1000:.0f} ms cached, {len(found)} names")
    multi = [s for s in found if " " in s.name]
    if not multi:
        raise Skip("no suggestion to add as an alias")
    chosen = min(multi, key=lambda s: abs(s.articles - TARGET_ARTICLES))
    actor = engine.entities()[0].entity.id
    curator = Curator(engine, [])
    progress: list[int] = []
    started = time.perf_counter()
    done = curator.add_alias(actor, chosen.name, "benchmark", lambda d, t: progress.append(d))
    applied = time.perf_counter() - started
    log(
        f"curation: alias {chosen.name!r} ({chosen.articles} articles) applied in {applied:.1f} s:"
        f" {done.matched} matched again, {done.rewritten} rewritten"
    )
    started = time.perf_counter()
    curator.undo()
    undone = time.perf_counter() - started
    fresh = engine.is_fresh()
    # Leave the index as the other sections open it: with no overlay at all (undone, the
    # overlay still holds the log, and the index records its bytes).
    curator.path.unlink()
    engine.apply_gazetteer(load_for(ctx.paths.copy)[0])
    engine.close()
    return {
        "suggest_cold_s": round(cold, 2),
        "suggest_cached_ms": round(cached * 1000, 1),
        "suggest_progress_ticks": len(ticks),
        "suggestions": len(found),
        "top": [s.name for s in found[:10]],
        "alias": chosen.name,
        "alias_articles": chosen.articles,
        "alias_matched": done.matched,
        "alias_rewritten": done.rewritten,
        "alias_s": round(applied, 2),
        "alias_progress_ticks": len(progress),
        "undo_s": round(undone, 2),
        "fresh_after": fresh,
    }
