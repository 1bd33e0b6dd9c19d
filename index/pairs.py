"""Word pairs: each two adjacent words of a title or body, indexed in a field of their own.

A phrase search in Whoosh reads the positions of every document that holds all the phrase's
words (`"security forces"` decodes the positions of every article with both words, most of
which do not hold them side by side). With the pairs indexed, the documents holding a
two-word phrase are one posting list (`security forc` in `body_pairs`), and a longer phrase
intersects the postings of its pairs before its positions are checked on the few documents
left (`index/fastpath/phrases.py`). Scores, counts and highlights still come from the title
and body fields, as Whoosh computes them: the pairs only find the documents.

A pair is of the words as the title and body fields index them, after the same analysis
(lowercased, accents folded, stop words dropped, stemmed): Whoosh's stop filter renumbers
the positions of the words it keeps, so two words are adjacent in a phrase query exactly
when they are adjacent here, and a phrase with a stop word inside (`"head of state"`, the
query's words `head stat`) is the pair of the words either side of it.

The words are not analysed twice: the title and body analyzers remember the words of the
text they have just indexed (`RecordingAnalyzer`), and Whoosh indexes a document's fields in
the order of their names, so `body` comes before `body_pairs` and `title` before
`title_pairs`; given any other text, the pair field analyses it itself.
"""

from __future__ import annotations

import collections
import itertools
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from whoosh.analysis import Analyzer
from whoosh.fields import FieldType
from whoosh.formats import Existence

__all__ = [
    "PAIR_FIELDS",
    "PairField",
    "RecordingAnalyzer",
    "common_words",
    "corpus_common_words",
    "pair_text",
]

# The field holding the pairs of each phrase-searchable field.
PAIR_FIELDS = {"title": "title_pairs", "body": "body_pairs"}
# Between the two words of a pair: never inside a word (the tokenizer splits at spaces).
SEPARATOR = " "

# How many of the words most often met in a sample of the corpus pair with their neighbours.
COMMON_COUNT = 1000
SAMPLE_ARTICLES = 2000

_recent = threading.local()  # the source field's name: (the text, its words)


def pair_text(first: str, second: str) -> str:
    """The term of the pair field for two adjacent words (as the source field indexes them)."""
    return f"{first}{SEPARATOR}{second}"


class RecordingAnalyzer(Analyzer):
    """An analyzer that, when indexing, remembers the words of the text it has just read, for
    the pair field of the same document (per thread; Whoosh's writers index one document at
    a time in a thread or process)."""

    def __init__(self, inner: Analyzer, source: str) -> None:
        self.inner = inner
        self.source = source

    def __call__(self, value: Any, mode: str = "", **kwargs: Any) -> Iterator[Any]:
        if mode != "index":
            yield from self.inner(value, mode=mode, **kwargs)
            return
        words: list[str] = []
        setattr(_recent, self.source, None)
        for token in self.inner(value, mode=mode, **kwargs):
            words.append(token.text)
            yield token
        setattr(_recent, self.source, (value, words))

    def has_morph(self) -> bool:
        return bool(self.inner.has_morph())

    def clean(self) -> None:
        self.inner.clean()


class PairField(FieldType):
    """Each pair of adjacent words of the `source` field of which one word at least is in
    `common` (words as the field indexes them), as a term without positions or frequency
    (Whoosh's Existence format: a pair's postings are document numbers), neither stored nor
    scored. The set is kept in the index's schema: a search reads it from there, so it knows
    which pairs the index holds whatever the code's list is today."""

    def __init__(self, source: str, analyzer: Analyzer, common: frozenset[str]) -> None:
        super().__init__(format=Existence(), analyzer=analyzer, scorable=False, stored=False)
        self.source = source
        self.common = common

    def holds(self, first: str, second: str) -> bool:
        """Is the pair of these two adjacent words indexed?"""
        common = self.common
        return first in common and second in common

    def index(self, value: Any, **kwargs: Any) -> Iterator[tuple[bytes, int, float, bytes]]:
        recent = getattr(_recent, self.source, None)
        if recent is not None and (recent[0] is value or recent[0] == value):
            words = recent[1]
        else:
            words = [token.text for token in self.analyzer(value, mode="index")]
        common = self.common
        pairs = {
            pair_text(a, b) for a, b in itertools.pairwise(words) if a in common and b in common
        }
        for pair in pairs:  # in any order: the writer sorts its postings
            yield pair.encode("utf-8"), 1, 1.0, b""


def common_words(
    texts: Iterable[str], analyzer: Analyzer, count: int = COMMON_COUNT
) -> frozenset[str]:
    """The `count` words (as `analyzer` indexes them) in the most of `texts`; ties in the
    order first met, so that the same texts give the same words in every process."""
    frequency: collections.Counter[str] = collections.Counter()
    for text in texts:
        frequency.update(list(dict.fromkeys(t.text for t in analyzer(text, mode="index"))))
    return frozenset(word for word, _ in frequency.most_common(count))


def corpus_common_words(path: Path) -> frozenset[str]:
    """The common words of a corpus: those of its first SAMPLE_ARTICLES articles (a second
    or two of reading and analysis before a full build)."""
    from corpus import Article, iter_corpus
    from index.analysis import body_analyzer

    def texts() -> Iterator[str]:
        articles = (item for item in iter_corpus(path) if isinstance(item, Article))
        for article in itertools.islice(articles, SAMPLE_ARTICLES):
            yield f"{article.title}\n{article.body}"

    return common_words(texts(), body_analyzer(), COMMON_COUNT)
