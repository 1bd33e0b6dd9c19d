"""The workbench: every bookmark and clip of the corpus, newest first, filtered as you type
(words of the title, passage, note, `#tag` or actor, in any order); Enter opens the article,
scrolled to the passage with it selected. An article edited since is marked "changed" (the
passage shown is the one clipped), one gone from the corpus "gone" (kept, never dropped).
ctrl+t exports the clips listed to Markdown in the data folder's `exports/`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.binding import Binding, BindingType
from textual.message import Message

from tui.screens.pickers import ListPicker
from tui.text import plain

if TYPE_CHECKING:
    from index import Engine
    from userdata.notes import Bookmark, Clip
    from userdata.workbench import Workbench

__all__ = ["WorkbenchScreen"]


class _Said(Message):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class _Loaded(Message):
    def __init__(
        self, items: list[tuple[str, str]], targets: dict[str, tuple[str, Clip | None]]
    ) -> None:
        super().__init__()
        self.items = items
        self.targets = targets


def clip_line(clip: Clip, state: str) -> str:
    """How a clip reads in the list."""
    passage = " ".join(clip.text.split())
    passage = passage if len(passage) <= 80 else passage[:77] + "…"
    parts = [f"✂ {passage!r}", clip.title]
    if clip.note:
        parts.append(f"note: {clip.note}")
    if clip.tags:
        parts.append(" ".join(f"#{t}" for t in clip.tags))
    if clip.actor:
        parts.append(f"actor: {clip.actor}")
    if state != "ok":
        parts.append(f"[{state}]")
    return "  ·  ".join(parts)


def bookmark_line(bookmark: Bookmark, state: str) -> str:
    """How a bookmark reads in the list."""
    shown = f"★ {bookmark.title}  ·  {bookmark.article_id}"
    return shown + (f"  ·  [{state}]" if state != "ok" else "")


class WorkbenchScreen(ListPicker):
    """Bookmarks and clips; dismissed with (article id, clip or None), or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+t",
            "export",
            "Export",
            tooltip="Export the clips listed to Markdown, with citations (in <data dir>/exports)",
            id="workbench.export",
        ),
    ]

    def __init__(self, workbench: Workbench, engine: Engine) -> None:
        super().__init__([], "Workbench: bookmarks and clips (type to filter)")
        self.workbench = workbench
        self.engine = engine
        self.targets: dict[str, tuple[str, Clip | None]] = {}

    def on_mount(self) -> None:
        super().on_mount()
        self._load()

    @work(thread=True, exclusive=True, group="workbench", exit_on_error=False)
    def _load(self) -> None:
        from userdata.notes import state

        hashes = self.engine.store.hashes()
        items: list[tuple[str, str]] = []
        targets: dict[str, tuple[str, Clip | None]] = {}
        for clip in self.workbench.notes.clips():
            key = f"c{clip.id}"
            targets[key] = (clip.article_id, clip)
            items.append((key, clip_line(clip, state(clip.article_id, clip.content_hash, hashes))))
        for mark in self.workbench.notes.bookmarks():
            key = f"b{mark.id}"
            targets[key] = (mark.article_id, None)
            items.append(
                (key, bookmark_line(mark, state(mark.article_id, mark.content_hash, hashes)))
            )
        self.post_message(_Loaded(items, targets))

    @on(_Loaded)
    def _loaded(self, message: _Loaded) -> None:
        self.targets = message.targets
        self._folded = [(key, text, text.lower()) for key, text in message.items]
        self.title_text = f"Workbench: {len(message.items):,} bookmarks and clips (type to filter)"
        self._show(self.query_one("#picker-filter").value)  # type: ignore[attr-defined]

    def dismiss(self, result: object = None) -> object:  # type: ignore[override]
        """Dismissed with where to go: (article id, clip), or None."""
        if isinstance(result, str):
            return super().dismiss(self.targets.get(result))  # type: ignore[arg-type]
        return super().dismiss(result)  # type: ignore[arg-type]

    def action_export(self) -> None:
        """The clips listed, to a Markdown file with citations."""
        self._export({int(key[1:]) for key in self.found if key.startswith("c")})

    @work(thread=True, exclusive=True, group="export", exit_on_error=False)
    def _export(self, keys: set[int]) -> None:
        from tui.export import export_clips_file

        clips = [c for c in self.workbench.notes.clips() if c.id in keys]
        try:
            path, count = export_clips_file(clips, self.engine)
        except OSError as error:
            self.post_message(_Said(f"Not exported: {error}"))
            return
        self.post_message(_Said(f"Exported {count:,} clip(s) to {path}"))

    @on(_Said)
    def _said(self, message: _Said) -> None:
        self.notify(plain(message.text), timeout=10, markup=False)
