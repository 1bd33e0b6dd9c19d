"""Each segment's words of a text field, sorted, read once and kept beside the index: what a
fuzzy word (`goverment~2`) is compared with; and, for the body, how many articles hold each
word (what keyness compares a result set with).

Reading a segment's term index word by word through Whoosh costs about 2 µs a word: a whole
57k index (385,000 body words in 22 segments) takes a second, every time a fuzzy word is
expanded with no prefix. A segment never changes once written, so its words are written once to
`<generation>/words/<segment>.<field>.words` (by the build, or by the first search that needs
them) and read back in milliseconds. A file that does not hold what was written (its count and
checksum, in its first line, disagree) is read from the index again and rewritten; a folder
that cannot be written (a read-only cache) only costs the reading. The document frequencies
(`<segment>.body.df`, one unsigned 32-bit count a word, in the words' order, with the same
first line) are kept the same way: reading them through Whoosh's term infos costs a second at
57k, in every process that first asks for keyness.
"""

from __future__ import annotations

import contextlib
import os
import threading
import zlib
from array import array
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

__all__ = ["FREQUENCY_FIELDS", "FUZZY_FIELDS", "Lexicons", "words_folder"]

# The fields whose word lists a build writes (the others' are read when first needed).
FUZZY_FIELDS = ("title", "body")
# The fields whose document frequencies a build writes.
FREQUENCY_FIELDS = ("body",)
FREQUENCY_SUFFIX = ".df"

# How many (segment, field) word lists a process keeps in memory.
KEPT = 64
SEPARATOR = "\n"
SUFFIX = ".words"

_T = TypeVar("_T")


def words_folder(generation_path: Path) -> Path:
    """Where a generation's word lists live."""
    return generation_path / "words"


class Lexicons:
    """The sorted words of each segment's fields, kept in memory and in `folder` (None: in
    memory only). Safe to share between threads."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self._lock = threading.Lock()
        self._kept: OrderedDict[tuple[str, str], list[str]] = OrderedDict()
        self._counts: OrderedDict[tuple[str, str], array[int]] = OrderedDict()

    def words(self, reader: Any, field: str) -> list[str]:
        """The words of `field` in `reader`'s segment, in the term index's order."""
        decode = reader.schema[field].from_bytes
        return self._lookup(
            self._kept,
            reader,
            field,
            lambda: [decode(btext) for btext in reader.lexicon(field)],
            self._read,
            self._write,
        )

    def frequencies(self, reader: Any, field: str) -> array[int]:
        """How many documents of `reader`'s segment hold each word of `words(reader, field)`,
        in the same order (deleted documents included, as Whoosh counts them)."""
        return self._lookup(
            self._counts,
            reader,
            field,
            lambda: array("I", (info.doc_frequency() for _, info in reader.iter_field(field))),
            self._read_counts,
            self._write_counts,
        )

    def _lookup(
        self,
        kept: OrderedDict[tuple[str, str], _T],
        reader: Any,
        field: str,
        compute: Callable[[], _T],
        read: Callable[[str, str], _T | None],
        write: Callable[[str, str, _T], None],
    ) -> _T:
        """What `kept` holds for the segment's field; else read from the folder; else worked
        out from the index and written there. The most recently used KEPT stay in memory."""
        segment = reader.segment()
        if segment is None:  # an empty index's reader: nothing to keep
            return compute()
        key = (segment.segment_id(), field)
        with self._lock:
            found = kept.get(key)
            if found is not None:
                kept.move_to_end(key)
                return found
        value = read(*key)
        if value is None:
            value = compute()
            write(*key, value)
        with self._lock:
            kept[key] = value
            while len(kept) > KEPT:
                kept.popitem(last=False)
        return value

    def prepare(self, ix: Any, fields: tuple[str, ...]) -> None:
        """Write the word lists of every segment of `ix` now (the end of a build), so that
        the first fuzzy search does not read them from the index."""
        segments = set()
        with ix.reader() as reader:
            for leaf, _ in reader.leaf_readers():
                if leaf.segment() is None:  # an empty index
                    continue
                segments.add(leaf.segment().segment_id())
                for field in fields:
                    if field in leaf.schema:
                        self.words(leaf, field)
                        if field in FREQUENCY_FIELDS:
                            self.frequencies(leaf, field)
        if self.folder is not None:  # the lists of segments merged away since
            for suffix in (SUFFIX, FREQUENCY_SUFFIX):
                for path in self.folder.glob(f"*{suffix}"):
                    if path.name.split(".")[0] not in segments:
                        with contextlib.suppress(OSError):
                            path.unlink()

    def _path(self, segment: str, field: str) -> Path | None:
        return None if self.folder is None else self.folder / f"{segment}.{field}{SUFFIX}"

    def _read(self, segment: str, field: str) -> list[str] | None:
        path = self._path(segment, field)
        if path is None:
            return None
        try:
            data = path.read_bytes()
        except OSError:
            return None
        head, _, body = data.partition(b"\n")
        try:
            count, checksum = (int(part) for part in head.split(b" "))
        except ValueError:
            return None
        if zlib.crc32(body) != checksum:
            return None
        try:
            words = body.decode("utf-8").split(SEPARATOR) if body else []
        except UnicodeDecodeError:
            return None
        return words if len(words) == count else None

    def _read_counts(self, segment: str, field: str) -> array[int] | None:
        path = self._path(segment, field)
        if path is None:
            return None
        try:
            data = path.with_suffix(FREQUENCY_SUFFIX).read_bytes()
        except OSError:
            return None
        head, _, body = data.partition(b"\n")
        try:
            count, checksum = (int(part) for part in head.split(b" "))
        except ValueError:
            return None
        if zlib.crc32(body) != checksum or len(body) != 4 * count:
            return None
        counts = array("I")
        counts.frombytes(body)
        return counts

    def _write_counts(self, segment: str, field: str, counts: array[int]) -> None:
        path = self._path(segment, field)
        if path is not None:
            body = counts.tobytes()
            self._replace(path.with_suffix(FREQUENCY_SUFFIX), len(counts), body)

    def _write(self, segment: str, field: str, words: list[str]) -> None:
        path = self._path(segment, field)
        if path is None or any(SEPARATOR in word for word in words):
            return
        self._replace(path, len(words), SEPARATOR.join(words).encode("utf-8"))

    @staticmethod
    def _replace(path: Path, count: int, body: bytes) -> None:
        data = f"{count} {zlib.crc32(body)}\n".encode() + body
        temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        try:
            path.parent.mkdir(exist_ok=True)
            temporary.write_bytes(data)
            os.replace(temporary, path)
        except OSError:  # a read-only or full cache: the words are still used, from memory
            with contextlib.suppress(OSError):
                temporary.unlink(missing_ok=True)
