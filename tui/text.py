"""Article text is data: make it safe to show in a terminal, one character for one.

Control characters (ESC and the rest of C0 and C1, DEL) and bidirectional-override characters
could move the cursor, rewrite the screen, set the clipboard or reorder what a person reads.
`visible` replaces each with a visible stand-in of the same length, so character offsets into
the text (hits, mentions) stay valid. Markup is never parsed from text: the app builds
`rich.text.Text` / Textual `Content` objects from it, never markup strings.
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["dumps_json", "visible"]


def _table() -> dict[int, str]:
    table = {code: chr(0x2400 + code) for code in range(0x20) if code not in (0x09, 0x0A)}
    table[0x7F] = "\u2421"
    for code in range(0x80, 0xA0):
        table[code] = "\ufffd"
    for code in (0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)):
        table[code] = "\ufffd"
    return table


_VISIBLE = _table()
_JSON_UNSAFE = {
    code: f"\\u{code:04x}"
    for code in (*range(0x7F, 0xA0), 0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F))
}
_JSON_UNSAFE.update({code: f"\\u{code:04x}" for code in range(0x2066, 0x206A)})
_JSON_UNSAFE.update({0x2028: "\\u2028", 0x2029: "\\u2029"})


def visible(text: str) -> str:
    """The text with every control and direction-override character shown, same length."""
    return text.translate(_VISIBLE)


def dumps_json(record: Any) -> str:
    """One JSON line, readable (non-ASCII kept) but with nothing a terminal would act on."""
    return json.dumps(record, ensure_ascii=False).translate(_JSON_UNSAFE)
