"""Whoosh's side of a build: the storage, writers, the files a commit leaves, merging (tiered).

Every commit records the Whoosh files it left (sizes and times) in the store, so that damage
to them is found from a few `stat` calls (`index.generation`).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3PerDocReader
from whoosh.filedb.filestore import FileStorage
from whoosh.reading import SegmentReader
from whoosh.writing import IndexWriter

from index.locks import ProcessLock
from index.report import IndexBusy
from index.workers import SafeMpWriter

__all__ = [
    "KeepingStorage",
    "abandon",
    "chosen_for_merging",
    "doc_count",
    "merge_policy",
    "recorded",
    "tier",
    "whoosh_files",
    "writer",
]

WRITER_TIMEOUT = 30.0
# Tiered merging, in the manner of Lucene's TieredMergePolicy. Merging costs more than
# indexing (Whoosh merges in one process: 26 s for 20,000 articles that two processes indexed
# in 21 s), so a segment is merged only with segments of about its size, a bounded number at a
# time: each article is rewritten at most once per tier, and tiers are TIER_FACTOR times apart,
# so the total work of merging grows with the articles times the (small) number of tiers.
# A segment below SMALL_SEGMENT articles is tier 0 (a small update's); once MAX_SMALL_SEGMENTS
# of those have piled up, a commit merges them all (a fraction of a second). Tier k > 0 holds
# segments of SMALL_SEGMENT * TIER_FACTOR**(k-1) articles or more; once a tier holds
# SEGMENTS_PER_TIER segments, its MERGE_AT_ONCE smallest are merged into one of the next tier.
# A full build writes a dozen segments of about the same size (`index.build`: at most
# BULK_BATCHES batches, two segments each), below SEGMENTS_PER_TIER: it merges nothing.
# A segment more than half of whose articles were changed or removed is merged at once.
SMALL_SEGMENT = 500
MAX_SMALL_SEGMENTS = 8
TIER_FACTOR = 10
SEGMENTS_PER_TIER = 16
MERGE_AT_ONCE = 8


def _remember_missing_columns() -> None:
    """Make Whoosh's per-document reader remember that a segment has no column for a field.

    `W3PerDocReader._cached_reader` keeps the column readers it opened, but not the answer
    "this segment has no such column": it asks the storage again (a `stat` of the file) each
    time. A writer adding a segment (`SegmentWriter.write_per_doc`, every merge and the
    multi-process writer's joining of its workers' segments) asks each document's length of
    every field, and most fields keep no lengths: on 3,000 articles, about 230,000 `stat`
    calls, 15-20% of the build. A segment's files never change once written, so the answer
    is kept with the readers. Only when the method and its cache are as this was written for
    (`index/fastpath/shapes.py` checks the signature too); else Whoosh is left as it is.
    """
    original = getattr(W3PerDocReader, "_cached_reader", None)
    if original is None or getattr(original, "remembers_missing", False):
        return

    def cached_reader(self: Any, fieldname: str, column: Any) -> Any:
        readers = getattr(self, "_readers", None)
        if not isinstance(readers, dict):
            return original(self, fieldname, column)
        if fieldname in readers:
            return readers[fieldname]
        found = original(self, fieldname, column)
        readers[fieldname] = found  # None too: the segment has no such column
        return found

    cached_reader.remembers_missing = True  # type: ignore[attr-defined]
    W3PerDocReader._cached_reader = cached_reader


_remember_missing_columns()


class KeepingStorage(FileStorage):
    """Whoosh's file storage, except that the files the store names are never deleted, and
    its locks are never inherited by the writer's worker processes.

    A Whoosh commit deletes the files its new table of contents no longer uses, the old table of
    contents among them, while the store still names them until its own commit that follows. A
    build killed in between would leave a store naming missing files, taken for damage: the
    whole index would be rebuilt. Kept, they go once the store names the new files
    (`recorded`).

    Whoosh's own lock (`flock`) is inherited by the processes its multi-process writer forks:
    workers orphaned by a killed build held the write lock for ever. `ProcessLock` cannot be
    inherited and dies with its process.
    """

    def __init__(self, folder: str, keep: Iterable[str]) -> None:
        super().__init__(folder)
        self.keep = frozenset(keep)

    def delete_file(self, name: str) -> None:
        if name not in self.keep:
            super().delete_file(name)

    def lock(self, name: str) -> ProcessLock:
        return ProcessLock(Path(self._fpath(name)))


def recorded(ix: whoosh_index.Index, files: Iterable[str]) -> None:
    """The store now names `files`: delete the index files only the store kept alive."""
    storage = ix.storage
    if isinstance(storage, KeepingStorage):
        storage.keep = frozenset(files)
        toc = ix._read_toc()  # Whoosh keeps the table of contents private
        whoosh_index.clean_files(storage, ix.indexname, toc.generation, toc.segments)


def writer(ix: whoosh_index.Index, procs: int) -> IndexWriter:
    """A writer: several processes for a bulk of new articles, one otherwise."""
    try:
        if procs > 1:
            return SafeMpWriter(
                ix, procs=procs, multisegment=True, limitmb=256, timeout=WRITER_TIMEOUT
            )
        return ix.writer(limitmb=128, timeout=WRITER_TIMEOUT)
    except whoosh_index.LockError:
        raise IndexBusy("the search index is locked by another writer") from None


def abandon(writer: IndexWriter) -> None:
    """Cancel a writer whose work failed, and give its lock back even when cancelling fails
    too: a commit that met a full disk leaves Whoosh's writer half closed, and its `cancel`
    fails again before it unlocks (the next update would find the index locked for ever)."""
    try:
        with contextlib.suppress(Exception):  # the first failure is the one to report
            writer.cancel()
    finally:
        lock = getattr(writer, "writelock", None)
        if lock is not None:
            lock.release()


def whoosh_files(ix: whoosh_index.Index) -> dict[str, tuple[int, int]]:
    """The sizes and modification times of the files the index's table of contents uses."""
    folder = Path(ix.storage.folder)
    toc = ix._read_toc()  # Whoosh keeps the table of contents private
    prefixes = tuple(f"{segment.segment_id()}." for segment in toc.segments)
    toc_name = f"_{ix.indexname}_{toc.generation}.toc"
    found = {}
    for entry in os.scandir(folder):
        if entry.name == toc_name or entry.name.startswith(prefixes):
            stat = entry.stat()
            found[entry.name] = (stat.st_size, stat.st_mtime_ns)
    return found


def tier(articles: int) -> int:
    """The merge tier of a segment that holds `articles` (see SMALL_SEGMENT)."""
    level, bound = 0, SMALL_SEGMENT
    while articles >= bound:
        level, bound = level + 1, bound * TIER_FACTOR
    return level


def chosen_for_merging(sizes: list[tuple[int, int, int]]) -> list[int]:
    """Which segments a commit merges, given each one's (articles kept, articles deleted,
    articles in all): their positions in `sizes`. The tiered policy of the module notes."""
    tiers: dict[int, list[int]] = {}
    for position, (kept, _, _) in sorted(enumerate(sizes), key=lambda item: item[1][0]):
        tiers.setdefault(tier(kept), []).append(position)
    merged = [p for p, (_, deleted, total) in enumerate(sizes) if deleted * 2 > total]
    for level, members in sorted(tiers.items()):
        if level == 0 and len(members) >= MAX_SMALL_SEGMENTS:
            merged += members
        elif level > 0 and len(members) >= SEGMENTS_PER_TIER:
            merged += members[:MERGE_AT_ONCE]  # the smallest of the tier
    return sorted(set(merged))


def merge_policy(writer: IndexWriter, segments: list[Any]) -> list[Any]:
    """Whoosh merge policy (see the module notes): the segments the commit keeps as they are;
    those it merges are added to `writer`. Sizes count the articles a segment still holds."""
    sizes = [(s.doc_count(), s.deleted_count(), s.doc_count_all()) for s in segments]
    merged = [segments[position] for position in chosen_for_merging(sizes)]
    for segment in merged:
        reader = SegmentReader(writer.storage, writer.schema, segment)
        try:
            writer.add_reader(reader)
        finally:
            reader.close()
    return [segment for segment in segments if segment not in merged]


def doc_count(ix: whoosh_index.Index) -> int:
    """How many documents (not deleted) the index has, from its table of contents alone."""
    # Whoosh keeps the table of contents private; its segments record their deletions.
    return sum(segment.doc_count() for segment in ix._read_toc().segments)
