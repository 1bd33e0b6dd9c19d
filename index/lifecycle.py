"""One index lifecycle: open an engine's index, building or updating it first when stale.

The app, the command line and `Engine.open` all call `open_index`; each only presents what it
returns. It decides, in one place:

- where the index can live (a cache folder that cannot be written falls back to a temporary
  one, said once in the notices);
- whether the index is fresh (file sizes and times only) or must be built, resumed or updated,
  in a separate process (`BuildProcess`, the default: Whoosh's multi-process writer forks,
  which a threaded app must not do) or in this one;
- what a failure means: no usable index at all is an `EngineError`; a failed update over an
  older complete index opens that one, with a warning; an index another process is updating
  opens as it is, with a notice; a cancelled build raises `BuildCancelled` (what was committed
  stays, and the next launch resumes);
- damage: an index that cannot be opened or read is said to be damaged and rebuilt, once.
"""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from index.build import Indexer, disk_full
from index.errors import EngineError, IndexDamaged
from index.paths import index_dir_for
from index.report import BuildCancelled, IndexBusy, ProgressCallback, UpdateReport

if TYPE_CHECKING:
    from index.engine import Engine

__all__ = ["BuildCancelled", "Opened", "is_fresh", "open_index", "prepare_root", "update_index"]

Cancelled = Callable[[], bool]


@dataclass(frozen=True)
class Opened:
    """What opening an index did, for the app or the command line to present."""

    report: UpdateReport | None  # None when the index was fresh and nothing was built
    notices: tuple[str, ...]  # say once: repairs, fallbacks to a temporary index, stale locks
    warning: str | None  # a build failed but an older complete index is open


def prepare_root(engine: Engine) -> str | None:
    """Make sure the engine's index folder can be written; if not, fall back to a temporary one.

    A read-only or unusable cache directory must not stop anyone reading: the index is then
    built in a temporary folder, and the notice returned says so. The temporary folder is the
    same for every run of the same user and corpus, so runs reuse it rather than each leaving
    a new one behind.
    """
    try:
        engine.root.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=engine.root):
            pass
    except OSError as error:
        unwritable = engine.root
        fallback = _temporary_root()
        engine.index_root = fallback
        engine.root = index_dir_for(engine.corpus, fallback)
        engine.indexer = Indexer(
            engine.corpus, engine.root, engine.gazetteer, procs=engine.indexer.procs
        )
        return (
            f"cannot write the index in {unwritable} ({error.strerror or error}); "
            f"using a temporary index in {fallback}"
        )
    return None


def _temporary_root() -> Path:
    """A folder of this user's under the system's temporary folder, made private."""
    import os

    folder = Path(tempfile.gettempdir()) / f"afreader-index-{os.getuid()}"
    folder.mkdir(mode=0o700, exist_ok=True)
    if folder.is_symlink() or folder.stat().st_uid != os.getuid():
        # Someone else's folder by that name: a fresh one of our own instead.
        return Path(tempfile.mkdtemp(prefix="afreader-index-"))
    return folder


def is_fresh(engine: Engine) -> bool:
    """The cheap start-up check: is the index there, whole and current?"""
    return engine.indexer.is_fresh()


def update_index(
    engine: Engine,
    progress: ProgressCallback | None = None,
    cancelled: Cancelled | None = None,
    rebuild: bool = False,
) -> UpdateReport:
    """Build, resume or refresh the index in this process; raises IndexBusy, BuildCancelled
    or EngineError (a disk that cannot be written, say)."""
    try:
        return engine.indexer.update(progress, rebuild=rebuild, cancelled=cancelled)
    except (IndexBusy, BuildCancelled):
        raise
    except OSError as error:
        raise EngineError(
            f"cannot write the index in {engine.root}: {error.strerror or error}"
        ) from None
    except sqlite3.Error as error:  # SQLite reports a failing disk as its own error
        raise EngineError(f"cannot write the index in {engine.root}: {_said(error)}") from None


def _said(error: sqlite3.Error) -> str:
    """SQLite's message, with a full disk said as the system says it."""
    return f"No space left on device ({error})" if disk_full(error) else str(error)


def _build(
    engine: Engine,
    progress: ProgressCallback | None,
    cancelled: Cancelled | None,
    rebuild: bool,
    subprocess: bool,
) -> UpdateReport:
    """One build or update, here or in a separate process; raises IndexBusy, BuildCancelled
    or EngineError."""
    if not subprocess:
        return update_index(engine, progress, cancelled, rebuild)
    from index.subprocess_build import BuildFailed, BuildProcess

    build = BuildProcess(
        engine.corpus,
        engine.index_root,
        procs=engine.indexer.procs,
        rebuild=rebuild,
        batch_size=engine.indexer.batch_size,
        layers=[Path(where) for where, _ in engine.gazetteer.layer_data],
        base=_base_of(engine),
    )
    try:
        return build.wait(progress, cancelled)
    except BuildFailed as error:
        if error.busy:
            raise IndexBusy(str(error)) from None
        raise EngineError(str(error)) from None
    finally:
        build.stop()


def _base_of(engine: Engine) -> Path | None:
    """The engine's gazetteer file when it is not the bundled one (the build process loads
    the same)."""
    from corpus import BUNDLED_GAZETTEER

    path = Path(engine.gazetteer.path) if engine.gazetteer.path else None
    if path is None or path == BUNDLED_GAZETTEER or not path.is_file():
        return None
    return path


def open_index(
    engine: Engine,
    progress: ProgressCallback | None = None,
    cancelled: Cancelled | None = None,
    *,
    rebuild: bool = False,
    subprocess: bool = True,
) -> Opened:
    """Open the engine's index, building, resuming or updating it first when it is stale.

    Raises EngineError when there is no usable index at all (the message says why), and
    BuildCancelled when `cancelled` returned true during a build (committed batches stay).
    """
    notices: list[str] = []
    if (notice := prepare_root(engine)) is not None:
        notices.append(notice)
    report: UpdateReport | None = None
    warning: str | None = None
    for attempt in range(2):
        if rebuild or not is_fresh(engine):
            try:
                report = _build(engine, progress, cancelled, rebuild, subprocess)
            except IndexBusy as busy:
                if engine.indexer.current() is None:
                    raise EngineError(
                        f"{busy}; the index is being built: try again when it has finished"
                    ) from None
                if not engine.indexer.complete():
                    notices.append(
                        "the index is being built by another afreader process: "
                        "what it has indexed so far is shown; search again when it has finished"
                    )
                else:
                    notices.append(f"{busy}; the last complete index is open")
            except EngineError as error:
                if engine.indexer.current() is None:
                    raise  # no older index to fall back on
                warning = str(error)
            if report is not None:
                notices.extend(report.notices)
                if report.repaired:
                    notices.append(f"{report.repaired}; it was rebuilt")
        try:
            engine.reopen()
            return Opened(report, tuple(notices), warning)
        except IndexDamaged as error:
            engine.close()
            if attempt:
                raise EngineError(
                    f"the index cannot be read even after a rebuild: {error}"
                ) from None
            notices.append(f"the index was damaged: {error}; it was rebuilt")
            rebuild = True
    raise AssertionError("unreachable")  # pragma: no cover
