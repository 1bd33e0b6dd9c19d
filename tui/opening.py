"""Opening the index and watching the corpus, for the reader screen.

`IndexKeeper` is a widget that draws nothing: it owns the worker that opens (building or
updating first when stale) the index, and the timer that checks the corpus for changes. It
only posts messages (`IndexProgressed`, `IndexReady`, `IndexFailed`, `CorpusChanged`,
`SearchFinished` for the first page); the screen presents them.

`open_engine` only calls `index.open_index`, the one lifecycle that the command line uses
too, and hands its outcome on: the screen presents it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.widget import Widget

from tui.messages import (
    CorpusChanged,
    IndexFailed,
    IndexProgressed,
    IndexReady,
    SearchFinished,
    SearchKey,
)

if TYPE_CHECKING:
    from index import BuildProgress, Engine, SearchResults, UpdateReport

__all__ = ["FIRST_PAGE", "IndexKeeper", "OpenedIndex", "fetch_page", "open_engine"]

# The first page is what a person sees at once; later pages load as the highlight nears them.
FIRST_PAGE = 20
# Later pages are larger: a page's cost is mostly finding and ranking every hit, not its size.
PAGE_SIZE = 100
# How often the corpus is checked for changes while the app is open (sizes and times only).
WATCH_SECONDS = 5.0

EngineFactory = Callable[[], "Engine"]
Location = Callable[[], "tuple[Path | None, Path | None]"]


@dataclass(slots=True)
class OpenedIndex:
    """What opening gave: the engine, the build's report, notices, a warning (not updated)."""

    engine: Engine
    report: UpdateReport | None
    notices: list[str] = field(default_factory=list)
    warning: str | None = None


class _Cancel:
    """Set when the app goes away: a build under way stops (committed batches stay; the next
    launch resumes)."""

    def __init__(self) -> None:
        self.event = threading.Event()

    def stop(self) -> None:
        self.event.set()


def open_engine(
    make_engine: EngineFactory,
    progressed: Callable[[BuildProgress], None],
    cancel: _Cancel,
    rebuild: bool = False,
) -> OpenedIndex:
    """Open the index through `index.open_index` (building or updating it first, in a
    separate process, when it is stale).

    Raises `EngineError` (and corpus errors, `OSError`) when nothing is usable, and
    `BuildCancelled` when the app went away during a build.
    """
    from index import open_index

    engine = make_engine()
    outcome = open_index(engine, progressed, cancel.event.is_set, rebuild=rebuild)
    # Notices the engine gathered before (an earlier open, a fallback folder) are said too.
    notices = [*engine.notices, *outcome.notices]
    engine.notices.clear()
    return OpenedIndex(engine, outcome.report, notices, outcome.warning)


def fetch_page(
    engine: Engine,
    key: SearchKey,
    offset: int = 0,
    cancelled: Callable[[], bool] | None = None,
) -> SearchResults:
    """A page of results, with the exact total (from a worker)."""
    return engine.search(
        key.query,
        offset=offset,
        limit=FIRST_PAGE if offset == 0 else PAGE_SIZE,
        sort=key.sort,
        actor=key.actor,
        cancelled=cancelled,
    )


class IndexKeeper(Widget):
    """Opens the index (and re-opens it on refresh), and notices when the corpus changes."""

    DEFAULT_CSS = "IndexKeeper { display: none; }"

    def __init__(self, make_engine: EngineFactory, location: Location) -> None:
        super().__init__()
        self._make_engine = make_engine
        self._location = location
        self._cancel = _Cancel()
        self.engine: Engine | None = None
        self.refreshing = False
        self.change_noticed = False

    def open(self, key: SearchKey | None = None) -> None:
        """Open (or update and re-open) the index; with a `key`, fetch its first page too."""
        self._open(key)

    def refresh_index(self) -> bool:
        """Re-read the corpus and update the index; False when that is already happening."""
        if self.refreshing or self.engine is None:
            return False
        self.refreshing = True
        self._open()
        return True

    def repair(self) -> bool:
        """Rebuild an index found damaged while reading it; False when already rebuilding."""
        if self.refreshing:
            return False
        self.refreshing = True
        self._open(rebuild=True)  # searches meanwhile read the old index, or find its damage
        return True

    def opened(self, engine: Engine) -> bool:
        """The screen took an engine; True the first time (start watching then)."""
        first = self.engine is None
        self.engine = engine
        self.refreshing = False
        self.change_noticed = False
        if first:
            self.set_interval(WATCH_SECONDS, self._check_corpus)
        return first

    def notice_change(self) -> bool:
        """A change was seen; True when it is news (not yet said, not already refreshing)."""
        if self.change_noticed or self.refreshing:
            return False
        self.change_noticed = True
        return True

    @work(thread=True, exclusive=True, group="index", exit_on_error=False)
    def _open(self, key: SearchKey | None = None, rebuild: bool = False) -> None:
        """With a `key`, the first page of its results is fetched here too, so that it is on
        screen as soon as the index is open (at launch: the newest articles, listed first from
        the store alone, before Whoosh is imported)."""
        if key is not None and not key.query.strip() and key.actor is None:
            from index.peek import newest_page

            early = newest_page(*self._location(), FIRST_PAGE)
            if early is not None:
                self.post_message(SearchFinished(key, early))

        from corpus import CorpusError, GazetteerError
        from index import BuildCancelled, EngineError, IndexDamaged, QueryError

        def progressed(progress: BuildProgress) -> None:
            self.post_message(IndexProgressed(progress))

        try:
            opened = open_engine(self._make_engine, progressed, self._cancel, rebuild)
        except BuildCancelled:
            return  # the app is going away
        except (CorpusError, GazetteerError, EngineError, OSError) as error:
            self.post_message(IndexFailed(str(error)))
            return
        if opened.warning is not None:
            self.post_message(IndexFailed(opened.warning, fatal=False))
        page = None
        if key is not None:
            # The search that follows says what is wrong with the query, or repairs damage
            # found reading the page (the screen's own search worker meets it again).
            with suppress(QueryError, IndexDamaged):
                page = fetch_page(opened.engine, key)
        self.post_message(IndexReady(opened.engine, opened.report, key, page, opened.notices))

    def on_unmount(self) -> None:
        self._cancel.stop()

    def _check_corpus(self) -> None:
        if self.engine is not None and not self.refreshing and not self.change_noticed:
            self._watch(self.engine)

    @work(thread=True, exclusive=True, group="watch", exit_on_error=False)
    def _watch(self, engine: Engine) -> None:
        if not engine.is_fresh():
            self.post_message(CorpusChanged())
