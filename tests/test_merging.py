"""The tiered merge policy and the build's batches: segment counts and sizes after real builds
and updates, every article found exactly once, and the same index whatever the parallelism.

Real indexes (Whoosh and SQLite) on generated corpora; the policy's choice is also run alone
over long sequences of commits, as a build of hundreds of thousands of articles would make.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from corpus import Gazetteer
from index import Engine
from index.build import BATCH_SIZE, BULK_BATCHES, BULK_MINIMUM, MAX_BATCH, Indexer
from index.segments import (
    MAX_SMALL_SEGMENTS,
    SEGMENTS_PER_TIER,
    SMALL_SEGMENT,
    chosen_for_merging,
    tier,
)
from tests.search_corpus import generated, write_records


def segment_sizes(engine: Engine) -> list[int]:
    """Documents (deleted ones included) per Whoosh segment, smallest first."""
    searcher = engine.searcher()
    return sorted(sub.reader().doc_count_all() for sub, _ in searcher.leaf_searchers())


def stored_ids(engine: Engine) -> list[str]:
    """Every id Whoosh holds, as many times as it holds it."""
    return sorted(fields["id"] for fields in engine.searcher().all_stored_fields())


def mention_rows(engine: Engine) -> list[tuple[object, ...]]:
    """The store's mentions, keyed by article id (not by the store's row numbers)."""
    generation = engine.indexer.current()
    assert generation is not None
    with sqlite3.connect(generation.store_path) as db:
        rows = db.execute(
            "SELECT a.id, m.entity, m.sort_key, m.field, m.start, m.end, m.text"
            " FROM mentions m JOIN articles a ON a.n = m.article"
        ).fetchall()
    return sorted(rows)


def build(
    folder: Path, records: list[dict[str, object]], gazetteer: Gazetteer, **kw: int
) -> Engine:
    """`records` as a JSON Lines corpus in `folder`, built with `procs` and `batch_size`."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "news.jsonl"
    write_records(path, records)
    engine = Engine(path, index_root=folder / "indexes", gazetteer=gazetteer, procs=kw["procs"])
    engine.indexer.batch_size = kw.get("batch_size")
    engine.open()
    return engine


def check_tiers(sizes: list[int]) -> None:
    """No tier holds more segments than the policy allows."""
    per_tier: dict[int, int] = {}
    for size in sizes:
        per_tier[tier(size)] = per_tier.get(tier(size), 0) + 1
    for level, count in per_tier.items():
        allowed = MAX_SMALL_SEGMENTS if level == 0 else SEGMENTS_PER_TIER
        assert count <= allowed, f"tier {level} holds {count} segments: {sorted(sizes)}"


# --- the batches of a build -----------------------------------------------------------------


def test_a_large_build_commits_in_a_few_batches_and_a_set_size_is_kept(
    tmp_path: Path, bundled_gazetteer: Gazetteer
) -> None:
    write_records(tmp_path / "news.jsonl", generated(3, seed=1))
    indexer = Indexer(tmp_path / "news.jsonl", tmp_path / "ix", bundled_gazetteer)
    assert indexer.batch_limit(None) == BATCH_SIZE  # an update: how much is unknown
    assert indexer.batch_limit(1200) == BATCH_SIZE
    for total in (57_110, 171_330):
        limit = indexer.batch_limit(total)
        assert BATCH_SIZE <= limit <= MAX_BATCH
        assert -(-total // limit) == BULK_BATCHES  # two segments each: below a tier's bound
    assert 2 * BULK_BATCHES < SEGMENTS_PER_TIER
    assert -(-1_000_000 // indexer.batch_limit(1_000_000)) > BULK_BATCHES  # memory stays bounded
    indexer.batch_size = 100
    assert indexer.batch_limit(171_330) == 100


# --- the policy, on real indexes ---------------------------------------------------------------


def test_bulk_additions_are_merged_by_tier_and_every_article_is_found_once(
    tmp_path: Path, bundled_gazetteer: Gazetteer, monkeypatch: pytest.MonkeyPatch
) -> None:
    import index.segments

    # Small numbers so that a few hundred articles make several tiers.
    monkeypatch.setattr(index.segments, "SMALL_SEGMENT", 20)
    monkeypatch.setattr(index.segments, "SEGMENTS_PER_TIER", 4)
    monkeypatch.setattr(index.segments, "MERGE_AT_ONCE", 3)
    monkeypatch.setattr(index.segments, "TIER_FACTOR", 3)
    records = generated(1200, seed=19)
    engine = build(tmp_path, records[:60], bundled_gazetteer, procs=1, batch_size=30)
    assert segment_sizes(engine) == [30, 30]
    path = engine.corpus
    seen = []
    for end in range(120, 1201, 60):  # bulk additions of 60, committed 30 at a time
        write_records(path, records[:end])
        assert engine.update().added == 60
        sizes = segment_sizes(engine)
        seen.append(sizes)
        per_tier: dict[int, int] = {}
        for size in sizes:
            per_tier[index.segments.tier(size)] = per_tier.get(index.segments.tier(size), 0) + 1
        assert all(count <= 4 for count in per_tier.values()), sizes
        assert sum(sizes) == end
    assert any(max(sizes) >= 270 for sizes in seen), "nothing was merged into a higher tier"
    assert len(seen[-1]) < 1200 // 30
    assert stored_ids(engine) == sorted(str(r["id"]) for r in records)  # each exactly once
    assert engine.count() == 1200 == engine.searcher().doc_count()
    assert (
        engine.search("security forces", limit=1200).total
        == engine.search("security forces", limit=1200).total
        > 0
    )
    engine.close()


def test_small_updates_are_merged_and_big_segments_left_alone(
    tmp_path: Path, bundled_gazetteer: Gazetteer
) -> None:
    records = generated(1200 + MAX_SMALL_SEGMENTS + 3, seed=7)
    engine = build(tmp_path, records[:1200], bundled_gazetteer, procs=1, batch_size=600)
    assert segment_sizes(engine) == [600, 600]
    for end in range(1201, len(records) + 1):  # one article an update
        write_records(engine.corpus, records[:end])
        assert engine.update().added == 1
        sizes = segment_sizes(engine)
        assert sizes[-2:] == [600, 600], "a small update merged the big segments"
        check_tiers(sizes)
    assert stored_ids(engine) == sorted(str(r["id"]) for r in records)
    engine.close()


def test_the_build_is_the_same_whatever_the_parallelism(
    tmp_path: Path, bundled_gazetteer: Gazetteer
) -> None:
    # Two batches just large enough for Whoosh's multi-process writer (BULK_MINIMUM each).
    records = generated(2 * BULK_MINIMUM, seed=2026)
    one = build(tmp_path / "one", records, bundled_gazetteer, procs=1, batch_size=BULK_MINIMUM)
    two = build(tmp_path / "two", records, bundled_gazetteer, procs=2, batch_size=BULK_MINIMUM)
    assert stored_ids(one) == stored_ids(two) == sorted(str(r["id"]) for r in records)
    rows = mention_rows(one)
    assert rows and rows == mention_rows(two)
    assert one.count() == two.count() == len(records)
    for text in ("security forces", "Massoud", "Dostum and Noor", "oil OR drought"):
        a, b = one.search(text, limit=len(records)), two.search(text, limit=len(records))
        assert a.total == b.total > 0, text
        assert sorted(h.article.article.id for h in a.hits) == sorted(
            h.article.article.id for h in b.hits
        )
    check_tiers(segment_sizes(two))
    one.close()
    two.close()


# --- the policy over long runs: the work of merging grows linearly -----------------------------


def merged_articles(commits: int, articles: int) -> tuple[int, list[int]]:
    """Articles rewritten by merges over `commits` commits of a segment of `articles` each,
    as `index.segments.merge_policy` chooses them; and the segments left."""
    segments: list[int] = []
    rewritten = 0
    for _ in range(commits):
        chosen = chosen_for_merging([(size, 0, size) for size in segments])
        if chosen:
            merged = sum(segments[p] for p in chosen)
            rewritten += merged
            segments = [s for p, s in enumerate(segments) if p not in chosen] + [merged]
        segments.append(articles)
    return rewritten, segments


@pytest.mark.parametrize("articles", [SMALL_SEGMENT // 2, 2500, 14_000])
def test_merging_rewrites_an_article_once_per_tier_and_segments_stay_few(articles: int) -> None:
    for commits in (100, 300, 1000):
        rewritten, left = merged_articles(commits, articles)
        levels = {tier(size) for size in left} - {tier(articles)}
        # Each article is rewritten at most once per tier above its own: the work of merging
        # is the articles times a number of tiers that grows with the logarithm of the size.
        assert 0 < rewritten <= commits * articles * len(levels)
        check_tiers(left[:-1])  # as the next commit finds them
        assert len(left) <= SEGMENTS_PER_TIER * (len(levels) + 1)


def test_a_full_build_of_bulk_batches_merges_nothing() -> None:
    # BULK_BATCHES commits of two segments each (Whoosh's two writer processes).
    segments: list[int] = []
    for _ in range(BULK_BATCHES):
        assert chosen_for_merging([(s, 0, s) for s in segments]) == []
        segments += [MAX_BATCH // 2, MAX_BATCH // 2]
    assert chosen_for_merging([(s, 0, s) for s in segments]) == []


def test_a_hollow_segment_is_merged_alone_too() -> None:
    assert chosen_for_merging([(4000, 0, 4000), (900, 1100, 2000), (3000, 0, 3000)]) == [1]
