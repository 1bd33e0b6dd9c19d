"""Article text is data: make it safe to show in a terminal, one character for one.

Control characters (ESC and the rest of C0 and C1, DEL) and bidirectional-override characters
could move the cursor, rewrite the screen, set the clipboard or reorder what a person reads.
`visible` replaces each with a visible stand-in of the same length, so character offsets into
the text (hits, mentions) stay valid.

Invisible characters are shown too: a person reading evidence should see that a word holds a
zero-width space, joiner or byte-order mark (they split or disguise a name: `Dos\u200btum` is not
found by `Dostum`). Each of U+200B (zero-width space), U+200D (zero-width joiner), U+2060-U+2064
(word joiner, invisible operators), U+FEFF (byte-order mark, zero-width no-break space),
U+180E (Mongolian vowel separator) and U+034F (combining grapheme joiner) is shown as `◌`
(U+25CC, one character for one). U+200C (zero-width non-joiner) is kept as it is: Persian
and other Arabic-script words are spelled with it, and it changes how a word is drawn, so
it is not hidden evidence.

Markup is never parsed from text. Every string a person sees goes through one of two helpers:
`safe(text)`, the `Content` to give `Static.update`, `Static(...)` or `Label(...)`, and
`plain(text)`, the string to give `notify` (which the app always shows without markup).
`tests/test_architecture.py` fails when code in `tui/` passes anything else.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from textual.content import Content

__all__ = ["INVISIBLE_STAND_IN", "dumps_json", "plain", "safe", "visible"]

INVISIBLE_STAND_IN = "\u25cc"
_INVISIBLE = (0x034F, 0x180E, 0x200B, 0x200D, *range(0x2060, 0x2065), 0xFEFF)


def _table() -> dict[int, str]:
    table = {code: chr(0x2400 + code) for code in range(0x20) if code not in (0x09, 0x0A)}
    table[0x7F] = "\u2421"
    for code in range(0x80, 0xA0):
        table[code] = "\ufffd"
    for code in (0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)):
        table[code] = "\ufffd"
    for code in _INVISIBLE:
        table[code] = INVISIBLE_STAND_IN
    return table


_VISIBLE = _table()
_JSON_UNSAFE = {
    code: f"\\u{code:04x}"
    for code in (*range(0x7F, 0xA0), 0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F))
}
_JSON_UNSAFE.update({code: f"\\u{code:04x}" for code in range(0x2066, 0x206A)})
_JSON_UNSAFE.update({0x2028: "\\u2028", 0x2029: "\\u2029"})


def visible(text: str) -> str:
    """The text with every control, direction-override and invisible character shown, same length."""
    return text.translate(_VISIBLE)


def safe(text: str) -> Content:
    """Text to show in a widget: literal (never markup), every character visible."""
    # Imported here: the command line uses this module without Textual.
    from textual.content import Content

    return Content(visible(text))


def plain(text: str) -> str:
    """Text to show in a notification: every character visible (the app never parses its markup)."""
    return visible(text)


def dumps_json(record: Any) -> str:
    """One JSON line, readable (non-ASCII kept) but with nothing a terminal would act on."""
    return json.dumps(record, ensure_ascii=False).translate(_JSON_UNSAFE)
