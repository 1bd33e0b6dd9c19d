"""What an update reports while it runs and when it ends, and how it is stopped.

No Whoosh here: the app and the command line read these while the build runs elsewhere.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from corpus import Problem

__all__ = [
    "BuildCancelled",
    "BuildProgress",
    "IndexBusy",
    "ProgressCallback",
    "Ticker",
    "UpdateReport",
]

# Progress is said every PROGRESS_EVERY articles or PROGRESS_SECONDS, whichever comes first,
# so that a bar moves steadily whatever the speed of the machine or the size of the articles.
PROGRESS_EVERY = 250
PROGRESS_SECONDS = 0.1


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
    # To say once: a stale lock taken over, ...
    notices: list[str] = field(default_factory=list)

    @property
    def touched(self) -> int:
        """How many articles were written or removed."""
        return self.added + self.changed + self.removed


class IndexBusy(Exception):
    """Another process is updating this index."""


class BuildCancelled(Exception):
    """The build was cancelled; the batches it committed stay, and the next update resumes."""


class Ticker:
    """Says how far an update is, in small steps, and stops it when it is cancelled.

    An article counts as done once it is written to the index, not when it is read: reading a
    batch is quick, writing it is the work, so the bar moves while a batch is written.
    """

    def __init__(
        self, progress: ProgressCallback | None, cancelled: Callable[[], bool] | None = None
    ) -> None:
        self.progress = progress
        self.cancelled = cancelled
        self.started = time.monotonic()
        self.total: int | None = None
        self.read = 0  # articles (lines, files) read so far
        self.pending = 0  # of those, read into the batch being written, not written yet
        self._said_at = 0.0
        self._said_done = -1  # what the last line said: a multiple of PROGRESS_EVERY once

    @property
    def done(self) -> int:
        """Articles read and written (or found unchanged)."""
        return self.read - self.pending

    def check(self) -> None:
        """Raise BuildCancelled if the update was cancelled."""
        if self.cancelled is not None and self.cancelled():
            raise BuildCancelled("the index build was cancelled; what was indexed is kept")

    def step(self, read: int | None = None, total: int | None = None, queued: bool = False) -> None:
        """One more article read (or `read` in all), of `total`; `queued`: into the batch."""
        self.read = self.read + 1 if read is None else read
        if total is not None:
            self.total = total
        if queued:
            self.pending += 1
        self._say()

    def written(self) -> None:
        """One article of the batch was written."""
        self.pending = max(0, self.pending - 1)
        self._say()

    def _say(self) -> None:
        now = time.monotonic()
        done = self.done
        # `done` stays put while a batch is read (read and pending grow together): a multiple
        # of PROGRESS_EVERY is said once, not once for every article read into the batch.
        every = done % PROGRESS_EVERY == 0 and done != self._said_done
        if every or now - self._said_at >= PROGRESS_SECONDS:
            self._said_at = now
            self._said_done = done
            self.check()
            if self.progress is not None:
                self.progress(BuildProgress("indexing", self.done, self.total, self.started))

    def finish(self) -> None:
        """The update is done."""
        self.pending = 0
        if self.progress is not None:
            self.progress(BuildProgress("done", self.done, self.done, self.started))
