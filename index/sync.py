"""Reading a corpus for an update: what changed in a folder, what was appended to a file.

Only what changed since the last update is read: a folder's files whose size or time changed,
a JSON Lines file's lines not seen before (or only what was appended to it). What was read
goes to the index a batch at a time (`Indexer._commit`, in `index.build`).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import index as whoosh_index

from corpus import Article, Problem
from corpus.loader import (
    ARTICLE_SUFFIXES,
    JsonlEnd,
    JsonlLines,
    iter_jsonl_lines,
    read_article_file,
    read_record,
    scan_folder,
)
from index.report import Ticker, UpdateReport
from index.store import Store

__all__ = ["JSONL_END", "Batch", "CorpusSync"]

# Meta key: where the last complete read of a JSON Lines corpus ended (see `_jsonl_end`).
JSONL_END = "jsonl_end"


@dataclass(slots=True)
class Batch:
    """What one commit writes: articles, removals, and the files read with their problems."""

    articles: list[Article] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    files: list[tuple[str, tuple[int, int], list[Problem]]] = field(default_factory=list)
    forgotten: list[str] = field(default_factory=list)
    raw_hashes: dict[str, str] = field(default_factory=dict)
    origins: dict[str, str] = field(default_factory=dict)  # id to where its line now is
    keep_problems: bool = False  # add the files' problems to those recorded, not replace them
    meta: dict[str, str] = field(default_factory=dict)


class CorpusSync:
    """The reading half of `index.build.Indexer`: finds what changed and hands it over in
    batches to `_commit`."""

    corpus: Path
    kind: str
    _scanned: dict[str, Problem]
    _ticker: Ticker

    def batch_limit(self, total: int | None) -> int:
        """Articles per commit, for an update of `total` articles (None: not known)."""
        raise NotImplementedError

    def _commit(
        self,
        ix: whoosh_index.Index,
        store: Store,
        batch: Batch,
        hashes: dict[str, str],
        report: UpdateReport,
    ) -> None:
        raise NotImplementedError

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

    def _sync_folder(self, ix: whoosh_index.Index, store: Store) -> UpdateReport:
        """Re-read only the files whose size or time changed; forget the ones that vanished."""
        report = UpdateReport()
        ticker = self._ticker
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
        batch = Batch(removed=[aid for path in vanished for aid in by_origin.get(path, [])])
        batch.forgotten = vanished
        limit = self.batch_limit(len(changed))
        for done, path in enumerate(changed, start=1):
            batch.removed += by_origin.get(path, [])
            problems: list[Problem] = []
            item = self._read_file(Path(path))
            queued = len(batch.articles)
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
            ticker.step(done, len(changed), queued=len(batch.articles) > queued)
            if len(batch.articles) >= limit:
                self._commit(ix, store, batch, hashes, report)
                batch = Batch()
        self._commit(ix, store, batch, hashes, report)
        report.problems = store.problems()
        ticker.finish()
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
        ticker = self._ticker
        problems: list[Problem] = []
        batch = Batch()
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
            limit = self.batch_limit(total)
            for entry in lines:
                if isinstance(entry, Problem):
                    problems.append(entry)
                    continue
                number, raw = entry
                done += 1
                digest = hashlib.blake2b(raw, digest_size=16).hexdigest()
                known = seen_lines.get(digest)
                if known is not None and known[0] not in seen:
                    seen.add(known[0])  # the very line indexed before: nothing to index
                    if known[1] != (origin := f"{where}:{number}"):
                        batch.origins[known[0]] = origin  # lines before it came or went
                    ticker.step(done, total)
                    continue
                item = read_record(raw, where, number)
                if isinstance(item, Problem):
                    problems.append(item)
                    ticker.step(done, total)
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
                    ticker.step(done, total)
                    continue
                seen.add(item.id)
                batch.articles.append(item)
                ticker.step(done, total, queued=True)
                problems.extend(item.warnings)
                if not item.warnings:
                    # A line skipped as already indexed is not parsed again, so its warnings
                    # would be lost when this file's problems are rewritten: keep parsing such
                    # lines.
                    batch.raw_hashes[item.id] = digest
                if len(batch.articles) >= limit:
                    self._commit(ix, store, batch, hashes, report)
                    batch = Batch()
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
        ticker.finish()
        return report


def _count_lines(path: Path) -> int:
    return sum(1 for entry in iter_jsonl_lines(path) if not isinstance(entry, Problem))
