"""The key a person's data is filed under for one corpus: the same for every index of it.

The name of the corpus folder or file plus a digest of its resolved path, as the index folder
is named (`index.paths.index_dir_for`), but without the index root: a rebuilt index, or one
in another cache folder, keeps the same history and notes. A corpus moved to another path is
another corpus (its articles may not be the same).
"""

from __future__ import annotations

from pathlib import Path

from corpus import BUNDLED_ARTICLES
from index.paths import index_dir_for

__all__ = ["corpus_key"]


def corpus_key(corpus: Path | None) -> str:
    """The stable key of a corpus (None: the bundled one)."""
    return index_dir_for(corpus or BUNDLED_ARTICLES, Path("/")).name
