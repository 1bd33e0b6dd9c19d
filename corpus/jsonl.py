"""JSON Lines corpora: the lines of a file (plain or gzip), bounded, and one record read."""

from __future__ import annotations

import codecs
import gzip
import hashlib
import io
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from corpus import limits as bounds
from corpus.decoding import bom_encoding, nul_problem
from corpus.limits import ENVIRONMENT, MIN_RECORD_BYTES, Limits
from corpus.model import Article, Problem
from corpus.record import Where, article_from_mapping, read_guarded

__all__ = ["JsonlEnd", "JsonlLines", "iter_jsonl", "iter_jsonl_lines", "read_record"]

_SKIP_CHUNK = 1024 * 1024
_READ_CHUNK = 256 * 1024
# Compressed data is fed to the decompressor this much at a time, so that the bytes of text
# per compressed byte (the ratio limit) are known closely, not only after a large read ahead.
_GZIP_FEED = 16 * 1024

Item = Article | Problem


def iter_jsonl_lines(
    path: Path, limits: Limits | None = None
) -> Iterator[tuple[int, bytes] | Problem]:
    """The non-blank lines of a JSON Lines file (gzip or plain) with their numbers.

    A line longer than MAX_ARTICLE_BYTES is never held in memory: it is read through in chunks
    and reported with its number and length. The read stops, with a problem, at the first of
    `limits` (by default `Limits.from_environment()`) that the file passes.
    """
    with JsonlLines(path, limits=limits) as lines:
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


class _Budget:
    """What the read of one file has spent against its limits; `over` says which was passed."""

    def __init__(self, limits: Limits, compressed: bool, digesting: _Digesting) -> None:
        self.limits = limits
        self.compressed = compressed
        self.digesting = digesting
        self.start = digesting.size  # a resumed read counts only the bytes read from now on
        self.text = 0
        self.records = 0
        self.empty = 0

    def spend(self, size: int) -> str | None:
        """Count `size` bytes of text; the message when a size limit is passed."""
        self.text += size
        limits = self.limits
        if self.text > limits.max_text_bytes:
            return (
                f"more than {limits.max_text_bytes:,} bytes of text "
                f"(the limit for one file, {ENVIRONMENT['max_text_bytes']})"
            )
        if self.compressed and self.text > limits.ratio_floor:
            packed = max(1, self.digesting.size - self.start)
            if self.text > limits.max_ratio * packed:
                return (
                    f"{self.text:,} bytes of text from {packed:,} compressed bytes is over "
                    f"{limits.max_ratio}:1, the limit for compressed data "
                    f"({ENVIRONMENT['max_ratio']}): possibly a compression bomb"
                )
        return None

    def count(self, raw: bytes) -> str | None:
        """Count one line; the message when a count limit is passed."""
        limits = self.limits
        content = len(raw.strip())
        if content < MIN_RECORD_BYTES:
            self.empty += 1
            if self.empty > limits.max_empty_lines:
                return (
                    f"more than {limits.max_empty_lines:,} blank lines or lines too short to "
                    f"be an article (the limit for one file, {ENVIRONMENT['max_empty_lines']})"
                )
        if content:
            self.records += 1
            if self.records > limits.max_records:
                return (
                    f"more than {limits.max_records:,} records "
                    f"(the limit for one file, {ENVIRONMENT['max_records']})"
                )
        return None


class JsonlLines:
    """The lines of a JSON Lines file, as `iter_jsonl_lines` gives them; `end` says where they
    ended (once every line was read).

    Given `after`, the end of an earlier read of the same file, a file that only grew at its end
    (plain lines appended, or a gzip file a new member) is read from where that read stopped,
    numbering lines on from it: `resumed` is then True. Anything else (the file shrank, a byte
    of what was read changed, that read did not end after a newline, the file is no longer
    compressed the same way) reads the whole file again. What was read is known by a digest of
    all its bytes, so the check reads the file but decompresses and splits none of it.
    `limits` (by default from the environment) bound the work of the read.

        with JsonlLines(path, after) as lines:
            for entry in lines: ...
            lines.resumed, lines.end
    """

    def __init__(
        self, path: Path, after: JsonlEnd | None = None, limits: Limits | None = None
    ) -> None:
        self.path = path
        self.after = after
        self.limits = limits if limits is not None else Limits.from_environment()
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
        stream: _Lines
        if self._compressed:
            self._file.most = _GZIP_FEED
            stream = gzip.GzipFile(fileobj=self._file, mode="rb")
        else:
            stream = io.BufferedReader(self._file, buffer_size=_READ_CHUNK)
        budget = _Budget(self.limits, self._compressed, self._file)
        most = bounds.MAX_ARTICLE_BYTES
        number = self._first_line
        ends_line = True  # nothing read yet: the start of the file or the clean end of a read
        try:
            while raw := stream.readline(most + 1):
                number += 1
                over = budget.spend(len(raw))
                if over is None and len(raw) > most and not raw.endswith(b"\n"):
                    skipped, ends_line, over = _skip_line(stream, budget)
                    if over is None:
                        yield Problem(where, bounds.too_large(len(raw) + skipped), line=number)
                        continue
                if over is None and number == 1:
                    over = _not_utf8_text(raw)
                over = over or budget.count(raw)
                if over is not None:
                    # This line and every one after it are not read: said once, here.
                    yield Problem(where, f"stopped reading at line {number}: {over}", line=number)
                    ends_line = False
                    break
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


def _not_utf8_text(first: bytes) -> str | None:
    """Why a file whose first line is `first` is not UTF-8 JSON Lines, known from its start."""
    found = bom_encoding(first)
    if found is not None and found[0] != "utf-8":
        return (
            f"the file is {found[1]} (by its byte-order mark): JSON Lines must be UTF-8; not read"
        )
    return nul_problem(first)


class _Digesting(io.RawIOBase):
    """A file read once from its start, digesting every byte given (to know them again later).

    `most`, when set, is the most one read gives (to feed a decompressor in small steps).
    """

    def __init__(self, file: io.FileIO) -> None:
        super().__init__()
        self.file = file
        self.size = 0
        self.most = 0
        self._digest = hashlib.md5(usedforsecurity=False)  # finds changes; no secret to keep

    def restart(self) -> None:
        """Back to the first byte, with nothing digested."""
        self.file.seek(0)
        self.size = 0
        self._digest = hashlib.md5(usedforsecurity=False)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        with memoryview(buffer) as view:
            target = view[: self.most] if self.most else view
            count = self.file.readinto(target) or 0
            if count:
                self._digest.update(target[:count])
                self.size += count
            target.release()
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


def _skip_line(stream: _Lines, budget: _Budget) -> tuple[int, bool, str | None]:
    """Read to the end of the current line, a chunk at a time: the bytes skipped (without \\n),
    whether a newline ended them (not the end of the file), and the limit passed, if one was."""
    skipped = 0
    while chunk := stream.readline(_SKIP_CHUNK):
        over = budget.spend(len(chunk))
        if chunk.endswith(b"\n"):
            return skipped + len(chunk) - 1, True, over
        skipped += len(chunk)
        if over is not None:
            return skipped, False, over
    return skipped, False, None


def iter_jsonl(path: Path, limits: Limits | None = None) -> Iterator[Item]:
    """Records `{id, title, published or date, source, author, url, language, notes, body}`,
    one a line, optionally gzip-compressed."""
    where = str(path)
    for entry in iter_jsonl_lines(path, limits):
        yield entry if isinstance(entry, Problem) else read_record(entry[1], where, entry[0])


def read_record(raw: bytes, where: str, number: int) -> Item:
    """One JSON Lines record as an article, or say why it cannot be one.

    Whatever the line holds, the answer is an Article or a Problem at `where:number`.
    """
    located = Where(where, line=number, origin=f"{where}:{number}")
    return read_guarded(located, lambda: _read_record(raw, located))


def _read_record(raw: bytes, where: Where) -> Item:
    size = len(raw.rstrip(b"\r\n"))
    if size > bounds.MAX_ARTICLE_BYTES:
        return where.problem(None, bounds.too_large(size))
    line = raw
    if line.startswith(codecs.BOM_UTF8):
        line = line[len(codecs.BOM_UTF8) :]
    try:
        # Decoded here, strictly: json.loads would guess UTF-16 from NUL bytes and let the bytes
        # of a lone surrogate through.
        record = json.loads(line.decode("utf-8"))
    except UnicodeDecodeError as error:
        return where.problem(None, f"not valid UTF-8 (byte {error.start} of the line)")
    except json.JSONDecodeError as error:
        return where.problem(None, f"invalid JSON: {error.msg} (column {error.pos + 1})")
    except RecursionError:
        return where.problem(None, "invalid JSON: nested too deeply")
    except ValueError:  # an integer of more digits than Python converts (4,300 by default)
        return where.problem(None, "invalid JSON: a number with too many digits")
    if not isinstance(record, dict):
        kind = {list: "a list", str: "a string", bool: "true/false", type(None): "null"}
        shown = kind.get(type(record), "a number")
        return where.problem(None, f"a record must be a JSON object, not {shown}")
    return article_from_mapping(record, where)
