"""Keyword-in-context lines for plain command-line output, as a concordance prints them.

Each side of a mention is cut at a whole word (an ellipsis shows where; only a word longer than
half the column is cut inside), whitespace runs are
one space, and nothing is added between a mention and what follows it: `[Dostum],` stays
`[Dostum],`, never `[Dostum] ,`. The columns are fixed, so mentions, dates and ids line up.
"""

from __future__ import annotations

from tui.text import visible

__all__ = ["kwic_line"]

# The plain output of `mentions`: the left context is a right-aligned column of KWIC_LEFT
# characters, and the mention with its right context fills a column of KWIC_RIGHT, so the
# mentions, dates and ids line up.
KWIC_LEFT = 40
KWIC_RIGHT = 56


def kwic_line(text: str, start: int, end: int) -> str:
    """`left[mention]right`, each side cut at whole words (an ellipsis where cut), aligned."""
    mention = " ".join(text[start:end].split())
    reach = KWIC_RIGHT * 2
    left = _words(text[max(0, start - reach) : start], KWIC_LEFT, cut_start=start > reach)
    room = max(0, KWIC_RIGHT - len(mention) - 2)
    right = _words(text[end : end + reach], room, cut_start=False, from_end=False)
    return f"{visible(left):>{KWIC_LEFT}}[{visible(mention)}]{visible(right):<{room}}"


def _words(context: str, width: int, cut_start: bool, from_end: bool = True) -> str:
    """At most `width` characters of `context` nearest the mention, whole words only.

    `from_end`: the context is on the left, so its end (next to the mention) is kept.
    Whitespace runs become one space, and the space next to the mention is kept as it was
    (no space is added before a comma that follows a mention).
    """
    flat = " ".join(context.split())
    if context[:1].isspace():
        flat = " " + flat
    if context[-1:].isspace() and flat:
        flat = flat + " " if not flat.endswith(" ") else flat
    if from_end:
        if len(flat) <= width and not cut_start:
            return flat
        kept = flat[-(width - 1) :] if width > 1 else ""
        cut = len(flat) - len(kept)
        if cut > 0 and flat[cut - 1] != " ":
            space = kept.find(" ")
            # A word longer than half the column is cut inside: dropping it would hide the
            # text that is there (a run of markup, a URL) behind an empty column.
            if 0 <= space < len(kept) // 2:
                kept = kept[space + 1 :]
        return "…" + kept if kept.strip() else ""
    if len(flat) <= width:
        return flat
    kept = flat[: width - 1] if width > 1 else ""
    if len(kept) < len(flat) and flat[len(kept)] != " ":
        space = kept.rfind(" ")
        if space >= len(kept) // 2:
            kept = kept[:space]
    return kept.rstrip() + "…" if kept.strip() else ""
