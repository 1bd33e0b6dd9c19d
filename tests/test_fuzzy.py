"""Fuzzy words (`goverment~2`) expand to exactly the words Whoosh's own automaton finds, in the
same order, on the real index: every distance and prefix length, words of the index and
misspellings of them."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from whoosh import query as wq

from index import Engine
from index.expansion import Budget
from index.lexicon import Lexicons, words_folder


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


@pytest.mark.parametrize("listed", [False, True], ids=["walked", "from word lists"])
@pytest.mark.parametrize("distance", [1, 2])
@pytest.mark.parametrize("prefix", [0, 1, 2])
def test_fuzzy_words_are_whoosh_s_own(
    bundled_engine: Engine, tmp_path: Path, distance: int, prefix: int, listed: bool
) -> None:
    rng = random.Random(distance * 10 + prefix)
    lexicons = Lexicons(tmp_path) if listed else None
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
                budget = Budget(1, reader.doc_count_all(), lexicons=lexicons)
                ours, cut = budget.walk(q, reader)
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


@pytest.mark.parametrize("listed", [False, True], ids=["walked", "from word lists"])
def test_a_long_fuzzy_walk_can_be_stopped_inside_a_segment(
    bundled_engine: Engine, tmp_path: Path, listed: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    import index.expansion

    monkeypatch.setattr(index.expansion, "FUZZY_CHUNK", 100)  # the bundled corpus is small

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
            lexicons = Lexicons(tmp_path) if listed else None
            Budget(1, reader.doc_count_all(), check, lexicons=lexicons).walk(q, reader)


def _lists(engine: Engine) -> list[Path]:
    generation = engine.indexer.current()
    assert generation is not None
    return sorted(words_folder(generation.path).glob("*.words"))


def test_the_build_writes_the_word_lists_and_damage_to_one_is_read_again(
    tmp_path: Path,
) -> None:
    engine = Engine(None, tmp_path)
    engine.open()
    try:
        lists = _lists(engine)
        assert {p.name.split(".")[1] for p in lists} == {"title", "body"}
        with engine.searching() as searcher:
            reader = searcher.leaf_searchers()[0][0].reader()
            whole = [w.decode() for w in reader.lexicon("body")]
            body = next(p for p in lists if p.name.endswith(".body.words"))
            written = body.read_bytes()
            data = bytearray(written)
            data[len(data) // 2] ^= 0x01  # one bit: still UTF-8, no longer the words written
            body.write_bytes(bytes(data))
            assert Lexicons(body.parent).words(reader, "body") == whole
            assert body.read_bytes() == written  # read from the index again, and rewritten
            body.write_bytes(b"")
            assert Lexicons(body.parent).words(reader, "body") == whole
            assert body.read_bytes() == written
        assert engine.search("goverment~2").total == engine.search("goverment~2").total > 0
    finally:
        engine.close()


def test_the_lists_of_segments_merged_away_are_removed(tmp_path: Path) -> None:
    engine = Engine(None, tmp_path)
    engine.open()
    try:
        folder = _lists(engine)[0].parent
        gone = folder / "segment0gone.body.words"
        gone.write_text("0 0\n", encoding="utf-8")
        engine.indexer.update()  # every update leaves the lists of the segments it left
        assert not gone.exists()
        with engine.searching() as searcher:
            assert len(_lists(engine)) == 2 * len(searcher.leaf_searchers())
    finally:
        engine.close()
