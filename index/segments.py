"""Whoosh's side of a build: the storage, writers, the files a commit leaves, merging.

Every commit records the Whoosh files it left (sizes and times) in the store, so that damage
to them is found from a few `stat` calls (`index.generation`).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.reading import SegmentReader
from whoosh.writing import IndexWriter

from index.locks import ProcessLock
from index.report import IndexBusy
from index.workers import SafeMpWriter

__all__ = [
    "KeepingStorage",
    "doc_count",
    "merge_policy",
    "recorded",
    "whoosh_files",
    "writer",
]

WRITER_TIMEOUT = 30.0
# Merging segments costs more than indexing (Whoosh merges in one process: 26 s for 20,000
# articles, indexed in 21 s with two): a build of up to about 100,000 articles never merges
# what it has just written (each batch writes a segment per process). A small update writes a
# small segment; past MAX_SMALL_SEGMENTS of those, a commit merges them (a fraction of a
# second), with any segment more than half of whose articles were changed or removed since.
# Past MAX_SEGMENTS in all (a larger build, or bulk additions again and again), the smallest
# are merged until half as many remain.
SMALL_SEGMENT = 500
MAX_SMALL_SEGMENTS = 8
MAX_SEGMENTS = 40


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


def merge_policy(writer: IndexWriter, segments: list[Any]) -> list[Any]:
    """Whoosh merge policy (see MAX_SEGMENTS): the segments the commit keeps as they are;
    those it merges are added to `writer`.

    Sizes count the articles a segment still holds; a segment more than half of whose
    articles were changed or removed since is merged too (searches would go on reading them).
    """
    by_size = sorted(segments, key=lambda segment: segment.doc_count())
    small = [segment for segment in by_size if segment.doc_count() < SMALL_SEGMENT]
    hollow = [s for s in by_size if s.deleted_count() * 2 > s.doc_count_all()]
    if len(segments) >= MAX_SEGMENTS:  # and the commit adds at least one
        merged = by_size[: len(segments) - MAX_SEGMENTS // 2]
    elif len(small) >= MAX_SMALL_SEGMENTS or hollow:
        merged = [segment for segment in by_size if segment in small or segment in hollow]
    else:
        return segments
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
