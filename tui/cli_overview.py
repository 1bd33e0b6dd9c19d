"""The overview's command-line twins: `timeline`, `facets`, `comentions`, `keyness`.

The same numbers as the reader's views (`index/overview/`), as a table or, with `--json`,
one JSON object a line. Imports stay inside the handlers (start-up time).
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any, TextIO

from tui.cli_base import EXIT_NONE, EXIT_OK, Family, UsageError, add_common, positive

if TYPE_CHECKING:
    from index import Engine
    from index.overview import Overview, ResultSet

__all__ = ["FAMILY"]


def _add(commands: Any) -> None:
    timeline = commands.add_parser(
        "timeline", help="an actor's mentions and articles per month or year"
    )
    timeline.add_argument("actor", help="an id or any spelling, e.g. dostum or 'Atta Noor'")
    timeline.add_argument("--by", choices=("month", "year"), default="month")
    facets = commands.add_parser(
        "facets", help="a query's results counted by source, year and actor"
    )
    facets.add_argument("query", help="a query, as for search ('' for the whole corpus)")
    facets.add_argument(
        "--limit", type=positive, metavar="N", help="at most N sources and N actors"
    )
    comentions = commands.add_parser(
        "comentions", help="the actors mentioned with one, in the same sentence and article"
    )
    comentions.add_argument("actor", help="an id or any spelling")
    comentions.add_argument(
        "--with", dest="other", metavar="ACTOR", help="list the sentences naming both actors"
    )
    keyness = commands.add_parser(
        "keyness", help="terms and actors over-represented in a query's results (G2)"
    )
    keyness.add_argument("query", help="a query, as for search")
    keyness.add_argument(
        "--limit", type=positive, default=30, metavar="N", help="N terms and N actors (30)"
    )
    for sub in (timeline, facets, comentions, keyness):
        sub.add_argument("--json", action="store_true", help="JSON Lines, one record a line")
        add_common(sub, suppress=True)


def _actor(engine: Engine, spelling: str) -> str:
    """The entity a spelling names; the most prominent when it could mean several (said)."""
    from tui.text import visible

    if engine.entity(spelling) is not None:
        return spelling
    found = engine.resolve_entity(spelling)
    if not found:
        raise UsageError(f"no actor called {spelling!r}; 'afreader entities' lists them")
    if len(found) > 1:
        names = ", ".join(visible(e.id) for e in found)
        print(
            f"afreader: {visible(spelling)!r} could mean {names}; showing {visible(found[0].id)} "
            "(give an id to choose)",
            file=sys.stderr,
        )
    return found[0].id


def _results(engine: Engine, text: str) -> tuple[Overview, ResultSet]:
    from index import QueryError
    from index.overview import Overview

    view = Overview(engine)
    try:
        return view, view.results(text)
    except QueryError as error:
        raise UsageError(f"bad query: {error}") from None


def _say(view: Overview) -> None:
    """What the overview worked out from the text for want of stored data, once."""
    from tui.text import visible

    for notice in dict.fromkeys(view.notices):
        print(f"afreader: {visible(notice)}", file=sys.stderr)
    view.notices.clear()


def _name(engine: Engine, entity_id: str) -> str:
    entity = engine.entity(entity_id)
    return entity.name if entity else entity_id


def _timeline(engine: Engine, args: argparse.Namespace, out: TextIO) -> int:
    from index.overview import Overview
    from tui.text import dumps_json, visible

    entity_id = _actor(engine, args.actor)
    line = Overview(engine).timeline(entity_id, args.by)
    if not args.json:
        out.write(f"{'PERIOD':10}  {'MENTIONS':>8}  {'ARTICLES':>8}\n")
    for period in line.periods:
        if not args.json and not period.mentions:
            continue  # the table lists the periods with mentions; JSON lists every one
        if args.json:
            record = {
                "period": period.period,
                "mentions": period.mentions,
                "articles": period.articles,
                "entity_id": entity_id,
            }
            out.write(dumps_json(record) + "\n")
        else:
            shown = period.period or "undated"
            out.write(f"{shown:10}  {period.mentions:8d}  {period.articles:8d}\n")
    if not args.json:
        first, last = line.first or "none dated", line.last or "none dated"
        out.write(
            f"{visible(_name(engine, entity_id))}: {line.mentions} mention(s); "
            f"first {first}, last {last}\n"
        )
    return EXIT_OK if line.mentions else EXIT_NONE


def _facets(engine: Engine, args: argparse.Namespace, out: TextIO) -> int:
    from tui.text import dumps_json, visible

    view, results = _results(engine, args.query)
    found = view.facets(results, args.limit)
    last = ""
    for facet in found:
        if args.json:
            record: dict[str, object] = {
                "facet": facet.facet,
                "value": facet.value,
                "count": facet.count,
            }
            if facet.facet == "actor":
                record["entity"] = _name(engine, facet.value or "")
            out.write(dumps_json(record) + "\n")
            continue
        if facet.facet != last:
            out.write(f"{'' if not last else chr(10)}{facet.facet.upper()}\n")
            last = facet.facet
        if facet.value is None:
            shown = "undated" if facet.facet == "year" else "(no source)"
        elif facet.facet == "actor":
            shown = f"{_name(engine, facet.value)} ({facet.value})"
        else:
            shown = facet.value
        out.write(f"{facet.count:8d}  {visible(shown)}\n")
    if not args.json:
        print(f"{results.total} article(s) match", file=sys.stderr)
    return EXIT_OK if results.total else EXIT_NONE


def _comentions(engine: Engine, args: argparse.Namespace, out: TextIO) -> int:
    from index.overview import Overview
    from tui.text import dumps_json, visible

    entity_id = _actor(engine, args.actor)
    view = Overview(engine)
    if args.other:
        return _pair(view, entity_id, _actor(engine, args.other), args.json, out)
    found = view.comentions(entity_id)
    _say(view)
    if found and not args.json:
        out.write(f"{'SENTENCES':>9}  {'ARTICLES':>8}  {'ID':32}  NAME\n")
    for item in found:
        if args.json:
            record = {
                "entity_id": item.entity_id,
                "entity": _name(engine, item.entity_id),
                "sentences": item.sentences,
                "articles": item.articles,
                "by_year": [
                    {"period": year, "sentences": counts[0], "articles": counts[1]}
                    for year, counts in sorted(item.by_year.items(), key=lambda kv: kv[0] or "~")
                ],
            }
            out.write(dumps_json(record) + "\n")
        else:
            out.write(
                f"{item.sentences:9d}  {item.articles:8d}  {visible(item.entity_id):32}  "
                f"{visible(_name(engine, item.entity_id))}\n"
            )
    return EXIT_OK if found else EXIT_NONE


def _pair(view: Overview, first: str, second: str, as_json: bool, out: TextIO) -> int:
    from tui.text import dumps_json, visible

    found = view.pair_sentences(first, second)
    for item in found:
        if as_json:
            record = {
                "article_id": item.article_id,
                "published": item.published,
                "field": item.field,
                "start": item.start,
                "end": item.end,
                "text": item.text,
                "marks": [list(m) for m in item.marks],
            }
            out.write(dumps_json(record) + "\n")
        else:
            when = item.published or "undated"
            out.write(f"{when:10}  {visible(item.article_id)}\n    {visible(item.text)}\n")
    return EXIT_OK if found else EXIT_NONE


def _keyness(engine: Engine, args: argparse.Namespace, out: TextIO) -> int:
    from tui.text import dumps_json, visible

    view, results = _results(engine, args.query)
    keys = view.keyness(results, args.limit)
    _say(view)
    if keys and not args.json:
        out.write(f"{'G2':>9}  {'IN RESULTS':>10}  {'IN CORPUS':>9}  {'KIND':5}  VALUE\n")
    for key in keys:
        if args.json:
            record: dict[str, object] = {
                "kind": key.kind,
                "value": key.value,
                "score": key.score,
                "in_results": key.in_results,
                "in_corpus": key.in_corpus,
            }
            if key.kind == "actor":
                record["entity"] = _name(engine, key.value)
            out.write(dumps_json(record) + "\n")
        else:
            shown = (
                f"{_name(engine, key.value)} ({key.value})" if key.kind == "actor" else key.value
            )
            out.write(
                f"{key.score:9.2f}  {key.in_results:10d}  {key.in_corpus:9d}  {key.kind:5}  "
                f"{visible(shown)}\n"
            )
    if not args.json:
        print(
            f"{results.total} article(s) match, of {results.columns.articles} in the corpus",
            file=sys.stderr,
        )
    return EXIT_OK if keys else EXIT_NONE


FAMILY = Family(
    add=_add,
    with_index={
        "timeline": _timeline,
        "facets": _facets,
        "comentions": _comentions,
        "keyness": _keyness,
    },
)
