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
import threading
from array import array
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import chain
from typing import TYPE_CHECKING

from whoosh.searching import Searcher

from index import precomputed
from index.cancel import Check
from index.overview.counts import ResultSet
from index.precomputed import WORD, stems_of

if TYPE_CHECKING:
    from index.lexicon import Lexicons
    from index.store import Store

__all__ = ["Key", "g2", "keyness"]


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
    return stems_of([word])[word]


class _Terms:
    """Each article's distinct words (as codes into `words`, each with the code of its term
    in `stem_of`, -1 for a stop word), read from the store (`index/precomputed.py`) when
    keyness first needs the article, from its text where nothing trusted is stored, and kept
    for one state of the index. Words are numbered as the store numbers them."""

    def __init__(self, key: object) -> None:
        self.key = key
        self.lock = threading.Lock()
        self.words: list[str] = [""]  # code 0 is no word
        self.stem_of: list[int] = [-1]
        self.stems: list[str] = []
        self.stem_code: dict[str, int] = {}
        self.word_code: dict[str, int] = {}
        self.articles: dict[int, array[int]] = {}
        self.terms: dict[int, array[int]] = {}  # each article's distinct terms, once known
        self.stored: bool | None = None  # None: the store not looked at yet

    def _add(self, code: int, word: str, stem: str | None) -> None:
        words, stem_of = self.words, self.stem_of
        while len(words) <= code:
            words.append("")
            stem_of.append(-1)
        words[code] = word
        self.word_code[word] = code
        if stem is not None:
            found = self.stem_code.get(stem)
            if found is None:
                found = self.stem_code[stem] = len(self.stems)
                self.stems.append(stem)
            stem_of[code] = found

    def _load(self, rows: list[tuple[int, str, str | None]]) -> None:
        """Take the store's vocabulary (code, word, term) as this one (a loop of its own:
        about 100,000 words at 57k)."""
        size = max((code for code, _, _ in rows), default=0) + 1
        words, stem_of = [""] * size, [-1] * size
        stem_code, stems = self.stem_code, self.stems
        for code, word, stem in rows:
            words[code] = word
            if stem is not None:
                found = stem_code.get(stem)
                if found is None:
                    found = stem_code[stem] = len(stems)
                    stems.append(stem)
                stem_of[code] = found
        self.words, self.stem_of = words, stem_of
        self.word_code = {word: code for code, word, _ in rows}

    def fill(self, store: Store, ns: list[int], check: Check | None) -> int:
        """Know the articles of `ns` not yet known: from the store, else from their text;
        how many were read from the text."""
        missing = [n for n in ns if n not in self.articles]
        if not missing:
            return 0
        if self.stored is None:
            self.stored = precomputed.trusted(store.db)
            if self.stored:
                self._load(store.db.execute("SELECT code, word, stem FROM words").fetchall())
        if self.stored:
            if check is not None:
                check()
            top = len(self.words)
            for n, codes in precomputed.article_words(store.db, missing).items():
                if not codes or 0 < min(codes) <= max(codes) < top:
                    self.articles[n] = codes
            missing = [n for n in missing if n not in self.articles]
        self._read(store, missing, check)
        return len(missing)

    def _read(self, store: Store, ns: list[int], check: Check | None) -> None:
        for start in range(0, len(ns), 500):
            if check is not None:
                check()
            chunk = ns[start : start + 500]
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT n, body FROM articles WHERE n IN ({marks})"
            for n, body in store.db.execute(sql, chunk):
                words = set(WORD.findall(body.casefold()))
                new = [w for w in words if w not in self.word_code]
                for word, stem in stems_of(new).items():
                    self._add(len(self.words), word, stem)
                self.articles[n] = array("l", map(self.word_code.__getitem__, words))

    def spellings(self, ns: list[int], wanted: set[int]) -> dict[int, str]:
        """For each term of `wanted` (a few), its spelling met in most articles of `ns` (the
        first in alphabetical order of equals)."""
        stem_of = self.stem_of
        spelled = {code for code, stem in enumerate(stem_of) if stem in wanted}
        counts = Counter(chain.from_iterable(spelled.intersection(self.articles[n]) for n in ns))
        best: dict[int, tuple[int, str]] = {}
        for code, count in counts.items():
            stem, word = stem_of[code], self.words[code]
            held = best.get(stem)
            if held is None or (-count, word) < (-held[0], held[1]):
                best[stem] = (count, word)
        return {stem: word for stem, (_, word) in best.items()}


_TERMS: list[_Terms] = []
_TERMS_LOCK = threading.Lock()


def _terms_for(key: object) -> _Terms:
    with _TERMS_LOCK:
        if not _TERMS or _TERMS[0].key != key:
            _TERMS[:] = [_Terms(key)]
        return _TERMS[0]


_DF_LOCK = threading.Lock()
_DF: dict[object, dict[str, int]] = {}


def corpus_frequencies(
    searcher: Searcher, key: object, lexicons: Lexicons | None = None
) -> dict[str, int]:
    """Every body term's article count (deleted articles included until Whoosh merges them
    away: candidates only, the counts shown are read from the postings), read once per
    state of the index, segment by segment (a merged walk of 22 segments is 17x slower),
    from the counts kept beside the index (`index/lexicon.py`) when there are `lexicons`."""
    with _DF_LOCK:
        found = _DF.get(key)
    if found is not None:
        return found
    counts: dict[str, int] = {}
    reader = searcher.reader()
    leaves = reader.leaf_readers() if hasattr(reader, "leaf_readers") else [(reader, 0)]
    for leaf, _ in leaves:
        if "body" not in leaf.schema:
            continue
        words = lexicons.words(leaf, "body") if lexicons is not None else None
        frequencies = lexicons.frequencies(leaf, "body") if lexicons is not None else None
        pairs: Iterable[tuple[str, int]]
        if words is not None and frequencies is not None and len(words) == len(frequencies):
            pairs = zip(words, frequencies, strict=True)
        else:
            decode = leaf.schema["body"].from_bytes
            pairs = ((decode(t), i.doc_frequency()) for t, i in leaf.iter_field("body"))
        if not counts:
            counts = dict(pairs)
            continue
        get = counts.get
        for term, count in pairs:
            counts[term] = get(term, 0) + count
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
    notices: list[str] | None = None,
    lexicons: Lexicons | None = None,
) -> list[Key]:
    """The terms and the actors most over-represented in `results`, highest score first
    (`limit` of each). What had to be read from the text is said in `notices`; the corpus's
    counts are read from `lexicons` (those kept beside the index) when given."""
    cols = results.columns
    total = cols.articles
    size = results.total
    if not size or size >= total:
        return []
    asked = set(results.entity_ids)
    keys = _actor_keys(results, asked, size, total) + _term_keys(
        results, store, searcher, limit, check, notices, lexicons
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
    results: ResultSet,
    store: Store,
    searcher: Searcher,
    limit: int,
    check: Check | None,
    notices: list[str] | None = None,
    lexicons: Lexicons | None = None,
) -> list[Key]:
    cols = results.columns
    ns = [cols.article_n[d] for d in results.docs]
    asked = {text for _, text in _query_terms(results)}
    terms = _terms_for(cols.key)
    with terms.lock:
        read = terms.fill(store, ns, check)
        stem_of = terms.stem_of.__getitem__
        known = terms.terms
        for n in ns:
            if n not in known:
                found = set(map(stem_of, terms.articles[n]))
                found.discard(-1)  # the stop words
                known[n] = array("l", found)
        in_results_codes = Counter(chain.from_iterable(map(known.__getitem__, ns)))
        stem_names = list(terms.stems)
    if read and notices is not None:
        notices.append(
            f"the stored words of {read} article(s) were missing or unreadable: read from the "
            "text (the next update stores them again)"
        )
    in_results = Counter({stem_names[code]: count for code, count in in_results_codes.items()})
    codes = {stem_names[code]: code for code in in_results_codes}
    size, total = results.total, cols.articles
    df = corpus_frequencies(searcher, cols.key, lexicons)
    least = 2 if size >= 20 else 1  # a word in one article of many says little
    scored = []
    for stem, count in in_results.items():
        if count < least or stem in asked:
            continue
        in_corpus = max(count, df.get(stem, 0))
        scored.append((g2(count, size, in_corpus, total), stem, count, in_corpus))
    scored.sort(key=lambda t: (-t[0], t[1]))
    deleted = searcher.reader().has_deletions()
    with terms.lock:
        shown = terms.spellings(ns, {codes[stem] for _, stem, _, _ in scored[:limit]})
    keys = []
    for score, stem, count, in_corpus in scored[:limit]:
        if score <= 0:
            break
        if deleted:  # the term statistics still count deleted articles: count the live ones
            in_corpus = max(count, len(list(searcher.postings("body", stem).all_ids())))
            score = g2(count, size, in_corpus, total)
        keys.append(Key("term", shown[codes[stem]], round(score, 2), count, in_corpus))
    keys.sort(key=lambda k: (-k.score, k.value))
    return keys


def _query_terms(results: ResultSet) -> set[tuple[str, str]]:
    """The words of the query, as index terms (stems), to leave out of the keys."""
    found: set[tuple[str, str]] = set()
    for word in WORD.findall(results.text.casefold()):
        stem = _stem(word)
        if stem is not None:
            found.add(("body", stem))
    return found
