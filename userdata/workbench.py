"""A person's workbench for one corpus: the database and the history, saved searches and
notes filed under the corpus's key (what the reader and the command line open)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from userdata.db import UserDB, open_userdb
from userdata.history import History
from userdata.keys import corpus_key
from userdata.notes import Notes
from userdata.saved import SavedSearches

__all__ = ["Workbench", "open_workbench"]


@dataclass(frozen=True)
class Workbench:
    """The user database and its parts for one corpus."""

    db: UserDB
    corpus: str
    history: History
    saved: SavedSearches
    notes: Notes

    @property
    def notice(self) -> str | None:
        """What went wrong opening the database (None: nothing)."""
        return self.db.notice


def open_workbench(corpus: Path | None, directory: Path | None = None) -> Workbench:
    """Open (or make) the user database and file what follows under `corpus` (None: the
    bundled corpus). Never raises for a file that cannot be used (`userdata.db`)."""
    db = open_userdb(directory)
    key = corpus_key(corpus)
    return Workbench(db, key, History(db, key), SavedSearches(db, key), Notes(db, key))
