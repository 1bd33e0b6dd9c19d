"""Keyword-in-context lines: each mention with the words around it, on one line."""

from __future__ import annotations

from dataclasses import dataclass

from index.store import MentionRef, Store, StoredArticle

__all__ = ["KwicLine", "kwic_lines"]


@dataclass(frozen=True, slots=True)
class KwicLine:
    """A keyword-in-context line: left context, the mention as written, right context."""

    ref: MentionRef
    article: StoredArticle
    left: str
    text: str
    right: str


def kwic_lines(store: Store, refs: list[MentionRef], width: int = 50) -> list[KwicLine]:
    """Keyword-in-context lines for mentions (one line each, newlines shown as spaces)."""
    articles = {a.n: a for a in store.articles(sorted({r.article_id for r in refs})).values()}
    lines = []
    for ref in refs:
        article = articles.get(ref.article_n)
        if article is None:
            continue
        text = article.article.title if ref.field == "title" else article.article.body
        left = text[max(0, ref.start - width) : ref.start]
        right = text[ref.end : ref.end + width]
        lines.append(
            KwicLine(
                ref,
                article,
                " ".join(left.split()),
                text[ref.start : ref.end],
                " ".join(right.split()),
            )
        )
    return lines
