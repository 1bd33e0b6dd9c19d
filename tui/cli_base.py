"""What every `afreader` subcommand shares: exit codes, the usage error, the global options,
argument types, and `Family`, the seam through which a module of its own adds subcommands
(`tui/cli.py` lists the families; each keeps its imports inside its handlers, so that a
command imports only what it needs)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from corpus import Problem
    from index import Engine

__all__ = [
    "EXIT_NONE",
    "EXIT_OK",
    "EXIT_USAGE",
    "Family",
    "Handler",
    "IndexFreeHandler",
    "UsageError",
    "add_common",
    "entities_files",
    "layered_gazetteer",
    "positive",
    "write_problems",
]

EXIT_OK, EXIT_NONE, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """Bad usage or input: printed on stderr, exit code 2."""


Handler = Callable[["Engine", argparse.Namespace, TextIO], int]
"""A subcommand run on an open index: the engine, the parsed arguments, standard output."""

IndexFreeHandler = Callable[[argparse.Namespace, TextIO], int]
"""A subcommand that needs no index (the user's history, say)."""


@dataclass(frozen=True)
class Family:
    """Subcommands from a module of their own.

    `add` adds their parsers to the command's subparsers (it calls `add_common` on each that
    reads a corpus); `with_index` and `without_index` map each subcommand's name to its
    handler."""

    add: Callable[[Any], None]
    with_index: dict[str, Handler] = field(default_factory=dict)
    without_index: dict[str, IndexFreeHandler] = field(default_factory=dict)


def add_common(parser: argparse.ArgumentParser, suppress: bool = True) -> None:
    """The global options, `--corpus`, `--index-dir` and `--data-dir`, on a subcommand too (`suppress`: the
    subcommand's default leaves the global one in force)."""
    default = argparse.SUPPRESS if suppress else None
    parser.add_argument(
        "--corpus",
        type=Path,
        default=default,
        metavar="PATH",
        help="a folder of .md/.txt articles or a .jsonl/.jsonl.gz file (default: the bundled corpus)",
    )
    parser.add_argument(
        "--entities",
        type=Path,
        action="append",
        default=default,
        metavar="FILE",
        help="a gazetteer of one's own over the bundled one (repeatable)",
    )
    parser.add_argument(
        "--index-dir",
        type=Path,
        default=default,
        metavar="PATH",
        help="where indexes live (default: $AFREADER_INDEX_DIR or the user cache directory)",
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=default,
        metavar="PATH",
        help="where your history, saved searches and clips live"
        " (default: $AFREADER_DATA_DIR or the user data directory)",
    )


def positive(value: str) -> int:
    """An argument type: a whole number of at least 1."""
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def layered_gazetteer(args: argparse.Namespace) -> Any:
    """The gazetteer in force for the command's corpus: the bundled one, the person's overlays
    and the `--entities` files (`userdata.overlays`); a file that does not exist is a
    UsageError, an overlay that cannot be read is reported with its line and left out."""
    from corpus import GazetteerError
    from userdata.overlays import load_for

    try:
        gazetteer, _ = load_for(
            getattr(args, "corpus", None),
            getattr(args, "entities", None) or [],
            index_root=getattr(args, "index_dir", None),
        )
    except (ValueError, GazetteerError) as error:
        raise UsageError(str(error)) from None
    from tui.text import visible

    for problem in gazetteer.layer_problems:  # said once, with its line; the rest loads
        print(f"afreader: {visible(str(problem))}", file=sys.stderr)
    return gazetteer


def entities_files(args: argparse.Namespace) -> None:
    """Each `--entities` file must exist (a UsageError names the one that does not)."""
    for path in getattr(args, "entities", None) or []:
        if not path.expanduser().is_file():
            raise UsageError(f"{path}: no such gazetteer file (--entities)")


def write_problems(out: TextIO, problems: Iterable[Problem], as_json: bool) -> None:
    """Problems a line each: JSON objects (path, line, field, severity, message), or as said."""
    from tui.text import dumps_json, visible

    for problem in problems:
        if as_json:
            record = {
                "path": problem.path,
                "line": problem.line,
                "field": problem.field,
                "severity": problem.severity,
                "message": problem.message,
            }
            out.write(dumps_json(record) + "\n")
        else:
            out.write(visible(str(problem)) + "\n")
