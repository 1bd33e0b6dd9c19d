"""Exports with citations: search results, an actor's mentions, clips; CSV, JSON Lines or
Markdown, streamed one item at a time (constant memory), never cut short without saying so.

Exported text is data:
- CSV (the csv module): every cell with its control characters made visible, and a cell that
  a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, a tab or a carriage
  return) starts with `'` instead.
- JSON Lines: `tui.text.dumps_json` (controls escaped; nothing a terminal acts on).
- Markdown: a citation per item (outlet, author, date as far as it is known, title, URL where
  known, article id, field and character offsets, the query); controls made visible, every
  Markdown special character escaped and `<`, `>`, `&` written as entities, so article text
  can neither format the document nor smuggle HTML into it.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from tui.text import dumps_json, visible

if TYPE_CHECKING:
    from corpus import Article
    from index import Engine
    from userdata.notes import Clip

__all__ = [
    "FORMATS",
    "Exporter",
    "clip_records",
    "export_clips_file",
    "export_file",
    "markdown_text",
    "mention_records",
    "result_records",
    "spreadsheet_cell",
]

FORMATS = ("csv", "jsonl", "md")
# Articles read from the store at a time while exporting results.
BATCH = 500

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_MD_SPECIAL = set("\\`*_{}[]()#+-.!|~")
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def spreadsheet_cell(value: object) -> str:
    """A CSV cell: text with controls visible, never a formula."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    if text.startswith(_FORMULA_STARTS):
        text = "'" + text
    return visible(text)


def markdown_text(text: str) -> str:
    """Text that Markdown shows as written: controls visible, specials escaped, no HTML, one
    line (line breaks become spaces, so text cannot start a heading or a list)."""
    out = []
    for char in visible(" ".join(text.split())):
        if char in _HTML:
            out.append(_HTML[char])
        elif char in _MD_SPECIAL:
            out.append("\\" + char)
        else:
            out.append(char)
    return "".join(out)


def _citation_fields(article: Article | None) -> dict[str, Any]:
    if article is None:
        return {"outlet": None, "author": None, "published": None, "url": None}
    return {
        "outlet": article.source,
        "author": article.author,
        "published": article.published.iso if article.published else None,
        "url": article.url,
    }


def citation(record: dict[str, Any]) -> str:
    """The Markdown citation of one exported record."""
    parts = [
        markdown_text(record["outlet"]) if record.get("outlet") else "outlet unknown",
        f"by {markdown_text(record['author'])}" if record.get("author") else None,
        markdown_text(record["published"]) if record.get("published") else "undated",
        f"“{markdown_text(record.get('title') or '')}”",
        f"<{record['url']}>" if _is_url(record.get("url")) else None,
        f"article {markdown_text(record['article_id'])}",
    ]
    if record.get("start") is not None:
        parts.append(f"{record['field']} characters {record['start']}–{record['end']}")
    if record.get("query"):
        parts.append(f"query {markdown_text(repr(record['query']))}")
    if record.get("state") and record["state"] != "ok":
        parts.append(
            "the article changed since it was clipped"
            if record["state"] == "changed"
            else "the article is no longer in the corpus"
        )
    return ", ".join(p for p in parts if p) + "."


def _is_url(value: object) -> bool:
    if not isinstance(value, str) or not value.startswith(("http://", "https://")):
        return False
    return not any(c.isspace() or c in "<>\"'`" or ord(c) < 32 for c in value)


class Exporter:
    """Write records one at a time in one format; `count` says how many were written."""

    def __init__(self, out: TextIO, fmt: str, columns: list[str], heading: str) -> None:
        if fmt not in FORMATS:
            raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
        self.out, self.fmt, self.columns, self.count = out, fmt, columns, 0
        if fmt == "csv":
            self._csv = csv.writer(out)
            self._csv.writerow(columns)
        elif fmt == "md":
            out.write(f"# {markdown_text(heading)}\n\n")

    def write(self, record: dict[str, Any]) -> None:
        """One record (its keys are the columns)."""
        self.count += 1
        if self.fmt == "csv":
            self._csv.writerow([spreadsheet_cell(_flat(record.get(c))) for c in self.columns])
        elif self.fmt == "jsonl":
            self.out.write(dumps_json(record) + "\n")
        else:
            self.out.write(self._markdown(record))

    def _markdown(self, record: dict[str, Any]) -> str:
        lines = [f"## {self.count}. {markdown_text(record.get('title') or '(untitled)')}", ""]
        passage = record.get("text") or record.get("snippet")
        if passage:
            lines += [f"> {markdown_text(passage)}", ""]
        if record.get("note"):
            lines += [f"Note: {markdown_text(record['note'])}", ""]
        if record.get("tags"):
            lines += ["Tags: " + ", ".join(markdown_text(t) for t in record["tags"]), ""]
        if record.get("entity"):
            lines += [f"Actor: {markdown_text(record['entity'])}", ""]
        lines += [f"Source: {citation(record)}", "", ""]
        return "\n".join(lines)


def _flat(value: object) -> object:
    if isinstance(value, list | tuple):
        return " ".join(str(v) for v in value)
    return value


RESULT_COLUMNS = [
    "rank", "article_id", "title", "outlet", "author", "published", "url", "score",
    "query", "actor", "sort",
]  # fmt: skip


def result_records(
    engine: Engine, query: str, sort: str = "relevance", actor: str | None = None
) -> tuple[int, Iterator[dict[str, Any]]]:
    """How many articles match, and their records in the search's order: a page of ids
    from the index and its articles from the store at a time (`index.listing.ranked_pages`),
    so that memory does not grow with the number of results."""
    from index.listing import ranked_pages

    total, pages = ranked_pages(engine, query, sort=sort, actor=actor, page=BATCH)

    def records() -> Iterator[dict[str, Any]]:
        rank = 0
        for batch in pages:
            found = engine.store.articles([article_id for article_id, _ in batch])
            for article_id, score in batch:
                rank += 1
                stored = found.get(article_id)
                article = stored.article if stored else None
                yield {
                    "rank": rank,
                    "article_id": article_id,
                    "title": article.title if article else None,
                    **_citation_fields(article),
                    "score": round(score, 4) if score is not None else None,
                    "query": query,
                    "actor": actor,
                    "sort": sort,
                }

    return total, records()


MENTION_COLUMNS = [
    "article_id", "title", "outlet", "author", "published", "url", "entity_id", "entity",
    "field", "start", "end", "text", "left", "right",
]  # fmt: skip


def mention_records(
    engine: Engine, entity_ids: list[str] | None, by: str = "date"
) -> Iterator[dict[str, Any]]:
    """Every mention of the entities, keyword in context, one record each."""
    for line in engine.iter_mentions(entity_ids, by=by):
        article = line.article.article
        entity = engine.entity(line.ref.entity_id)
        yield {
            "article_id": article.id,
            "title": article.title,
            **_citation_fields(article),
            "entity_id": line.ref.entity_id,
            "entity": entity.name if entity else line.ref.entity_id,
            "field": line.ref.field,
            "start": line.ref.start,
            "end": line.ref.end,
            "text": line.text,
            "left": line.left,
            "right": line.right,
        }


CLIP_COLUMNS = [
    "clip_id", "article_id", "title", "outlet", "author", "published", "url", "field",
    "start", "end", "text", "note", "tags", "query", "actor", "created", "state",
]  # fmt: skip


def clip_records(engine: Engine | None, clips: Iterable[Clip]) -> Iterator[dict[str, Any]]:
    """Clips with their citations (from the index when the article is still there)."""
    from userdata.notes import state

    hashes = engine.store.hashes() if engine is not None else {}
    for clip in clips:
        stored = engine.article(clip.article_id) if engine is not None else None
        shown = state(clip.article_id, clip.content_hash, hashes) if engine else "unknown"
        yield {
            "clip_id": clip.id,
            "article_id": clip.article_id,
            "title": clip.title,
            **_citation_fields(stored.article if stored else None),
            "field": clip.field,
            "start": clip.start,
            "end": clip.end,
            "text": clip.text,
            "note": clip.note,
            "tags": list(clip.tags),
            "query": clip.query,
            "actor": clip.actor,
            "created": clip.created,
            "state": shown,
        }


def export_file(
    kind: str, columns: list[str], heading: str, records: Iterable[dict[str, Any]]
) -> tuple[Path, int]:
    """The app's exports: records to a new Markdown file in `<data dir>/exports/`."""
    from userdata.db import now
    from userdata.paths import data_dir

    folder = data_dir() / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    stamp = now().replace(":", "").replace("+0000", "")
    path = folder / f"{kind}-{stamp}.md"
    n = 1
    while path.exists():
        n += 1
        path = folder / f"{kind}-{stamp}-{n}.md"
    with path.open("w", encoding="utf-8", newline="") as out:
        exporter = Exporter(out, "md", columns, heading)
        for record in records:
            exporter.write(record)
    return path, exporter.count


def export_clips_file(clips: list[Clip], engine: Engine) -> tuple[Path, int]:
    """Clips to a new Markdown file in `<data dir>/exports/`."""
    return export_file("clips", CLIP_COLUMNS, "afreader clips", clip_records(engine, clips))
