"""What one query's wildcard, prefix and fuzzy words may cost, and what was cut.

Each such word (`Panj*`, `*stan`, `goverment~`) stands for the words of the index it
matches, found by walking the segment's term index: eighty infix wildcards (`*a* *b* ...`,
399 characters) walked it 160 times and took 15.6 s on 5,000 articles. Two bounds keep any
query's expansion cheap, whatever the number of its parts:

- a query's parts stand for at most MAX_EXPANDED_WORDS words in all;
- they look through at most MAX_LOOKED_AT words of the term index in all.

Each part gets an equal share of both, and each segment a part of that share in proportion
to its articles (never less than a floor): so what a part stands for in a segment depends
only on the query and the index, never on the order in which the search, the count or the
highlighter expand it, and the fast path can keep it. A part cut short is said in a notice
that quotes it as typed. The `check` of the search is called as the walk goes, so a long
one can be cancelled.
"""

from __future__ import annotations

import bisect
import copy
import re
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from whoosh import query as wq

from index.cancel import CHECK_EVERY, Check

if TYPE_CHECKING:
    from index.lexicon import Lexicons

__all__ = [
    "MAX_EXPANDED_WORDS",
    "MAX_LOOKED_AT",
    "Budget",
    "Cut",
    "Expansion",
    "bounded",
    "budget_for",
    "multiterms",
]

MAX_EXPANDED_WORDS = 20_000
MAX_LOOKED_AT = 1_000_000
# What a part may use in any segment, whatever its share.
MIN_WORDS = 64
MIN_LOOKED_AT = 5_000
# How many words of a segment's list a fuzzy word is compared with between two checks.
FUZZY_CHUNK = 32_768

# Why an expansion stopped short: None (it did not), "words" or "looked".
Cut = str | None
# What a part stands for in one segment, and whether it was cut short.
Expansion = tuple[list[bytes], Cut]
# How a part's words are walked: Whoosh's own expansion of the part, in a reader.
Walk = Callable[[Any], Iterable[bytes]]


def multiterms(q: wq.Query) -> Iterator[wq.MultiTerm]:
    """The wildcard, prefix and fuzzy parts of `q`, in order (not under a NOT)."""
    if isinstance(q, wq.MultiTerm):
        yield q
        return
    for child in q.children():
        yield from multiterms(child)


class Budget:
    """The expansion bounds of one query on one searcher.

    `parts` is how many wildcard, prefix and fuzzy parts the query has, `doc_count` how many
    articles the searcher holds; `typed` gives a part's text as the person typed it.
    """

    def __init__(
        self,
        parts: int,
        doc_count: int,
        check: Check | None = None,
        typed: Callable[[wq.MultiTerm], str] | None = None,
        lexicons: Lexicons | None = None,
    ) -> None:
        self.parts = max(1, parts)
        self.lexicons = lexicons
        self.doc_count = max(1, doc_count)
        self.check = check
        self._typed = typed or (lambda q: str(getattr(q, "text", q)))
        self.cut: dict[str, Cut] = {}
        self._memo: dict[tuple[int, int], list[bytes]] = {}

    def shares(self, reader: Any) -> tuple[int, int]:
        """How many words a part may stand for, and look through, in this reader."""
        fraction = min(1.0, reader.doc_count_all() / self.doc_count)
        words = int(MAX_EXPANDED_WORDS * fraction / self.parts)
        looked = int(MAX_LOOKED_AT * fraction / self.parts)
        return max(MIN_WORDS, words), max(MIN_LOOKED_AT, looked)

    def expand(
        self, q: wq.MultiTerm, reader: Any, expansion: Callable[[], Expansion] | None = None
    ) -> list[bytes]:
        """The words `q` stands for in `reader`, within its shares; once per search.

        `expansion` gives them (the fast path's kept ones); by default they are walked."""
        key = (id(q), id(reader))
        words = self._memo.get(key)
        if words is None:
            found, cut = expansion() if expansion is not None else self.walk(q, reader)
            if cut is not None:
                self.cut.setdefault(self._typed(q), cut)
            words = self._memo[key] = found
        return words

    def walk(self, q: wq.MultiTerm, reader: Any) -> Expansion:
        """Walk the term index for the words of `q`, stopping at its shares.

        A wildcard's candidates are read here, so that the words looked at are counted and
        the search's check called between them; any other part (a prefix, a fuzzy word: an
        automaton) is Whoosh's own expansion, counted as it yields."""
        max_words, max_looked = self.shares(reader)
        check = self.check
        if check is not None:
            check()
        if type(q) is wq.FuzzyTerm:
            return self._fuzzy(q, reader, max_words, max_looked)
        matches = _pattern(q)
        candidates: Iterable[bytes]
        if matches is not None:
            prefix = q._find_prefix(q.text)
            field = q.fieldname
            candidates = reader.expand_prefix(field, prefix) if prefix else reader.lexicon(field)
        else:
            candidates = _whoosh_walk(q)(reader)
        from_bytes = reader.schema[q.fieldname].from_bytes if matches is not None else None
        found: list[bytes] = []
        for looked, btext in enumerate(candidates, 1):
            if looked > max_looked:
                return found, "looked"
            if check is not None and not looked % CHECK_EVERY:
                check()
            if matches is None or (from_bytes is not None and matches(from_bytes(btext))):
                if len(found) == max_words:
                    return found, "words"
                found.append(btext)
        return found, None

    def _fuzzy(self, q: wq.FuzzyTerm, reader: Any, max_words: int, max_looked: int) -> Expansion:
        """A fuzzy word's words: those that begin with its first `prefixlength` letters and,
        after them, are within `maxdist` edits of it (Levenshtein: what Whoosh's automaton
        accepts, in the order of the term index, as Whoosh yields them).

        Whoosh steps a Levenshtein automaton through the term index in Python: a first
        `goverment~2` took 8 s at 57k articles. Here the words sharing the prefix are read in
        order (the length of each is a free first filter) and compared by RapidFuzz in C, the
        search's check called as they go, so a newer keystroke stops it inside a segment."""
        from rapidfuzz.distance import Levenshtein

        text, most = q.text, q.maxdist
        skip = min(q.prefixlength, len(text))  # a word shorter than the prefix is the prefix
        head, tail = text[:skip], text[skip:]
        if self.lexicons is not None:
            words = self.lexicons.words(reader, q.fieldname)
            return self._fuzzy_in(words, head, tail, most, max_words, max_looked)
        shortest, longest = len(text) - most, len(text) + most
        decode = reader.schema[q.fieldname].from_bytes
        distance = Levenshtein.distance
        check = self.check
        found: list[Any] = []
        for looked, btext in enumerate(reader.expand_prefix(q.fieldname, head), 1):
            if looked > max_looked:
                return found, "looked"
            if check is not None and not looked % CHECK_EVERY:
                check()
            word = decode(btext)
            if not shortest <= len(word) <= longest:
                continue
            if distance(word[skip:], tail, score_cutoff=most) <= most:
                if len(found) == max_words:
                    return found, "words"
                found.append(word)  # Whoosh's fuzzy expansion yields text, not bytes
        return found, None

    def _fuzzy_in(
        self, words: list[str], head: str, tail: str, most: int, max_words: int, max_looked: int
    ) -> Expansion:
        """`_fuzzy` over a segment's sorted word list (`index.lexicon`): the words that begin
        with `head` are a slice of it, compared with `tail` in C in chunks, the search's check
        called between them. The same words, and the same cuts, as the walk."""
        from rapidfuzz import process
        from rapidfuzz.distance import Levenshtein

        start = bisect.bisect_left(words, head)
        end = bisect.bisect_left(words, head + "\U0010ffff", start) if head else len(words)
        cut: Cut = None
        if end - start > max_looked:
            end, cut = start + max_looked, "looked"
        skip, check = len(head), self.check
        found: list[Any] = []
        for chunk in range(start, end, FUZZY_CHUNK):
            if check is not None:
                check()
            block = words[chunk : min(end, chunk + FUZZY_CHUNK)]
            choices = [word[skip:] for word in block] if skip else block
            matches = process.extract(
                tail, choices, scorer=Levenshtein.distance, score_cutoff=most, limit=None
            )
            for index in sorted(match[2] for match in matches):
                if len(found) == max_words:
                    return found, "words"
                found.append(block[index])
        return found, cut

    def notices(self) -> tuple[str, ...]:
        """What was cut, quoting each part as typed and the bound it met."""
        said = []
        for typed, cut in self.cut.items():
            if cut == "words":
                said.append(
                    f"{typed} matches more words than a search may look for; only some were "
                    f"searched (a query's wildcard and fuzzy words stand for at most "
                    f"{MAX_EXPANDED_WORDS:,} words in all)"
                )
            else:
                said.append(
                    f"{typed}: the search stopped looking for the words it matches (a query's "
                    f"wildcard and fuzzy words look through at most {MAX_LOOKED_AT:,} words of "
                    "the index in all); results may miss some"
                )
        return tuple(said)


def _pattern(q: wq.MultiTerm) -> Callable[[str], object] | None:
    """A wildcard's matching function (None: not a wildcard, or not one Whoosh builds so)."""
    if not isinstance(q, wq.Wildcard):
        return None
    return re.compile(q._get_pattern()).match


def _whoosh_walk(q: wq.MultiTerm) -> Walk:
    """Whoosh's own expansion of `q` (its class's, whatever the instance's is now)."""
    method = type(q)._btexts
    return lambda reader: method(q, reader)


def bounded(q: wq.Query, budget: Budget) -> wq.Query:
    """A copy of `q` whose wildcard, prefix and fuzzy parts expand within `budget`.

    Whoosh expands such a part, in each segment, through its `_btexts` (to build a matcher,
    to estimate its size, and again for the highlighter); the copy's comes from `budget`.
    """
    if isinstance(q, wq.MultiTerm):
        part = copy.copy(q)
        part._btexts = lambda reader: budget.expand(part, reader)
        return part
    # `apply` rebuilds a compound node from its subqueries and boost only: an Or's `scale`,
    # a DisjunctionMax's tiebreak or an Ordered's slop would be lost. The query compiler
    # makes none of those (tests/test_search.py compares every ranking with Whoosh's).
    return q.apply(lambda child: bounded(child, budget))


def budget_for(
    q: wq.Query,
    searcher: Any,
    check: Check | None,
    compiled: Any | None = None,
    lexicons: Lexicons | None = None,
) -> Budget:
    """The bounds of `q`'s wildcard, prefix and fuzzy parts on `searcher`; `compiled` (a
    CompiledQuery) quotes the parts as typed; fuzzy words are compared with `lexicons`'
    word lists when given."""
    parts = sum(1 for _ in multiterms(q))
    shown = compiled.typed_part if compiled is not None else None
    return Budget(parts, searcher.doc_count_all(), check, shown, lexicons)
