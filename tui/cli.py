"""The `afreader` command: the reader by default, and subcommands for scripts.

    afreader [--corpus PATH] [--index-dir PATH]        open the reader
    afreader search QUERY [--limit N] [--sort relevance|date] [--json]
    afreader mentions [ENTITY] [--sort date|spelling] [--json] [--explain]
    afreader entities [--type person|organization|place] [--json] [--check FILE]
    afreader index [--rebuild]
    afreader problems [--json]
    afreader config path|show
    afreader export results|mentions|clips ... / history / saved ...   (tui/cli_workbench.py)

Exit codes: 0 results, 1 none found, 2 bad usage or input, or output that cannot be written
(a full disk, a closed standard output); the message is on stderr. A closed pipe (`| head`)
ends the output silently, and text the output's encoding cannot hold is written with
replacement characters.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TextIO, cast

from tui import version
from tui.cli_base import (
    EXIT_NONE,
    EXIT_OK,
    EXIT_USAGE,
    Family,
    UsageError,
    add_common,
    entities_files,
    layered_gazetteer,
    positive,
    write_problems,
)
from tui.kwic import kwic_line
from tui.output import Guarded, OutputError, discard_output, tolerant_streams
from tui.text import dumps_json, visible

if TYPE_CHECKING:
    from index import Engine
    from index.explain import ArticleExplainer

__all__ = ["build_parser", "main"]


class _Version(argparse.Action):
    """`--version`, with the version read only when it is asked for."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: object) -> None:
        super().__init__(
            option_strings,
            dest,
            nargs=0,
            default=argparse.SUPPRESS,
            help="show the version and exit",
        )

    def __call__(self, parser: argparse.ArgumentParser, *args: object) -> NoReturn:
        print(f"afreader {version()}")
        parser.exit()


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        # The message quotes what was typed: shown as safe text, like everything printed.
        self.exit(EXIT_USAGE, f"{self.prog}: error: {visible(message)}\n")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (global options work before or after the subcommand)."""
    parser = _Parser(
        prog="afreader",
        description="A keyboard-driven terminal reader for news about Afghan politics.",
        epilog="Run 'afreader' alone to open the reader. Exit codes: 0 results, 1 none, 2 bad input.",
    )
    parser.add_argument("--version", action=_Version)
    add_common(parser, suppress=False)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    search = commands.add_parser("search", help="search the corpus (Whoosh query language)")
    search.add_argument("query", help="e.g. 'Salih', '\"Northern Alliance\"', 'actor:dostum'")
    search.add_argument(
        "--limit", type=positive, default=20, metavar="N", help="at most N results (default 20)"
    )
    search.add_argument("--sort", choices=("relevance", "date"), default="relevance")
    search.add_argument("--json", action="store_true", help="JSON Lines, one result a line")

    mentions = commands.add_parser(
        "mentions", help="keyword-in-context lines for an actor's mentions"
    )
    mentions.add_argument("entity", nargs="?", help="an id or any spelling (default: every entity)")
    mentions.add_argument("--sort", choices=("date", "spelling"), default="date")
    mentions.add_argument("--json", action="store_true", help="JSON Lines, one mention a line")
    mentions.add_argument(
        "--explain",
        action="store_true",
        help="say why each mention was linked, and list the names left out in those articles",
    )

    entities = commands.add_parser("entities", help="entities with mention and article counts")
    entities.add_argument("--type", choices=("person", "organization", "place"))
    entities.add_argument("--json", action="store_true", help="JSON Lines, one entity a line")
    entities.add_argument(
        "--check",
        type=Path,
        metavar="FILE",
        help="validate a gazetteer file (each error with its file, line and field) and exit",
    )

    index = commands.add_parser("index", help="build or update the index, with a progress bar")
    index.add_argument("--rebuild", action="store_true", help="rebuild from scratch")

    problems = commands.add_parser("problems", help="list articles that could not be read, and why")
    problems.add_argument("--json", action="store_true", help="JSON Lines, one problem a line")

    config = commands.add_parser(
        "config", help="where the settings file is, and the settings in force"
    )
    config.add_argument(
        "what",
        choices=("path", "show"),
        help="path: the settings file's path; show: each setting and where it came from",
    )

    for sub in (search, mentions, entities, index, problems):
        add_common(sub, suppress=True)
    for family in _families():
        family.add(commands)
    return parser


# Modules that add subcommands of their own (see `tui.cli_base.Family`).
FAMILIES: tuple[str, ...] = ("tui.cli_overview", "tui.cli_workbench", "tui.cli_curation")


def _families() -> list[Family]:
    import importlib

    return [importlib.import_module(name).FAMILY for name in FAMILIES]


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `afreader` command."""
    tolerant_streams()
    args = build_parser().parse_args(argv)
    if getattr(args, "data_dir", None) is not None:
        # The one place that decides (userdata.paths) reads it, in this process and the app.
        import os

        from userdata.paths import ENV_DATA_DIR

        os.environ[ENV_DATA_DIR] = str(args.data_dir.expanduser())
    out = sys.stdout
    guarded = cast(TextIO, Guarded(out))
    try:
        if args.command is None:
            return _run_app(args)
        if out is None:
            raise UsageError("standard output is closed: nowhere to write the results")
        loose = {k: v for f in _families() for k, v in f.without_index.items()}
        if args.command == "config":
            code = _config(args, guarded)
        elif args.command == "entities" and args.check is not None:
            from tui.cli_curation import check_entities

            code = check_entities(args, guarded)
        elif args.command in loose:
            code = loose[args.command](args, guarded)
        else:
            _default_corpus(args)
            code = _run_command(args, guarded)
        guarded.flush()  # a full disk is found here for output that fits the buffer
        return code
    except UsageError as error:
        print(f"afreader: {visible(str(error))}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("afreader: interrupted; what was indexed is kept", file=sys.stderr)
        return 130
    except OutputError as failure:
        if out is not None:
            discard_output(out)
        cause = failure.error
        if isinstance(cause, BrokenPipeError):
            return EXIT_OK  # the reader stopped reading (`| head`): nothing to say
        reason = cause.strerror or str(cause)
        print(f"afreader: cannot write the output: {visible(reason)}", file=sys.stderr)
        return EXIT_USAGE


def _run_command(args: argparse.Namespace, out: TextIO) -> int:
    """Open the index and run a subcommand. Damage found only while reading (a store whose
    bytes changed behind its back) is said, repaired by a rebuild, and the command run again,
    once."""
    from index import IndexDamaged

    handlers = {
        "search": _search,
        "mentions": _mentions,
        "entities": _entities,
        "index": _index,
        "problems": _problems,
    }
    for family in _families():
        handlers |= family.with_index
    handler = handlers[args.command]
    rebuild = getattr(args, "rebuild", False)
    for attempt in range(2):
        engine = _open_engine(args, rebuild=rebuild)
        try:
            if args.command != "problems":
                _require_articles(engine)
            return handler(engine, args, out)
        except IndexDamaged as error:
            engine.close()
            if attempt:
                raise UsageError(
                    f"the index cannot be read even after a rebuild: {error}"
                ) from None
            print(
                f"afreader: the index was damaged: {visible(str(error))}; rebuilding",
                file=sys.stderr,
            )
            rebuild = True
    raise AssertionError("unreachable")  # pragma: no cover


def _default_corpus(args: argparse.Namespace) -> None:
    """The settings file's corpus, when the command line names none."""
    if getattr(args, "corpus", None) is None:
        from tui.settings import load_settings

        settings = load_settings(check_bindings=False)
        args.corpus = settings.corpus


def _require_articles(engine: Engine) -> None:
    """An empty corpus is bad input: say so instead of answering from nothing."""
    if engine.count():
        return
    where = visible(str(engine.corpus))
    errors = [p for p in engine.problems() if p.severity == "error"]
    if errors:
        raise UsageError(
            f"no article in {where} could be read ({len(errors)} problem(s);"
            " 'afreader problems' lists them)"
        )
    raise UsageError(f"no articles found in {where}: afreader reads {READABLE}")


READABLE = ".md, .txt, .jsonl, .jsonl.gz"


def _run_app(args: argparse.Namespace) -> int:
    from tui.app import make_app

    _default_corpus(args)
    if args.corpus is not None:
        # Checked before the screen opens (without importing the engine: launch time counts),
        # with the message the index gives for the same path.
        try:
            args.corpus = args.corpus.expanduser()
        except RuntimeError:
            raise UsageError(f"{args.corpus}: cannot expand '~' (no such user)") from None
        from corpus.paths import corpus_path_problem

        if (problem := corpus_path_problem(args.corpus)) is not None:
            raise UsageError(visible(problem))
    entities_files(args)
    app = make_app(corpus=args.corpus, index_dir=args.index_dir, entities=args.entities or [])
    app.run()
    return app.return_code or 0


def _open_engine(args: argparse.Namespace, rebuild: bool = False) -> Engine:
    """The engine with its index open: built, resumed or updated first when stale, in a
    separate process, with a progress bar on stderr (`index.open_index`)."""
    from corpus import CorpusError, GazetteerError
    from index import Engine, EngineError, open_index
    from tui.progress import progress_bar

    try:
        engine = Engine(args.corpus, args.index_dir, gazetteer=layered_gazetteer(args), procs=2)
        with progress_bar(sys.stderr) as callback:
            opened = open_index(engine, callback, rebuild=rebuild)
    except (CorpusError, GazetteerError, EngineError) as error:
        raise UsageError(str(error)) from None
    for notice in opened.notices:
        print(f"afreader: {visible(notice)}", file=sys.stderr)
    if opened.warning:
        print(f"afreader: index not updated: {visible(opened.warning)}", file=sys.stderr)
    errors = [p for p in engine.problems() if p.severity == "error"]
    if errors:
        print(
            f"afreader: {len(errors)} article(s) could not be read; 'afreader problems' lists them",
            file=sys.stderr,
        )
    return engine


def _search(engine: Engine, args: argparse.Namespace, out: TextIO) -> int:
    from index import QueryError

    try:
        results = engine.search(args.query, limit=args.limit, sort=args.sort)
    except QueryError as error:
        raise UsageError(f"bad query: {error}") from None
    for notice in results.notices:  # what the search bounded
        print(f"afreader: {visible(notice)}", file=sys.stderr)
    for hit in results.hits:
        article = hit.article.article
        published = article.published.iso if article.published else None
        if args.json:
            record = {
                "article_id": article.id,
                "title": article.title,
                "published": published,
                "source": article.source,
                "score": round(hit.score, 4) if hit.score is not None else None,
                "snippet": hit.snippet.text,
                "highlights": [list(span) for span in hit.snippet.spans],
                "matched": list(hit.matched),
            }
            out.write(dumps_json(record) + "\n")
        else:
            score = f"{hit.score:7.2f}" if hit.score is not None else "       "
            out.write(f"{score}  {published or 'undated':10}  {visible(article.title)}\n")
            where = visible(article.source or "source unknown")
            matched = (
                f"  [matched: {', '.join(visible(m) for m in hit.matched)}]" if hit.matched else ""
            )
            out.write(f"         {where} · {visible(article.id)}{matched}\n")
            out.write(f"         {_marked(hit.snippet.text, hit.snippet.spans)}\n\n")
    if not args.json:
        print(
            f"{results.total} article(s) match; showing {len(results.hits)} "
            f"({results.seconds * 1000:.0f} ms)",
            file=sys.stderr,
        )
    return EXIT_OK if results.hits else EXIT_NONE


def _marked(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """The snippet with hits between » and « (plain text, safe in any terminal)."""
    shown = visible(text)
    parts, last = [], 0
    for start, end in spans:
        parts += [shown[last:start], "»", shown[start:end], "«"]
        last = end
    parts.append(shown[last:])
    return "".join(parts)


def _mentions(engine: Engine, args: argparse.Namespace, out: TextIO) -> int:
    if args.entity:
        found = engine.resolve_entity(args.entity)
        if not found:
            raise UsageError(f"no entity called {args.entity!r}; 'afreader entities' lists them")
        targets: list[str] | None = [entity.id for entity in found]
    else:
        targets = None  # every entity
    written = 0
    explained = None
    if args.explain:
        from index.explain import ArticleExplainer

        explained = ArticleExplainer(engine.gazetteer, set(targets) if targets else None)
    for line in engine.iter_mentions(targets, by=args.sort):
        written += 1
        article = line.article.article
        entity = engine.entity(line.ref.entity_id)
        published = article.published.iso if article.published else None
        ref = line.ref
        why = explained.why(article, ref.field, ref.start, ref.end) if explained else None
        if args.json:
            record = {
                "article_id": article.id,
                "title": article.title,
                "published": published,
                "entity_id": line.ref.entity_id,
                "entity": entity.name if entity else line.ref.entity_id,
                "type": entity.type if entity else None,
                "field": line.ref.field,
                "start": line.ref.start,
                "end": line.ref.end,
                "text": line.text,
                "left": line.left,
                "right": line.right,
            }
            if explained:
                record["why"] = why
            out.write(dumps_json(record) + "\n")
        else:
            text = article.title if line.ref.field == "title" else article.body
            out.write(
                f"{kwic_line(text, line.ref.start, line.ref.end)}"
                f"  {published or 'undated':10}  {visible(article.id)}\n"
            )
            if explained:
                out.write(f"{'':>40}  why: {visible(why or 'not found by the matcher now')}\n")
    if explained:
        _write_left_out(explained, out, as_json=args.json)
    return EXIT_OK if written else EXIT_NONE


def _write_left_out(explainer: ArticleExplainer, out: TextIO, as_json: bool) -> None:
    for article_id, item in explainer.left_out():
        if as_json:
            fields = {"article_id": article_id, "left_out": item.text, "field": item.field}
            more = {"start": item.start, "end": item.end, "could_mean": list(item.candidates)}
            out.write(dumps_json({**fields, **more, "why": item.line}) + "\n")
        else:
            where = f"{visible(article_id)} ({item.field} {item.start})"
            out.write(f"left out [{visible(item.text)}] in {where}: {visible(item.line)}\n")


def _entities(engine: Engine, args: argparse.Namespace, out: TextIO) -> int:
    stats = engine.entities(args.type)
    if stats and not args.json:
        out.write(f"{'MENTIONS':>8}  {'ARTICLES':>8}  {'TYPE':12}  {'ID':32}  NAME\n")
    for item in stats:
        entity = item.entity
        if args.json:
            record = {
                "id": entity.id,
                "name": entity.name,
                "type": entity.type,
                "aliases": [*entity.aliases, *entity.shared_aliases],
                "mentions": item.mentions,
                "articles": item.articles,
            }
            out.write(dumps_json(record) + "\n")
        else:
            out.write(
                f"{item.mentions:8d}  {item.articles:8d}  {entity.type:12}  "
                f"{visible(entity.id):32}  {visible(entity.name)}\n"
            )
    return EXIT_OK if stats else EXIT_NONE


def _index(engine: Engine, args: argparse.Namespace, out: TextIO) -> int:
    out.write(f"{engine.count()} articles indexed in {visible(str(engine.root))}\n")
    return EXIT_OK


def _problems(engine: Engine, args: argparse.Namespace, out: TextIO) -> int:
    problems = engine.problems()
    if not problems:
        _require_articles(engine)  # nothing wrong, because nothing there: say so
    write_problems(out, problems, args.json)
    if not problems:
        # A clean corpus is an answer too, and not a failure.
        print(
            f"no problems: {engine.count():,} articles read", file=sys.stderr if args.json else out
        )
    return EXIT_OK


def _config(args: argparse.Namespace, out: TextIO) -> int:
    from tui.settings import load_settings

    settings = load_settings()
    if args.what == "path":
        out.write(visible(str(settings.path)) + "\n")
        return EXIT_OK
    rows = [
        ("theme", settings.theme or "textual-dark"),
        ("sort", settings.sort),
        ("sidebar", "true" if settings.sidebar else "false"),
        ("corpus", str(settings.corpus) if settings.corpus else "the bundled corpus"),
        ("keymap", ", ".join(f"{k} = {v}" for k, v in settings.keymap.items()) or "none"),
    ]
    width = max(len(value) for _, value in rows[:4])
    for key, value in rows:
        source = settings.sources[key]
        out.write(f"{key:8} {visible(value):{width}}  ({visible(source)})\n")
    for notice in settings.notices:
        print(f"afreader: {visible(notice)}", file=sys.stderr)
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
