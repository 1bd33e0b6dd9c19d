"""Bytes to text: the encodings accepted, known by their byte-order marks, and nothing guessed."""

from __future__ import annotations

import codecs

__all__ = ["TextDecodeError", "clean_newlines", "decode_text", "nul_problem"]

# Longest first: the UTF-32 LE mark begins with the UTF-16 LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32 LE"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32 BE"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16 LE"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16 BE"),
)
# How much of a file is looked at to tell NUL-interleaved text from other binary data.
_SAMPLE = 8192


class TextDecodeError(ValueError):
    """Bytes that are not the text they claim to be; `line` is 1-based when known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


def bom_encoding(data: bytes) -> tuple[str, str, int] | None:
    """(codec, name, length of the mark) for data that starts with a byte-order mark."""
    for mark, codec, name in _BOMS:
        if data.startswith(mark):
            return codec, name, len(mark)
    return None


def decode_text(data: bytes) -> str:
    """Decode text by its byte-order mark (UTF-8, UTF-16 LE/BE, UTF-32 LE/BE), or as UTF-8
    when it has none. Raises TextDecodeError (a ValueError) saying where the text goes wrong;
    text without a mark that holds NUL bytes is refused (see `nul_problem`)."""
    found = bom_encoding(data)
    codec, name, skip = found if found is not None else ("utf-8", "UTF-8", 0)
    if found is None and (problem := nul_problem(data)) is not None:
        raise TextDecodeError(problem)
    try:
        return data[skip:].decode(codec)
    except UnicodeDecodeError as error:
        start = error.start + skip
        line = _line_at(data, start, codec, skip)
        raise TextDecodeError(f"not valid {name} (byte {start}, line {line})", line=line) from None


def _line_at(data: bytes, offset: int, codec: str, skip: int) -> int:
    """The line of a byte offset, counting newlines in the text's own encoding."""
    newline = "\n".encode(codec)
    return data.count(newline, skip, offset) + 1


def nul_problem(data: bytes) -> str | None:
    """Why bytes without a byte-order mark that hold NUL are not read as text, or None.

    Text in UTF-16 or UTF-32 without its mark shows as NUL bytes at fixed places (every second
    or every fourth byte is zero for Latin text); anything else with NUL is binary.
    """
    sample = data[:_SAMPLE]
    if b"\x00" not in sample:
        return None
    if _interleaved(sample):
        return (
            "looks like UTF-16 or UTF-32 text without a byte-order mark (NUL bytes between "
            "the letters): save it as UTF-8, or with its byte-order mark"
        )
    return "binary file, not text"


def _interleaved(sample: bytes) -> bool:
    """Are NUL bytes nearly always at the same places of every 2 or 4 bytes?"""
    for width in (2, 4):
        columns = [sample[start::width] for start in range(width)]
        if any(len(column) < 8 for column in columns):
            continue
        shares = [column.count(0) / len(column) for column in columns]
        if all(s >= 0.9 or s <= 0.1 for s in shares) and 0 < sum(s >= 0.9 for s in shares) < width:
            return True
    return False


def clean_newlines(text: str) -> str:
    """Normalise line endings; the text itself stays as written."""
    return text.replace("\r\n", "\n").replace("\r", "\n")
