"""Where a query really matched in an article, as character spans, and snippets around them.

Spans come from the index itself, not from re-reading the text: a term's postings carry the
character offsets of each occurrence; a phrase (or proximity) query's matcher gives the spans
of the phrase as a whole, so `"security forces"` marks the phrase, not every `security`;
wildcard and fuzzy terms are expanded against each segment as the search expands them, then
the article's words are compared with that set. Spellings of an actor are marked from its
stored mentions.

A page of hits is highlighted in one pass per segment: one postings reader per term and one
matcher per phrase, moved forward through the page's documents in ascending order.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence

from whoosh import query as wq
from whoosh.analysis import Analyzer
from whoosh.reading import TermNotFound
from whoosh.searching import Searcher

from index.analysis import body_analyzer
from index.records import Hit, Mention, Span, make_snippet
from index.store import Store

__all__ = ["Highlighter", "SpanRequest", "merge_spans", "page_hits"]

# One field of one document to highlight: (docnum, field, text, mentions).
SpanRequest = tuple[int, str, str, Iterable[Mention]]
MAX_EXPANDED_TERMS = 5000
FIELDS = ("title", "body")

_local = threading.local()


def _analyzer() -> Analyzer:
    """This thread's body analyzer: its stemming cache stays warm from one page to the next
    (the cache is not safe to share between threads)."""
    analyzer: Analyzer | None = getattr(_local, "analyzer", None)
    if analyzer is None:
        analyzer = _local.analyzer = body_analyzer()
    return analyzer


class Highlighter:
    """Computes hit spans for one compiled query against one searcher.

    `check`, when given, is called now and then during the work; it may raise to stop it.
    """

    def __init__(
        self,
        searcher: Searcher,
        q: wq.Query,
        entity_ids: Iterable[str],
        check: Callable[[], None] | None = None,
    ) -> None:
        self.searcher = searcher
        self.entity_ids = frozenset(entity_ids)
        self._check = check
        self._terms: list[tuple[str, bytes]] = []
        self._phrases: list[wq.Query] = []
        self._multiterms: list[wq.MultiTerm] = []
        self._expanded_cache: dict[str, frozenset[str]] | None = None
        self._collect(q)

    def _collect(self, q: wq.Query) -> None:
        if isinstance(q, wq.Not):
            return
        if isinstance(q, wq.Term):
            if q.fieldname in FIELDS:
                self._terms.append((q.fieldname, q.text))
            return
        if isinstance(q, (wq.Phrase, wq.Ordered, wq.Sequence)):
            if q.field() in FIELDS:
                self._phrases.append(q)
            return
        if isinstance(q, wq.MultiTerm):
            if q.field() in FIELDS:
                self._multiterms.append(q)
            return
        for child in q.children():
            self._collect(child)

    @property
    def _expanded(self) -> dict[str, frozenset[str]]:
        """The words each wildcard or fuzzy term stands for, per field.

        Expanded segment by segment, as the search itself does (the whole-index expansion of
        a fuzzy term compares every word of the index with it, and takes seconds); the first
        MAX_EXPANDED_TERMS in sorted order of each query are kept.
        """
        if self._expanded_cache is None:
            expanded: dict[str, set[str]] = {}
            for q in self._multiterms:
                words: set[str] = set()
                for reader in self._leaf_readers():
                    if self._check is not None:
                        self._check()
                    for term in q._btexts(reader):
                        words.add(term.decode("utf-8") if isinstance(term, bytes) else term)
                kept = sorted(words)[:MAX_EXPANDED_TERMS]
                expanded.setdefault(q.field(), set()).update(kept)
            self._expanded_cache = {f: frozenset(w) for f, w in expanded.items()}
        return self._expanded_cache

    def _leaf_readers(self) -> list[object]:
        return [s.reader() for s, _ in self.searcher.leaf_searchers()]

    def spans(
        self, docnum: int, field: str, text: str, mentions: Iterable[Mention] = ()
    ) -> list[Span]:
        """Every hit in one field of one document, merged and sorted."""
        return self.page([(docnum, field, text, mentions)])[0]

    def page(self, requests: Sequence[SpanRequest]) -> list[list[Span]]:
        """Every hit in each (docnum, field, text, mentions), merged and sorted, in order."""
        found: list[list[Span]] = [[] for _ in requests]
        if self._terms or self._phrases:
            self._from_index(requests, found)
        expanded = self._expanded if self._multiterms else {}
        for i, (_, field, text, mentions) in enumerate(requests):
            words = expanded.get(field)
            if words and text:
                if self._check is not None:
                    self._check()
                found[i].extend(
                    (token.startchar, token.endchar)
                    for token in _analyzer()(text, chars=True)
                    if token.text in words
                )
            found[i].extend(
                (m.start, m.end)
                for m in mentions
                if m.field == field and m.entity_id in self.entity_ids
            )
        return [merge_spans(spans) for spans in found]

    def _from_index(self, requests: Sequence[SpanRequest], found: list[list[Span]]) -> None:
        """Term and phrase spans, one segment at a time, documents in ascending order."""
        for subsearcher, offset in self.searcher.leaf_searchers():
            reader = subsearcher.reader()
            end = offset + reader.doc_count_all()
            for field in FIELDS:
                wanted = sorted(
                    (docnum - offset, i)
                    for i, (docnum, f, _, _) in enumerate(requests)
                    if f == field and offset <= docnum < end
                )
                if not wanted:
                    continue
                for fieldname, term in self._terms:
                    if fieldname != field:
                        continue
                    try:
                        matcher = reader.postings(fieldname, term)
                    except TermNotFound:  # not in this segment
                        continue
                    for local, i in wanted:
                        if not matcher.is_active():
                            break
                        matcher.skip_to(local)
                        if matcher.is_active() and matcher.id() == local:
                            found[i].extend((s, e) for _, s, e in matcher.value_as("characters"))
                for phrase in self._phrases:
                    if phrase.field() != field:
                        continue
                    if self._check is not None:
                        self._check()
                    matcher = phrase.matcher(subsearcher)
                    for local, i in wanted:
                        if not matcher.is_active():
                            break
                        matcher.skip_to(local)
                        if matcher.is_active() and matcher.id() == local:
                            found[i].extend(
                                (s.startchar, s.endchar)
                                for s in matcher.spans()
                                if s.startchar is not None
                            )


def merge_spans(spans: Iterable[Span]) -> list[Span]:
    """Sort spans and join the ones that overlap or touch."""
    merged: list[Span] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def page_hits(
    store: Store,
    searcher: Searcher,
    q: wq.Query,
    page: Sequence[tuple[int, float | None]],
    entity_ids: set[str],
    check: Callable[[], None] | None = None,
) -> list[Hit]:
    """A page of (docnum, score) as hits: each article with its snippet around the first hit
    of its body, and the spellings of `entity_ids` it mentions."""
    ids = [searcher.stored_fields(docnum)["id"] for docnum, _ in page]
    stored = store.articles(ids)
    found = []
    for (docnum, score), article_id in zip(page, ids, strict=True):
        article = stored.get(article_id)
        if article is None:  # indexed by Whoosh, not yet in the store: being updated
            continue
        mentions = store.mentions_in(article.n, entity_ids) if entity_ids else []
        found.append((docnum, score, article, mentions))
    if check is not None:
        check()
    spans = Highlighter(searcher, q, entity_ids, check).page(
        [(docnum, "body", article.article.body, mentions) for docnum, _, article, mentions in found]
    )
    hits = []
    for (_, score, article, mentions), body_spans in zip(found, spans, strict=True):
        spellings = {m.text for m in mentions if m.entity_id in entity_ids}
        matched = tuple(sorted(spellings, key=str.casefold))
        hits.append(Hit(article, score, make_snippet(article.article.body, body_spans), matched))
    return hits
