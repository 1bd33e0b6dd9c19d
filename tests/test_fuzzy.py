"""Fuzzy words (`goverment~2`) expand to exactly the words Whoosh's own automaton finds, in the
same order, on the real index: every distance and prefix length, words of the index and
misspellings of them."""

from __future__ import annotations

import random

import pytest
from whoosh import query as wq

from index import Engine
from index.expansion import Budget


def _misspelt(word: str, rng: random.Random) -> str:
    """`word` with one or two random edits (a deletion, an insertion, a substitution)."""
    letters = list(word)
    for _ in range(rng.randint(1, 2)):
        at = rng.randrange(len(letters) + 1)
        edit = rng.choice("dis")
        if edit == "d" and at < len(letters) and len(letters) > 1:
            del letters[at]
        elif edit == "i":
            letters.insert(at, rng.choice("aeiourstn"))
        elif at < len(letters):
            letters[at] = rng.choice("aeiourstn")
    return "".join(letters)


@pytest.mark.parametrize("distance", [1, 2])
@pytest.mark.parametrize("prefix", [0, 1, 2])
def test_fuzzy_words_are_whoosh_s_own(bundled_engine: Engine, distance: int, prefix: int) -> None:
    rng = random.Random(distance * 10 + prefix)
    with bundled_engine.searching() as searcher:
        for leaf, _ in searcher.leaf_searchers():
            reader = leaf.reader()
            vocabulary = [w.decode() for w in reader.lexicon("body")]
            assert len(vocabulary) > 500
            words = rng.sample(vocabulary, 40)
            words += [_misspelt(w, rng) for w in rng.sample(vocabulary, 40)]
            words += ["goverment", "talibn", "dostom", "a", "zz", ""]
            for word in words:
                q = wq.FuzzyTerm("body", word, maxdist=distance, prefixlength=prefix)
                ours, cut = Budget(1, reader.doc_count_all()).walk(q, reader)
                assert cut is None
                if len(word) < prefix:  # Whoosh's automaton fails (IndexError): the word is
                    # then the prefix, and the words that begin with it are within reach
                    assert ours == [
                        w
                        for w in vocabulary
                        if w.startswith(word) and len(w) - len(word) <= distance
                    ]
                    continue
                theirs = list(reader.terms_within("body", word, distance, prefix=prefix))
                assert ours == theirs, word


def test_a_fuzzy_word_is_found_by_search(bundled_engine: Engine) -> None:
    """`Dostom~1` is spelling-aware search's misspelling of Dostum: the articles naming him."""
    plain = bundled_engine.search("dostum")
    fuzzy = bundled_engine.search("dostom~1")
    assert fuzzy.total == plain.total > 0


def test_a_long_fuzzy_walk_can_be_stopped_inside_a_segment(bundled_engine: Engine) -> None:
    class Stop(Exception):
        pass

    calls = 0

    def check() -> None:
        nonlocal calls
        calls += 1
        if calls > 1:
            raise Stop

    with bundled_engine.searching() as searcher:
        reader = searcher.leaf_searchers()[0][0].reader()
        q = wq.FuzzyTerm("body", "government", maxdist=2, prefixlength=0)
        with pytest.raises(Stop):
            Budget(1, reader.doc_count_all(), check).walk(q, reader)
