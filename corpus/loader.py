"""Load articles from the bundled corpus, a folder of `.md`/`.txt` files, or JSON Lines.

Every loader is a generator of `Article | Problem`, so a corpus of any size streams through
without being held in memory; `load_corpus` collects the stream for small corpora.
Nothing is skipped silently: each file or record that does not become an article yields a
Problem saying where (file, line, field) and why.
"""

from __future__ import annotations

import codecs
import datetime as dt
import gzip
import hashlib
import io
import json
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from corpus import BUNDLED_ARTICLES
from corpus.frontmatter import FrontMatterError, split_front_matter
from corpus.model import Article, CorpusError, LoadResult, PartialDate, Problem

__all__ = [
    "ARTICLE_SUFFIXES",
    "BUNDLED_ARTICLES",
    "MAX_ARTICLE_BYTES",
    "CorpusError",
    "JsonlEnd",
    "JsonlLines",
    "TextDecodeError",
    "corpus_kind",
    "decode_text",
    "iter_corpus",
    "iter_jsonl_lines",
    "load_corpus",
    "read_article_file",
    "read_record",
    "read_regular_file",
    "scan_folder",
    "too_large",
]

ARTICLE_SUFFIXES = (".md", ".markdown", ".txt")
JSONL_SUFFIXES = (".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz")
# One article (a file, or a line of JSON Lines) larger than this is refused without being read
# into memory: the longest real articles are well under 1 MB.
MAX_ARTICLE_BYTES = 10 * 1024 * 1024
# A date later than today plus this is a typo or a hostile file: the article loads, with a warning.
FUTURE_DATE_SLACK = dt.timedelta(days=1)
# Opening a named pipe for reading blocks until a writer comes; O_NONBLOCK makes the open return
# at once, so the check of what was opened cannot hang (it has no effect on regular files).
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
_SKIP_CHUNK = 1024 * 1024
_READ_CHUNK = 256 * 1024
_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:/-]*$")
# An id made from a file name may hold spaces and any script, but not what a terminal acts on:
# C0 and C1 controls, DEL, and the bidirectional marks and overrides.
_UNSAFE_ID_RE = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")

Item = Article | Problem


def corpus_kind(path: Path) -> str:
    """`folder` or `jsonl`; raises CorpusError for anything else."""
    if not _is_utf8(str(path)):
        # Every path is stored and shown as UTF-8 text (SQLite, JSON, the screen).
        shown = os.fsencode(path).decode("utf-8", "backslashreplace")
        raise CorpusError(f"{shown}: the path is not valid UTF-8 (rename it)")
    if path.is_dir():
        return "folder"
    name = path.name.lower()
    if path.is_file() and name.endswith(JSONL_SUFFIXES):
        return "jsonl"
    if not path.exists():
        raise CorpusError(f"{path}: no such file or folder")
    raise CorpusError(
        f"{path}: not a corpus (expected a folder of .md/.txt files or a .jsonl/.jsonl.gz file)"
    )


def load_corpus(path: Path | None = None) -> LoadResult:
    """Load a whole corpus into memory (the bundled one when `path` is None)."""
    result = LoadResult()
    for item in iter_corpus(path):
        if isinstance(item, Article):
            result.articles.append(item)
        else:
            result.problems.append(item)
    return result


def iter_corpus(path: Path | None = None) -> Iterator[Item]:
    """Stream the articles and problems of a corpus, rejecting duplicate ids."""
    path = BUNDLED_ARTICLES if path is None else path
    items = _iter_folder(path) if corpus_kind(path) == "folder" else _iter_jsonl(path)
    seen: dict[str, str] = {}
    for item in items:
        if isinstance(item, Article):
            first = seen.get(item.id)
            if first is not None:
                path_part, _, line_part = item.origin.rpartition(":")
                line = int(line_part) if line_part.isdigit() else None
                yield Problem(
                    path_part if line is not None else item.origin,
                    f"duplicate id {item.id!r}: already used by {first}; this copy was not loaded",
                    line=line,
                    field="id",
                )
                continue
            seen[item.id] = item.origin
            yield item
            yield from item.warnings
            continue
        yield item


def too_large(size: int) -> str:
    """The message for an article over MAX_ARTICLE_BYTES."""
    limit = f"{MAX_ARTICLE_BYTES / (1024 * 1024):g} MB"
    return f"not loaded: {size:,} bytes is over the {limit} limit for one article"


# --- text decoding ---------------------------------------------------------------------------


class TextDecodeError(ValueError):
    """Bytes that are not the text they claim to be; `line` is 1-based when known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


def decode_text(data: bytes) -> str:
    """Decode UTF-8 (with or without BOM) or BOM-marked UTF-16.

    Raises TextDecodeError (a ValueError) saying where the text goes wrong.
    """
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise TextDecodeError(f"invalid UTF-16 at byte {error.start}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise TextDecodeError(
            f"not valid UTF-8 (byte {error.start}, line {line})", line=line
        ) from None


def _clean(text: str) -> str:
    """Normalise line endings; the text itself stays as written."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


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
                shown = os.fsencode(entry.path).decode("utf-8", "backslashreplace")
                yield Problem(shown, "the name is not valid UTF-8: not read (rename it)")
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


def _iter_folder(root: Path) -> Iterator[Item]:
    for entry in scan_folder(root):
        yield entry if isinstance(entry, Problem) else read_article_file(entry, root)


def read_article_file(path: Path, root: Path) -> Item:
    """Read one `.md`/`.txt` file as an article, or say why it cannot be one."""
    where = str(path)
    data = read_regular_file(path)
    if isinstance(data, Problem):
        return data
    if b"\x00" in data[:8192] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return Problem(where, "binary file, not text")
    try:
        text = _clean(decode_text(data))
    except TextDecodeError as error:
        return Problem(where, str(error), line=error.line)
    if not text.strip():
        return Problem(where, "empty file")
    default_id = _default_id(path, root)
    if path.suffix.lower() == ".txt":
        return _article_from_plain(text, default_id, where, first_line=1)
    try:
        front = split_front_matter(text)
    except FrontMatterError as error:
        return Problem(where, error.message, line=error.line, field="front matter")
    if front is None:
        return _article_from_plain(text, default_id, where, first_line=1)
    return _article_from_fields(front.data, front.body, default_id, where, front.lines)


def read_regular_file(path: Path) -> bytes | Problem:
    """The bytes of a regular file of at most MAX_ARTICLE_BYTES, or why it was not read.

    A named pipe, socket or device is never read (reading a pipe would wait forever), a file
    over the limit is never read into memory, and a broken or looping link says so.
    """
    where = str(path)
    try:
        info = os.stat(path)
    except OSError as error:
        return Problem(where, _cannot_read(path, error))
    if not stat.S_ISREG(info.st_mode):
        return Problem(where, f"not a regular file ({_file_kind(info.st_mode)}): not read")
    if info.st_size > MAX_ARTICLE_BYTES:
        return Problem(where, too_large(info.st_size))
    try:
        descriptor = os.open(path, _OPEN_FLAGS)
    except OSError as error:
        return Problem(where, _cannot_read(path, error))
    try:
        with os.fdopen(descriptor, "rb") as file:
            # The file may have been replaced between the stat and the open: check what is open.
            opened = os.fstat(file.fileno())
            if not stat.S_ISREG(opened.st_mode):
                return Problem(
                    where, f"not a regular file ({_file_kind(opened.st_mode)}): not read"
                )
            data = file.read(MAX_ARTICLE_BYTES + 1)
    except OSError as error:
        return Problem(where, _cannot_read(path, error))
    if len(data) > MAX_ARTICLE_BYTES:  # it grew after the stat
        return Problem(where, too_large(max(len(data), opened.st_size)))
    return data


def _cannot_read(path: Path, error: OSError) -> str:
    reason = error.strerror or str(error)
    if isinstance(error, FileNotFoundError) and path.is_symlink():
        try:
            target = os.readlink(path)
        except OSError:
            target = "?"
        return f"cannot read file: broken link to {target!r}: {reason}"
    return f"cannot read file: {reason}"


def _file_kind(mode: int) -> str:
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


def _article_from_plain(text: str, default_id: str, where: str, first_line: int) -> Item:
    """A file without front matter: the first non-empty line is the title."""
    if _UNSAFE_ID_RE.search(default_id):
        return Problem(
            where,
            f"the file name gives the id {default_id!r}, which holds control characters: "
            "rename the file",
            field="id",
        )
    lines = text.split("\n")
    for index, line in enumerate(lines):
        if line.strip():
            title = line.strip().lstrip("#").strip() or line.strip()
            body = "\n".join(lines[index + 1 :])
            return Article(id=default_id, title=title, body=_tidy_body(body), origin=where)
    return Problem(where, "empty file", line=first_line)


def _tidy_body(body: str) -> str:
    return body.strip("\n").rstrip()


def _article_from_fields(
    data: dict[str, Any], body: str, default_id: str, where: str, lines: dict[str, int]
) -> Item:
    """Build an article from front-matter fields, or the first problem found in them."""

    def problem(field: str, message: str) -> Problem:
        return Problem(where, message, line=lines.get(field), field=field)

    strings: dict[str, str | None] = {}
    for name in ("id", "title", "source", "author", "url", "language", "notes"):
        value = data.get(name)
        if value is None:
            strings[name] = None
        elif isinstance(value, (str, int, float)) and not isinstance(value, bool):
            strings[name] = str(value).strip() or None
        else:
            return problem(name, f"must be text, not a {type(value).__name__}")
    title = strings["title"]
    if title is None:
        title_line = body.strip().split("\n", 1)[0].lstrip("#").strip()
        if not title_line:
            return problem("title", "missing title")
        title = title_line
        body = body.strip().split("\n", 1)[1] if "\n" in body.strip() else ""
    article_id = strings["id"] or default_id
    if not _ID_RE.match(article_id):
        return problem("id", f"{article_id!r} is not a valid id (letters, digits, . _ : / -)")
    published = None
    warnings: tuple[Problem, ...] = ()
    date_field = "published" if "published" in data else "date"
    raw_date = data.get(date_field)
    if raw_date is not None:
        try:
            published = PartialDate.parse(raw_date)
        except ValueError as error:
            return problem(date_field, str(error))
        warnings = _date_warnings(published, where, lines.get(date_field), date_field)
    return Article(
        id=article_id,
        title=title,
        body=_tidy_body(body),
        source=strings["source"],
        author=strings["author"],
        published=published,
        url=strings["url"],
        language=strings["language"],
        notes=strings["notes"],
        origin=where,
        warnings=warnings,
    )


def _date_warnings(
    published: PartialDate, where: str, line: int | None, field: str
) -> tuple[Problem, ...]:
    """A warning when the date is in the future (the earliest day it can mean is after tomorrow).

    The check is here, not in PartialDate.parse, which stays free of the clock.
    """
    if published.sort_date <= dt.date.today() + FUTURE_DATE_SLACK:
        return ()
    message = f"date {published.iso} is in the future"
    return (Problem(where, message, line=line, field=field, severity="warning"),)


# --- JSON Lines ------------------------------------------------------------------------------


def iter_jsonl_lines(path: Path) -> Iterator[tuple[int, bytes] | Problem]:
    """The non-blank lines of a JSON Lines file (gzip or plain) with their numbers.

    A line longer than MAX_ARTICLE_BYTES is never held in memory: it is read through in chunks
    and reported with its number and length.
    """
    with JsonlLines(path) as lines:
        yield from lines


@dataclass(frozen=True, slots=True)
class JsonlEnd:
    """Where a complete read of a JSON Lines file ended, so that a later read can go on from there.

    `size` bytes of the file (compressed bytes for gzip) with this `digest` held `lines` lines;
    `clean` says the text ended with a newline (or was empty) and nothing in it was damaged.
    """

    size: int
    digest: str
    lines: int
    compressed: bool
    clean: bool


class JsonlLines:
    """The lines of a JSON Lines file, as `iter_jsonl_lines` gives them; `end` says where they
    ended (once every line was read).

    Given `after`, the end of an earlier read of the same file, a file that only grew at its end
    (plain lines appended, or a gzip file a new member) is read from where that read stopped,
    numbering lines on from it: `resumed` is then True. Anything else (the file shrank, a byte
    of what was read changed, that read did not end after a newline, the file is no longer
    compressed the same way) reads the whole file again. What was read is known by a digest of
    all its bytes, so the check reads the file but decompresses and splits none of it.

        with JsonlLines(path, after) as lines:
            for entry in lines: ...
            lines.resumed, lines.end
    """

    def __init__(self, path: Path, after: JsonlEnd | None = None) -> None:
        self.path = path
        self.after = after
        self.resumed = False
        self.end: JsonlEnd | None = None
        self._file: _Digesting | None = None
        self._failure: Problem | None = None
        self._first_line = 0
        self._compressed = False

    def __enter__(self) -> JsonlLines:
        try:
            self._open()
        except OSError as error:
            self.close()
            self._failure = Problem(str(self.path), f"cannot read file: {error.strerror or error}")
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the file (reading it again needs a new JsonlLines)."""
        if self._file is not None:
            self._file.close()
            self._file = None

    def _open(self) -> None:
        self._file = _Digesting(open(self.path, "rb", buffering=0))  # noqa: SIM115 - close()
        after = self.after
        if after is not None and after.clean and after.size > 0 and self._grew_from(after):
            self.resumed = True
            self._first_line = after.lines
            self._compressed = after.compressed
            return
        self._file.restart()
        self._compressed = os.pread(self._file.file.fileno(), 2, 0) == b"\x1f\x8b"

    def _grew_from(self, after: JsonlEnd) -> bool:
        """Does the file start with the bytes `after` describes, followed by whole lines or whole
        gzip members? Leaves the file just after them, their bytes digested."""
        assert self._file is not None
        descriptor = self._file.file.fileno()
        if os.fstat(descriptor).st_size < after.size:
            return False
        if (os.pread(descriptor, 2, 0) == b"\x1f\x8b") != after.compressed:
            return False
        if after.compressed and os.pread(descriptor, 2, after.size) not in (b"", b"\x1f\x8b"):
            return False  # something else than a new gzip member comes next
        self._file.skip_digesting(after.size)
        return self._file.size == after.size and self._file.hexdigest() == after.digest

    def __iter__(self) -> Iterator[tuple[int, bytes] | Problem]:
        if self._failure is not None:
            yield self._failure
            return
        if self._file is None:
            raise ValueError("JsonlLines is read inside `with`, once")
        where = str(self.path)
        buffered = io.BufferedReader(self._file, buffer_size=_READ_CHUNK)
        stream: _Lines = (
            gzip.GzipFile(fileobj=buffered, mode="rb") if self._compressed else buffered
        )
        number = self._first_line
        ends_line = True  # nothing read yet: the start of the file or the clean end of a read
        try:
            while raw := stream.readline(MAX_ARTICLE_BYTES + 1):
                number += 1
                if len(raw) > MAX_ARTICLE_BYTES and not raw.endswith(b"\n"):
                    skipped, ends_line = _skip_line(stream)
                    yield Problem(where, too_large(len(raw) + skipped), line=number)
                else:
                    ends_line = raw.endswith(b"\n")
                    if raw.strip():
                        yield number, raw
        except (OSError, EOFError, gzip.BadGzipFile) as error:
            yield Problem(where, f"file is damaged after line {number}: {error}", line=number + 1)
            ends_line = False
        self.end = JsonlEnd(
            size=self._file.size,
            digest=self._file.hexdigest(),
            lines=number,
            compressed=self._compressed,
            clean=ends_line,
        )


class _Digesting(io.RawIOBase):
    """A file read once from its start, digesting every byte given (to know them again later)."""

    def __init__(self, file: io.FileIO) -> None:
        super().__init__()
        self.file = file
        self.size = 0
        self._digest = hashlib.md5(usedforsecurity=False)  # finds changes; no secret to keep

    def restart(self) -> None:
        """Back to the first byte, with nothing digested."""
        self.file.seek(0)
        self.size = 0
        self._digest = hashlib.md5(usedforsecurity=False)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        count = self.file.readinto(buffer) or 0
        if count:
            with memoryview(buffer) as view:
                self._digest.update(view[:count])
            self.size += count
        return count

    def skip_digesting(self, size: int) -> None:
        """Read and digest up to `size` bytes from the start, keeping none of them."""
        chunk = bytearray(_READ_CHUNK)
        with memoryview(chunk) as view:
            while self.size < size:
                if not self.readinto(view[: min(len(chunk), size - self.size)]):
                    break

    def hexdigest(self) -> str:
        return self._digest.hexdigest()

    def close(self) -> None:
        self.file.close()
        super().close()


class _Lines(Protocol):
    def readline(self, size: int = -1, /) -> bytes: ...


def _skip_line(stream: _Lines) -> tuple[int, bool]:
    """Read to the end of the current line, a chunk at a time: the bytes skipped (without \\n),
    and whether a newline ended them (not the end of the file)."""
    skipped = 0
    while chunk := stream.readline(_SKIP_CHUNK):
        if chunk.endswith(b"\n"):
            return skipped + len(chunk) - 1, True
        skipped += len(chunk)
    return skipped, False


def _iter_jsonl(path: Path) -> Iterator[Item]:
    """Records `{id, title, date, source, url, body}`, one a line, optionally gzip-compressed."""
    where = str(path)
    for entry in iter_jsonl_lines(path):
        yield entry if isinstance(entry, Problem) else read_record(entry[1], where, entry[0])


def read_record(raw: bytes, where: str, number: int) -> Item:
    """One JSON Lines record as an article, or say why it cannot be one."""

    def problem(message: str, field: str | None = None) -> Problem:
        return Problem(where, message, line=number, field=field)

    if len(raw.rstrip(b"\r\n")) > MAX_ARTICLE_BYTES:
        return problem(too_large(len(raw.rstrip(b"\r\n"))))
    try:
        record = json.loads(raw)
    except UnicodeDecodeError as error:
        return problem(f"not valid UTF-8 (byte {error.start} of the line)")
    except json.JSONDecodeError as error:
        return problem(f"invalid JSON: {error.msg} (column {error.pos + 1})")
    except RecursionError:
        return problem("invalid JSON: nested too deeply")
    except ValueError:  # an integer of more digits than Python converts (4,300 by default)
        return problem("invalid JSON: a number with too many digits")
    if not isinstance(record, dict):
        return problem(f"a record must be a JSON object, not {type(record).__name__}")
    texts: dict[str, str | None] = {}
    for name in ("id", "title", "body", "source", "url"):
        value = record.get(name)
        if value is not None and not isinstance(value, str):
            if name == "id" and isinstance(value, int) and not isinstance(value, bool):
                value = str(value)
            else:
                return problem(f"must be a string, not {type(value).__name__}", name)
        texts[name] = value.strip() if isinstance(value, str) and value.strip() else None
    article_id = texts["id"]
    if article_id is None:
        return problem("missing id", "id")
    if not _ID_RE.match(article_id):
        return problem(f"{article_id!r} is not a valid id", "id")
    if texts["title"] is None:
        if texts["body"] is None:
            return problem(f"record {article_id!r} has no title and no text", "title")
        return problem(f"record {article_id!r} has no title", "title")
    published = None
    warnings: tuple[Problem, ...] = ()
    date_field = "date" if record.get("date") is not None else "published"
    raw_date = record.get(date_field)
    if raw_date is not None:
        try:
            published = PartialDate.parse(raw_date)
        except ValueError as error:
            return problem(str(error), date_field)
        warnings = _date_warnings(published, where, number, date_field)
    return Article(
        id=article_id,
        title=texts["title"] or "",
        body=_clean(record.get("body") or "").strip("\n").rstrip(),
        source=texts["source"],
        published=published,
        url=texts["url"],
        origin=f"{where}:{number}",
        warnings=warnings,
    )
