"""Generations of an index and the one record that says whether a generation can be used.

Layout of one corpus's index folder:

    <root>/current        the name of the generation readers use (replaced atomically)
    <root>/next           a generation being rebuilt while `current` stays readable
    <root>/g-<stamp>/     a generation: `whoosh/` (the inverted index), `store.sqlite`, and
                          `sealed` (the store's size and time when its last update finished)

No Whoosh here: the app lists the newest articles from a generation's store while Whoosh is
still being imported (`index/peek.py`), with the same checks as the engine.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from index.store import SCHEMA_VERSION, Store

if TYPE_CHECKING:  # at run time it would import PyYAML, which peek must not wait for
    from corpus import Gazetteer

__all__ = [
    "ANALYSIS_VERSION",
    "Generation",
    "GenerationMeta",
    "fingerprint_of",
    "gazetteer_fingerprint",
]

# Bump when the schema or the analysis changes: an index built otherwise is rebuilt.
# 4: the word pairs of titles and bodies (`index/pairs.py`), which phrase searches read.
ANALYSIS_VERSION = "4"
# SQLite's own check of a store reads all of it: done when the store is small enough for that
# to cost a few milliseconds; a larger store is checked by its recorded size and time.
QUICK_CHECK_BYTES = 8 * 1024 * 1024
SEAL = "sealed"


def fingerprint_of(gazetteer_bytes: bytes) -> str:
    """Changes whenever the gazetteer file, the store's schema or the analysis changes."""
    digest = hashlib.blake2b(digest_size=12)
    digest.update(f"{SCHEMA_VERSION}/{ANALYSIS_VERSION}\n".encode())
    digest.update(gazetteer_bytes)
    return digest.hexdigest()


def gazetteer_fingerprint(gazetteer: Gazetteer) -> str:
    """The fingerprint of the gazetteer an index was built with: its file and every overlay
    layered over it (`corpus.layers`), so that an index records the overlays it applied."""
    layers = b"".join(data for _, data in gazetteer.layer_data)
    try:
        return fingerprint_of(Path(gazetteer.path).read_bytes() + layers)
    except OSError:
        return fingerprint_of(repr([e.id for e in gazetteer.entities]).encode() + layers)


@dataclass(frozen=True, slots=True)
class GenerationMeta:
    """What a generation's store records about it: one typed record, read in one place."""

    schema_version: str | None
    fingerprint: str | None
    complete: bool  # its last update finished (a build stopped part-way resumes)
    # Each Whoosh file its last commit left: name to (size, modification time in ns; None in
    # an index written before times were recorded).
    whoosh_files: tuple[tuple[str, int, int | None], ...]

    @classmethod
    def read(cls, store: Store) -> GenerationMeta:
        """The record as `store` holds it; raises sqlite3.Error or ValueError if unreadable."""
        rows = dict(store.db.execute("SELECT key, value FROM meta"))
        files = json.loads(rows.get("whoosh_files") or "{}")
        if not isinstance(files, dict):
            raise ValueError("the record of the index files is not a mapping")
        entries = []
        for name, value in files.items():
            size, mtime = (value, None) if isinstance(value, int) else value
            if not isinstance(size, int) or not (mtime is None or isinstance(mtime, int)):
                raise ValueError(f"the record of the index file {name} is not sizes and times")
            entries.append((str(name), size, mtime))
        return cls(
            rows.get("schema_version"),
            rows.get("fingerprint"),
            rows.get("complete") == "1",
            tuple(entries),
        )

    def compatible(self, fingerprint: str) -> bool:
        """Built by this version of afreader with this gazetteer (whole or not)."""
        return self.schema_version == SCHEMA_VERSION and self.fingerprint == fingerprint

    def is_usable(self, fingerprint: str) -> bool:
        """Whole and compatible: readers may trust it as it is."""
        return self.complete and self.compatible(fingerprint)

    @staticmethod
    def files_record(files: dict[str, tuple[int, int]]) -> str:
        """The meta value that records a commit's Whoosh files."""
        return json.dumps({name: list(stat) for name, stat in files.items()})


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
        """True when both parts are there (no check that they are whole)."""
        try:
            return self.store_path.is_file() and self.whoosh_dir.is_dir()
        except OSError:
            return False

    def meta(self) -> GenerationMeta | None:
        """The generation's record, or None when its store cannot be read."""
        try:
            store = Store(self.store_path)
            try:
                return GenerationMeta.read(store)
            finally:
                store.close()
        except (sqlite3.Error, OSError, ValueError, TypeError):
            return None

    # --- the seal: the store's size and time when its last update finished ------------------

    @property
    def seal_path(self) -> Path:
        """The file holding the seal."""
        return self.path / SEAL

    def seal(self) -> None:
        """Record the store as its finished update left it (written after the store closed)."""
        stat = self.store_path.stat()
        temporary = self.path / f".{SEAL}.tmp"
        temporary.write_text(json.dumps([stat.st_size, stat.st_mtime_ns]), encoding="utf-8")
        os.replace(temporary, self.seal_path)

    def unseal(self) -> None:
        """Forget the seal before the store is written again (a kill then leaves none)."""
        self.seal_path.unlink(missing_ok=True)

    def sealed(self) -> bool | None:
        """True when the store is as sealed; None when there is no seal; False otherwise."""
        try:
            text = self.seal_path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError):
            return False
        try:
            size, mtime = json.loads(text)
            stat = self.store_path.stat()
        except (ValueError, TypeError, OSError):
            return False
        return (stat.st_size, stat.st_mtime_ns) == (size, mtime)

    # --- damage -------------------------------------------------------------------------------

    def damage(self, meta: GenerationMeta | None = None) -> str | None:
        """Why this generation is not as its last commit left it, if it is not.

        Reads sizes and times only (recorded in the store with every commit, and in the seal
        for the store), plus SQLite's own check of a small store: a truncated, deleted,
        replaced or rewritten file is found without reading the index.
        """
        meta = meta or self.meta()
        if meta is None:
            return "its store cannot be read"
        for name, size, mtime in meta.whoosh_files:
            try:
                stat = (self.whoosh_dir / name).stat()
            except OSError:
                return f"the index file {name} is missing"
            if stat.st_size != size:
                return (
                    f"the index file {name} has {stat.st_size:,} bytes where {size:,} were written"
                )
            if mtime is not None and stat.st_mtime_ns != mtime:
                return f"the index file {name} was changed after it was written"
        if meta.complete:
            if self.sealed() is False:
                return "its store was changed after its last update"
            if (problem := self.check_store()) is not None:
                return problem
        return None

    def check_store(self) -> str | None:
        """SQLite's quick check of a small store; what is wrong, or None."""
        try:
            if self.store_path.stat().st_size > QUICK_CHECK_BYTES:
                return None
            store = Store(self.store_path)
            try:
                rows = [row[0] for row in store.db.execute("PRAGMA quick_check")]
            finally:
                store.close()
        except (sqlite3.Error, OSError) as error:
            return f"its store cannot be read ({error})"
        if rows != ["ok"]:
            return f"its store is damaged ({'; '.join(map(str, rows[:3]))})"
        return None
