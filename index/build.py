"""Build the index of a corpus and keep it current, safely.

The layout of an index folder and the record that says whether a generation can be used are
in `index.generation`; reading what changed in the corpus is in `index.sync`; Whoosh's writers
and files in `index.segments`.

Crash safety: every batch is committed to Whoosh (whose table of contents is replaced
atomically) and then to SQLite (one transaction). The SQLite manifest of content hashes is the
truth about what is indexed, so a build killed at any moment leaves a consistent state: the next
update indexes exactly what is missing (a first build resumes instead of restarting), and a
rebuild only replaces `current` once it has finished. A full disk is different: what this
update created is removed, so the disk is left as it was found.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from whoosh import index as whoosh_index

from corpus import Gazetteer, Problem, corpus_kind
from index import precomputed
from index.gazcache import make_cache_folder
from index.generation import Generation, GenerationMeta, gazetteer_fingerprint
from index.lexicon import FUZZY_FIELDS, Lexicons, words_folder
from index.locks import ProcessLock, describe_holder
from index.mentions import EntityMatcher, curated
from index.pairs import corpus_common_words
from index.paths import pointed_generation
from index.report import (
    BuildCancelled,
    BuildProgress,
    IndexBusy,
    ProgressCallback,
    Ticker,
    UpdateReport,
)
from index.schema import document, make_schema
from index.segments import (
    KeepingStorage,
    abandon,
    doc_count,
    merge_policy,
    recorded,
    whoosh_files,
    writer,
)
from index.store import Store
from index.sync import JSONL_END, Batch, CorpusSync

__all__ = [
    "BuildCancelled",
    "BuildProgress",
    "Generation",
    "IndexBusy",
    "Indexer",
    "ProgressCallback",
    "UpdateReport",
    "gazetteer_fingerprint",
]

BATCH_SIZE = 5000
# A build of many articles commits in about BULK_BATCHES batches of at most MAX_BATCH (fewer
# commits: fewer waits for Whoosh's writer processes, and a dozen segments, which the tiered
# merge policy of `index.segments` leaves unmerged); a killed build loses one batch at most.
BULK_BATCHES = 6
MAX_BATCH = 30000
# A batch at least this large of new articles uses Whoosh's multi-process writer.
BULK_MINIMUM = 1000
UPDATE_LOCK = "update.lock"
# What a full disk (or quota) looks like to the system and to SQLite.
_FULL = (errno.ENOSPC, errno.EDQUOT)


def disk_full(error: BaseException) -> bool:
    """Is this the error of a disk (or quota) that is full?"""
    if isinstance(error, OSError):
        return error.errno in _FULL or "No space left" in str(error)
    if isinstance(error, sqlite3.Error):
        return "disk is full" in str(error) or getattr(error, "sqlite_errorcode", 0) == 13
    return False


class Indexer(CorpusSync):
    """Brings the index of one corpus up to date."""

    def __init__(
        self,
        corpus: Path,
        root: Path,
        gazetteer: Gazetteer,
        matcher: EntityMatcher | None = None,
        procs: int = 1,
        batch_size: int | None = None,
    ) -> None:
        self.corpus = corpus
        self.kind = corpus_kind(corpus)
        self.root = root
        self.gazetteer = gazetteer
        self._matcher = matcher
        self.procs = procs
        self.batch_size = batch_size  # articles per commit; None: `batch_limit` chooses
        self.fingerprint = gazetteer_fingerprint(gazetteer)
        self._scanned: dict[str, Problem] = {}
        self._ticker = Ticker(None)

    @property
    def matcher(self) -> EntityMatcher:
        """Built on first use: a fresh index never needs it."""
        if self._matcher is None:
            self._matcher = EntityMatcher(self.gazetteer)
        return self._matcher

    def batch_limit(self, total: int | None) -> int:
        """Articles per commit: the size set, else BATCH_SIZE, or for a build of `total`
        articles about BULK_BATCHES commits of at most MAX_BATCH."""
        if self.batch_size is not None:
            return self.batch_size
        if total is None:
            return BATCH_SIZE
        return max(BATCH_SIZE, min(MAX_BATCH, -(-total // BULK_BATCHES)))

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
        _clear_way(self.root / name)
        os.replace(temporary, self.root / name)

    def _unpoint(self, name: str, generation: Generation) -> None:
        if pointed_generation(self.root, name) == generation.path:
            (self.root / name).unlink(missing_ok=True)

    def pointed_at(self) -> Path | None:
        """The folder `current` names (one small read; no check that it is usable)."""
        return pointed_generation(self.root, "current")

    def current(self) -> Generation | None:
        """The generation readers should open, if any is compatible (whole or not)."""
        generation = self._pointer("current")
        if generation is None:
            return None
        return generation if self._compatible(generation) else None

    def complete(self) -> bool:
        """Is the current generation whole (not a first build still under way)?"""
        generation = self.current()
        meta = generation.meta() if generation is not None else None
        return meta is not None and meta.complete

    def _compatible(self, generation: Generation) -> bool:
        meta = generation.meta()
        return meta is not None and meta.compatible(self.fingerprint)

    def damage(self, generation: Generation) -> str | None:
        """Why a generation is not as its last commit left it, if it is not (sizes and times,
        and SQLite's check of a small store; see `Generation.damage`)."""
        return generation.damage()

    def _create(self) -> Generation:
        self.root.mkdir(parents=True, exist_ok=True)
        generation = Generation(self.root / f"g-{time.time_ns():x}")
        generation.whoosh_dir.mkdir(parents=True)
        # which word pairs phrases are found by: the corpus's common words (index/pairs.py)
        schema = make_schema(corpus_common_words(self.corpus))
        whoosh_index.create_in(str(generation.whoosh_dir), schema)
        store = Store(generation.store_path, create=True)
        try:
            with store.transaction() as db:
                Store.set_meta(db, "fingerprint", self.fingerprint)
                Store.set_meta(db, "complete", "0")
                Store.set_meta(db, "corpus", str(self.corpus))
        finally:
            store.close()
        return generation

    def _remove_stale(self, keep: set[Path]) -> None:
        """Remove every generation but `keep`: called with the update lock held, when only
        `current` (and a rebuild's `next`) can be in use. A reader that still has an older
        generation's files open keeps reading them (deleted files stay readable) and moves to
        `current` at its next search."""
        for child in self.root.glob("g-*"):
            if child not in keep:
                shutil.rmtree(child, ignore_errors=True)

    # --- freshness ------------------------------------------------------------------------

    def is_fresh(self) -> bool:
        """Cheap start-up check: a complete, compatible, undamaged index of the corpus as it
        is now. Reads file sizes and times only, never the articles."""
        generation = self._pointer("current")
        if generation is None:
            return False
        meta = generation.meta()
        if meta is None or not meta.is_usable(self.fingerprint):
            return False
        if generation.sealed() is None or generation.damage(meta) is not None:
            return False
        store = Store(generation.store_path)
        try:
            return store.files() == self._stat_files()
        except sqlite3.Error:
            return False
        finally:
            store.close()

    # --- updating -------------------------------------------------------------------------

    def update(
        self,
        progress: ProgressCallback | None = None,
        rebuild: bool = False,
        cancelled: Callable[[], bool] | None = None,
    ) -> UpdateReport:
        """Make the index match the corpus: build, resume, or re-index only what changed.

        Raises IndexBusy when another process holds the update lock, BuildCancelled when
        `cancelled` returns true (what was committed stays).
        """
        started = time.monotonic()
        self.root.mkdir(parents=True, exist_ok=True)
        lock = ProcessLock(self.root / UPDATE_LOCK)
        if not lock.acquire(blocking=False):
            holder = describe_holder(self.root / UPDATE_LOCK)
            who = f" (pid {holder[0]})" if holder is not None and holder[1] else ""
            raise IndexBusy(f"another afreader process{who} is updating the index in {self.root}")
        try:
            self._ticker = Ticker(progress, cancelled)
            report = self._update_locked(rebuild)
            self._prepare_words()
        finally:
            self._ticker = Ticker(None)
            lock.release()
        if lock.stale is not None:
            report.notices.append(
                f"an earlier update (pid {lock.stale}) was stopped before it finished; "
                "what it had indexed was kept"
            )
        report.seconds = time.monotonic() - started
        return report

    def _prepare_words(self) -> None:
        """Write the word lists fuzzy words are compared with (`index.lexicon`) for the
        segments the update made, so that the first fuzzy search need not read them."""
        generation = self.current()
        if generation is None:
            return
        make_cache_folder(self.root.parent)
        lexicons = Lexicons(words_folder(generation.path))
        try:
            ix = whoosh_index.open_dir(str(generation.whoosh_dir))
            try:
                lexicons.prepare(ix, FUZZY_FIELDS)
            finally:
                ix.close()
        except (OSError, ValueError, whoosh_index.IndexError):
            pass  # the first fuzzy search reads them instead

    def _update_locked(self, rebuild: bool) -> UpdateReport:
        pointed = self._pointer("current")
        if pointed is not None and not rebuild:
            from index.curate import recover

            # A curation a kill interrupted is finished or rolled back first; a generation
            # that cannot be read is found and repaired below.
            with contextlib.suppress(Exception):
                recover(pointed, self.gazetteer)
        current = self.current()
        repaired = None
        if current is None and (self.root / "current").exists():
            repaired = "the index was built by another version of afreader or is unreadable"
        elif current is not None and (reason := self.damage(current)) is not None:
            repaired, current = f"the index was damaged: {reason}", None
        # A rebuild that was stopped is resumed, by a rebuild or when `current` is unusable.
        pending = self._pointer("next")
        if pending is not None and (not self._compatible(pending) or self.damage(pending)):
            pending = None
        # Nothing but `current` and `next` is in use: what a killed rebuild left goes now.
        self._remove_stale({g.path for g in (current, pending, self._pointer("next")) if g})
        if current is not None and not rebuild:
            report = self._sync(current)
            self._remove_stale({current.path} | ({pending.path} if pending else set()))
            return report
        target = pending
        if target is None:
            self._remove_stale({current.path} if current else set())
            target = self._create()
        created = target is not pending
        pointer = "current" if current is None else "next"
        try:
            self._point(pointer, target)
            report = self._sync(target)
        except BaseException as error:
            if created and disk_full(error):
                # Nothing a later run could trust or resume: leave the disk as it was found.
                self._unpoint(pointer, target)
                shutil.rmtree(target.path, ignore_errors=True)
            raise
        report.rebuilt = True
        report.repaired = repaired
        self._point("current", target)
        (self.root / "next").unlink(missing_ok=True)
        self._remove_stale({target.path})
        return report

    def _sync(self, generation: Generation) -> UpdateReport:
        generation.unseal()  # a kill from here on leaves no seal: the next run resumes
        store = Store(generation.store_path)
        try:
            meta = GenerationMeta.read(store)
            ix = KeepingStorage(
                str(generation.whoosh_dir), [name for name, _, _ in meta.whoosh_files]
            ).open_index()
            try:
                after = self._jsonl_end(store) if self.kind == "jsonl" else None
                with store.transaction() as db:
                    Store.set_meta(db, "complete", "0")
                    # Until this update finishes, the store may hold more than that read found.
                    Store.delete_meta(db, JSONL_END)
                self._drop_orphans(ix, store)
                if self.kind == "jsonl":
                    report = self._sync_jsonl(ix, store, after)
                else:
                    report = self._sync_folder(ix, store)
                with store.transaction() as db:
                    precomputed.repair(db)  # what the overview reads, where it is missing
                    Store.set_meta(db, "complete", "1")
            finally:
                ix.close()
        finally:
            store.close()
        generation.seal()
        return report

    @staticmethod
    def _drop_orphans(ix: whoosh_index.Index, store: Store) -> None:
        """Delete Whoosh documents the store does not know.

        A build killed between a batch's Whoosh commit and its SQLite commit leaves them; the
        resumed build adds those articles again, and each would then be found twice.
        """
        if doc_count(ix) == store.count():
            return
        with ix.searcher() as searcher:
            known = store.hashes()
            orphans = {
                fields["id"] for fields in searcher.all_stored_fields() if fields["id"] not in known
            }
        if orphans:
            deleting = writer(ix, 1)
            for article_id in orphans:
                deleting.delete_by_term("id", article_id)
            deleting.commit(mergetype=merge_policy)
            files = whoosh_files(ix)
            with store.transaction() as db:
                Store.set_meta(db, "whoosh_files", GenerationMeta.files_record(files))
            recorded(ix, files)

    def _commit(
        self,
        ix: whoosh_index.Index,
        store: Store,
        batch: Batch,
        hashes: dict[str, str],
        report: UpdateReport,
    ) -> None:
        """Commit one batch: Whoosh first, then SQLite (see the module notes)."""
        ticker = self._ticker
        ticker.check()
        incoming = {a.id for a in batch.articles}
        removed = [
            aid for aid in dict.fromkeys(batch.removed) if aid not in incoming and aid in hashes
        ]
        articles = [a for a in batch.articles if hashes.get(a.id) != a.content_hash]
        ticker.pending = len(articles)  # the unchanged ones are done
        files = None
        # The store's rows are written as the articles go to Whoosh's writer processes (the
        # work overlaps theirs, and nothing piles up in memory), in one transaction that is
        # committed only after Whoosh's commit: a kill before it leaves neither or Whoosh's
        # alone, whose extra documents the next update drops (`_drop_orphans`).
        with _batch_transaction(store) as db:
            for aid in removed:
                Store.delete_article(db, aid)
            Store.set_origins(db, batch.origins)
            for path, (size, mtime_ns), problems in batch.files:
                Store.put_file(db, path, size, mtime_ns)
                Store.put_problems(db, path, problems, replace=not batch.keep_problems)
            for path in batch.forgotten:
                Store.forget_file(db, path)
            for key, value in batch.meta.items():
                Store.set_meta(db, key, value)
            if articles or removed:
                fresh = not removed and all(a.id not in hashes for a in articles)
                bulk = fresh and len(articles) >= BULK_MINIMUM
                adding = writer(ix, self.procs if bulk else 1)
                try:
                    for aid in removed:
                        adding.delete_by_term("id", aid)
                    for article in articles:
                        found = self.matcher.find(article.title, article.body, article.published)
                        mentions = curated(self.gazetteer, article.id, found)
                        Store.put_articles(db, [(article, mentions)], batch.raw_hashes)
                        fields = document(article, {m.entity_id for m in mentions})
                        if fresh:
                            adding.add_document(**fields)
                        else:
                            adding.update_document(**fields)
                        ticker.written()
                    adding.commit(mergetype=merge_policy)
                except BaseException:
                    abandon(adding)
                    raise
                files = whoosh_files(ix)
                Store.set_meta(db, "whoosh_files", GenerationMeta.files_record(files))
        ticker.pending = 0
        if files is not None:
            recorded(ix, files)
        for article in articles:
            if article.id in hashes:
                report.changed += 1
            else:
                report.added += 1
            hashes[article.id] = article.content_hash
        for aid in removed:
            hashes.pop(aid, None)
        report.removed += len(removed)


@contextlib.contextmanager
def _batch_transaction(store: Store) -> Iterator[sqlite3.Connection]:
    """A batch's transaction (`Store.transaction`), except that a failure SQLite has already
    rolled back (a full disk met while the batch's rows were being written) is raised as it
    is, not hidden by a rollback that finds no transaction."""
    db = store.db
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def _clear_way(path: Path) -> None:
    """A folder (or anything but a file) where a pointer file belongs is damage: removed."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
