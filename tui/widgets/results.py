"""The results list: title, source, date and a one-line snippet with the hits highlighted.

Each result is three rows (four or five with the spellings an actor query matched), none
wrapped by the list (what does not fit ends in an ellipsis), so a screen shows ten results,
and a new page is drawn without wrapping every snippet to the width.
The snippet starts a few words before its first hit, so the hit is on screen however narrow
the list. The rows are cut to the list's width when a page is shown, so they are cut again
when the width changes; and their colours (component classes, from the theme) are read
again when the theme changes.

Results arrive a page at a time: when the highlight nears the end of what is loaded, the list
asks for more (`MoreWanted`), so a query with 30,000 hits scrolls without loading them all.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from rich.style import Style as RichStyle
from textual import events, on
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.style import Style
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tui.text import visible

if TYPE_CHECKING:
    from textual.widget import Widget

    from index import Hit, SearchResults

__all__ = ["ResultsList"]

# The next page is asked for this many results before the end of those loaded, and further
# ahead once the person is paging through (a page of a 40,000-hit query takes most of a second,
# whatever its size): at most MAX_AHEAD.
LOAD_AHEAD = 10
MAX_AHEAD = 60

# A snippet's first hit starts at most this many characters into its row.
LEAD = 10


def squeezed(text: str, spans: Sequence[tuple[int, int]]) -> tuple[str, list[tuple[int, int]]]:
    """A snippet with each run of spaces shown as one, and its hit spans moved to match.

    Wire text indents every paragraph, so a snippet across a paragraph break had a gap of
    five spaces in the middle of a line.
    """
    kept: list[str] = []
    where: list[int] = []  # where each character of `text` went
    after_space = False
    for char in text:
        where.append(len(kept))
        space = char.isspace()
        if not (space and after_space):
            kept.append(" " if space else char)
        after_space = space
    where.append(len(kept))
    moved = [(where[start], where[end]) for start, end in spans if where[start] < where[end]]
    return "".join(kept), moved


def led(
    text: str, spans: Sequence[tuple[int, int]], lead: int = LEAD
) -> tuple[str, list[tuple[int, int]]]:
    """A snippet cut to begin at most `lead` characters (at a word) before its first hit."""
    if not spans or spans[0][0] <= lead:
        return text, list(spans)
    first = spans[0][0]
    cut = first - lead
    space = text.find(" ", cut, first)
    cut = space + 1 if space >= 0 else first
    if text.startswith("…"):
        cut = max(cut, 1)
    shift = 1 - cut  # "…" + text[cut:]
    return "…" + text[cut:], [(s + shift, e + shift) for s, e in spans if e > cut]


def theme_style(widget: Widget, name: str) -> Style:
    """A component class's style for text that Python code styles, with its colours resolved.

    The partial style alone keeps a colour such as `$text-muted` ("auto 60%") as plain white:
    its alpha is only blended against a background in the full style. So the colours come from
    the full style (background only where the component sets one) and the rest from the partial.
    """
    partial = widget.get_component_rich_style(name, partial=True)
    full = widget.get_component_rich_style(name)
    colours = RichStyle(
        color=full.color if partial.color else None,
        bgcolor=full.bgcolor if partial.bgcolor else None,
    )
    return Style.from_rich_style(partial + colours)


def hit_id(hit: Hit) -> str:
    """The option id of a result: its article's id."""
    return hit.article.article.id


class ResultsList(OptionList):
    """Search results; Enter opens the highlighted article."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False, tooltip="Next result", id="results.down"),
        Binding("k", "cursor_up", "Up", show=False, tooltip="Previous result", id="results.up"),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {"results--hit", "results--meta", "results--title"}
    DEFAULT_CSS = """
    ResultsList { border: none; text-wrap: nowrap; text-overflow: ellipsis; }
    /* Focus is the pane's tint (reader.tcss): a focus border would narrow the rows. */
    ResultsList:focus { border: none; }
    ResultsList > .results--hit { text-style: bold; color: $text; background: $warning-muted; }
    ResultsList > .results--meta { color: $text-muted; }
    ResultsList > .results--title { text-style: bold; }
    """

    class ArticleChosen(Message):
        """The person chose an article to read."""

        def __init__(self, article_id: str) -> None:
            super().__init__()
            self.article_id = article_id

    class MoreWanted(Message):
        """The highlight is near the end of the loaded results: fetch the next page."""

        def __init__(self, offset: int) -> None:
            super().__init__()
            self.offset = offset

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.total = 0
        self._asked_for = -1
        self._hits: list[Hit] = []  # in the order of the options
        self._width = 0  # the row width the prompts were cut to
        self._lit: int | None = None  # the result drawn as highlighted

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)

    def _theme_changed(self, _theme: object) -> None:
        # The component classes' styles are cached per widget: read them afresh.
        self.notify_style_update()
        self._restyle()

    def on_resize(self, event: events.Resize) -> None:
        if self._row_width() != self._width:
            self._restyle()

    def _restyle(self) -> None:
        """Build every shown result's rows again (for a new width or a new theme)."""
        self._width = width = self._row_width()
        for index, hit in enumerate(self._hits):
            self.replace_option_prompt_at_index(index, self._prompt(hit, width, index == self._lit))

    def _light(self, index: int | None) -> None:
        """Draw the highlighted result's metadata in the cursor's own colour.

        A muted colour is blended for the list's background: on the cursor's background
        (the accent, in most themes) it can all but vanish.
        """
        previous, self._lit = self._lit, index
        for at in {previous, index}:
            if at is not None and 0 <= at < len(self._hits):
                prompt = self._prompt(self._hits[at], self._width, at == index)
                self.replace_option_prompt_at_index(at, prompt)

    def show(self, results: SearchResults) -> None:
        """Show a first page (replacing what was there) or append a later one."""
        self._width = width = self._row_width()  # once for the page
        if results.offset == 0:
            self._hits = list(results.hits)
            options = [Option(self._prompt(hit, width), id=hit_id(hit)) for hit in self._hits]
            self._lit = None
            self.set_options(options)
            self._asked_for = -1
            if options:
                self.highlighted = 0
        else:
            known = {hit_id(hit) for hit in self._hits}
            new = [hit for hit in results.hits if hit_id(hit) not in known]
            self._hits.extend(new)
            self.add_options(Option(self._prompt(hit, width), id=hit_id(hit)) for hit in new)
        self.total = results.total

    def _row_width(self) -> int:
        """The cells a result's row has (0 before the list is laid out)."""
        padding = self.get_component_styles("option-list--option").padding
        return max(0, self.scrollable_content_region.width - padding.width)

    def _style(self, name: str) -> Style:
        return theme_style(self, name)

    def _prompt(self, hit: Hit, width: int, highlighted: bool = False) -> Content:
        article = hit.article.article
        date = article.published.iso if article.published else "undated"
        source = article.source or "source unknown"
        meta_style = Style() if highlighted else self._style("results--meta")
        rows = [
            Content(visible(article.title)).stylize(self._style("results--title")),
            Content(visible(f"{date} · {source}")).stylize(meta_style),
        ]
        if hit.matched:
            # Every spelling the article uses, on as many rows as they need.
            matched = visible(f"matched: {', '.join(hit.matched)}")
            wrapped = (
                textwrap.wrap(matched, width, subsequent_indent="  ", break_on_hyphens=False)
                if width > 20
                else [matched]
            )
            rows.extend(Content(row).stylize(meta_style) for row in wrapped)
        text, spans = squeezed(hit.snippet.text, hit.snippet.spans)
        if spans:
            # In a narrow list, less before a long hit (a full name), so that all of it shows.
            room = width - 2  # the ellipses at both ends
            lead = LEAD if room <= 0 else max(0, min(LEAD, room - (spans[0][1] - spans[0][0])))
            text, spans = led(text, spans, lead)
        snippet = Content(visible(text))
        hit_style = self._style("results--hit")
        for start, end in spans:
            snippet = snippet.stylize(hit_style, start, end)
        return Content("\n").join([*rows, snippet])

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.post_message(self.ArticleChosen(event.option.id))

    @on(OptionList.OptionHighlighted)
    def _near_end(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self._light(event.option_index)
        loaded = self.option_count
        ahead = min(max(LOAD_AHEAD, loaded // 3), MAX_AHEAD)
        if (
            event.option_index >= loaded - ahead
            and loaded < self.total
            and self._asked_for != loaded
        ):
            self._asked_for = loaded
            self.post_message(self.MoreWanted(loaded))

    @property
    def highlighted_id(self) -> str | None:
        """The id of the highlighted article, if any."""
        option = self.highlighted_option
        return option.id if option is not None else None
