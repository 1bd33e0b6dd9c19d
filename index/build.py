"""Build the index of a corpus and keep it current, safely.

Layout of one corpus's index folder:

    <root>/current        the name of the generation readers use (replaced atomically)
    <root>/next           a generation being rebuilt while `current` stays readable
    <root>/g-<stamp>/     a generation: `whoosh/` (the inverted index) and `store.sqlite`

Crash safety: every batch is committed to Whoosh (whose table of contents is replaced
atomically) and then to SQLite (one transaction). The SQLite manifest of content hashes is the
truth about what is indexed, so a build killed at any moment leaves a consistent state: the next
update indexes exactly what is missing (a first build resumes instead of restarting), and a
rebuild only replaces `current` once it has finished.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.index import LockError
from whoosh.reading import SegmentReader
from whoosh.writing import IndexWriter

from corpus import Article, Gazetteer, Problem, corpus_kind
from corpus.loader import (
    ARTICLE_SUFFIXES,
    JsonlEnd,
    JsonlLines,
    iter_jsonl_lines,
    read_article_file,
    read_record,
    scan_folder,
)
from index.mentions import EntityMatcher
from index.paths import pointed_generation
from index.schema import ANALYSIS_VERSION, document, make_schema
from index.store import SCHEMA_VERSION, Store

__all__ = ["BuildProgress", "Generation", "IndexBusy", "Indexer", "UpdateReport"]

BATCH_SIZE = 5000
WRITER_TIMEOUT = 30.0
# A batch at least this large of new articles uses Whoosh's multi-process writer.
BULK_MINIMUM = 1000
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
PROGRESS_EVERY = 250
# Meta key: where the last complete read of a JSON Lines corpus ended (see `_jsonl_end`).
JSONL_END = "jsonl_end"


@dataclass(frozen=True, slots=True)
class BuildProgress:
    """Progress of an update: `done` of `total` articles in the current phase."""

    phase: str
    done: int
    total: int | None
    started: float


ProgressCallback = Callable[[BuildProgress], None]


@dataclass(slots=True)
class UpdateReport:
    """What an update did."""

    added: int = 0
    changed: int = 0
    removed: int = 0
    rebuilt: bool = False
    seconds: float = 0.0
    repaired: str | None = None
    problems: list[Problem] = field(default_factory=list)
    # Only what was appended to the JSON Lines corpus since the last update was read.
    appended_only: bool = False

    @property
    def touched(self) -> int:
        """How many articles were written or removed."""
        return self.added + self.changed + self.removed


class IndexBusy(Exception):
    """Another process is updating this index."""


@dataclass(frozen=True, slots=True)
class Generation:
    """One complete (or resumable) index: the Whoosh folder and the SQLite store."""

    path: Path

    @property
    def whoosh_dir(self) -> Path:
        """The Whoosh index folder."""
        return self.path / "whoosh"

    @property
    def store_path(self) -> Path:
        """The SQLite file."""
        return self.path / "store.sqlite"

    def exists(self) -> bool:
        """True when both parts are there."""
        return self.store_path.is_file() and whoosh_index.exists_in(str(self.whoosh_dir))


def gazetteer_fingerprint(gazetteer: Gazetteer) -> str:
    """Changes whenever the gazetteer file or the analysis changes."""
    digest = hashlib.blake2b(digest_size=12)
    digest.update(f"{SCHEMA_VERSION}/{ANALYSIS_VERSION}\n".encode())
    try:
        digest.update(Path(gazetteer.path).read_bytes())
    except OSError:
        digest.update(repr([e.id for e in gazetteer.entities]).encode())
    return digest.hexdigest()


class Indexer:
    """Brings the index of one corpus up to date."""

    def __init__(
        self,
        corpus: Path,
        root: Path,
        gazetteer: Gazetteer,
        matcher: EntityMatcher | None = None,
        procs: int = 1,
        batch_size: int = BATCH_SIZE,
    ) -> None:
        self.corpus = corpus
        self.kind = corpus_kind(corpus)
        self.root = root
        self.gazetteer = gazetteer
        self._matcher = matcher
        self.procs = procs
        self.batch_size = batch_size
        self.fingerprint = gazetteer_fingerprint(gazetteer)
        self._scanned: dict[str, Problem] = {}

    @property
    def matcher(self) -> EntityMatcher:
        """Built on first use: a fresh index never needs it."""
        if self._matcher is None:
            self._matcher = EntityMatcher(self.gazetteer)
        return self._matcher

    # --- generations ----------------------------------------------------------------------

    def _pointer(self, name: str) -> Generation | None:
        folder = pointed_generation(self.root, name)
        if folder is None:
            return None
        generation = Generation(folder)
        return generation if generation.exists() else None

    def _point(self, name: str, generation: Generation) -> None:
        temporary = self.root / f".{name}.tmp"
        temporary.write_text(generation.path.name, encoding="utf-8")
        os.replace(temporary, self.root / name)

    def pointed_at(self) -> Path | None:
        """The folder `current` names (one small read; no check that it is usable)."""
        return pointed_generation(self.root, "current")

    def current(self) -> Generation | None:
        """The generation readers should open, if any is usable."""
        generation = self._pointer("current")
        if generation is None:
            return None
        return generation if self._compatible(generation) else None

    def _compatible(self, generation: Generation) -> bool:
        try:
            store = Store(generation.store_path)
            try:
                return (
                    store.get_meta("schema_version") == SCHEMA_VERSION
                    and store.get_meta("fingerprint") == self.fingerprint
                )
            finally:
                store.close()
        except Exception:
            return False

    def damage(self, generation: Generation) -> str | None:
        """Why a generation's Whoosh files are not those its last commit wrote, if they are not.

        A truncated, deleted or replaced file is found from sizes alone (recorded in the store
        with every commit), without reading the index.
        """
        try:
            store = Store(generation.store_path)
            try:
                recorded = json.loads(store.get_meta("whoosh_files") or "{}")
            finally:
                store.close()
        except Exception as error:
            return f"its store cannot be read ({error})"
        for name, size in recorded.items():
            try:
                actual = (generation.whoosh_dir / name).stat().st_size
            except OSError:
                return f"the index file {name} is missing"
            if actual != size:
                return f"the index file {name} has {actual:,} bytes where {size:,} were written"
        return None

    def _create(self) -> Generation:
        self.root.mkdir(parents=True, exist_ok=True)
        generation = Generation(self.root / f"g-{time.time_ns():x}")
        generation.whoosh_dir.mkdir(parents=True)
        whoosh_index.create_in(str(generation.whoosh_dir), make_schema())
        store = Store(generation.store_path, create=True)
        with store.transaction() as db:
            Store.set_meta(db, "fingerprint", self.fingerprint)
            Store.set_meta(db, "complete", "0")
            Store.set_meta(db, "corpus", str(self.corpus))
        store.close()
        return generation

    def _remove_stale(self, keep: set[Path]) -> None:
        for child in self.root.glob("g-*"):
            if child not in keep:
                shutil.rmtree(child, ignore_errors=True)

    # --- freshness ------------------------------------------------------------------------

    def is_fresh(self) -> bool:
        """Cheap start-up check: a complete, compatible index of the corpus as it is now.

        Reads file sizes and times only, never the articles.
        """
        generation = self.current()
        if generation is None or self.damage(generation) is not None:
            return False
        store = Store(generation.store_path)
        try:
            if store.get_meta("complete") != "1":
                return False
            return store.files() == self._stat_files()
        finally:
            store.close()

    def _stat_files(self) -> dict[str, tuple[int, int]]:
        if self.kind == "jsonl":
            stat = self.corpus.stat()
            return {str(self.corpus): (stat.st_size, stat.st_mtime_ns)}
        found: dict[str, tuple[int, int]] = {}
        self._scanned = {}
        for entry in scan_folder(self.corpus):
            if isinstance(entry, Problem):
                # Said by the scan (a name that is not UTF-8, ...): kept as said, not re-derived.
                self._scanned[entry.path] = entry
            path = entry if isinstance(entry, Path) else Path(entry.path)
            try:
                stat = path.stat()
            except OSError:
                found[str(path)] = (-1, -1)
                continue
            found[str(path)] = (stat.st_size, stat.st_mtime_ns)
        return found

    # --- updating -------------------------------------------------------------------------

    def update(
        self, progress: ProgressCallback | None = None, rebuild: bool = False
    ) -> UpdateReport:
        """Make the index match the corpus: build, resume, or re-index only what changed.

        Raises IndexBusy when another process holds the update lock.
        """
        started = time.monotonic()
        self.root.mkdir(parents=True, exist_ok=True)
        lock = FileStorage(str(self.root)).lock("update")
        if not lock.acquire(blocking=False):
            raise IndexBusy(f"another afreader process is updating the index in {self.root}")
        try:
            report = self._update_locked(progress, rebuild)
        finally:
            lock.release()
        report.seconds = time.monotonic() - started
        return report

    def _update_locked(self, progress: ProgressCallback | None, rebuild: bool) -> UpdateReport:
        current = self.current()
        repaired = None
        if current is None and self._pointer("current") is not None:
            repaired = "the index was built by another version of afreader or is unreadable"
        elif current is not None and (reason := self.damage(current)) is not None:
            repaired, current = f"the index was damaged: {reason}", None
        pending = None if rebuild else self._pointer("next")
        if pending is not None and (not self._compatible(pending) or self.damage(pending)):
            pending = None
        if current is not None and not rebuild:
            report = self._sync(current, progress)
            self._remove_stale({current.path} | ({pending.path} if pending else set()))
            return report
        target = pending or self._create()
        if current is None:
            self._point("current", target)
        else:
            self._point("next", target)
        report = self._sync(target, progress)
        report.rebuilt = True
        report.repaired = repaired
        self._point("current", target)
        (self.root / "next").unlink(missing_ok=True)
        self._remove_stale({target.path})
        return report

    def _sync(self, generation: Generation, progress: ProgressCallback | None) -> UpdateReport:
        store = Store(generation.store_path)
        recorded = json.loads(store.get_meta("whoosh_files") or "{}")
        ix = _KeepingStorage(str(generation.whoosh_dir), recorded).open_index()
        try:
            after = self._jsonl_end(store) if self.kind == "jsonl" else None
            with store.transaction() as db:
                Store.set_meta(db, "complete", "0")
                # Until this update finishes, the store may hold more than that read found.
                Store.delete_meta(db, JSONL_END)
            self._drop_orphans(ix, store)
            if self.kind == "jsonl":
                report = self._sync_jsonl(ix, store, progress, after)
            else:
                report = self._sync_folder(ix, store, progress)
            with store.transaction() as db:
                Store.set_meta(db, "complete", "1")
            return report
        finally:
            ix.close()
            store.close()

    @staticmethod
    def _drop_orphans(ix: whoosh_index.Index, store: Store) -> None:
        """Delete Whoosh documents the store does not know.

        A build killed between a batch's Whoosh commit and its SQLite commit leaves them; the
        resumed build adds those articles again, and each would then be found twice.
        """
        if _doc_count(ix) == store.count():
            return
        with ix.searcher() as searcher:
            known = store.hashes()
            orphans = {
                fields["id"] for fields in searcher.all_stored_fields() if fields["id"] not in known
            }
        if orphans:
            writer = _writer(ix, 1)
            for article_id in orphans:
                writer.delete_by_term("id", article_id)
            writer.commit(mergetype=_merge_policy)
            files = _whoosh_files(ix)
            with store.transaction() as db:
                Store.set_meta(db, "whoosh_files", json.dumps(files))
            _recorded(ix, files)

    def _sync_folder(
        self, ix: whoosh_index.Index, store: Store, progress: ProgressCallback | None
    ) -> UpdateReport:
        """Re-read only the files whose size or time changed; forget the ones that vanished."""
        report = UpdateReport()
        ticker = _Ticker(progress)
        now = self._stat_files()
        known = store.files()
        by_origin = store.ids_by_origin()
        vanished = [path for path in known if path not in now]
        changed = [path for path in now if known.get(path) != now[path]]
        # An id stays with the unchanged file that has it: a changed file may not steal it.
        owners = {
            aid: path
            for path, ids in by_origin.items()
            if path in now and path not in changed
            for aid in ids
        }
        hashes = store.hashes()
        batch = _Batch(removed=[aid for path in vanished for aid in by_origin.get(path, [])])
        batch.forgotten = vanished
        for done, path in enumerate(changed, start=1):
            batch.removed += by_origin.get(path, [])
            problems: list[Problem] = []
            item = self._read_file(Path(path))
            if isinstance(item, Problem):
                problems.append(item)
            elif owners.get(item.id, path) != path:
                problems.append(
                    Problem(
                        path,
                        f"duplicate id {item.id!r}: already used by {owners[item.id]}; "
                        "this copy was not loaded",
                        field="id",
                    )
                )
            else:
                owners[item.id] = path
                batch.articles.append(item)
                problems.extend(item.warnings)  # loaded, but something looks wrong
            batch.files.append((path, now[path], problems))
            if len(batch.articles) >= self.batch_size:
                self._commit(ix, store, batch, hashes, report)
                batch = _Batch()
            ticker.tick(done, len(changed))
        self._commit(ix, store, batch, hashes, report)
        report.problems = store.problems()
        ticker.finish(len(changed))
        return report

    def _read_file(self, path: Path) -> Article | Problem:
        scanned = self._scanned.get(str(path))
        if scanned is not None:
            return scanned
        if path.name.lower().endswith(ARTICLE_SUFFIXES):
            return read_article_file(path, self.corpus)
        return Problem(
            str(path), "not an article file (.md, .markdown or .txt): ignored", severity="warning"
        )

    def _jsonl_end(self, store: Store) -> JsonlEnd | None:
        """Where the last read of the JSON Lines corpus ended, if the store holds exactly what
        that read found: the update that made it finished, and nothing (another version of
        afreader, say) has rewritten the file's record since."""
        try:
            if store.get_meta("complete") != "1":
                return None
            data = json.loads(store.get_meta(JSONL_END) or "null")
            if not isinstance(data, dict):
                return None
            if store.files().get(str(self.corpus)) != tuple(data.pop("file")):
                return None
            end = JsonlEnd(**data)
        except (ValueError, TypeError, KeyError):
            return None
        types = (int, str, int, bool, bool)
        values = (end.size, end.digest, end.lines, end.compressed, end.clean)
        if not all(type(value) is kind for value, kind in zip(values, types, strict=True)):
            return None
        return end

    def _sync_jsonl(
        self,
        ix: whoosh_index.Index,
        store: Store,
        progress: ProgressCallback | None,
        after: JsonlEnd | None = None,
    ) -> UpdateReport:
        """Parse only the lines not seen before.

        When the file only grew at its end since the last read (`after`), only what was
        appended is read; otherwise every line is read, and a line is parsed only when its
        digest is not that of a line indexed before.
        """
        report = UpdateReport()
        where = str(self.corpus)
        stat = self.corpus.stat()
        ticker = _Ticker(progress)
        problems: list[Problem] = []
        batch = _Batch()
        done = 0
        seen: set[str] = set()
        with JsonlLines(self.corpus, after) as lines:
            resumed = lines.resumed
            if resumed:
                # Every article in the store comes from the lines read before: an appended
                # line with one of their ids is a duplicate (asked of the store line by line,
                # rather than loading every id), and nothing was removed.
                hashes: dict[str, str] = {}
                seen_lines: dict[str, tuple[str, str]] = {}
                total = None
            else:
                hashes = store.hashes()
                seen_lines = store.raw_lines()
                total = _count_lines(self.corpus) if not hashes else None
            for entry in lines:
                if isinstance(entry, Problem):
                    problems.append(entry)
                    continue
                number, raw = entry
                done += 1
                ticker.tick(done, total)
                digest = hashlib.blake2b(raw, digest_size=16).hexdigest()
                known = seen_lines.get(digest)
                if known is not None and known[0] not in seen:
                    seen.add(known[0])  # the very line indexed before: nothing to index
                    if known[1] != (origin := f"{where}:{number}"):
                        batch.origins[known[0]] = origin  # lines before it came or went
                    continue
                item = read_record(raw, where, number)
                if isinstance(item, Problem):
                    problems.append(item)
                    continue
                if item.id in seen or (resumed and store.has(item.id)):
                    problems.append(
                        Problem(
                            where,
                            f"duplicate id {item.id!r}: an earlier line has it; "
                            "this copy was not loaded",
                            line=number,
                            field="id",
                        )
                    )
                    continue
                seen.add(item.id)
                batch.articles.append(item)
                problems.extend(item.warnings)
                if not item.warnings:
                    # A line skipped as already indexed is not parsed again, so its warnings
                    # would be lost when this file's problems are rewritten: keep parsing such
                    # lines.
                    batch.raw_hashes[item.id] = digest
                if len(batch.articles) >= self.batch_size:
                    self._commit(ix, store, batch, hashes, report)
                    batch = _Batch()
            end = lines.end
        if not resumed:
            batch.removed = [aid for aid in hashes if aid not in seen]
        # A resumed read adds the problems of the appended lines to those recorded before.
        batch.files.append((where, (stat.st_size, stat.st_mtime_ns), problems))
        batch.keep_problems = resumed
        if end is not None and end.clean:
            state = {**dataclasses.asdict(end), "file": [stat.st_size, stat.st_mtime_ns]}
            batch.meta[JSONL_END] = json.dumps(state)
        self._commit(ix, store, batch, hashes, report)
        report.problems = store.problems()
        report.appended_only = resumed
        ticker.finish(done)
        return report

    def _commit(
        self,
        ix: whoosh_index.Index,
        store: Store,
        batch: _Batch,
        hashes: dict[str, str],
        report: UpdateReport,
    ) -> None:
        """Commit one batch: Whoosh first, then SQLite (see the module notes)."""
        incoming = {a.id for a in batch.articles}
        removed = [
            aid for aid in dict.fromkeys(batch.removed) if aid not in incoming and aid in hashes
        ]
        articles = [a for a in batch.articles if hashes.get(a.id) != a.content_hash]
        extracted = [(a, self.matcher.find(a.title, a.body, a.published)) for a in articles]
        if articles or removed:
            fresh = not removed and all(a.id not in hashes for a in articles)
            bulk = fresh and len(articles) >= BULK_MINIMUM
            writer = _writer(ix, self.procs if bulk else 1)
            try:
                for aid in removed:
                    writer.delete_by_term("id", aid)
                for article, mentions in extracted:
                    fields = document(article, {m.entity_id for m in mentions})
                    if fresh:
                        writer.add_document(**fields)
                    else:
                        writer.update_document(**fields)
                writer.commit(mergetype=_merge_policy)
            except BaseException:
                writer.cancel()
                raise
        files = _whoosh_files(ix) if articles or removed else None
        with store.transaction() as db:
            if files is not None:
                Store.set_meta(db, "whoosh_files", json.dumps(files))
            for aid in removed:
                Store.delete_article(db, aid)
            Store.put_articles(db, extracted, batch.raw_hashes)
            Store.set_origins(db, batch.origins)
            for path, (size, mtime_ns), problems in batch.files:
                Store.put_file(db, path, size, mtime_ns)
                Store.put_problems(db, path, problems, replace=not batch.keep_problems)
            for path in batch.forgotten:
                Store.forget_file(db, path)
            for key, value in batch.meta.items():
                Store.set_meta(db, key, value)
        if files is not None:
            _recorded(ix, files)
        for article in articles:
            if article.id in hashes:
                report.changed += 1
            else:
                report.added += 1
            hashes[article.id] = article.content_hash
        for aid in removed:
            hashes.pop(aid, None)
        report.removed += len(removed)


@dataclass(slots=True)
class _Batch:
    """What one commit writes: articles, removals, and the files read with their problems."""

    articles: list[Article] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    files: list[tuple[str, tuple[int, int], list[Problem]]] = field(default_factory=list)
    forgotten: list[str] = field(default_factory=list)
    raw_hashes: dict[str, str] = field(default_factory=dict)
    origins: dict[str, str] = field(default_factory=dict)  # id to where its line now is
    keep_problems: bool = False  # add the files' problems to those recorded, not replace them
    meta: dict[str, str] = field(default_factory=dict)


class _Ticker:
    """Reports progress every PROGRESS_EVERY articles, so a bar moves smoothly."""

    def __init__(self, progress: ProgressCallback | None) -> None:
        self.progress = progress
        self.started = time.monotonic()

    def tick(self, done: int, total: int | None) -> None:
        if self.progress is not None and done % PROGRESS_EVERY == 0:
            self.progress(BuildProgress("indexing", done, total, self.started))

    def finish(self, done: int) -> None:
        if self.progress is not None:
            self.progress(BuildProgress("done", done, done, self.started))


class _KeepingStorage(FileStorage):
    """Whoosh's file storage, except that the files the store names are never deleted.

    A Whoosh commit deletes the files its new table of contents no longer uses, the old table of
    contents among them, while the store still names them until its own commit that follows. A
    build killed in between would leave a store naming missing files, taken for damage: the
    whole index would be rebuilt. Kept, they go once the store names the new files
    (`_recorded`).
    """

    def __init__(self, folder: str, keep: Iterable[str]) -> None:
        super().__init__(folder)
        self.keep = frozenset(keep)

    def delete_file(self, name: str) -> None:
        if name not in self.keep:
            super().delete_file(name)


def _recorded(ix: whoosh_index.Index, files: dict[str, int]) -> None:
    """The store now names `files`: delete the index files only the store kept alive."""
    storage = ix.storage
    if isinstance(storage, _KeepingStorage):
        storage.keep = frozenset(files)
        toc = ix._read_toc()  # Whoosh keeps the table of contents private
        whoosh_index.clean_files(storage, ix.indexname, toc.generation, toc.segments)


def _writer(ix: whoosh_index.Index, procs: int) -> IndexWriter:
    try:
        if procs > 1:
            return ix.writer(procs=procs, multisegment=True, limitmb=256, timeout=WRITER_TIMEOUT)
        return ix.writer(limitmb=128, timeout=WRITER_TIMEOUT)
    except LockError:
        raise IndexBusy("the search index is locked by another writer") from None


def _whoosh_files(ix: whoosh_index.Index) -> dict[str, int]:
    """The sizes of the files the index's current table of contents uses."""
    folder = Path(ix.storage.folder)
    toc = ix._read_toc()  # Whoosh keeps the table of contents private
    prefixes = tuple(f"{segment.segment_id()}." for segment in toc.segments)
    toc_name = f"_{ix.indexname}_{toc.generation}.toc"
    return {
        entry.name: entry.stat().st_size
        for entry in os.scandir(folder)
        if entry.name == toc_name or entry.name.startswith(prefixes)
    }


def _merge_policy(writer: IndexWriter, segments: list[Any]) -> list[Any]:
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


def _doc_count(ix: whoosh_index.Index) -> int:
    """How many documents (not deleted) the index has, from its table of contents alone."""
    # Whoosh keeps the table of contents private; its segments record their deletions.
    return sum(segment.doc_count() for segment in ix._read_toc().segments)


def _count_lines(path: Path) -> int:
    return sum(1 for entry in iter_jsonl_lines(path) if not isinstance(entry, Problem))
