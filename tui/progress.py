"""A progress bar for index builds on the command line (articles done, rate, time left)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from index import BuildProgress

__all__ = ["progress_bar"]


@contextmanager
def progress_bar(stream: TextIO) -> Iterator[Callable[[BuildProgress], None]]:
    """Yield a build-progress callback that draws a bar on `stream` (only when it is a terminal)."""
    console = Console(file=stream)
    if not console.is_terminal:
        yield lambda progress: None
        return
    columns = (
        TextColumn("[bold]Indexing"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("articles"),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
        TextColumn("left"),
        TimeRemainingColumn(),
    )
    # No refresh thread: the build forks worker processes, and forking a threaded process
    # can deadlock. The bar is redrawn from the callback instead.
    with Progress(*columns, console=console, transient=True, auto_refresh=False) as bar:
        task: TaskID | None = None

        def update(progress: BuildProgress) -> None:
            nonlocal task
            if task is None:
                task = bar.add_task("index", total=progress.total, rate="")
            speed = bar.tasks[0].speed if bar.tasks else None
            rate = f"{speed:,.0f}/s" if speed else ""
            bar.update(task, completed=progress.done, total=progress.total, rate=rate)
            bar.refresh()

        yield update
