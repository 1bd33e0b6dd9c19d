"""`afreader curation ...`: curate actors from scripts (the reader's curation keys call the same
operations, `userdata.curation`).

    afreader curation log [--json]
    afreader curation add-alias ACTOR SPELLING [--why TEXT]
    afreader curation new-actor NAME --type TYPE [--alias SPELLING ...] [--why TEXT]
    afreader curation reject ARTICLE FIELD START END [--why TEXT]
    afreader curation reassign ARTICLE FIELD START END ACTOR [--why TEXT]
    afreader curation never ACTOR SPELLING [--why TEXT]
    afreader curation merge ACTOR INTO [--why TEXT]
    afreader curation split ACTOR SPELLING [--name NAME] [--why TEXT]
    afreader curation undo

Each change is applied to the index at once (no rebuild), with a progress bar on stderr.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import TYPE_CHECKING, Any, TextIO

from tui.cli_base import (
    EXIT_NONE,
    EXIT_OK,
    EXIT_USAGE,
    Family,
    UsageError,
    add_common,
    positive,
    write_problems,
)
from tui.text import dumps_json, visible

if TYPE_CHECKING:
    from index import Engine

__all__ = ["FAMILY", "check_entities"]

FIELDS = ("title", "body")


def _add(commands: Any) -> None:
    curation = commands.add_parser(
        "curation", help="curate actors: add aliases or actors, reject mentions, undo, log"
    )
    add_common(curation)
    verbs = curation.add_subparsers(dest="verb", metavar="VERB", required=True)

    def verb(name: str, help_text: str, why: bool = True) -> argparse.ArgumentParser:
        parser: argparse.ArgumentParser = verbs.add_parser(name, help=help_text)
        add_common(parser)
        if why:
            parser.add_argument("--why", metavar="TEXT", help="a note kept in the log")
        return parser

    log = verb("log", "every change, oldest first", why=False)
    log.add_argument("--json", action="store_true", help="JSON Lines, one change a line")
    add_alias = verb("add-alias", "a spelling is one more name of an actor")
    add_alias.add_argument("actor", help="an id or a spelling of the actor")
    add_alias.add_argument("spelling")
    new = verb("new-actor", "a new actor")
    new.add_argument("name")
    new.add_argument("--type", required=True, choices=("person", "organization", "place"))
    new.add_argument("--alias", action="append", default=[], metavar="SPELLING")
    for name, text in (("reject", "this mention is not that actor"), ("reassign", "")):
        mention = verb(name, text or "this mention is another actor")
        mention.add_argument("article", help="the article's id")
        mention.add_argument("field", choices=FIELDS)
        mention.add_argument("start", type=int)
        mention.add_argument("end", type=int)
        if name == "reassign":
            mention.add_argument("to", metavar="ACTOR", help="the actor it is")
    never = verb("never", "this spelling never means this actor (a negative alias)")
    never.add_argument("actor")
    never.add_argument("spelling")
    merge = verb("merge", "two actors are one: the first's spellings go to the second")
    merge.add_argument("actor")
    merge.add_argument("into", metavar="INTO")
    split = verb("split", "an alias of an actor names another actor: a new one")
    split.add_argument("actor")
    split.add_argument("spelling")
    split.add_argument("--name", help="the new actor's name (default: the spelling)")
    verb("undo", "undo the last change", why=False)

    suggest = commands.add_parser(
        "suggest", help="names in the corpus that no gazetteer knows: candidate actors"
    )
    add_common(suggest)
    suggest.add_argument("--json", action="store_true", help="JSON Lines, one candidate a line")
    suggest.add_argument(
        "--min-articles",
        type=positive,
        default=3,
        metavar="N",
        help="only names found in at least N articles (default 3)",
    )
    suggest.add_argument("--limit", type=positive, default=50, metavar="N", help="at most N")


def _curation(engine: Engine, args: argparse.Namespace, out: TextIO) -> int:
    from userdata.curation import CurationError, Curator

    curator = Curator(engine, getattr(args, "entities", None) or [])
    try:
        if args.verb == "log":
            return _log(curator.log(), args.json, out)
        done = _run(curator, args)
    except CurationError as error:
        raise UsageError(str(error)) from None
    record = done.record
    said = ", ".join(
        f"{k} {visible(str(v))}" for k, v in record.items() if k not in {"n", "op", "before"}
    )
    out.write(f"#{record['n']} {record['op']}: {said}\n")
    print(
        f"{done.matched} article(s) matched again, {done.rewritten} with other actors now",
        file=sys.stderr,
    )
    return EXIT_OK


def _run(curator: Any, args: argparse.Namespace) -> Any:
    started = time.monotonic()

    def progress(done: int, total: int) -> None:
        if total >= 200 and (done == total or done % 100 == 0) and sys.stderr.isatty():
            width = 30
            filled = width * done // total
            bar = "#" * filled + "-" * (width - filled)
            elapsed = time.monotonic() - started
            end = "\n" if done == total else ""
            print(
                f"\rmatching again [{bar}] {done}/{total} {elapsed:.0f}s", end=end, file=sys.stderr
            )

    why = getattr(args, "why", None)
    verb = args.verb
    if verb == "add-alias":
        return curator.add_alias(args.actor, args.spelling, why, progress)
    if verb == "new-actor":
        return curator.new_actor(args.name, args.type, args.alias, why, progress)
    if verb in ("reject", "reassign"):
        to = args.to if verb == "reassign" else None
        return curator.reject(args.article, args.field, args.start, args.end, to, why, progress)
    if verb == "never":
        return curator.never(args.actor, args.spelling, why, progress)
    if verb == "merge":
        return curator.merge(args.actor, args.into, why, progress)
    if verb == "split":
        return curator.split(args.actor, args.spelling, args.name, why, progress)
    return curator.undo(progress)


def _log(records: list[dict[str, Any]], as_json: bool, out: TextIO) -> int:
    for record in records:
        shown = {k: v for k, v in record.items() if k != "before"}
        if as_json:
            out.write(dumps_json(shown) + "\n")
            continue
        details = ", ".join(
            f"{k} {visible(str(v))}"
            for k, v in shown.items()
            if k not in {"n", "op", "who", "when", "why", "undone"}
        )
        undone = "  (undone)" if record.get("undone") else ""
        out.write(
            f"#{record.get('n')} {visible(str(record.get('when')))} "
            f"{visible(str(record.get('who')))} {visible(str(record.get('op')))}: {details}{undone}\n"
        )
        if record.get("why"):
            out.write(f"    why: {visible(str(record['why']))}\n")
    return EXIT_OK if records else EXIT_NONE


def _suggest(engine: Engine, args: argparse.Namespace, out: TextIO) -> int:
    from index.suggest import suggest

    generation = engine.indexer.current()
    started = time.monotonic()

    def progress(done: int, total: int) -> None:
        if sys.stderr.isatty() and total > 1:
            end = "\n" if done == total else ""
            elapsed = time.monotonic() - started
            print(f"\rreading names {done}/{total} {elapsed:.0f}s", end=end, file=sys.stderr)

    found = suggest(
        engine.store,
        engine.gazetteer,
        args.min_articles,
        progress,
        cache_dir=generation.path if generation is not None else None,
    )[: args.limit]
    for item in found:
        if args.json:
            record = {
                "name": item.name,
                "variants": item.variants,
                "count": item.count,
                "articles": item.articles,
                "first": item.first,
                "last": item.last,
                "examples": item.examples,
            }
            out.write(dumps_json(record) + "\n")
            continue
        others = [v for v in item.variants if v != item.name]
        variants = f"  (also {', '.join(visible(v) for v in others)})" if others else ""
        dates = f"{item.first or '?'} to {item.last or '?'}"
        out.write(f"{item.articles:6d}  {item.count:6d}  {visible(item.name)}{variants}  {dates}\n")
        for example in item.examples:
            out.write(f"{'':16}… {visible(example)} …\n")
    return EXIT_OK if found else EXIT_NONE


def check_entities(args: argparse.Namespace, out: TextIO) -> int:
    """`entities --check FILE`: every problem, one a line; exit 2 when any is an error."""
    from corpus import GazetteerError
    from corpus.layers import check_file

    try:
        problems = check_file(args.check.expanduser())
    except GazetteerError as error:  # the bundled gazetteer itself cannot be read
        raise UsageError(str(error)) from None
    write_problems(out, problems, args.json)
    errors = sum(1 for p in problems if p.severity == "error")
    if not args.json:
        print(
            f"{visible(str(args.check))}: {errors} error(s), {len(problems) - errors} warning(s)",
            file=sys.stderr,
        )
    return EXIT_USAGE if errors else EXIT_OK


FAMILY = Family(add=_add, with_index={"curation": _curation, "suggest": _suggest})
