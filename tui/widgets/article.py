"""The article pane: header, then the text with query hits and an actor's mentions marked.

The text is data: each paragraph is a `Content` built from the text (control characters made
visible, one for one), styled by character spans; nothing in an article is parsed as markup.
Marks are component classes, so themes can restyle them. Each paragraph is its own widget, so
a mark can be scrolled to the centre of the pane by its character offset.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.geometry import Offset
from textual.style import Style
from textual.widgets import Static

from tui.navigation import Mark
from tui.selection import Selection
from tui.text import visible

if TYPE_CHECKING:
    from index import StoredArticle

__all__ = ["ArticleView", "Mark", "unwrapped"]  # Mark: re-exported from tui.navigation

_PARAGRAPH = re.compile(r"[^\n]+(?:\n[^\n]+)*")
# Newswire text is hard-wrapped: Reuters breaks its lines at about 70 columns and starts a
# paragraph with an indented line. A line break after a long line, followed by text (not by an
# indent, a blank line or the end), is shown as a space so that the text wraps at the pane's
# width instead of leaving a ragged short line at every break. One character for one: hit and
# mention offsets stay valid. Tables and lists (short or indented lines) keep their breaks.
_SOFT_BREAK = re.compile(r"(?<=[^\n]{40})\n(?=\S)")


def unwrapped(text: str) -> str:
    """The text with hard line breaks inside wrapped paragraphs shown as spaces (same length)."""
    return _SOFT_BREAK.sub(" ", text)


class Paragraph(Static):
    """One paragraph of an article; `start` is its offset in the body."""

    def __init__(self, start: int, end: int) -> None:
        super().__init__(classes="paragraph")
        self.start = start
        self.end = end


class ArticleView(VerticalScroll, can_focus=True):
    """Shows one article and moves between its marks."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "j",
            "scroll_down",
            "Scroll down",
            show=False,
            tooltip="Scroll the article down",
            id="article.down",
        ),
        Binding(
            "k",
            "scroll_up",
            "Scroll up",
            show=False,
            tooltip="Scroll the article up",
            id="article.up",
        ),
        Binding(
            "space",
            "page_down",
            "Page down",
            show=False,
            tooltip="One page down",
            id="article.page",
        ),
        Binding(
            "v",
            "select",
            "Select",
            show=False,
            tooltip="Start selecting a passage (at the current hit or mention, else at the top"
            " of the pane); again: drop the selection",
            id="article.select",
        ),
        Binding(
            "shift+right",
            "extend('word', True)",
            "Extend",
            show=False,
            tooltip="Grow the selection by a word",
            id="article.grow_word",
        ),
        Binding(
            "shift+left",
            "extend('word', False)",
            "Extend",
            show=False,
            tooltip="Shrink the selection by a word",
            id="article.shrink_word",
        ),
        Binding(
            "shift+down",
            "extend('sentence', True)",
            "Extend",
            show=False,
            tooltip="Grow the selection to the end of the sentence",
            id="article.grow_sentence",
        ),
        Binding(
            "shift+up",
            "extend('sentence', False)",
            "Extend",
            show=False,
            tooltip="Shrink the selection by a sentence",
            id="article.shrink_sentence",
        ),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "article--hit",
        "article--hit-current",
        "article--mention",
        "article--mention-current",
        "article--selection",
    }
    DEFAULT_CSS = """
    ArticleView { padding: 0 2; }
    ArticleView #article-title { text-style: bold; color: $text-primary; margin-top: 1; }
    ArticleView #article-meta { color: $text-muted; margin-bottom: 1; }
    ArticleView #article-body { height: auto; }
    ArticleView .paragraph { margin-bottom: 1; }
    ArticleView > .article--hit { text-style: bold; color: $text-warning; background: $warning-muted; }
    ArticleView > .article--hit-current { text-style: bold reverse; color: $text-warning; }
    ArticleView > .article--mention { text-style: underline; color: $text-accent; background: $accent-muted; }
    ArticleView > .article--mention-current { text-style: bold reverse; color: $text-accent; }
    ArticleView > .article--selection { background: $primary 60%; text-style: bold; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.article: StoredArticle | None = None
        self._marks: list[Mark] = []
        self._current: Mark | None = None
        # The passage selected (tui/selection.py), or None.
        self.selection: Selection | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="article-title")
        yield Static(Content("Choose an article to read it here."), id="article-meta")
        yield Vertical(id="article-body")

    async def show(self, article: StoredArticle) -> None:
        """Replace the pane's content with an article."""
        self.article = article
        self._marks, self._current = [], None
        self.selection = None
        text = article.article
        date = text.published.iso if text.published else "undated"
        meta = [text.source or "source unknown", date]
        if text.author:
            meta.insert(1, f"by {text.author}")
        self.query_one("#article-meta", Static).update(Content(visible(" · ".join(meta))))
        body = self.query_one("#article-body", Vertical)
        paragraphs = [Paragraph(m.start(), m.end()) for m in _PARAGRAPH.finditer(text.body)]
        with self.app.batch_update():
            await body.remove_children()
            await body.mount_all(paragraphs)
            self._render_marks()
        self.scroll_home(animate=False)

    async def show_notice(self, notice: str) -> None:
        """Replace the article with a notice (it was removed from the corpus)."""
        self.article = None
        self._marks, self._current = [], None
        self.selection = None
        self.query_one("#article-title", Static).update(Content(""))
        self.query_one("#article-meta", Static).update(Content(notice))
        await self.query_one("#article-body", Vertical).remove_children()

    def set_marks(self, marks: Sequence[Mark], current: Mark | None = None) -> None:
        """Mark hits and mentions; `current` gets the stronger style."""
        self._marks, self._current = list(marks), current
        self._render_marks()

    def _style(self, name: str) -> Style:
        return Style.from_rich_style(self.get_component_rich_style(name, partial=True))

    def _styled(self, text: str, offset: int, field: str) -> Content:
        content = Content(visible(unwrapped(text) if field == "body" else text))
        end = offset + len(text)
        for mark in sorted(self._marks, key=lambda m: m.kind == "mention"):
            if mark.field != field or mark.end <= offset or mark.start >= end:
                continue
            name = f"article--{mark.kind}"
            if mark == self._current:
                name += "-current"
            content = content.stylize(
                self._style(name), max(mark.start, offset) - offset, min(mark.end, end) - offset
            )
        chosen = self.selection
        shown = chosen is not None and chosen.field == field and not chosen.empty
        if chosen is not None and shown and chosen.end > offset and chosen.start < end:
            content = content.stylize(
                self._style("article--selection"),
                max(chosen.start, offset) - offset,
                min(chosen.end, end) - offset,
            )
        return content

    def _render_marks(self) -> None:
        if self.article is None:
            return
        text = self.article.article
        self.query_one("#article-title", Static).update(self._styled(text.title, 0, "title"))
        for paragraph in self.query(Paragraph):
            paragraph.update(
                self._styled(text.body[paragraph.start : paragraph.end], paragraph.start, "body")
            )

    def scroll_to_mark(self, mark: Mark) -> None:
        """Scroll so the mark is in the middle of the pane."""
        if mark.field == "title":
            self.scroll_home(animate=False)
            return
        for paragraph in self.query(Paragraph):
            if paragraph.start <= mark.start < paragraph.end or mark.start < paragraph.start:
                # Estimate the line of the mark inside a long paragraph from its offset.
                share = (mark.start - paragraph.start) / max(1, paragraph.end - paragraph.start)
                line = int(share * paragraph.outer_size.height)
                target = paragraph.virtual_region.y + line - self.size.height // 2
                self.scroll_to(y=max(0, target), animate=False)
                return

    # --- the selection (tui/selection.py) -----------------------------------------------------

    def field_text(self, field: str) -> str:
        """The whole text of a field of the open article ("" when none is open)."""
        if self.article is None:
            return ""
        return self.article.article.title if field == "title" else self.article.article.body

    def action_select(self) -> None:
        """Start a selection where the reader is; again: drop it."""
        if self.article is None:
            return
        if self.selection is not None:
            self.select(None)
            return
        if self._current is not None:
            start = Selection.at(self._current.field, self._current.start)
        else:
            start = Selection.at("body", self._top_offset())
        self.select(start.extend(self.field_text(start.field), "word"))

    def action_extend(self, unit: str, forward: bool = True) -> None:
        """Grow (shift+right/down) or shrink (shift+left/up) the selection."""
        if self.selection is None:
            self.action_select()
            return
        text = self.field_text(self.selection.field)
        self.select(self.selection.extend(text, unit, forward))

    def select(self, selection: Selection | None, scroll: bool = False) -> None:
        """Show a selection (None: none); `scroll` brings it into the middle of the pane."""
        self.selection = selection
        self._render_marks()
        if scroll and selection is not None:
            mark = Mark(selection.field, selection.start, selection.end, "hit")
            self.call_after_refresh(self.scroll_to_mark, mark)

    def mouse_selection(self) -> Selection | None:
        """The passage selected with the mouse (a drag across paragraphs of the body), as a
        selection of the article's text; None when nothing of the body is selected."""
        chosen = self.screen.selections if self.is_mounted else {}
        starts: list[int] = []
        ends: list[int] = []
        for paragraph in self.query(Paragraph):
            if paragraph not in chosen:
                continue
            lines = unwrapped(self.field_text("body")[paragraph.start : paragraph.end]).split("\n")
            found = chosen[paragraph]

            def offset(point: Offset | None, default: int, lines: list[str] = lines) -> int:
                if point is None:
                    return default
                y = min(point.y, len(lines) - 1)
                x = min(point.x, len(lines[y]))
                return sum(len(line) + 1 for line in lines[:y]) + x

            length = paragraph.end - paragraph.start
            starts.append(paragraph.start + offset(found.start, 0))
            ends.append(paragraph.start + min(length, offset(found.end, length)))
        if not starts or max(ends) <= min(starts):
            return None
        return Selection("body", min(starts), max(ends))

    def _top_offset(self) -> int:
        for paragraph in self.query(Paragraph):
            region = paragraph.virtual_region
            if region.y + region.height > self.scroll_y:
                return paragraph.start
        return 0
