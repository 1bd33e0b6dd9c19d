"""A passage selected in an article: a field and character offsets, grown a word or a
sentence at a time. Plain Python, no widget: the article pane draws it, the reader clips it,
and anything else that needs a passage (curation of actors, say) can reuse it.

    selection = Selection.at("body", 120)        # empty, at offset 120
    selection = selection.extend(text, "word")   # ... to the end of the next word
    selection = selection.extend(text, "sentence", forward=False)
    selection.passage(text)                      # the selected text
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

__all__ = ["Selection"]

_WORD_END = re.compile(r"\s*\S+")
_SENTENCE_END = re.compile(r".*?(?:[.!?][\"'”’)]*(?=\s|$)|\n\s*\n|$)", re.S)


@dataclass(frozen=True, slots=True)
class Selection:
    """From `anchor` (where it started) to `head` (where it was extended to), in `field`."""

    field: str
    anchor: int
    head: int

    @classmethod
    def at(cls, field: str, offset: int) -> Selection:
        """An empty selection at an offset."""
        return cls(field, offset, offset)

    @property
    def start(self) -> int:
        """The first offset selected."""
        return min(self.anchor, self.head)

    @property
    def end(self) -> int:
        """The offset after the last one selected."""
        return max(self.anchor, self.head)

    @property
    def empty(self) -> bool:
        """Nothing selected yet."""
        return self.start == self.end

    def passage(self, text: str) -> str:
        """The text selected (from the field's whole text)."""
        return text[self.start : self.end]

    def extend(self, text: str, unit: str = "word", forward: bool = True) -> Selection:
        """Move the head a word or a sentence on (or back), within the text."""
        head = self.head
        if forward:
            pattern = _WORD_END if unit == "word" else _SENTENCE_END
            found = pattern.match(text, head)
            moved = found.end() if found and found.end() > head else head
            if moved == head and head < len(text):
                moved = head + 1
            head = min(len(text), moved)
        else:
            before = text[:head].rstrip()
            if unit == "word":
                head = len(before) - len(before.split()[-1]) if before.split() else 0
            else:
                cut = max(before.rfind(mark, 0, len(before) - 1) for mark in ".!?\n")
                head = 0 if cut < 0 else cut + 1
                while head < len(text) and text[head].isspace():
                    head += 1
        return replace(self, head=max(0, head))
