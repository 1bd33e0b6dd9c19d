"""What sets a result set apart: terms and actors over-represented in it against the corpus.

The measure is Dunning's log-likelihood G2 over articles (a 2x2 table: articles of the
results with and without the term, against the articles of the rest of the corpus with and
without it), the keyness measure of corpus tools (AntConc, WordSmith). Only
over-represented terms are kept (a higher share in the results than in the rest).

Terms are the body's index terms (stemmed as the index stems them), shown as the spelling
most often met in the results, so that adding one to the query finds it. Candidates come from
reading the result articles' text; the counts of the ones kept are then taken exactly from
the index's postings. The query's own words and actors are left out: they are what was asked.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from whoosh.searching import Searcher

from index.analysis import body_analyzer
from index.cancel import Check
from index.overview.counts import ResultSet

if TYPE_CHECKING:
    from index.store import Store

__all__ = ["Key", "g2", "keyness"]

_WORD = re.compile(r"[^\W\d_]{3,}")
_CANDIDATES = 3  # candidates read exactly for each term shown
_STEMS: dict[str, str | None] = {}


@dataclass(frozen=True, slots=True)
class Key:
    """A term or an actor, its G2 score, and in how many articles of the results and of the
    corpus it appears."""

    kind: str  # "term" or "actor"
    value: str
    score: float
    in_results: int
    in_corpus: int


def g2(in_results: int, results: int, in_corpus: int, corpus: int) -> float:
    """Log-likelihood G2 of a term in `in_results` of `results` articles and `in_corpus` of
    `corpus`; negative when it is under-represented in the results."""
    a, b = in_results, in_corpus - in_results
    c, d = results, corpus - results
    if c <= 0 or d <= 0 or in_corpus <= 0:
        return 0.0
    e1 = c * in_corpus / corpus
    e2 = d * in_corpus / corpus
    score = 0.0
    for observed, expected in ((a, e1), (b, e2), (c - a, c - e1), (d - b, d - e2)):
        if observed > 0 and expected > 0:
            score += observed * math.log(observed / expected)
    score *= 2
    return score if a / c >= b / d else -score


def _stem(word: str) -> str | None:
    found = _STEMS.get(word, "")
    if found == "":
        tokens = [t.text for t in body_analyzer()(word)]
        found = _STEMS[word] = tokens[0] if len(tokens) == 1 else None
    return found


def keyness(
    results: ResultSet,
    store: Store,
    searcher: Searcher,
    limit: int = 30,
    check: Check | None = None,
) -> list[Key]:
    """The terms and the actors most over-represented in `results`, highest score first
    (`limit` of each)."""
    cols = results.columns
    total = cols.articles
    size = results.total
    if not size or size >= total:
        return []
    asked = set(results.entity_ids)
    keys = _actor_keys(results, asked, size, total) + _term_keys(
        results, store, searcher, limit, check
    )
    actors = [k for k in keys if k.kind == "actor"][:limit]
    terms = [k for k in keys if k.kind == "term"][:limit]
    return sorted(actors + terms, key=lambda k: (-k.score, k.kind, k.value))


def _actor_keys(results: ResultSet, asked: set[str], size: int, total: int) -> list[Key]:
    cols = results.columns
    in_results: Counter[int] = Counter()
    for doc in results.docs:
        in_results.update(cols.actors[doc])
    in_corpus: Counter[int] = Counter()
    for doc, actors in enumerate(cols.actors):
        if cols.article_n[doc] >= 0:
            in_corpus.update(actors)
    keys = []
    for code, count in in_results.items():
        entity = cols.entities[code]
        if entity in asked:
            continue
        score = g2(count, size, in_corpus[code], total)
        if score > 0:
            keys.append(Key("actor", entity, round(score, 2), count, in_corpus[code]))
    keys.sort(key=lambda k: (-k.score, k.value))
    return keys


def _term_keys(
    results: ResultSet, store: Store, searcher: Searcher, limit: int, check: Check | None
) -> list[Key]:
    cols = results.columns
    ns = [cols.article_n[d] for d in results.docs]
    asked = {text for fieldname, text in _query_terms(results, searcher)}
    in_results: Counter[str] = Counter()
    spelled: dict[str, Counter[str]] = {}
    for start in range(0, len(ns), 500):
        if check is not None:
            check()
        chunk = ns[start : start + 500]
        marks = ",".join("?" * len(chunk))
        for (body,) in store.db.execute(f"SELECT body FROM articles WHERE n IN ({marks})", chunk):
            stems: set[str] = set()
            for word in set(_WORD.findall(body.casefold())):
                stem = _stem(word)
                if stem is not None and stem not in asked:
                    stems.add(stem)
                    spelled.setdefault(stem, Counter())[word] += 1
            in_results.update(stems)
    size, total = results.total, cols.articles
    reader = searcher.reader()
    rough = []
    least = 2 if size >= 20 else 1  # a word in one article of many says little
    for stem, count in in_results.items():
        if count < least:
            continue
        df = max(count, reader.doc_frequency("body", stem))
        rough.append((g2(count, size, df, total), stem))
    rough.sort(reverse=True)
    chosen = set(results.docs)
    keys = []
    for _, stem in rough[: limit * _CANDIDATES]:
        if check is not None:
            check()
        ids = (
            set(searcher.postings("body", stem).all_ids())
            if reader.doc_frequency("body", stem)
            else set()
        )
        exact_results = len(ids & chosen)
        score = g2(exact_results, size, len(ids), total)
        if score > 0:
            word = spelled[stem].most_common(1)[0][0]
            keys.append(Key("term", word, round(score, 2), exact_results, len(ids)))
    keys.sort(key=lambda k: (-k.score, k.value))
    return keys


def _query_terms(results: ResultSet, searcher: Searcher) -> set[tuple[str, str]]:
    """The words of the query, as index terms (stems), to leave out of the keys."""
    found: set[tuple[str, str]] = set()
    for word in _WORD.findall(results.text.casefold()):
        stem = _stem(word)
        if stem is not None:
            found.add(("body", stem))
    return found
