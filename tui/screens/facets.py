"""The facets view: the current results counted by source, year and actor; values chosen
to keep (Enter) or leave out (x), several at once, actors all of them or any of them (o);
`a` applies the choices to the query, where each is a clause the person can read and edit
(`tui/query_edit.py`). Opened again, it shows the query's choices, to remove them."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.coordinate import Coordinate
from textual.widgets import Static

from tui.query_edit import Choice, compose, expressible, parse
from tui.screens.table_view import Loaded, Row, TableScreen
from tui.text import safe, visible

if TYPE_CHECKING:
    from index import Engine
    from index.overview import Facet, Overview, ResultSet

__all__ = ["FacetsScreen"]

LIMIT = 40  # sources and actors listed (years: every one)


class FacetsScreen(TableScreen["Facet"]):
    """Facet values of the results; dismissed with the new query text, or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "x",
            "exclude",
            "Leave out",
            tooltip="Leave out (or keep again) the value",
            id="facets.exclude",
        ),
        Binding(
            "o",
            "any_of",
            "Any of",
            tooltip="Chosen actors: all of them, or any of them",
            id="facets.any_of",
        ),
        Binding(
            "a",
            "apply",
            "Apply",
            tooltip="Apply the choices to the query and search",
            id="facets.apply",
        ),
    ]

    def __init__(self, engine: Engine, view: Overview, results: ResultSet, query: str) -> None:
        self.engine = engine
        self.base, self.choices, self.any_of = parse(query)

        def load() -> Loaded[Facet]:
            from index.overview import Facet

            rows: list[Row[Facet]] = []
            found = view.facets(results, LIMIT)
            listed = {(f.facet, f.value) for f in found}
            # A value left out has no results to count: listed still, so it can be removed.
            found += [
                Facet(c.facet, c.value, 0) for c in self.choices if (c.facet, c.value) not in listed
            ]
            for facet in found:
                rows.append((self._cells(facet), facet))
            return rows, self._title(results.total), None

        columns: list[tuple[str, int | None]] = [("", 3), ("Facet", 7), ("Value", 48), ("Count", 8)]
        super().__init__("Facets", columns, load)
        self.total = results.total

    def _title(self, total: int) -> str:
        how = "any of" if self.any_of else "all of"
        chosen = compose("", self.choices, self.any_of) or "none"
        return visible(
            f"Facets of {total:,} results · Enter keeps, x leaves out, o: actors {how}, "
            f"a applies · chosen: {chosen}"
        )

    def _mark(self, facet: Facet) -> str:
        for choice in self.choices:
            if (choice.facet, choice.value) == (facet.facet, facet.value):
                return "−" if choice.exclude else "+"
        return ""

    def _cells(self, facet: Facet) -> list[Text]:
        if facet.value is None:
            shown = "undated" if facet.facet == "year" else "(no source)"
        elif facet.facet == "actor":
            entity = self.engine.entity(facet.value)
            shown = f"{entity.name} ({facet.value})" if entity else facet.value
        else:
            shown = facet.value
        return [
            Text(self._mark(facet), style="bold"),
            Text(facet.facet),
            Text(visible(shown), no_wrap=True),
            Text(f"{facet.count:,}", justify="right"),
        ]

    def _toggle(self, row: int, exclude: bool) -> None:
        facet = self.values[row] if 0 <= row < len(self.values) else None
        if facet is None:
            return
        if not expressible(facet.facet, facet.value):
            self.app.notify("That value cannot be written in a query.", timeout=3)
            return
        assert facet.value is not None
        same = [c for c in self.choices if (c.facet, c.value) == (facet.facet, facet.value)]
        self.choices = [c for c in self.choices if c not in same]
        if not same or same[0].exclude != exclude:
            self.choices.append(Choice(facet.facet, facet.value, exclude))
        self.table.update_cell_at(Coordinate(row, 0), Text(self._mark(facet), style="bold"))
        self.query_one("#table-title", Static).update(safe(self._title(self.total)))

    def choose(self, row: int, value: Facet) -> None:
        """Enter: keep the value (again: no longer)."""
        self._toggle(row, exclude=False)

    def action_exclude(self) -> None:
        """Leave the value out (again: no longer)."""
        self._toggle(self.table.cursor_row, exclude=True)

    def action_any_of(self) -> None:
        """The chosen actors: all of them, or any of them."""
        self.any_of = not self.any_of
        self.query_one("#table-title", Static).update(safe(self._title(self.total)))

    def action_apply(self) -> None:
        """Close with the query the choices make."""
        # The view's rows are facets; what it closes with is the query they make.
        self.dismiss(compose(self.base, self.choices, self.any_of))  # type: ignore[arg-type]
