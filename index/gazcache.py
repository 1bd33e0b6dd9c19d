"""What every process would otherwise work out again, kept in the index cache: the parsed
gazetteer, and the fast path's check of Whoosh.

Parsing and validating the bundled gazetteer (YAML with each field's line) takes about 80 ms,
and the fast path's check of the installed Whoosh (a small index built and searched both ways)
about 70 ms, of a command that answers in 300. Both depend only on bytes on disk: the
gazetteer's file, and the code that reads it (the `corpus` package's sources) or the fast
path's and Whoosh's. So each is kept under a key made of those bytes' digest, in the cache
folder beside the indexes (`<index root>/.cache/`, made by the first build that finishes), and
worked out again when any of them
changes. A file there that cannot be read back is ignored and written anew; a folder that
cannot be written only costs the work.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sys
import threading
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

import corpus
from corpus import BUNDLED_GAZETTEER, Gazetteer, Problem, load_gazetteer

__all__ = [
    "cache_folder",
    "cached_gazetteer",
    "checked_once",
    "digest_of_sources",
    "make_cache_folder",
    "stamp",
]


def cache_folder(index_root: Path) -> Path:
    """Where the kept results live, beside the indexes."""
    return index_root / ".cache"


def _digest(parts: Iterable[bytes]) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(len(part).to_bytes(8, "little"))
        h.update(part)
    return h.hexdigest()[:24]


@cache
def digest_of_sources(*folders: str) -> str:
    """A digest of the Python sources in `folders` and of this Python's version."""
    parts = [sys.version.encode()]
    for folder in folders:
        for path in sorted(Path(folder).rglob("*.py")):
            with contextlib.suppress(OSError):
                parts += [str(path.relative_to(folder)).encode(), path.read_bytes()]
    return _digest(parts)


def _read(path: Path) -> Any:
    try:
        with path.open("rb") as file:
            return pickle.load(file)
    except Exception:  # missing, cut short, from another version: worked out again
        return None


# What was worked out before the cache folder existed: kept by `make_cache_folder`, so that
# the command after a first build does not work it out again.
_PENDING: dict[Path, Any] = {}


def _write(path: Path, value: Any) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    if not path.parent.is_dir():  # made by the first build that finishes (`make_cache_folder`)
        _PENDING[path] = value
        return
    try:
        with temporary.open("wb") as file:
            pickle.dump(value, file, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
    except (OSError, pickle.PicklingError):
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)


def cached_gazetteer(path: Path | None, index_root: Path) -> tuple[Gazetteer, list[Problem]]:
    """`load_gazetteer(path)`, kept under the digest of the file's bytes and of the code that
    parses it. Raises GazetteerError as `load_gazetteer` does (nothing is kept then)."""
    path = BUNDLED_GAZETTEER if path is None else path
    try:
        data = path.read_bytes()
    except OSError:
        return load_gazetteer(path)  # it says what is wrong
    code = digest_of_sources(str(Path(corpus.__file__).parent))
    kept = cache_folder(index_root) / f"gazetteer-{_digest([data, code.encode()])}.pickle"
    value = _read(kept)
    if (
        isinstance(value, tuple)
        and len(value) == 3
        and value[0] == str(path)
        and isinstance(value[1], Gazetteer)
    ):
        return value[1], list(value[2])
    gazetteer, problems = load_gazetteer(path)
    _write(kept, (str(path), gazetteer, problems))
    return gazetteer, problems


def checked_once(name: str, key: str, index_root: Path | None) -> tuple[bool, Path | None]:
    """Whether the check `name` already passed under `key` (a digest of what it depends on),
    and the stamp to write when it passes now (None: nowhere to keep it)."""
    if index_root is None:
        return False, None
    stamp = cache_folder(index_root) / f"{name}-{key}.ok"
    return stamp.exists(), stamp


def stamp(path: Path | None) -> None:
    """Record that a check passed (a folder that cannot be written: it runs again next time)."""
    if path is None:
        return
    if path.parent.is_dir():  # made by the first build that finishes (`make_cache_folder`)
        with contextlib.suppress(OSError):
            path.write_text("passed\n", encoding="utf-8")


def make_cache_folder(index_root: Path) -> None:
    """Make the folder where results are kept, once a build has finished: a first build that
    fails (a full disk) leaves the disk as it found it, and nothing is kept until then."""
    folder = cache_folder(index_root)
    with contextlib.suppress(OSError):
        folder.mkdir(exist_ok=True)
    for path in [path for path in _PENDING if path.parent == folder]:
        _write(path, _PENDING.pop(path))
