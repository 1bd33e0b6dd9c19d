"""Where a query really matched in an article, as character spans, and snippets around them.

Spans come from the index itself, not from re-reading the text: a term's postings carry the
character offsets of each occurrence; a phrase (or proximity) query's matcher gives the spans
of the phrase as a whole, so `"security forces"` marks the phrase, not every `security`;
wildcard and fuzzy terms are expanded against the index once per query, then the article's
words are compared with that set. Spellings of an actor are marked from its stored mentions.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from whoosh import query as wq
from whoosh.searching import Searcher

from index.analysis import body_analyzer
from index.mentions import Mention

__all__ = ["Highlighter", "Snippet", "make_snippet", "merge_spans"]

Span = tuple[int, int]
MAX_EXPANDED_TERMS = 5000


@dataclass(frozen=True, slots=True)
class Snippet:
    """A one-line excerpt and the spans (into `text`) of the hits it shows."""

    text: str
    spans: tuple[Span, ...]


class Highlighter:
    """Computes hit spans for one compiled query against one searcher."""

    def __init__(self, searcher: Searcher, q: wq.Query, entity_ids: Iterable[str]) -> None:
        self.searcher = searcher
        self.entity_ids = frozenset(entity_ids)
        self._terms: list[tuple[str, bytes]] = []
        self._phrases: list[wq.Query] = []
        self._expanded: dict[str, set[str]] = {}
        self._collect(q)
        self._analyzer = body_analyzer() if self._expanded else None

    def _collect(self, q: wq.Query) -> None:
        if isinstance(q, wq.Not):
            return
        if isinstance(q, wq.Term):
            if q.fieldname in ("title", "body"):
                self._terms.append((q.fieldname, q.text))
            return
        if isinstance(q, (wq.Phrase, wq.Ordered, wq.Sequence)):
            if q.field() in ("title", "body"):
                self._phrases.append(q)
            return
        if isinstance(q, wq.MultiTerm) and q.field() in ("title", "body"):
            expanded = self._expanded.setdefault(q.field(), set())
            reader = self.searcher.reader()
            for count, term in enumerate(q._btexts(reader)):
                if count >= MAX_EXPANDED_TERMS:
                    break
                expanded.add(term.decode("utf-8") if isinstance(term, bytes) else term)
            return
        for child in q.children():
            self._collect(child)

    def spans(
        self, docnum: int, field: str, text: str, mentions: Iterable[Mention] = ()
    ) -> list[Span]:
        """Every hit in one field of one document, merged and sorted."""
        found: list[Span] = []
        reader = self.searcher.reader()
        for fieldname, term in self._terms:
            if fieldname != field:
                continue
            try:
                matcher = reader.postings(fieldname, term)
            except Exception:  # the term is not in the index at all
                continue
            matcher.skip_to(docnum)
            if matcher.is_active() and matcher.id() == docnum:
                found.extend((s, e) for _, s, e in matcher.value_as("characters"))
        for phrase in self._phrases:
            if phrase.field() != field:
                continue
            matcher = phrase.matcher(self.searcher)
            if not matcher.is_active():
                continue
            matcher.skip_to(docnum)
            if matcher.is_active() and matcher.id() == docnum:
                found.extend(
                    (s.startchar, s.endchar) for s in matcher.spans() if s.startchar is not None
                )
        expanded = self._expanded.get(field)
        if expanded and self._analyzer is not None and text:
            for token in self._analyzer(text, chars=True):
                if token.text in expanded:
                    found.append((token.startchar, token.endchar))
        found.extend(
            (m.start, m.end)
            for m in mentions
            if m.field == field and m.entity_id in self.entity_ids
        )
        return merge_spans(found)


def merge_spans(spans: Iterable[Span]) -> list[Span]:
    """Sort spans and join the ones that overlap or touch."""
    merged: list[Span] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def make_snippet(text: str, spans: list[Span], width: int = 160) -> Snippet:
    """A one-line window of about `width` characters around the first hit (or the opening)."""
    if not text:
        return Snippet("", ())
    anchor = spans[0][0] if spans else 0
    start = max(0, anchor - width // 3)
    if start > 0:
        space = text.rfind(" ", 0, start)
        start = space + 1 if space >= 0 and start - space < 20 else start
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start + width // 2 else end
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    window = text[start:end]
    line = prefix + " ".join(window.split("\n")) + suffix
    shift = len(prefix) - start
    inside = tuple(
        (max(s, start) + shift, min(e, end) + shift) for s, e in spans if s < end and e > start
    )
    return Snippet(line, inside)
