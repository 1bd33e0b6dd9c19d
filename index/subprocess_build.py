"""Build an index in a separate process, reporting progress back line by line.

Whoosh's multi-process writer forks; forking a multi-threaded process (any Textual app) risks a
deadlock, so the app never builds a large index in its own process. It runs this module instead
(`python -m index.subprocess_build`), which prints one JSON object a line:

    {"phase": "indexing", "done": 5000, "total": 57110, "started": 12.5}   progress
    {"report": {"added": 57110, "changed": 0, "removed": 0, "seconds": 118.2}}   the end
    {"error": "...", "busy": false}                                          a failure

Killing the child at any moment is safe: batches already committed stay, and the next update
resumes (see `index.build`). The child dies with the process that started it (and its Whoosh
workers with it, `index.workers`): a build is never left running, or stuck, with nobody to
report to.
"""

from __future__ import annotations

import argparse
import json
import os
import select
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from index.report import BuildCancelled, BuildProgress, IndexBusy, UpdateReport

__all__ = ["BuildFailed", "BuildProcess", "main"]


class BuildFailed(Exception):
    """The build process failed; the message says why."""

    def __init__(self, message: str, busy: bool = False) -> None:
        super().__init__(message)
        self.busy = busy


class BuildProcess:
    """A running build; `wait` streams its progress and returns its report."""

    def __init__(
        self,
        corpus: Path,
        index_root: Path | None,
        procs: int = 2,
        rebuild: bool = False,
        batch_size: int | None = None,
        layers: Sequence[Path] = (),
        base: Path | None = None,
    ) -> None:
        command = [
            sys.executable,
            "-m",
            "index.subprocess_build",
            "--corpus",
            str(corpus),
            "--procs",
            str(procs),
            "--parent",
            str(os.getpid()),
        ]
        if index_root is not None:
            command += ["--index-root", str(index_root)]
        if rebuild:
            command.append("--rebuild")
        if batch_size is not None:
            command += ["--batch-size", str(batch_size)]
        for layer in layers:  # the same gazetteer as the parent's, overlays and all
            command += ["--layer", str(layer)]
        if base is not None:
            command += ["--base", str(base)]
        self.process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
        )

    def _follow(self, cancelled: Callable[[], bool] | None) -> Iterator[bytes]:
        """The child's output, line by line, looking at `cancelled` at least every 0.1 s."""
        assert self.process.stdout is not None
        fd = self.process.stdout.fileno()
        pending = b""
        while True:
            if cancelled is not None and cancelled():
                self.stop()
                raise BuildCancelled("the index build was cancelled; what was indexed is kept")
            ready, _, _ = select.select([fd], [], [], 0.1)
            if not ready:
                continue
            chunk = os.read(fd, 65536)
            if not chunk:
                if pending:
                    yield pending
                return
            *complete, pending = (pending + chunk).split(b"\n")
            yield from complete

    def wait(
        self,
        progress: Callable[[BuildProgress], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> UpdateReport:
        """Follow the build to its end; raises BuildFailed, or BuildCancelled (after stopping
        the child) when `cancelled` returns true."""
        outcome: dict[str, object] = {}
        for line in self._follow(cancelled):
            try:
                message = json.loads(line)
            except (json.JSONDecodeError, UnicodeDecodeError):
                continue
            if not isinstance(message, dict):
                continue
            if "phase" in message and progress is not None:
                progress(
                    BuildProgress(
                        message["phase"], message["done"], message["total"], message["started"]
                    )
                )
            elif "report" in message or "error" in message:
                outcome = message
        raw = self.process.stderr.read() if self.process.stderr else b""
        stderr = raw.decode("utf-8", errors="replace")
        code = self.process.wait()
        if "report" in outcome:
            fields = outcome["report"]
            assert isinstance(fields, dict)
            return UpdateReport(
                added=fields["added"],
                changed=fields["changed"],
                removed=fields["removed"],
                rebuilt=fields["rebuilt"],
                seconds=fields["seconds"],
                repaired=fields.get("repaired"),
                notices=list(fields.get("notices") or []),
            )
        if "error" in outcome:
            raise BuildFailed(str(outcome["error"]), busy=bool(outcome.get("busy")))
        if code < 0:
            raise BuildFailed("the index build was stopped; what was indexed is kept")
        last = stderr.strip().splitlines()[-1] if stderr.strip() else f"exit code {code}"
        raise BuildFailed(f"the index build failed: {last}")

    def stop(self) -> None:
        """Stop the build (committed batches are kept; the next launch resumes)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()


def main(argv: list[str] | None = None) -> int:
    """Run one update and report on stdout as JSON Lines."""
    parser = argparse.ArgumentParser(prog="python -m index.subprocess_build")
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--index-root", type=Path)
    parser.add_argument("--procs", type=int, default=2)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--batch-size", type=int, default=None, help="articles per commit")
    parser.add_argument("--parent", type=int, default=None, help="die when this process does")
    parser.add_argument("--layer", type=Path, action="append", default=[], help="an overlay")
    parser.add_argument("--base", type=Path, default=None, help="the gazetteer under them")
    args = parser.parse_args(argv)
    if args.parent is not None:
        from index.workers import die_with_parent

        die_with_parent(args.parent)

    from corpus import CorpusError, GazetteerError
    from index.build import disk_full
    from index.engine import Engine, EngineError

    def emit(record: dict[str, object]) -> None:
        sys.stdout.write(json.dumps(record) + "\n")
        sys.stdout.flush()

    def progress(step: BuildProgress) -> None:
        emit({"phase": step.phase, "done": step.done, "total": step.total, "started": step.started})

    try:
        from corpus.layers import load_layered
        from index.gazcache import cached_gazetteer
        from index.paths import index_dir_for

        # The bundled base as parsed once and kept in the index cache, as the parent has it.
        root = index_dir_for(args.corpus, args.index_root).parent
        base = cached_gazetteer(args.base, root)
        gazetteer, _ = load_layered(args.layer, args.base, loaded=base)
        engine = Engine(args.corpus, args.index_root, gazetteer=gazetteer, procs=args.procs)
        if args.batch_size:
            engine.indexer.batch_size = args.batch_size
        report = engine.indexer.update(progress, rebuild=args.rebuild)
    except IndexBusy as error:
        emit({"error": str(error), "busy": True})
        return 3
    except (EngineError, CorpusError, GazetteerError) as error:
        emit({"error": str(error), "busy": False})
        return 1
    except OSError as error:
        emit({"error": f"cannot write the index: {error.strerror or error}", "busy": False})
        return 1
    except sqlite3.Error as error:  # SQLite reports a failing disk as its own error
        said = f"No space left on device ({error})" if disk_full(error) else str(error)
        emit({"error": f"cannot write the index: {said}", "busy": False})
        return 1
    emit(
        {
            "report": {
                "added": report.added,
                "changed": report.changed,
                "removed": report.removed,
                "rebuilt": report.rebuilt,
                "seconds": report.seconds,
                "repaired": report.repaired,
                "notices": report.notices,
            }
        }
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
