"""The overview's views, each a `TableScreen` whose rows come from `index/overview/`:

- co-mentions of an actor (sentences and articles naming both, per year); Enter on a pair
  lists the sentences naming both (keyword in context), Enter on one opens the article there;
- what sets the current results apart (keyness: G2 with the counts); Enter adds the term or
  actor to the query;
- the actor-by-actor matrix of the current results' top actors; Enter chooses the row's actor.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text

from tui.screens.table_view import Loaded, Row, TableScreen
from tui.text import visible

if TYPE_CHECKING:
    from index import Engine
    from index.overview import Key, Overview, PairSentence, ResultSet

__all__ = ["comentions_view", "keyness_view", "matrix_view", "pair_view"]

MATRIX_SIZE = 30
# Characters of a sentence shown each side of the first mention in it.
CONTEXT = 60


def _name(engine: Engine, entity_id: str) -> str:
    entity = engine.entity(entity_id)
    return entity.name if entity else entity_id


def _said(view: Overview) -> str:
    """What the overview worked out from the text for want of stored data (said once), as
    the end of a title."""
    notices = list(dict.fromkeys(view.notices))
    view.notices.clear()
    return "".join(f" · {notice}" for notice in notices)


def comentions_view(engine: Engine, view: Overview, entity_id: str) -> TableScreen[str]:
    """The actors mentioned with `entity_id`; chosen: the other actor's id."""
    name = _name(engine, entity_id)

    def load() -> Loaded[str]:
        found = view.comentions(entity_id)
        rows: list[Row[str]] = []
        for item in found:
            years = " ".join(
                f"{year or 'undated'}:{s}/{a}"
                for year, (s, a) in sorted(item.by_year.items(), key=lambda kv: kv[0] or "~")
            )
            cells = [
                Text(visible(_name(engine, item.entity_id))),
                Text(str(item.sentences), justify="right"),
                Text(str(item.articles), justify="right"),
                Text(years, no_wrap=True),
            ]
            rows.append((cells, item.entity_id))
        title = (
            f"Mentioned with {name}: {len(found):,} actors · same sentence, same article · "
            "Enter lists the sentences naming both"
        )
        return rows, visible(title + _said(view)), None

    columns: list[tuple[str, int | None]] = [
        ("Actor", 36),
        ("Sentences", 9),
        ("Articles", 8),
        ("By year (sentences/articles)", None),
    ]
    return TableScreen(f"Mentioned with {name}", columns, load)


def pair_view(engine: Engine, view: Overview, first: str, second: str) -> TableScreen[PairSentence]:
    """The sentences naming both actors; chosen: the sentence (to open the article there)."""
    names = f"{_name(engine, first)} and {_name(engine, second)}"

    def load() -> Loaded[PairSentence]:
        found = view.pair_sentences(first, second)
        rows: list[Row[PairSentence]] = []
        for item in found:
            start = item.marks[0][0] if item.marks else 0
            text = visible(item.text.replace("\n", " "))
            left = text[max(0, start - CONTEXT) : start]
            right = text[start : start + 2 * CONTEXT]
            cells = [
                Text(item.published or "undated"),
                Text(left, justify="right", no_wrap=True),
                Text(right, no_wrap=True),
                Text(visible(item.article_id), no_wrap=True),
            ]
            rows.append((cells, item))
        return rows, visible(f"Sentences naming {names}: {len(found):,} · Enter opens"), None

    columns: list[tuple[str, int | None]] = [
        ("Date", 10),
        ("Left", CONTEXT),
        ("Sentence", 2 * CONTEXT),
        ("Article", None),
    ]
    return TableScreen(f"Sentences naming {names}", columns, load)


def keyness_view(engine: Engine, view: Overview, results: ResultSet) -> TableScreen[Key]:
    """Terms and actors over-represented in the results; chosen: the key, to add to the query."""

    def load() -> Loaded[Key]:
        keys = view.keyness(results)
        rows: list[Row[Key]] = []
        for key in keys:
            shown = _name(engine, key.value) if key.kind == "actor" else key.value
            cells = [
                Text(f"{key.score:.2f}", justify="right"),
                Text(key.kind),
                Text(visible(shown)),
                Text(str(key.in_results), justify="right"),
                Text(str(key.in_corpus), justify="right"),
            ]
            rows.append((cells, key))
        title = (
            f"What sets these {results.total:,} results apart (of {results.columns.articles:,}): "
            "log-likelihood G2 over articles · Enter adds it to the query"
        )
        return rows, visible(title + _said(view)), None

    columns: list[tuple[str, int | None]] = [
        ("G2", 9),
        ("Kind", 5),
        ("Term or actor", 40),
        ("In results", 10),
        ("In corpus", 9),
    ]
    return TableScreen("What sets these results apart", columns, load)


def matrix_view(engine: Engine, view: Overview, results: ResultSet) -> TableScreen[str]:
    """The actor-by-actor matrix of the results' top actors; chosen: the row's actor."""

    def load() -> Loaded[str]:
        m = view.matrix(results, MATRIX_SIZE)
        columns: list[tuple[str, int | None]] = [("Actor", 28)]
        columns += [(str(i + 1), max(3, len(str(m.counts[i][i])))) for i in range(len(m.counts))]
        rows: list[Row[str]] = []
        for i, entity_id in enumerate(m.entity_ids):
            label = Text(visible(f"{i + 1}. {_name(engine, entity_id)}"), no_wrap=True)
            cells = [label]
            for j, count in enumerate(m.counts[i]):
                style = "bold" if i == j else ("dim" if not count else "")
                cells.append(Text(str(count), justify="right", style=style))
            rows.append((cells, entity_id))
        title = (
            f"Actors with actors in these {results.total:,} results: the {len(m.entity_ids)} "
            "most mentioned, articles naming both (the diagonal: each alone) · Enter chooses"
        )
        return rows, title, columns

    return TableScreen("Actors with actors", [("Actor", 28)], load)
