"""The entity sidebar: the actors and places of the article shown, grouped, with counts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tui.text import visible

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
    DEFAULT_CSS = """
    EntitySidebar { width: 28; border: none; border-left: solid $panel-lighten-2; }
    EntitySidebar.-hidden { display: none; }
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
                Option(
                    Content.styled(f"{label} ({len(members)})", "bold $text-muted"), disabled=True
                )
            )
            for entity, count in members:
                marker = "▶ " if entity.id == self.chosen else "  "
                line = Content(visible(f"{marker}{entity.name}")).append(
                    Content.styled(f" ({count})", "$text-muted")
                )
                if entity.id == self.chosen:
                    line = line.stylize("bold $text-accent")
                options.append(Option(line, id=entity.id))
        if not options:
            options.append(
                Option(
                    Content.styled("No known actors in this article.", "$text-muted"), disabled=True
                )
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
