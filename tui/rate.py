"""A build's rate and time left, smoothed over the last half-minute, as Rich's progress does.

The average since the start says "about 40 s left" after a quick start and "about 2 min
left" for minutes after a slow one: it answers for the whole build, not for now. The rate
here is the articles done over the last WINDOW seconds, counted up to the moment asked, so a
pause in the reports (a batch being written) slows it down honestly instead of freezing it,
and small steady steps give a steady estimate.
"""

from __future__ import annotations

from collections import deque

__all__ = ["RateEstimate"]

WINDOW = 30.0
# No rate is said before this much of the build has been seen.
MIN_SPAN = 1.0


class RateEstimate:
    """Articles a second over the recent past, and the time left at that rate."""

    def __init__(self, window: float = WINDOW) -> None:
        self.window = window
        self._samples: deque[tuple[float, int]] = deque()

    def add(self, now: float, done: int) -> None:
        """Record that `done` articles were done at `now` (a monotonic clock's seconds)."""
        if self._samples and done < self._samples[-1][1]:
            self._samples.clear()  # a new build
        self._samples.append((now, done))
        # Keep one sample at or before the window's start, so the span covers the window.
        while len(self._samples) > 2 and self._samples[1][0] <= now - self.window:
            self._samples.popleft()

    def rate(self, now: float) -> float | None:
        """Articles a second over the window up to `now` (None until there is enough)."""
        if not self._samples:
            return None
        first_time, first_done = self._samples[0]
        last_done = self._samples[-1][1]
        span = now - first_time
        if span < MIN_SPAN or last_done <= first_done:
            return None
        return (last_done - first_done) / span

    def left(self, now: float, total: int | None) -> float | None:
        """Seconds left at the current rate (None when unknown)."""
        rate = self.rate(now)
        if rate is None or not total or not self._samples:
            return None
        return max(0.0, total - self._samples[-1][1]) / rate
