"""Sentence boundaries, for co-mentions "in the same sentence".

sentencex (a compiled segmenter with no dependencies, rule-based with per-language
abbreviation lists) keeps "Gen. Dostum" and "the U.S. embassy" whole, gives character
offsets, and splits an article of a few thousand characters in well under a millisecond;
see docs/overview.md for why it was chosen. A paragraph break always ends a sentence, so a
headline line without a full stop does not run into the next paragraph.
"""

from __future__ import annotations

from bisect import bisect_right

import sentencex

__all__ = ["sentence_of", "sentence_starts", "sentences"]


def sentences(text: str) -> list[tuple[int, int]]:
    """The sentences of `text` as (start, end) character spans, blank runs left out."""
    spans: list[tuple[int, int]] = []
    for part in sentencex.get_sentence_boundaries("en", text):
        start, end = int(part["start_index"]), int(part["end_index"])
        if part.get("is_paragraph_break") or not text[start:end].strip():
            continue
        spans.append((start, end))
    return spans


def sentence_starts(text: str) -> list[int]:
    """Where each sentence of `text` starts, in order (for `sentence_of`)."""
    return [start for start, _ in sentences(text)] or [0]


def sentence_of(starts: list[int], offset: int) -> int:
    """The number of the sentence holding the character at `offset`."""
    return max(0, bisect_right(starts, offset) - 1)
