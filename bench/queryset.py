"""The benchmark's queries, drawn from the corpus's own words with a fixed seed, and their timing."""

from __future__ import annotations

import collections
import functools
import itertools
import random
import re
import statistics
import time
from collections.abc import Callable
from typing import Any

from bench.common import Context, load_records, log, summary_ms, timed

QUERY_KINDS = ("term", "terms", "phrase", "wildcard", "fuzzy", "actor", "date", "empty")
FTS_KINDS = ("term", "terms", "phrase", "wildcard")
SLOW_QUERY_S = 2.0

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
        # Each word once per article, in the order of the text: a set's order changes with
        # each process's string hashing, and so would the ties of most_common() below.
        df.update(list(dict.fromkeys(w for w in tokens if len(w) >= 4 and w not in STOP_WORDS)))
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


def load_vocabulary(ctx: Context) -> list[str]:
    """The words of the term and terms queries (for the incremental section's articles)."""
    queries = make_queries(ctx, [])
    return [w for q in queries["term"] + queries["terms"] for w in q.split()]
