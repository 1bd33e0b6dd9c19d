"""A progress bar for index builds on the command line (articles done, rate, time left).

The rate and the time left are those of the last half-minute, counted up to each redraw
(`tui/rate.py`, shared with the app's build panel), so they are steady when reports come in
small steps and honest when they pause.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TextIO

from tui.rate import RateEstimate

if TYPE_CHECKING:
    from index import BuildProgress

__all__ = ["progress_bar"]


@contextmanager
def progress_bar(stream: TextIO) -> Iterator[Callable[[BuildProgress], None]]:
    """Yield a build-progress callback that draws a bar on `stream` (only when it is a terminal).

    Rich is imported, and the bar started, at the first report: a command whose index is
    already current never builds, and importing Rich would cost it about a fifth of its time."""
    bar: Any = None  # rich.progress.Progress once the first report came, False: no terminal
    task: Any = None
    estimate = RateEstimate()

    def update(progress: BuildProgress) -> None:
        nonlocal bar, task
        if bar is None:
            bar = _start(stream) or False
        if bar is False:
            return
        now = time.monotonic()
        if task is None:
            task = bar.add_task("index", total=progress.total, rate="", left="")
            estimate.add(now, 0)
        estimate.add(now, progress.done)
        speed = estimate.rate(now)
        left = estimate.left(now, progress.total)
        bar.update(
            task,
            completed=progress.done,
            total=progress.total,
            rate=f"{speed:,.0f}/s" if speed else "",
            left=f"{_clock(left)} left" if left is not None else "",
        )
        bar.refresh()

    try:
        yield update
    finally:
        if bar:
            bar.stop()


def _start(stream: TextIO) -> Any:
    """A started bar on `stream`, or None when it is not a terminal."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    console = Console(file=stream)
    if not console.is_terminal:
        return None
    columns = (
        TextColumn("[bold]Indexing"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("articles"),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
        TextColumn("{task.fields[left]}"),
    )
    # No refresh thread: the build forks worker processes, and forking a threaded process
    # can deadlock. The bar is redrawn from the callback instead.
    bar = Progress(*columns, console=console, transient=True, auto_refresh=False)
    bar.start()
    return bar


def _clock(seconds: float) -> str:
    minutes, seconds = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02}:{seconds:02}"
