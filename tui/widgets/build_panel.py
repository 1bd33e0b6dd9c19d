"""The build panel: what the first launch (or a refresh) is doing to the index, and how long is left.

Shown only while a build runs. The progress bar is mounted with the first report and removed
with the panel: a hidden bar still animates (15 frames a second), and its styles cost start-up
time on every launch that never builds.

The rate and the time left are those of the last half-minute (`tui/rate.py`), not the
average since the start, which stayed wrong for minutes after a slow start. The line is
redrawn every second: while no report arrives the rate falls and the time left grows,
honestly, and the clock shows that the build is alive.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Static

from tui.rate import RateEstimate
from tui.text import visible

if TYPE_CHECKING:
    from textual.timer import Timer

    from index import BuildProgress

__all__ = ["BuildPanel", "describe_progress"]

# A rate is only said once it means something.
MIN_SECONDS = 1.0
# The builder's start time is on the monotonic clock of its own process; trusted when plausible.
MAX_PLAUSIBLE = 7 * 24 * 3600.0


def _duration(seconds: float) -> str:
    """'about 40 s', 'about 3 min', 'about 1 h 5 min' (a person's rounding)."""
    if seconds < 60:
        return f"about {max(1, round(seconds / 5) * 5 if seconds > 10 else round(seconds))} s"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"about {minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"about {hours} h {minutes} min" if minutes else f"about {hours} h"


def _clock(seconds: float) -> str:
    minutes, seconds = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02}:{seconds:02}" if hours else f"{minutes}:{seconds:02}"


def describe_progress(
    done: int, total: int | None, elapsed: float, rate: float | None = None
) -> str:
    """One line: articles done (of how many), articles a second, time left, time so far.

    `rate` is the recent rate when known; without it, the average since the start.
    """
    parts = [f"{done:,} of {total:,} articles" if total else f"{done:,} articles read"]
    if rate is None:
        rate = done / elapsed if elapsed >= MIN_SECONDS and done else None
    if rate is not None:
        parts.append(f"{rate:,.0f} articles/s")
        if total and total > done:
            parts.append(f"{_duration((total - done) / rate)} left")
    if total and done >= total:
        parts.append("writing the last batch")
    parts.append(f"{_clock(elapsed)} so far")
    return "Building the index: " + " · ".join(parts)


class BuildPanel(Vertical):
    """Articles done, rate and time left of an index build, with a progress bar."""

    DEFAULT_CSS = """
    BuildPanel { height: auto; padding: 1 2; display: none; border: round $primary; }
    BuildPanel.-shown { display: block; }
    BuildPanel.-failed { border: round $error; }
    BuildPanel ProgressBar { margin-top: 1; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._progress: BuildProgress | None = None
        self._started = 0.0
        self._timer: Timer | None = None
        self._rate = RateEstimate()

    def compose(self) -> ComposeResult:
        yield Static(id="building-label")

    @property
    def label(self) -> Static:
        """The line that says what is happening."""
        return self.query_one("#building-label", Static)

    def report(self, progress: BuildProgress) -> None:
        """Show a build's progress (the bar is mounted with the first report)."""
        from textual.widgets import ProgressBar  # only a launch that builds needs it

        now = time.monotonic()
        if self._progress is None or progress.done < self._progress.done:
            # A new build: from the builder's start when its clock agrees with ours.
            since = now - progress.started
            self._started = progress.started if 0 <= since < MAX_PLAUSIBLE else now
            self._rate = RateEstimate()
            self._rate.add(self._started, 0)
        self._progress = progress
        self._rate.add(now, progress.done)
        self._describe()
        if self._timer is None:
            self._timer = self.set_interval(1.0, self._describe)
        bars = self.query(ProgressBar)
        if bars:
            bars.first().update(total=progress.total, progress=progress.done)
        else:
            bar = ProgressBar(total=progress.total, show_eta=False)
            bar.progress = progress.done
            self.mount(bar)
        self.remove_class("-failed")
        self.add_class("-shown")

    def _describe(self) -> None:
        progress = self._progress
        if progress is not None:
            now = time.monotonic()
            elapsed = now - self._started
            rate = self._rate.rate(now) if elapsed >= MIN_SECONDS else None
            line = describe_progress(progress.done, progress.total, elapsed, rate)
            self.label.update(Content(line))

    def fail(self, message: str) -> None:
        """Say why the index cannot be opened (the panel stays)."""
        self._stop()
        self.label.update(Content(f"Cannot open the index: {visible(message)}"))
        self.add_class("-failed")
        self.add_class("-shown")

    def finish(self) -> None:
        """Hide the panel and drop the bar (the index is open)."""
        self._stop()
        self.remove_class("-shown")

    def _stop(self) -> None:
        from textual.widgets import ProgressBar

        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self._progress = None
        self.query(ProgressBar).remove()
