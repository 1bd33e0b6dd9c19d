"""The workbench on the command line: exports with citations, the history, saved searches.

    afreader export results QUERY [--sort relevance|date] [--actor ID]
    afreader export mentions ACTOR [--sort date|spelling]
    afreader export clips [--tag T]
        each with --format csv|jsonl|md (default csv) and --output FILE (default stdout)
    afreader history [--json] [--limit N]
    afreader saved [--json]                       the saved searches, with new/total counts
    afreader saved run NAME [--json]              run one (and mark it opened)
    afreader saved add NAME QUERY [--actor ID] [--sort relevance|date]
    afreader saved delete NAME

An export streams (constant memory), draws a progress bar on stderr when stderr is a terminal
and the export is large, and always says on stderr how many items it wrote and where.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from tui.cli_base import EXIT_NONE, EXIT_OK, Family, UsageError, add_common, positive
from tui.text import dumps_json, visible

if TYPE_CHECKING:
    from index import Engine
    from userdata.workbench import Workbench

__all__ = ["FAMILY"]

# An export of more items than this draws a progress bar (on a terminal).
PROGRESS_FROM = 2000


def _add(commands: Any) -> None:
    export = commands.add_parser(
        "export", help="export results, mentions or clips with citations (csv, jsonl, md)"
    )
    kinds = export.add_subparsers(dest="what", metavar="WHAT", required=True)
    results = kinds.add_parser("results", help="every article a query matches")
    results.add_argument("query", help="a query, as in 'afreader search'")
    results.add_argument("--sort", choices=("relevance", "date"), default="relevance")
    results.add_argument("--actor", metavar="ID", help="only articles mentioning this actor")
    mentions = kinds.add_parser("mentions", help="every mention of an actor, in context")
    mentions.add_argument("entity", help="an id or any spelling")
    mentions.add_argument("--sort", choices=("date", "spelling"), default="date")
    clips = kinds.add_parser("clips", help="the passages you clipped, with notes and tags")
    clips.add_argument("--tag", metavar="T", help="only clips with this tag")
    for sub in (results, mentions, clips):
        sub.add_argument("--format", choices=("csv", "jsonl", "md"), default="csv")
        sub.add_argument("--output", type=Path, metavar="FILE", help="default: standard output")
        add_common(sub)

    history = commands.add_parser("history", help="your searches and articles, newest first")
    history.add_argument("--json", action="store_true", help="JSON Lines, one entry a line")
    history.add_argument("--limit", type=positive, metavar="N", help="the newest N only")
    add_common(history)

    saved = commands.add_parser("saved", help="saved searches, with how many articles are new")
    saved.add_argument("--json", action="store_true", help="JSON Lines")
    add_common(saved)
    acts = saved.add_subparsers(dest="act", metavar="ACTION")
    run = acts.add_parser("run", help="run a saved search (and mark it opened)")
    run.add_argument("name")
    run.add_argument("--json", action="store_true", help="JSON Lines, one result a line")
    add = acts.add_parser("add", help="save a search under a name")
    add.add_argument("name")
    add.add_argument("query")
    add.add_argument("--actor", metavar="ID")
    add.add_argument("--sort", choices=("relevance", "date"), default="relevance")
    delete = acts.add_parser("delete", help="forget a saved search")
    delete.add_argument("name")
    for sub in (run, add, delete):
        add_common(sub)


def _workbench(args: argparse.Namespace, engine: Engine | None = None) -> Workbench:
    from userdata.workbench import open_workbench

    corpus = engine.corpus if engine is not None else _corpus(args)
    workbench = open_workbench(corpus)
    if workbench.notice:
        print(f"afreader: {visible(workbench.notice)}", file=sys.stderr)
    return workbench


def _corpus(args: argparse.Namespace) -> Path | None:
    corpus: Path | None = getattr(args, "corpus", None)
    if corpus is None:
        from tui.settings import load_settings

        corpus = load_settings(check_bindings=False).corpus
    return corpus


@contextmanager
def _destination(args: argparse.Namespace, out: TextIO) -> Iterator[TextIO]:
    if args.output is None:
        yield out
        return
    try:
        handle = args.output.open("w", encoding="utf-8", newline="")
    except OSError as error:
        raise UsageError(
            f"cannot write {visible(str(args.output))}: {error.strerror or error}"
        ) from None
    with handle:
        yield handle


@contextmanager
def _progress(total: int | None, noun: str) -> Iterator[Callable[[int], None]]:
    """A bar on stderr for a large export (a terminal only); yields `advance(done)`."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    console = Console(file=sys.stderr)
    if not console.is_terminal or (total is not None and total < PROGRESS_FROM):
        yield lambda done: None
        return
    columns = (TextColumn(f"Exporting {noun}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task("export", total=total)
        yield lambda done: bar.update(task, completed=done)


def _export(engine: Engine, args: argparse.Namespace, out: TextIO) -> int:
    from index import QueryError
    from tui import export

    records: Iterator[dict[str, Any]]
    total: int | None = None
    if args.what == "results":
        try:
            total, records = export.result_records(engine, args.query, args.sort, args.actor)
        except QueryError as error:
            raise UsageError(f"bad query: {error}") from None
        columns, noun, heading = export.RESULT_COLUMNS, "results", f"Results for {args.query!r}"
    elif args.what == "mentions":
        found = engine.resolve_entity(args.entity)
        if not found:
            raise UsageError(f"no entity called {args.entity!r}; 'afreader entities' lists them")
        records = export.mention_records(engine, [e.id for e in found], args.sort)
        columns, noun = export.MENTION_COLUMNS, "mentions"
        heading = f"Mentions of {', '.join(e.name for e in found)}"
    else:
        workbench = _workbench(args, engine)
        clips = workbench.notes.clips(tag=args.tag)
        total, records = len(clips), export.clip_records(engine, clips)
        columns, noun = export.CLIP_COLUMNS, "clips"
        heading = "Clips" + (f" tagged {args.tag}" if args.tag else "")
    with _destination(args, out) as target, _progress(total, noun) as advance:
        writer = export.Exporter(target, args.format, columns, heading)
        for record in records:
            writer.write(record)
            if writer.count % 500 == 0:
                advance(writer.count)
        advance(writer.count)
    where = visible(str(args.output)) if args.output else "standard output"
    print(f"afreader: wrote {writer.count:,} {noun} to {where}", file=sys.stderr)
    return EXIT_OK if writer.count else EXIT_NONE


def _history(args: argparse.Namespace, out: TextIO) -> int:
    workbench = _workbench(args)
    entries = workbench.history.entries(limit=args.limit)
    for entry in entries:
        if args.json:
            out.write(dumps_json(entry.as_dict()) + "\n")
        else:
            out.write(f"{entry.at[:16].replace('T', ' ')}  {visible(entry.text)}\n")
    if not entries:
        print("afreader: the history is empty", file=sys.stderr)
    return EXIT_OK if entries else EXIT_NONE


def _saved(engine: Engine, args: argparse.Namespace, out: TextIO) -> int:
    from index import QueryError
    from index.listing import matching_ids

    workbench = _workbench(args, engine)
    saved = workbench.saved
    if args.act == "add":
        try:
            engine.compile(args.query)
        except QueryError as error:
            raise UsageError(f"bad query: {error}") from None
        saved.save(args.name, args.query, args.actor, args.sort)
        print(f"afreader: saved {args.name!r}", file=sys.stderr)
        return EXIT_OK
    if args.act == "delete":
        if not saved.delete(args.name):
            raise UsageError(f"no saved search called {args.name!r}; 'afreader saved' lists them")
        return EXIT_OK
    if args.act == "run":
        found = saved.get(args.name)
        if found is None:
            raise UsageError(f"no saved search called {args.name!r}; 'afreader saved' lists them")
        return _run_saved(engine, workbench, found, args, out)
    listed = saved.all()
    for item in listed:
        try:
            ids = sorted(matching_ids(engine, item.query, item.actor))
        except QueryError as error:
            print(f"afreader: {item.name!r}: bad query: {visible(str(error))}", file=sys.stderr)
            ids = []
        new = saved.new_since(item, ids)
        if args.json:
            record = {
                "name": item.name,
                "query": item.query,
                "actor": item.actor,
                "sort": item.sort,
                "total": len(ids),
                "new": new,
                "opened": item.opened,
            }
            out.write(dumps_json(record) + "\n")
        else:
            out.write(
                f"{visible(item.name)}  {visible(repr(item.query))}  {new:,} new of {len(ids):,}"
                f"  (last opened {item.opened or 'never'})\n"
            )
    if not listed:
        print(
            "afreader: no saved searches ('afreader saved add' or ctrl+s in the reader)",
            file=sys.stderr,
        )
    return EXIT_OK if listed else EXIT_NONE


def _run_saved(
    engine: Engine, workbench: Workbench, found: Any, args: argparse.Namespace, out: TextIO
) -> int:
    from index import QueryError
    from tui import export

    try:
        total, records = export.result_records(engine, found.query, found.sort, found.actor)
    except QueryError as error:
        raise UsageError(f"{found.name!r}: bad query: {error}") from None
    seen = workbench.saved.seen(found)
    ids = []
    for record in records:
        ids.append(record["article_id"])
        record["new"] = record["article_id"] not in seen
        if args.json:
            out.write(dumps_json(record) + "\n")
        else:
            mark = "new " if record["new"] else "    "
            date = record["published"] or "undated"
            out.write(
                f"{mark}{date:10}  {visible(record['title'] or '')}  ({visible(record['article_id'])})\n"
            )
    workbench.saved.opened(found, ids)
    new = sum(1 for i in ids if i not in seen)
    print(f"afreader: {total:,} article(s) match {found.name!r}, {new:,} new", file=sys.stderr)
    return EXIT_OK if ids else EXIT_NONE


def _said(handler: Callable[..., int]) -> Callable[..., int]:
    """A handler whose user-data failures (a read-only or damaged database) are usage errors."""

    def run(*args: Any) -> int:
        from userdata.db import UserDataError

        try:
            return handler(*args)
        except UserDataError as error:
            raise UsageError(str(error)) from None

    return run


FAMILY = Family(
    add=_add,
    with_index={"export": _said(_export), "saved": _said(_saved)},
    without_index={"history": _said(_history)},
)
