"""Where afreader keeps its indexes: the one module that decides it.

The index of a corpus lives in the user cache directory (platformdirs), one folder per corpus,
never inside the source tree. `AFREADER_INDEX_DIR` or `--index-dir` overrides the root, so that
tests never touch a real home directory.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import platformdirs

from corpus import CorpusError, corpus_path_problem
from corpus.quoting import shown_path

__all__ = [
    "ENV_INDEX_DIR",
    "default_index_root",
    "expand_user",
    "index_dir_for",
    "pointed_generation",
]

ENV_INDEX_DIR = "AFREADER_INDEX_DIR"
# A generation folder's name, as `index.build` makes them (`g-` and a time in hexadecimal).
GENERATION_NAME = re.compile(r"g-[0-9a-f]{1,32}")
GENERATION_NAME_MAX = 34


def default_index_root() -> Path:
    """`$AFREADER_INDEX_DIR`, or `<user cache>/afreader/indexes`."""
    override = os.environ.get(ENV_INDEX_DIR)
    if override:
        return expand_user(Path(override))
    return Path(platformdirs.user_cache_dir("afreader", appauthor=False)) / "indexes"


def expand_user(path: Path) -> Path:
    """`~` and `~user` expanded; a user that does not exist is a CorpusError, not a crash."""
    try:
        return path.expanduser()
    except RuntimeError:
        raise CorpusError(f"{path}: cannot expand '~' (no such user)") from None


def index_dir_for(corpus: Path, root: Path | None = None) -> Path:
    """The folder holding the index of one corpus: a readable name plus a hash of its path."""
    try:
        resolved = expand_user(corpus).resolve()
    except (RuntimeError, OSError):  # a symbolic link loop, a path too long to resolve
        problem = corpus_path_problem(corpus)
        raise CorpusError(problem or f"{shown_path(corpus)}: cannot be resolved") from None
    # The bytes of the path, not its text: a name that is not UTF-8 still gets a folder (the
    # corpus itself is then refused by `corpus_kind` with a message).
    digest = hashlib.blake2b(os.fsencode(resolved), digest_size=6).hexdigest()
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", resolved.name).strip("-.")[:40] or "corpus"
    return (root or default_index_root()) / f"{name}-{digest}"


def pointed_generation(folder: Path, name: str) -> Path | None:
    """The generation folder that the pointer file `<folder>/<name>` ("current", "next")
    names, if it can be read and names a generation as afreader names them (no check that it
    is there or whole). A pointer that is a folder, too long, or holds anything else names
    nothing: it is damage, and the next update replaces it."""
    try:
        with open(folder / name, "rb") as pointer:
            raw = pointer.read(GENERATION_NAME_MAX + 2)
    except OSError:  # missing, a folder, unreadable, a name too long for the system
        return None
    try:
        target = raw.decode("ascii").strip()
    except UnicodeDecodeError:
        return None
    return folder / target if GENERATION_NAME.fullmatch(target) else None
