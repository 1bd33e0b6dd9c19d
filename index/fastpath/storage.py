"""Reading an index's files: small parts at once into memory, nothing memory-mapped."""

from __future__ import annotations

import io
import pickle
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.filedb.compound import SubFile
from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import BufferFile, StructFile

__all__ = ["ReadStorage", "SegmentFile", "open_whoosh"]

# A block header is read with one call of this many bytes.
PICKLE_READ = 128

# Parts of a segment file up to this size are read into memory once per searcher rather than
# on every lookup: in a big segment, the per-document field lengths every score needs and the
# date column; in a small one (an update's few articles), every part.
IN_MEMORY_PART = 1 << 20


class SegmentFile(StructFile):
    """A segment file whose small parts are read at once into memory."""

    def subset(self, offset: int, length: int, name: str | None = None) -> StructFile:
        if length <= IN_MEMORY_PART:
            self.file.seek(offset)
            return BufferFile(self.file.read(length), name=name or self._name)
        return SegmentFile(SubFile(self.file, offset, length), name=name or self._name)

    def read_pickle(self) -> Any:
        """A pickle read with one read call (a block header: 30-odd bytes), not one per
        opcode as `pickle.load` makes of a file."""
        start = self.tell()
        head = io.BytesIO(self.read(PICKLE_READ))
        try:
            value = pickle.load(head)
        except Exception:  # longer than PICKLE_READ (or not a pickle): Whoosh's way
            self.seek(start)
            return super().read_pickle()
        self.seek(start + head.tell())
        return value


class ReadStorage(FileStorage):
    """An index folder opened for reading, without memory-mapping."""

    def __init__(self, path: Path) -> None:
        super().__init__(str(path), supports_mmap=False, readonly=True)

    def open_file(self, name: str, **kwargs: Any) -> StructFile:
        return SegmentFile(open(self._fpath(name), "rb"), name=name, **kwargs)


def open_whoosh(path: Path) -> whoosh_index.Index:
    """Open a Whoosh index for reading, without memory-mapping its files.

    Memory-mapped segments count every page a search touches in the process's resident
    memory (444 MB after one search of the 57k-article index); read normally, the operating
    system's page cache holds them instead, outside the process. Reading is then a system
    call per lookup, so the small parts that every score consults (a byte per document and
    field) are read into memory once. An open file stays readable after another process
    deletes it, as a mapping does.
    """
    return whoosh_index.FileIndex(ReadStorage(path))
