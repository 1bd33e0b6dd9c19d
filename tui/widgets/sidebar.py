"""The entity sidebar: the actors and places of the article shown, grouped, with counts.

Each entity is one row, its count at the row's end: a name too long for the row ends in an
ellipsis rather than pushing its count onto a row of its own. The scrollbar's room is always
kept (`scrollbar-gutter: stable`), so a list that grows a scrollbar does not cut its rows, and
the rows are laid out again when the width changes. Colours come from the theme: the headings'
and the chosen actor's styles are component classes, read again when the theme changes, and
counts take the row's own colour, so that they stay readable on the highlighted row.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from textual import events, on
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.style import Style
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tui.text import visible
from tui.widgets.results import theme_style

if TYPE_CHECKING:
    from corpus import Gazetteer
    from index import Mention

__all__ = ["EntitySidebar"]

GROUPS = (("person", "People"), ("organization", "Organizations"), ("place", "Places"))


class EntitySidebar(OptionList):
    """Choosing an entity (Enter) marks its mentions and makes it the actor to jump between."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False, tooltip="Next entity", id="sidebar.down"),
        Binding("k", "cursor_up", "Up", show=False, tooltip="Previous entity", id="sidebar.up"),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {"sidebar--heading", "sidebar--chosen"}
    DEFAULT_CSS = """
    EntitySidebar {
        width: 28; height: 1fr; border: none; border-left: solid $foreground 85%;
        scrollbar-gutter: stable; text-wrap: nowrap; text-overflow: ellipsis;
    }
    /* Focus shows as the tint of the focused pane (reader.tcss), not as Textual's tall border,
       which would take two columns from the rows it has just been laid out for. */
    EntitySidebar:focus { border: none; border-left: solid $foreground 85%; }
    EntitySidebar.-hidden { display: none; }
    EntitySidebar > .sidebar--heading { text-style: bold; color: $text-muted; }
    EntitySidebar > .sidebar--chosen { text-style: bold underline; }
    """

    class ActorChosen(Message):
        """The person chose an entity."""

        def __init__(self, entity_id: str) -> None:
            super().__init__()
            self.entity_id = entity_id

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.chosen: str | None = None
        self._counts: Counter[str] = Counter()
        self._gazetteer: Gazetteer | None = None
        self._width = 0

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)

    def _theme_changed(self, _theme: object) -> None:
        # The component classes' styles are cached per widget: read them afresh.
        self.notify_style_update()
        self._rebuild()

    def on_resize(self, event: events.Resize) -> None:
        if self._row_width() != self._width:
            self._rebuild()

    def _row_width(self) -> int:
        """The cells an option's row has (0 before the list is laid out)."""
        padding = self.get_component_styles("option-list--option").padding
        return max(0, self.scrollable_content_region.width - padding.width)

    def _style(self, name: str) -> Style:
        return theme_style(self, name)

    def _row(self, name: str, count: int, chosen: bool) -> Content:
        """`▶ name   count`, the name cut with an ellipsis so that the count always shows."""
        marker = "▶ " if chosen else "  "
        tail = f" {count}"
        name = visible(name)
        room = self._width - len(marker) - len(tail)
        if self._width and len(name) > room:
            name = name[: max(0, room - 1)] + "…"
        gap = " " * max(0, room - len(name)) if self._width else ""
        line = Content(f"{marker}{name}")
        if chosen:
            line = line.stylize(self._style("sidebar--chosen"))
        return line + Content(f"{gap}{tail}")

    def show(self, mentions: Sequence[Mention], gazetteer: Gazetteer) -> None:
        """List the entities mentioned in an article, most mentioned first in each group."""
        self._counts = Counter(m.entity_id for m in mentions)
        self._gazetteer = gazetteer
        self._rebuild()

    def choose(self, entity_id: str | None) -> None:
        """Mark the chosen entity in the list."""
        self.chosen = entity_id
        self._rebuild()

    def _rebuild(self) -> None:
        gazetteer = self._gazetteer
        if gazetteer is None:
            return
        keep = self.highlighted_option.id if self.highlighted_option else None
        self._width = self._row_width()
        heading = self._style("sidebar--heading")
        options: list[Option | None] = []
        for kind, label in GROUPS:
            members = [
                (gazetteer.by_id[e], n)
                for e, n in self._counts.items()
                if e in gazetteer.by_id and gazetteer.by_id[e].type == kind
            ]
            if not members:
                continue
            members.sort(key=lambda pair: (-pair[1], pair[0].name.casefold()))
            options.append(
                Option(Content(f"{label} ({len(members)})").stylize(heading), disabled=True)
            )
            for entity, count in members:
                row = self._row(entity.name, count, entity.id == self.chosen)
                options.append(Option(row, id=entity.id))
        if not options:
            options.append(
                Option(Content("No known actors in this article.").stylize(heading), disabled=True)
            )
        self.set_options(options)
        # The highlight stays on the entity it was on; otherwise on the first entity (not a
        # group heading), so that Enter on arriving in the sidebar chooses an actor.
        ids = [option.id for option in options if option is not None]
        first = next((i for i, entity_id in enumerate(ids) if entity_id is not None), None)
        self.highlighted = ids.index(keep) if keep is not None and keep in ids else first

    @property
    def entity_ids(self) -> list[str]:
        """The entities listed, in display order."""
        return [
            option.id
            for option in (self.get_option_at_index(i) for i in range(self.option_count))
            if option.id is not None
        ]

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.post_message(self.ActorChosen(event.option.id))
