"""Article bodies as the store keeps them: Zstandard frames, with a dictionary trained on the
store's first large batch.

News articles are a few kilobytes each: compressed one by one, each starts from nothing, and
zlib gets about 2.1x on the benchmark corpus. A dictionary trained on the corpus's own text
(the words and phrases its articles share) gives Zstandard about 2.7x on the same articles, and
it both compresses and decompresses about twice as fast as zlib. A body is one frame, read back
alone; the frame names its dictionary by id, and the dictionaries live in the store's
`dictionaries` table (one per store in practice: trained once, when the first batch of at least
`TRAIN_MINIMUM` articles is written; a smaller store has none and uses plain frames).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

import zstandard

__all__ = ["SCHEMA", "Unpacker", "newest", "packer", "train"]

SCHEMA = "CREATE TABLE IF NOT EXISTS dictionaries (id INTEGER PRIMARY KEY, data BLOB NOT NULL);"

# Level 3, Zstandard's default: with a dictionary it already beats zlib's level 6 in size, and
# higher levels cost the build more than they save (level 9: 8% smaller, 4 times slower).
LEVEL = 3
# A dictionary is trained on at least this many bodies (fewer describe the corpus badly) ...
TRAIN_MINIMUM = 1000
# ... of at most this many (training time grows with the sample), into this many bytes.
TRAIN_SAMPLE = 5000
DICTIONARY_BYTES = 112 * 1024

# Dictionaries by id, shared by every store of this process (an id is drawn at random when a
# dictionary is trained, and read back with its bytes).
_DICTIONARIES: dict[int, zstandard.ZstdCompressionDict] = {}
_LOCK = threading.Lock()


def train(bodies: Sequence[str]) -> zstandard.ZstdCompressionDict | None:
    """A dictionary for a corpus, from a sample of its bodies (None when too few)."""
    sample: list[bytes | bytearray | memoryview] = []
    for body in bodies[: TRAIN_SAMPLE * 2]:
        if body and len(sample) < TRAIN_SAMPLE:
            sample.append(body.encode("utf-8"))
    if len(sample) < TRAIN_MINIMUM:
        return None
    try:
        trained = zstandard.train_dictionary(DICTIONARY_BYTES, sample, level=LEVEL)
    except zstandard.ZstdError:  # text too uniform or too small to learn from
        return None
    trained.precompute_compress(level=LEVEL)
    return trained


def newest(db: sqlite3.Connection) -> int:
    """The id of the store's newest dictionary as `db` sees it (0: none), loaded for use."""
    try:
        rows = db.execute("SELECT id, data FROM dictionaries ORDER BY rowid").fetchall()
    except sqlite3.OperationalError:  # a store whose tables are not made yet
        return 0
    with _LOCK:
        for dict_id, data in rows:
            if dict_id not in _DICTIONARIES:
                _DICTIONARIES[dict_id] = zstandard.ZstdCompressionDict(data)
    return int(rows[-1][0]) if rows else 0


def packer(db: sqlite3.Connection, bodies: Sequence[str]) -> Callable[[str], bytes]:
    """Packs the bodies of one write (inside its transaction): with the store's dictionary,
    trained now from `bodies` when the store has none and they are enough to learn from."""
    dict_id = newest(db)
    if not dict_id and (trained := train(bodies)) is not None:
        dict_id = trained.dict_id()
        db.execute("INSERT INTO dictionaries VALUES (?, ?)", (dict_id, trained.as_bytes()))
        with _LOCK:
            _DICTIONARIES[dict_id] = trained
    compressor = zstandard.ZstdCompressor(
        level=LEVEL, dict_data=_DICTIONARIES[dict_id] if dict_id else None
    )
    return lambda text: compressor.compress(text.encode("utf-8"))


class Unpacker:
    """Unpacks the bodies one connection reads (SQL reads them as the column `body`)."""

    def __init__(self, path: Path, db: sqlite3.Connection) -> None:
        self.path = path
        self._decompressors: dict[int, zstandard.ZstdDecompressor] = {}
        newest(db)

    def __call__(self, data: bytes | None) -> str | None:
        """A body back from its frame."""
        if data is None:
            return None
        dict_id = zstandard.get_frame_parameters(data).dict_id
        decompressor = self._decompressors.get(dict_id) or self._decompressor(dict_id)
        return str(decompressor.decompress(data), "utf-8")

    def _decompressor(self, dict_id: int) -> zstandard.ZstdDecompressor:
        if dict_id and dict_id not in _DICTIONARIES:
            # Trained by another connection since this one opened: read on a connection of
            # its own (this one is inside a query).
            reader = sqlite3.connect(self.path, timeout=30)
            try:
                newest(reader)
            finally:
                reader.close()
        if dict_id and dict_id not in _DICTIONARIES:
            raise ValueError(f"an article's text needs the store's dictionary {dict_id}: missing")
        decompressor = zstandard.ZstdDecompressor(
            dict_data=_DICTIONARIES[dict_id] if dict_id else None
        )
        self._decompressors[dict_id] = decompressor
        return decompressor
