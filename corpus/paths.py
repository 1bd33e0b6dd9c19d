"""A corpus path checked before anything is read: one message for every odd path.

Kept apart from the readers (and free of PyYAML) so that the command line can check a path
before the app starts without paying for what reading needs.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from corpus.quoting import shown_path

__all__ = [
    "ARTICLE_SUFFIXES",
    "JSONL_SUFFIXES",
    "OPEN_FLAGS",
    "corpus_path_problem",
    "file_kind",
    "is_utf8",
    "link_target",
]

ARTICLE_SUFFIXES = (".md", ".markdown", ".txt")
JSONL_SUFFIXES = (".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz")
# Opening a named pipe for reading blocks until a writer comes; O_NONBLOCK makes the open return
# at once, so the check of what was opened cannot hang (it has no effect on regular files).
OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
_EXPECTED = "expected a folder of .md/.txt files or a .jsonl/.jsonl.gz file"


def corpus_path_problem(path: Path) -> str | None:
    """Why `path` cannot be opened as a corpus, in one line naming it; None when it can.

    The one check of a corpus path, shared by the command line, the app and the index: a
    missing path, a broken link or a link loop, a name that is not UTF-8, no permission, a
    named pipe or device, or a file that is neither a folder nor JSON Lines.
    """
    shown = shown_path(path)
    if not is_utf8(str(path)):
        # Every path is stored and shown as UTF-8 text (SQLite, JSON, the screen).
        return f"{shown}: the path is not valid UTF-8 (rename it)"
    try:
        info = os.stat(path)
    except OSError as error:
        return f"{shown}: {_stat_failure(path, error)}"
    except ValueError:  # a NUL byte in the path
        return f"{shown}: a path cannot hold a NUL character"
    if stat.S_ISDIR(info.st_mode):
        try:
            with os.scandir(path):
                pass
        except OSError as error:
            return f"{shown}: cannot read the folder: {error.strerror or error}"
        return None
    if not stat.S_ISREG(info.st_mode):
        return f"{shown}: {file_kind(info.st_mode)}, not a corpus ({_EXPECTED})"
    if not path.name.lower().endswith(JSONL_SUFFIXES):
        return f"{shown}: not a corpus ({_EXPECTED})"
    try:
        os.close(os.open(path, OPEN_FLAGS))
    except OSError as error:
        return f"{shown}: cannot read the file: {error.strerror or error}"
    return None


def _stat_failure(path: Path, error: OSError) -> str:
    if error.errno == errno.ELOOP:
        return "a loop of symbolic links (a link that leads back to itself)"
    if error.errno == errno.ENOENT and os.path.islink(path):
        return f"a broken symbolic link (to {link_target(path)}, which does not exist)"
    if error.errno in (errno.ENOENT, errno.ENOTDIR):
        return "no such file or folder"
    if error.errno == errno.EACCES:
        return "permission denied (a folder on the way cannot be entered)"
    return f"cannot be opened: {error.strerror or error}"


def link_target(path: Path) -> str:
    try:
        return repr(shown_path(os.readlink(path)))
    except OSError:
        return "?"


def is_utf8(name: str) -> bool:
    """Can the name be stored and shown as UTF-8 text?"""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:  # undecodable bytes, kept by the OS as lone surrogates
        return False
    return True


def file_kind(mode: int) -> str:
    """What a non-regular file is, in words ("a named pipe")."""
    kinds = (
        (stat.S_ISFIFO, "a named pipe"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISDIR, "a folder"),
    )
    return next((name for test, name in kinds if test(mode)), "not a file")
