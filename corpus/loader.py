"""Load articles from the bundled corpus, a folder of `.md`/`.txt` files, or JSON Lines.

Every loader is a generator of `Article | Problem`, so a corpus of any size streams through
without being held in memory; `load_corpus` collects the stream for small corpora.
Nothing is skipped silently: each file or record that does not become an article yields a
Problem saying where (file, line, field) and why.
"""

from __future__ import annotations

import codecs
import gzip
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from corpus.frontmatter import FrontMatterError, split_front_matter
from corpus.model import Article, LoadResult, PartialDate, Problem

__all__ = [
    "ARTICLE_SUFFIXES",
    "BUNDLED_ARTICLES",
    "CorpusError",
    "corpus_kind",
    "decode_text",
    "iter_corpus",
    "iter_jsonl_lines",
    "load_corpus",
    "read_article_file",
    "read_record",
    "scan_folder",
]

BUNDLED_ARTICLES = Path(__file__).resolve().parent / "articles"
ARTICLE_SUFFIXES = (".md", ".markdown", ".txt")
JSONL_SUFFIXES = (".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz")
# One article larger than this is refused rather than read into memory.
MAX_ARTICLE_BYTES = 64 * 1024 * 1024
_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:/-]*$")

Item = Article | Problem


class CorpusError(Exception):
    """A corpus that cannot be opened at all (missing path, unsupported kind)."""


def corpus_kind(path: Path) -> str:
    """`folder` or `jsonl`; raises CorpusError for anything else."""
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


# --- text decoding ---------------------------------------------------------------------------


def decode_text(data: bytes) -> str:
    """Decode UTF-8 (with or without BOM) or BOM-marked UTF-16; ValueError says where it fails."""
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise ValueError(f"invalid UTF-16 at byte {error.start}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise ValueError(f"not valid UTF-8 (byte {error.start}, line {line})") from None


def _clean(text: str) -> str:
    """Normalise line endings; the text itself stays as written."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


# --- folders ---------------------------------------------------------------------------------


def scan_folder(root: Path) -> Iterator[Path | Problem]:
    """The article files of a folder, in a stable order, and a Problem for everything else.

    Directory links are never followed, so link loops are harmless; hidden files and folders
    (".git", ".DS_Store") are not part of a corpus.
    """
    walk_errors: list[Problem] = []

    def on_error(error: OSError) -> None:
        walk_errors.append(
            Problem(str(error.filename or root), f"cannot read folder: {error.strerror}")
        )

    for folder, dirs, files in os.walk(root, onerror=on_error):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        yield from walk_errors
        walk_errors.clear()
        for name in sorted(files):
            if name.startswith("."):
                continue
            path = Path(folder) / name
            if name.lower().endswith(ARTICLE_SUFFIXES):
                yield path
            else:
                yield Problem(
                    str(path),
                    "not an article file (.md, .markdown or .txt): ignored",
                    severity="warning",
                )
    yield from walk_errors


def _iter_folder(root: Path) -> Iterator[Item]:
    for entry in scan_folder(root):
        yield entry if isinstance(entry, Problem) else read_article_file(entry, root)


def read_article_file(path: Path, root: Path) -> Item:
    """Read one `.md`/`.txt` file as an article, or say why it cannot be one."""
    where = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_ARTICLE_BYTES:
            return Problem(
                where, f"file is {size:,} bytes, over the {MAX_ARTICLE_BYTES:,}-byte limit"
            )
        data = path.read_bytes()
    except OSError as error:
        return Problem(where, f"cannot read file: {error.strerror or error}")
    if b"\x00" in data[:8192] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return Problem(where, "binary file, not text")
    try:
        text = _clean(decode_text(data))
    except ValueError as error:
        return Problem(where, str(error))
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


def _default_id(path: Path, root: Path) -> str:
    relative = path.relative_to(root).with_suffix("")
    return "/".join(relative.parts)


def _article_from_plain(text: str, default_id: str, where: str, first_line: int) -> Item:
    """A file without front matter: the first non-empty line is the title."""
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
    date_field = "published" if "published" in data else "date"
    raw_date = data.get(date_field)
    if raw_date is not None:
        try:
            published = PartialDate.parse(raw_date)
        except ValueError as error:
            return problem(date_field, str(error))
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
    )


# --- JSON Lines ------------------------------------------------------------------------------


def iter_jsonl_lines(path: Path) -> Iterator[tuple[int, bytes] | Problem]:
    """The non-blank lines of a JSON Lines file (gzip or plain) with their numbers."""
    where = str(path)
    try:
        with path.open("rb") as probe:
            compressed = probe.read(2) == b"\x1f\x8b"
        stream = gzip.open(path, "rb") if compressed else path.open("rb")  # noqa: SIM115
    except OSError as error:
        yield Problem(where, f"cannot read file: {error.strerror or error}")
        return
    with stream:
        number = 0
        try:
            for number, raw in enumerate(stream, start=1):
                if raw.strip():
                    yield number, raw
        except (OSError, EOFError, gzip.BadGzipFile) as error:
            yield Problem(where, f"file is damaged after line {number}: {error}", line=number + 1)


def _iter_jsonl(path: Path) -> Iterator[Item]:
    """Records `{id, title, date, source, url, body}`, one a line, optionally gzip-compressed."""
    where = str(path)
    for entry in iter_jsonl_lines(path):
        yield entry if isinstance(entry, Problem) else read_record(entry[1], where, entry[0])


def read_record(raw: bytes, where: str, number: int) -> Item:
    """One JSON Lines record as an article, or say why it cannot be one."""

    def problem(message: str, field: str | None = None) -> Problem:
        return Problem(where, message, line=number, field=field)

    if len(raw) > MAX_ARTICLE_BYTES:
        return problem(f"record is {len(raw):,} bytes, over the {MAX_ARTICLE_BYTES:,}-byte limit")
    try:
        record = json.loads(raw)
    except UnicodeDecodeError as error:
        return problem(f"not valid UTF-8 (byte {error.start} of the line)")
    except json.JSONDecodeError as error:
        return problem(f"invalid JSON: {error.msg} (column {error.pos + 1})")
    except RecursionError:
        return problem("invalid JSON: nested too deeply")
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
    raw_date = record.get("date", record.get("published"))
    if raw_date is not None:
        try:
            published = PartialDate.parse(raw_date)
        except ValueError as error:
            return problem(str(error), "date")
    return Article(
        id=article_id,
        title=texts["title"] or "",
        body=_clean(record.get("body") or "").strip("\n").rstrip(),
        source=texts["source"],
        published=published,
        url=texts["url"],
        origin=f"{where}:{number}",
    )
