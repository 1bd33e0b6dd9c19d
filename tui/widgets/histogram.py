"""The date histogram of the current results: one bar a month or a year, drawn in block
characters, the span and the counts labelled, and a selected range of bars to narrow to.

It only draws what the reader gives it (`show`, computed in a worker after the results are
drawn) and keeps the selection; the reader turns a selection into `published:[A to B]`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.widgets import Static

if TYPE_CHECKING:
    from index.overview import Histogram

__all__ = ["BARS", "DateHistogram", "bars"]

BARS = " ▁▂▃▄▅▆▇█"


def bars(counts: list[int]) -> str:
    """One block character a count, as tall as the count against the largest (a count that
    is not zero always shows)."""
    top = max(counts, default=0)
    if not top:
        return " " * len(counts)
    steps = len(BARS) - 1
    return "".join(BARS[0 if not c else max(1, round(c * steps / top))] for c in counts)


class DateHistogram(Static):
    """Hits per period of the current results; `<` `>` move the selected bar, `{` `}` widen
    the selection to the left or right (the reader's keys)."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"histogram--selected", "histogram--label"}
    DEFAULT_CSS = """
    DateHistogram { height: 2; padding: 0 1; color: $accent; }
    DateHistogram.-empty { display: none; }
    DateHistogram > .histogram--selected { background: $accent; color: $background; }
    DateHistogram > .histogram--label { color: $text-muted; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self.histogram: Histogram | None = None
        self.selection: tuple[int, int] | None = None
        # The date range the query narrows to (a chip in the label; `t` removes it).
        self._narrowed: tuple[str, str] | None = None
        self.add_class("-empty")

    @property
    def narrowed(self) -> tuple[str, str] | None:
        """The date range the query narrows to, shown as a chip."""
        return self._narrowed

    @narrowed.setter
    def narrowed(self, value: tuple[str, str] | None) -> None:
        self._narrowed = value
        self._draw()

    def show(self, histogram: Histogram | None) -> None:
        """Draw the histogram of new results (None: hide it); the selection is dropped."""
        self.histogram = histogram
        self.selection = None
        self.set_class(histogram is None or not histogram.periods, "-empty")
        self._draw()

    @property
    def selected(self) -> tuple[str, str] | None:
        """The first and last period selected, or None."""
        if self.histogram is None or self.selection is None:
            return None
        first, last = self.selection
        return self.histogram.periods[first], self.histogram.periods[last]

    def move(self, step: int) -> bool:
        """Move the selection one bar (the first move selects the last or first bar)."""
        if self.histogram is None or not self.histogram.periods:
            return False
        size = len(self.histogram.periods)
        if self.selection is None:
            at = size - 1 if step < 0 else 0
        else:
            at = min(
                size - 1, max(0, (self.selection[0] if step < 0 else self.selection[1]) + step)
            )
        self.selection = (at, at)
        self._draw()
        return True

    def grow(self, step: int) -> bool:
        """Widen the selection by a bar to the left (step -1) or the right (+1)."""
        if self.histogram is None or self.selection is None:
            return self.move(step)
        first, last = self.selection
        size = len(self.histogram.periods)
        if step < 0:
            first = max(0, first - 1)
        else:
            last = min(size - 1, last + 1)
        self.selection = (first, last)
        self._draw()
        return True

    def _draw(self) -> None:
        self.update(self._styled())

    def _styled(self) -> Text:
        """The bars and the label (periods and counts only: no article text)."""
        histogram = self.histogram
        if histogram is None or not histogram.periods:
            return Text("")
        width = max(1, min(3, (self.size.width - 2 or 80) // len(histogram.periods)))
        line = Text()
        selected_style = self.get_component_rich_style("histogram--selected")
        for i, char in enumerate(bars(histogram.counts)):
            chosen = self.selection is not None and self.selection[0] <= i <= self.selection[1]
            line.append(char * width, selected_style if chosen else "")
        line.append("\n")
        if self._narrowed is not None:
            chip = f" dates: {self._narrowed[0]} to {self._narrowed[1]} ✕ (t removes) "
            line.append(chip, selected_style)
            line.append(" ")
        dated = sum(histogram.counts)
        label = f"{histogram.span} by {histogram.by} · {dated:,} dated"
        if histogram.year_only:
            label += f" · {histogram.year_only:,} dated to the year only"
        label += f" · {histogram.undated:,} undated"
        if self.selection is not None:
            first, last = self.selection
            count = sum(histogram.counts[first : last + 1])
            label += f" · selected {histogram.periods[first]} to {histogram.periods[last]}"
            label += f": {count:,} (t narrows to it)"
        line.append(label, self.get_component_rich_style("histogram--label"))
        return line

    def on_resize(self) -> None:
        self._draw()
