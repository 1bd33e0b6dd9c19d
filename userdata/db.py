"""The user database: one SQLite file in the user data folder, apart from every index.

    <data dir>/afreader.sqlite

One file, so that backing up everything a person kept is copying one file (while afreader is
closed, or with `sqlite3 afreader.sqlite ".backup copy.sqlite"` while it runs).

- WAL mode, `synchronous=NORMAL`: a process killed at any moment loses at most the write in
  flight (a committed write is in the log before `COMMIT` returns), and readers never wait.
- `foreign_keys=ON`, and a `busy_timeout` plus retries: two afreader processes writing at once
  both succeed.
- Every write is one transaction (`UserDB.write`): all of it lands, or none of it.
- The schema has a version (`PRAGMA user_version`) and forward migrations (`userdata.schema`).
- A file that cannot be opened never stops the reader: `open_userdb` always returns a database.
  A damaged file is renamed aside (kept, never deleted) and a new one started; a file that
  cannot be written (read-only, a full disk, a folder that cannot be made) is opened read-only,
  or, if it cannot be read either, an empty database in memory stands in. `UserDB.notice`
  says which, and a write then raises `UserDataError` with a message for the person.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from corpus.quoting import shown_path
from userdata.paths import data_dir
from userdata.schema import MIGRATIONS, SCHEMA_VERSION

__all__ = ["DB_NAME", "UserDB", "UserDataError", "now", "open_userdb"]

DB_NAME = "afreader.sqlite"
BUSY_TIMEOUT_MS = 5000
# Beyond the busy timeout, a write that still finds the database locked tries again this often.
RETRIES = 5

_CORRUPT = (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)
_BUSY = (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)

T = TypeVar("T")


class UserDataError(Exception):
    """A person's data could not be read or written: the message says what and why."""


def now() -> str:
    """The time of an action, as stored: ISO 8601 in UTC, to the second."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def _code(error: sqlite3.Error) -> int:
    return (getattr(error, "sqlite_errorcode", 0) or 0) & 0xFF


def _reason(error: sqlite3.Error) -> str:
    code = _code(error)
    if code == sqlite3.SQLITE_FULL:
        return "the disk is full"
    if code == sqlite3.SQLITE_READONLY:
        return "it is read-only"
    if code in _BUSY:
        return "another afreader kept it locked"
    return str(error)


class UserDB:
    """One open user database, shared by the threads of one process (a lock serialises them)."""

    def __init__(
        self,
        connection: sqlite3.Connection,
        path: Path | None,
        readonly: bool = False,
        notice: str | None = None,
    ) -> None:
        self._db = connection
        self.path = path
        self.readonly = readonly
        self.notice = notice  # what went wrong opening it, for the person; None when all is well
        self._lock = threading.RLock()

    @property
    def where(self) -> str:
        """The file, as messages show it."""
        return shown_path(self.path) if self.path is not None else "memory"

    def read(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        """Rows of one query (a damaged page read later is a UserDataError, not a traceback)."""
        with self._lock:
            try:
                return self._db.execute(sql, params).fetchall()
            except sqlite3.DatabaseError as error:
                raise UserDataError(f"cannot read {self.where}: {_reason(error)}") from None

    @contextmanager
    def reading(self, sql: str, params: Sequence[Any] = ()) -> Iterator[Iterator[sqlite3.Row]]:
        """Rows one at a time (an export of many): the lock is held until the block ends."""
        with self._lock:
            try:
                yield iter(self._db.execute(sql, params))
            except sqlite3.DatabaseError as error:
                raise UserDataError(f"cannot read {self.where}: {_reason(error)}") from None

    def write(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """Run `work` in one transaction: all of it lands, or none of it. A database locked by
        another process is waited for (`busy_timeout`) and tried again; a write that cannot be
        made raises UserDataError saying why."""
        if self.readonly:
            raise UserDataError(f"not saved: {self.notice or f'{self.where} is read-only'}")
        with self._lock:
            for attempt in range(RETRIES + 1):
                try:
                    self._db.execute("BEGIN IMMEDIATE")
                except sqlite3.OperationalError as error:
                    if _code(error) in _BUSY and attempt < RETRIES:
                        time.sleep(0.05 * (attempt + 1))
                        continue
                    raise UserDataError(
                        f"not saved: cannot write {self.where}: {_reason(error)}"
                    ) from None
                try:
                    result = work(self._db)
                    self._db.execute("COMMIT")
                    return result
                except sqlite3.Error as error:
                    self._rollback()
                    if _code(error) in _BUSY and attempt < RETRIES:
                        time.sleep(0.05 * (attempt + 1))
                        continue
                    raise UserDataError(
                        f"not saved: cannot write {self.where}: {_reason(error)}"
                    ) from None
                except BaseException:
                    self._rollback()
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def _rollback(self) -> None:
        if self._db.in_transaction:
            with suppress(sqlite3.Error):  # SQLite may have rolled back already
                self._db.execute("ROLLBACK")

    @property
    def version(self) -> int:
        """The schema version of the open file."""
        with self._lock:
            row = self._db.execute("PRAGMA user_version").fetchone()
        return int(row[0])

    def close(self) -> None:
        """Close the file (the WAL is checkpointed into it)."""
        with self._lock:
            self._db.close()


def _connect(target: str, uri: bool = False) -> sqlite3.Connection:
    connection = sqlite3.connect(
        target,
        timeout=BUSY_TIMEOUT_MS / 1000,
        isolation_level=None,
        uri=uri,
        check_same_thread=False,
    )
    connection.row_factory = sqlite3.Row
    connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    connection.execute("PRAGMA foreign_keys=ON")
    return connection


def migrate(connection: sqlite3.Connection, target: int = SCHEMA_VERSION) -> int:
    """Bring a database up to `target`, one migration per transaction; returns the version it
    had. Another process migrating at the same time is waited for, not repeated."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        version = int(connection.execute("PRAGMA user_version").fetchone()[0])
        for number in range(version, target):
            for statement in MIGRATIONS[number].split(";"):
                if statement.strip():
                    connection.execute(statement)
            connection.execute(f"PRAGMA user_version={number + 1}")
        connection.execute("COMMIT")
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise
    return version


def _open_file(path: Path) -> UserDB:
    connection = _connect(str(path))
    try:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        checked = connection.execute("PRAGMA quick_check").fetchone()[0]
        if checked != "ok":
            raise sqlite3.DatabaseError(f"damaged: {checked}")
        version = int(connection.execute("PRAGMA user_version").fetchone()[0])
        if version > SCHEMA_VERSION:
            connection.close()
            return _read_only(
                path,
                f"{shown_path(path)} was made by a newer afreader (schema {version}, this one"
                f" knows {SCHEMA_VERSION}): opened read-only, nothing is saved",
            )
        migrate(connection)
    except BaseException:
        connection.close()
        raise
    return UserDB(connection, path)


def _read_only(path: Path, notice: str) -> UserDB:
    """The file opened only to read it; if even that fails, an empty database in memory."""
    for query in ("mode=ro", "mode=ro&immutable=1"):
        try:
            connection = _connect(f"{path.resolve().as_uri()}?{query}", uri=True)
            version = int(connection.execute("PRAGMA user_version").fetchone()[0])
            connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
            if version == SCHEMA_VERSION:
                return UserDB(connection, path, readonly=True, notice=notice)
            connection.close()  # an older schema cannot be migrated read-only
        except (sqlite3.Error, OSError, ValueError):
            continue
    memory = _connect(":memory:")
    migrate(memory)
    return UserDB(memory, None, readonly=True, notice=notice + "; an empty one stands in")


def keep_aside(path: Path) -> Path:
    """Rename a damaged database (and its log) aside, never deleting it; returns the new name."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    aside = path.with_name(f"{path.name}.damaged-{stamp}")
    n = 1
    while aside.exists():
        n += 1
        aside = path.with_name(f"{path.name}.damaged-{stamp}-{n}")
    path.rename(aside)
    for suffix in ("-wal", "-shm"):
        extra = path.with_name(path.name + suffix)
        if extra.exists():
            extra.rename(aside.with_name(aside.name + suffix))
    return aside


def open_userdb(directory: Path | None = None) -> UserDB:
    """The user database in `directory` (default `data_dir()`), created or migrated as needed.

    Never raises for a file that cannot be used: see the module's docstring. `notice` on the
    result says what happened, for the person.
    """
    folder = directory if directory is not None else data_dir()
    path = folder / DB_NAME
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        reason = error.strerror or str(error)
        return _read_only(path, f"cannot make {shown_path(folder)} ({reason}): nothing is saved")
    try:
        return _open_file(path)
    except sqlite3.DatabaseError as error:
        code = _code(error)
        if code in _CORRUPT or not isinstance(error, sqlite3.OperationalError):
            try:
                aside = keep_aside(path)
            except OSError as failure:
                reason = failure.strerror or str(failure)
                return _read_only(
                    path, f"{shown_path(path)} is damaged and cannot be moved aside ({reason})"
                )
            fresh = _open_file(path)
            fresh.notice = (
                f"{shown_path(path)} was damaged ({error}): it is kept as"
                f" {shown_path(aside.name)} and a new one was started"
            )
            return fresh
        return _read_only(
            path, f"cannot write {shown_path(path)} ({_reason(error)}): nothing is saved"
        )
    except OSError as error:
        reason = error.strerror or str(error)
        return _read_only(path, f"cannot open {shown_path(path)} ({reason}): nothing is saved")
