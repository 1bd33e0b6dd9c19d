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
from corpus.paths import (
    ARTICLE_SUFFIXES,
    JSONL_SUFFIXES,
    OPEN_FLAGS,
    corpus_path_problem,
    file_kind,
    is_utf8,
    link_target,
)
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

Item = Article | Problem


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
            if not is_utf8(entry.name):
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
        descriptor = os.open(path, OPEN_FLAGS)
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
        return f"cannot read file: broken link to {link_target(path)}: {reason}"
    return f"cannot read file: {reason}"


def _default_id(path: Path, root: Path) -> str:
    relative = path.relative_to(root).with_suffix("")
    return "/".join(relative.parts)
