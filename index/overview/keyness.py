"""What sets a result set apart: terms and actors over-represented in it against the corpus.

The measure is Dunning's log-likelihood G2 over articles (a 2x2 table: articles of the
results with and without the term, against the articles of the rest of the corpus with and
without it), the keyness measure of corpus tools (AntConc, WordSmith). Only
over-represented terms are kept (a higher share in the results than in the rest).

Terms are the body's index terms (words of 3+ letters stemmed as the index stems them), shown
as the spelling most often met in the results, so that adding one to the query finds it.
`in_results` counts the result articles whose body holds the term (read from their text);
`in_corpus` is the index's own count of articles holding it (read once per state of the
index; when the index still holds deleted articles, counted from the postings for the terms
shown). The query's own words and actors are left out: they are what was asked.
"""

from __future__ import annotations

import math
import re
import threading
from array import array
from collections import Counter
from dataclasses import dataclass
from itertools import chain
from typing import TYPE_CHECKING, Any

from whoosh.searching import Searcher

from index.analysis import body_analyzer
from index.cancel import Check
from index.overview.counts import ResultSet

if TYPE_CHECKING:
    from index.store import Store

__all__ = ["Key", "g2", "keyness"]

_WORD = re.compile(r"[^\W\d_]{3,}")
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


_ANALYZER: list[Any] = []


def _stem(word: str) -> str | None:
    found = _STEMS.get(word, "")
    if found == "":
        if not _ANALYZER:
            _ANALYZER.append(body_analyzer())
        tokens = [t.text for t in _ANALYZER[0](word)]
        found = _STEMS[word] = tokens[0] if len(tokens) == 1 else None
    return found


class _Terms:
    """Each article's distinct body terms (as codes into `stems`), read from its text when
    keyness first needs the article and kept for one state of the index; and, for each
    term, its most frequent spelling among the articles read."""

    def __init__(self, key: object) -> None:
        self.key = key
        self.lock = threading.Lock()
        self.stems: list[str] = []
        self.codes: dict[str, int] = {}
        self.words: dict[int, Counter[str]] = {}
        self.articles: dict[int, array[int]] = {}

    def fill(self, store: Store, ns: list[int], check: Check | None) -> None:
        """Read the articles of `ns` not yet read."""
        missing = [n for n in ns if n not in self.articles]
        codes, stems, words_of = self.codes, self.stems, self.words
        for start in range(0, len(missing), 500):
            if check is not None:
                check()
            chunk = missing[start : start + 500]
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT n, body FROM articles WHERE n IN ({marks})"
            for n, body in store.db.execute(sql, chunk):
                found: set[int] = set()
                for word in set(_WORD.findall(body.casefold())):
                    stem = _STEMS[word] if word in _STEMS else _stem(word)
                    if stem is None:
                        continue
                    code = codes.get(stem)
                    if code is None:
                        code = codes[stem] = len(stems)
                        stems.append(stem)
                        words_of[code] = Counter()
                    found.add(code)
                    words_of[code][word] += 1
                self.articles[n] = array("l", found)

    def spelling(self, code: int) -> str:
        """The spelling of a term met in most articles read."""
        return self.words[code].most_common(1)[0][0]


_TERMS: list[_Terms] = []
_TERMS_LOCK = threading.Lock()


def _terms_for(key: object) -> _Terms:
    with _TERMS_LOCK:
        if not _TERMS or _TERMS[0].key != key:
            _TERMS[:] = [_Terms(key)]
        return _TERMS[0]


_DF_LOCK = threading.Lock()
_DF: dict[tuple[str, int], dict[bytes, int]] = {}


def corpus_frequencies(searcher: Searcher, key: tuple[str, int]) -> dict[bytes, int]:
    """Every body term's article count (deleted articles included until Whoosh merges them
    away: candidates only, the counts shown are read from the postings), read once per
    state of the index, segment by segment (a merged walk of 22 segments is 17x slower)."""
    with _DF_LOCK:
        found = _DF.get(key)
    if found is not None:
        return found
    counts: dict[bytes, int] = {}
    reader = searcher.reader()
    leaves = reader.leaf_readers() if hasattr(reader, "leaf_readers") else [(reader, 0)]
    for leaf, _ in leaves:
        for term, info in leaf.iter_field("body"):
            counts[term] = counts.get(term, 0) + info.doc_frequency()
    with _DF_LOCK:
        _DF.clear()
        _DF[key] = counts
    return counts


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
    in_results = Counter(chain.from_iterable(map(cols.actors.__getitem__, results.docs)))
    in_corpus = cols.actor_articles
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
    asked = {text for _, text in _query_terms(results)}
    terms = _terms_for(cols.key)
    with terms.lock:
        terms.fill(store, ns, check)
        in_results_codes = Counter(chain.from_iterable(map(terms.articles.__getitem__, ns)))
        stem_names = terms.stems
        shown = {
            stem_names[code]: terms.spelling(code)
            for code in in_results_codes
            if stem_names[code] not in asked
        }
    in_results = Counter({stem_names[code]: count for code, count in in_results_codes.items()})
    size, total = results.total, cols.articles
    df = corpus_frequencies(searcher, cols.key)
    least = 2 if size >= 20 else 1  # a word in one article of many says little
    scored = []
    for stem, count in in_results.items():
        if count < least or stem in asked:
            continue
        in_corpus = max(count, df.get(stem.encode(), 0))
        scored.append((g2(count, size, in_corpus, total), stem, count, in_corpus))
    scored.sort(key=lambda t: (-t[0], t[1]))
    deleted = searcher.reader().has_deletions()
    keys = []
    for score, stem, count, in_corpus in scored[:limit]:
        if score <= 0:
            break
        if deleted:  # the term statistics still count deleted articles: count the live ones
            in_corpus = max(count, len(list(searcher.postings("body", stem).all_ids())))
            score = g2(count, size, in_corpus, total)
        keys.append(Key("term", shown[stem], round(score, 2), count, in_corpus))
    keys.sort(key=lambda k: (-k.score, k.value))
    return keys


def _query_terms(results: ResultSet) -> set[tuple[str, str]]:
    """The words of the query, as index terms (stems), to leave out of the keys."""
    found: set[tuple[str, str]] = set()
    for word in _WORD.findall(results.text.casefold()):
        stem = _stem(word)
        if stem is not None:
            found.add(("body", stem))
    return found
