"""A corpus on disk: the path checked, a folder walked, one Markdown or text file read."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from pathlib import Path

from corpus import limits
from corpus.decoding import TextDecodeError, clean_newlines, decode_text
from corpus.frontmatter import FrontMatterError, split_front_matter
from corpus.model import Article, CorpusError, Problem
from corpus.quoting import shown_path
from corpus.record import Where, article_from_mapping, read_guarded

__all__ = [
    "ARTICLE_SUFFIXES",
    "JSONL_SUFFIXES",
    "corpus_kind",
    "corpus_path_problem",
    "read_article_file",
    "read_regular_file",
    "scan_folder",
]

ARTICLE_SUFFIXES = (".md", ".markdown", ".txt")
JSONL_SUFFIXES = (".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz")
# Opening a named pipe for reading blocks until a writer comes; O_NONBLOCK makes the open return
# at once, so the check of what was opened cannot hang (it has no effect on regular files).
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
_EXPECTED = "expected a folder of .md/.txt files or a .jsonl/.jsonl.gz file"

Item = Article | Problem


def corpus_path_problem(path: Path) -> str | None:
    """Why `path` cannot be opened as a corpus, in one line naming it; None when it can.

    The one check of a corpus path, shared by the command line, the app and the index: a
    missing path, a broken link or a link loop, a name that is not UTF-8, no permission, a
    named pipe or device, or a file that is neither a folder nor JSON Lines.
    """
    shown = shown_path(path)
    if not _is_utf8(str(path)):
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
        os.close(os.open(path, _OPEN_FLAGS))
    except OSError as error:
        return f"{shown}: cannot read the file: {error.strerror or error}"
    return None


def _stat_failure(path: Path, error: OSError) -> str:
    if error.errno == errno.ELOOP:
        return "a loop of symbolic links (a link that leads back to itself)"
    if error.errno == errno.ENOENT and os.path.islink(path):
        return f"a broken symbolic link (to {_link_target(path)}, which does not exist)"
    if error.errno in (errno.ENOENT, errno.ENOTDIR):
        return "no such file or folder"
    if error.errno == errno.EACCES:
        return "permission denied (a folder on the way cannot be entered)"
    return f"cannot be opened: {error.strerror or error}"


def _link_target(path: Path) -> str:
    try:
        return repr(shown_path(os.readlink(path)))
    except OSError:
        return "?"


def corpus_kind(path: Path) -> str:
    """`folder` or `jsonl`; raises CorpusError (with `corpus_path_problem`'s message) for
    anything else."""
    problem = corpus_path_problem(path)
    if problem is not None:
        raise CorpusError(problem)
    return "folder" if path.is_dir() else "jsonl"


# --- folders ---------------------------------------------------------------------------------


def scan_folder(root: Path) -> Iterator[Path | Problem]:
    """The article files of a folder, in a stable order, and a Problem for everything else.

    Links to folders are never followed (as `os.walk` does not), so link loops are harmless; a
    link to a file is read like the file, and a broken or looping one is reported when read.
    Hidden files and folders (".git", ".DS_Store") are not part of a corpus. The walk keeps its
    own stack, so a folder nested thousands deep cannot exhaust Python's recursion limit.
    """
    stack = [str(root)]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as listing:
                entries = [e for e in listing if not e.name.startswith(".")]
        except OSError as error:
            yield Problem(folder, f"cannot read folder: {error.strerror or error}")
            continue
        files: list[str] = []
        folders: list[str] = []
        for entry in entries:
            if not _is_utf8(entry.name):
                yield Problem(
                    shown_path(entry.path), "the name is not valid UTF-8: not read (rename it)"
                )
            elif _is_folder(entry):
                if not entry.is_symlink():
                    folders.append(entry.name)
            else:
                files.append(entry.name)
        for name in sorted(files):
            path = Path(folder, name)
            if name.lower().endswith(ARTICLE_SUFFIXES):
                yield path
            else:
                yield Problem(
                    str(path),
                    "not an article file (.md, .markdown or .txt): ignored",
                    severity="warning",
                )
        stack.extend(os.path.join(folder, name) for name in sorted(folders, reverse=True))


def _is_utf8(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:  # undecodable bytes, kept by the OS as lone surrogates
        return False
    return True


def _is_folder(entry: os.DirEntry[str]) -> bool:
    """Is the entry a folder, or a link to one (a broken or looping link is not)?"""
    try:
        return entry.is_dir()
    except OSError:
        return False


def iter_folder(root: Path) -> Iterator[Item]:
    """The articles and problems of a folder corpus, file by file."""
    for entry in scan_folder(root):
        yield entry if isinstance(entry, Problem) else read_article_file(entry, root)


# --- one file --------------------------------------------------------------------------------


def read_article_file(path: Path, root: Path) -> Item:
    """Read one `.md`/`.txt` file as an article, or say why it cannot be one.

    Whatever the file holds, the answer is an Article or a Problem naming the file: the whole
    read runs under the record guard.
    """
    where = Where(str(path))
    return read_guarded(where, lambda: _read_article_file(path, root, where))


def _read_article_file(path: Path, root: Path, where: Where) -> Item:
    data = read_regular_file(path)
    if isinstance(data, Problem):
        return data
    try:
        text = clean_newlines(decode_text(data))
    except TextDecodeError as error:
        return Problem(where.path, str(error), line=error.line)
    if not text.strip():
        return Problem(where.path, "empty file")
    default_id = _default_id(path, root)
    front = None
    if path.suffix.lower() != ".txt":
        try:
            front = split_front_matter(text)
        except FrontMatterError as error:
            return Problem(where.path, error.message, line=error.line, field="front matter")
    fields: dict[str, object] = {}
    field_lines: dict[str, int] = {}
    body = text
    if front is not None:
        fields = {k: v for k, v in front.data.items() if k != "body"}
        field_lines = front.lines
        body = front.body
    title = fields.get("title")
    if title is None or (isinstance(title, str) and not title.strip()):
        # Markdown's own title: the first line of text (a heading's marks taken off).
        lines = body.split("\n")
        first = next((n for n, line in enumerate(lines) if line.strip()), None)
        if first is not None:
            shown = lines[first].strip()
            fields["title"] = shown.lstrip("#").strip() or shown
            body = "\n".join(lines[first + 1 :])
    fields["body"] = body
    located = Where(where.path, field_lines=field_lines)
    return article_from_mapping(fields, located, default_id=default_id)


def read_regular_file(path: Path) -> bytes | Problem:
    """The bytes of a regular file of at most MAX_ARTICLE_BYTES, or why it was not read.

    A named pipe, socket or device is never read (reading a pipe would wait forever), a file
    over the limit is never read into memory, and a broken or looping link says so.
    """
    where = str(path)
    most = limits.MAX_ARTICLE_BYTES
    try:
        info = os.stat(path)
    except OSError as error:
        return Problem(where, _cannot_read(path, error))
    if not stat.S_ISREG(info.st_mode):
        return Problem(where, f"not a regular file ({file_kind(info.st_mode)}): not read")
    if info.st_size > most:
        return Problem(where, limits.too_large(info.st_size))
    try:
        descriptor = os.open(path, _OPEN_FLAGS)
    except OSError as error:
        return Problem(where, _cannot_read(path, error))
    try:
        with os.fdopen(descriptor, "rb") as file:
            # The file may have been replaced between the stat and the open: check what is open.
            opened = os.fstat(file.fileno())
            if not stat.S_ISREG(opened.st_mode):
                return Problem(where, f"not a regular file ({file_kind(opened.st_mode)}): not read")
            data = file.read(most + 1)
    except OSError as error:
        return Problem(where, _cannot_read(path, error))
    if len(data) > most:  # it grew after the stat
        return Problem(where, limits.too_large(max(len(data), opened.st_size)))
    return data


def _cannot_read(path: Path, error: OSError) -> str:
    reason = error.strerror or str(error)
    if error.errno == errno.ELOOP:
        return f"cannot read file: a loop of symbolic links: {reason}"
    if isinstance(error, FileNotFoundError) and path.is_symlink():
        return f"cannot read file: broken link to {_link_target(path)}: {reason}"
    return f"cannot read file: {reason}"


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


def _default_id(path: Path, root: Path) -> str:
    relative = path.relative_to(root).with_suffix("")
    return "/".join(relative.parts)
