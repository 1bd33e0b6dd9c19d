"""Values and paths quoted for messages: never a raw control character, never a long wall."""

from __future__ import annotations

import os
import re
from pathlib import Path

__all__ = ["quote", "safe_text", "shown_path"]

# What a terminal acts on or hides: C0 and C1 controls, DEL, the bidirectional marks, overrides
# and isolates, and lone surrogates (not text at all). Each is shown as its escape.
_UNSAFE_RE = re.compile(
    r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
# A value quoted in a message is cut to this many characters: the message says where the value
# is, so the reader can see all of it there.
QUOTE_LIMIT = 60


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def safe_text(text: str) -> str:
    """`text` with every control character, bidirectional mark and lone surrogate escaped."""
    return _UNSAFE_RE.sub(_escape, text)


def quote(value: object, limit: int = QUOTE_LIMIT) -> str:
    """A value as a message shows it: text in quotes, escaped as `repr` does, cut to `limit`
    characters with an ellipsis; anything else by its `repr`, cut the same way."""
    if isinstance(value, str):
        cut = value if len(value) <= limit else value[:limit]
        shown = repr(cut)
        return shown if cut is value else f"{shown[:-1]}…{shown[-1]}"
    try:
        shown = repr(value)
    except Exception:  # an integer of more digits than Python converts, say
        return f"a {type(value).__name__}"
    return safe_text(shown if len(shown) <= limit else shown[:limit] + "…")


def shown_path(path: Path | str) -> str:
    """A path as messages show it: bytes that are not UTF-8 as `\\xNN`, controls escaped."""
    return safe_text(os.fsencode(path).decode("utf-8", "backslashreplace"))
