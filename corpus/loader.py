"""Load articles from the bundled corpus, a folder of `.md`/`.txt` files, or JSON Lines.

Every loader is a generator of `Article | Problem`, so a corpus of any size streams through
without being held in memory; `load_corpus` collects the stream for small corpora.
Nothing is skipped silently: each file or record that does not become an article yields a
Problem saying where (file, line, field) and why.

The work is split by what it reads: `corpus.files` (the path, folders, one Markdown or text
file), `corpus.jsonl` (JSON Lines), `corpus.record` (the one validator both use),
`corpus.decoding` (bytes to text) and `corpus.limits` (what one input may cost). The names
below stay importable from here.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from corpus import BUNDLED_ARTICLES
from corpus.decoding import TextDecodeError, decode_text
from corpus.files import (
    ARTICLE_SUFFIXES,
    JSONL_SUFFIXES,
    corpus_kind,
    corpus_path_problem,
    iter_folder,
    read_article_file,
    read_regular_file,
    scan_folder,
)
from corpus.jsonl import JsonlEnd, JsonlLines, iter_jsonl, iter_jsonl_lines, read_record
from corpus.limits import MAX_ARTICLE_BYTES, Limits, too_large
from corpus.model import Article, CorpusError, LoadResult, Problem

__all__ = [
    "ARTICLE_SUFFIXES",
    "BUNDLED_ARTICLES",
    "JSONL_SUFFIXES",
    "MAX_ARTICLE_BYTES",
    "CorpusError",
    "JsonlEnd",
    "JsonlLines",
    "Limits",
    "TextDecodeError",
    "corpus_kind",
    "corpus_path_problem",
    "decode_text",
    "iter_corpus",
    "iter_jsonl_lines",
    "load_corpus",
    "read_article_file",
    "read_record",
    "read_regular_file",
    "scan_folder",
    "too_large",
]

Item = Article | Problem


def load_corpus(path: Path | None = None, limits: Limits | None = None) -> LoadResult:
    """Load a whole corpus into memory (the bundled one when `path` is None)."""
    result = LoadResult()
    for item in iter_corpus(path, limits):
        if isinstance(item, Article):
            result.articles.append(item)
        else:
            result.problems.append(item)
    return result


def iter_corpus(path: Path | None = None, limits: Limits | None = None) -> Iterator[Item]:
    """Stream the articles and problems of a corpus, rejecting duplicate ids.

    Raises CorpusError when the path cannot be a corpus (`corpus_path_problem` says why).
    """
    path = BUNDLED_ARTICLES if path is None else path
    items = iter_folder(path) if corpus_kind(path) == "folder" else iter_jsonl(path, limits)
    seen: dict[str, str] = {}
    for item in items:
        if isinstance(item, Article):
            first = seen.get(item.id)
            if first is not None:
                path_part, _, line_part = item.origin.rpartition(":")
                line = int(line_part) if line_part.isdigit() else None
                yield Problem(
                    path_part if line is not None else item.origin,
                    f"duplicate id {item.id!r}: already used by {first}; this copy was not loaded",
                    line=line,
                    field="id",
                )
                continue
            seen[item.id] = item.origin
            yield item
            yield from item.warnings
            continue
        yield item
