"""The command palette (ctrl+p): every reader action, "go to actor" and "open article by title".

Textual's `Matcher.highlight` parses its candidate as markup; names and titles are data, so
this provider builds the highlighted `Content` itself from the match offsets.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from functools import partial

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Matcher, Provider
from textual.content import Content

from tui.screens.reader import ReaderScreen
from tui.text import visible

__all__ = ["ReaderCommands"]

MAX_ARTICLES = 20


def _highlighted(matcher: Matcher, text: str, prefix: str = "") -> Content:
    """`prefix` + `text` as plain content, with the fuzzy match marked."""
    shown = prefix + visible(text)
    content = Content(shown)
    score, offsets = matcher.fuzzy_search.match(matcher.query, shown)
    if score:
        for offset in offsets:
            content = content.stylize(matcher.match_style, offset, offset + 1)
    return content


class ReaderCommands(Provider):
    """Actions, actors and articles of the reader."""

    @property
    def reader(self) -> ReaderScreen | None:
        """The reader screen, when it is the one the palette was opened over."""
        screen = self.screen
        return screen if isinstance(screen, ReaderScreen) else None

    def _actions(self) -> list[tuple[str, str, Callable[[], object]]]:
        reader = self.reader
        if reader is None:
            return []
        found = []
        from tui.screens.reader_base import ReaderBase
        from tui.screens.reader_workbench import WorkbenchReader

        for binding in [*ReaderBase.BINDINGS, *WorkbenchReader.BINDINGS]:
            if not isinstance(binding, Binding):
                continue
            method = getattr(reader, f"action_{binding.action}", None)
            if method is not None:
                found.append((binding.description, binding.tooltip, method))
        found.append(("Help: list every key", "Show the help screen", self.app.action_help))  # type: ignore[attr-defined]
        return found

    async def discover(self) -> Hits:
        for label, help_text, callback in self._actions():
            yield DiscoveryHit(Content(label), callback, text=label, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for label, help_text, callback in self._actions():
            score = matcher.match(label)
            if score > 0:
                yield Hit(score, _highlighted(matcher, label), callback, text=label, help=help_text)
        reader = self.reader
        engine = reader.engine if reader is not None else None
        if reader is None or engine is None:
            return
        for entity in engine.gazetteer.entities:
            score = max(matcher.match(name) for name in (entity.name, *entity.aliases))
            if score > 0:
                label = f"Go to actor: {entity.name}"
                yield Hit(
                    score * 0.9,
                    _highlighted(matcher, entity.name, "Go to actor: "),
                    partial(reader.go_to_actor, entity.id),
                    text=label,
                    help=visible(entity.description),
                )
        words = " ".join(w for w in query.split() if w.isalnum())
        if len(words) < 3:
            return
        try:
            results = await asyncio.to_thread(
                engine.search, f"title:({words}*)", limit=MAX_ARTICLES
            )
        except Exception:  # a query the index cannot run is just no article hits here
            return
        for rank, hit in enumerate(results.hits):
            article = hit.article.article
            label = f"Open article: {article.title}"
            yield Hit(
                0.8 - rank * 0.01,
                _highlighted(matcher, article.title, "Open article: "),
                partial(reader.open_article, article.id),
                text=visible(label),
                help=visible(
                    f"{article.source or 'source unknown'} · {article.published or 'undated'}"
                ),
            )
