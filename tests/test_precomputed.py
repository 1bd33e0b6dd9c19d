"""What the overview reads from the store (`index/precomputed.py`: each article's actors by
sentence and its words) gives the answers worked out from the text: after a build, after an
incremental update and after a curation; and a stale or damaged store is not trusted (the
answers are worked out from the text, with a message) and is written again by the next update."""

from __future__ import annotations

import json
import sqlite3
from array import array
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest

from index import Engine, cooccurrence
from index.analysis import body_analyzer
from index.generation import Generation
from index.overview import Overview
from index.precomputed import WORD, signature
from index.sentences import sentence_of, sentences
from tests.command import AFREADER, afreader
from tests.election import write_election
from userdata.curation import Curator
from userdata.overlays import load_for

DOSTUM, NOOR = "abdul-rashid-dostum", "atta-mohammad-noor"
QUERIES = ["alliance", "Taliban", "Dostum OR Panjshir", "north -Kabul"]


# --- the answers worked out from the text, by hand ---------------------------------------------


def _article(engine: Engine, n: int) -> Any:
    row = engine.store.db.execute("SELECT id FROM articles WHERE n = ?", (n,)).fetchone()
    stored = engine.article(row[0])
    assert stored is not None
    return stored


def comentions_from_text(engine: Engine, entity_id: str) -> dict[str, tuple[int, int, dict]]:
    """For each other actor: the sentences naming both (each article split by the splitter,
    a title a sentence of its own), the articles naming both, and both by year."""
    found: dict[str, list[Any]] = {}
    for n in engine.store.article_numbers_mentioning(entity_id):
        stored = _article(engine, n)
        starts = [start for start, _ in sentences(stored.article.body)] or [0]
        published = stored.article.published
        year = published.iso[:4] if published else None
        places: dict[str, set[tuple[str, int]]] = defaultdict(set)
        for m in engine.mentions_in(stored):
            at = sentence_of(starts, m.start) if m.field == "body" else 0
            places[m.entity_id].add((m.field, at))
        mine = places.pop(entity_id)
        for other, theirs in places.items():
            shared = len(theirs & mine)
            item = found.setdefault(other, [0, 0, {}])
            item[0] += shared
            item[1] += 1
            by_year = item[2].setdefault(year, [0, 0])
            by_year[0] += shared
            by_year[1] += 1
    return {other: (s, a, by_year) for other, (s, a, by_year) in found.items()}


def stored_comentions(view: Overview, entity_id: str) -> dict[str, tuple[int, int, dict]]:
    return {c.entity_id: (c.sentences, c.articles, c.by_year) for c in view.comentions(entity_id)}


_ANALYZER = body_analyzer()


def term(word: str) -> str | None:
    """The index term of one word, as the body's analyzer makes it (None: a stop word)."""
    tokens = [t.text for t in _ANALYZER(word)]
    return tokens[0] if len(tokens) == 1 else None


def check_keyness_against_the_text(view: Overview, text: str) -> int:
    """Each term's `in_results` is the number of result articles whose text holds a word
    reduced to that term, and its spelling the one met in most of them; how many terms."""
    results = view.results(text)
    keys = [k for k in view.keyness(results) if k.kind == "term"]
    words_of = []
    for doc in results.docs:
        body = _article(view.engine, results.columns.article_n[doc]).article.body
        words_of.append(set(WORD.findall(body.casefold())))
    for key in keys:
        stem = term(key.value)
        holding = [w for w in words_of if any(term(x) == stem for x in w)]
        assert key.in_results == len(holding), key
        spellings = Counter(x for w in holding for x in w if term(x) == stem)
        best = max(spellings.values())
        assert key.value == min(x for x, c in spellings.items() if c == best), key
    return len(keys)


def check_everything(view: Overview) -> None:
    engine = view.engine
    actors = [e for e, (mentions, _) in engine.store.entity_counts().items() if mentions]
    assert actors
    for entity_id in actors:
        assert stored_comentions(view, entity_id) == comentions_from_text(engine, entity_id)
    assert sum(check_keyness_against_the_text(view, q) for q in QUERIES) > 0
    assert view.notices == []  # all of it read as stored
    # The co-mentions above were the sums kept with the rows, and they are the rows' sums.
    db = engine.store.db
    assert cooccurrence.fresh(db, signature())
    kept = db.execute("SELECT a, b, year, sentences, articles FROM comention_counts").fetchall()
    rows = db.execute("SELECT year, places FROM sentence_actors").fetchall()
    sums: cooccurrence.Sums = {}
    for year, blob in rows:
        cooccurrence.contribution(year, array("I", blob), sums)
    assert sorted(kept) == sorted((*k, s, n) for k, (s, n) in sums.items() if n)


# --- after a build, an update, a curation ------------------------------------------------------


def test_after_a_build_the_stored_answers_are_the_texts(bundled_engine: Engine) -> None:
    view = Overview(bundled_engine)
    check_everything(view)
    assert stored_comentions(view, DOSTUM)[NOOR][:2] == (22, 4)  # read by hand: test_overview


NEW_ARTICLE = """---
id: 2026-12-unity-talks
title: "Unity talks in Mazar"
source: Test Wire
published: "2026-12-01"
---
Gen. Dostum and Atta Mohammad Noor met in Mazar on Monday. The talks went on.

Dostum said little afterwards.
"""


def test_after_an_incremental_update(corpus_copy: Path, tmp_path: Path) -> None:
    engine = Engine(corpus_copy, tmp_path / "index")
    engine.open()
    try:
        view = Overview(engine)
        before = stored_comentions(view, DOSTUM)[NOOR]
        (corpus_copy / "2026-12-unity-talks.md").write_text(NEW_ARTICLE, encoding="utf-8")
        report = engine.update()
        assert report.added == 1
        after = stored_comentions(view, DOSTUM)
        assert after[NOOR][:2] == (before[0] + 1, before[1] + 1)  # one more sentence, article
        assert after[NOOR][2]["2026"] == [1, 1]
        check_everything(view)
        (corpus_copy / "2026-12-unity-talks.md").unlink()
        engine.update()
        assert stored_comentions(view, DOSTUM)[NOOR] == before
        check_everything(view)
    finally:
        engine.close()


def test_after_a_curation(tmp_path: Path) -> None:
    corpus, gazetteer = write_election(tmp_path)
    layered, problems = load_for(corpus, [gazetteer])
    assert problems == []
    engine = Engine(corpus, tmp_path / "indexes", gazetteer=layered)
    engine.open()
    try:
        view = Overview(engine)
        check_everything(view)
        done = Curator(engine, [gazetteer]).new_actor("Ines Quarry", "person")
        assert done.rewritten == 3
        assert stored_comentions(view, "ines-quarry")  # the new actor, stored with the others
        check_everything(view)
        Curator(engine, [gazetteer]).undo()
        assert "ines-quarry" not in engine.store.entity_counts()
        check_everything(view)
    finally:
        engine.close()


# --- a stale or damaged store ------------------------------------------------------------------


def answers(index_dir: Path) -> tuple[list[Any], list[Any], str]:
    """Co-mentions of Dostum and keyness of `alliance` in a new process, and what it said."""
    said = ""
    found = []
    for args in (("comentions", DOSTUM), ("keyness", "alliance")):
        done = afreader(*args, "--json", index_dir=index_dir)
        assert done.returncode == 0, done.stderr
        assert "Traceback" not in done.stderr
        said += done.stderr
        found.append([json.loads(line) for line in done.stdout.splitlines()])
    return found[0], found[1], said


def tamper(generation: Path, *statements: str) -> None:
    """Change the store as a bug or another version would leave it, sealed as if an update
    had finished (so that the index itself is not taken for damaged)."""
    db = sqlite3.connect(generation / "store.sqlite")
    with db:
        for statement in statements:
            db.execute(statement)
    db.close()
    Generation(generation).seal()


@pytest.mark.skipif(AFREADER is None, reason="the afreader command is not installed")
def test_a_stale_or_damaged_store_is_not_trusted_and_is_written_again(tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    comentions, keys, said = answers(index_dir)
    assert comentions and keys and "stored" not in said
    engine = Engine(index_root=index_dir)
    engine.open()
    generation = engine.generation_path
    engine.close()
    assert generation is not None and (generation / "store.sqlite").exists()

    # Written by another splitter (or format): nothing stored is used.
    tamper(generation, "UPDATE meta SET value = '0:another' WHERE key = 'precomputed'")
    assert answers(index_dir)[:2] == (comentions, keys)
    said = answers(index_dir)[2]
    assert "were missing or unreadable: split from the text" in said
    assert "were missing or unreadable: read from the text" in said

    # The next update writes it all again.
    engine = Engine(index_root=index_dir)
    engine.update()
    engine.close()
    assert answers(index_dir) == (comentions, keys, "")

    # The co-mention sums not kept with every row: the rows are summed instead (the same
    # answers, nothing to say), and the next update adds them up again.
    tamper(generation, "DELETE FROM meta WHERE key = 'comentions'")
    assert answers(index_dir) == (comentions, keys, "")
    engine = Engine(index_root=index_dir)
    engine.update()
    assert cooccurrence.fresh(engine.store.db, signature())
    engine.close()

    # One row cut short, one missing (the sums, which no longer account for them, set aside):
    # those two are read from the text, the rest as stored.
    n = (
        "(SELECT article FROM mentions WHERE entity = 'abdul-rashid-dostum' "
        "ORDER BY article LIMIT 1)"
    )
    tamper(
        generation,
        f"UPDATE sentence_actors SET places = x'010203' WHERE article = {n}",
        f"DELETE FROM article_words WHERE article IN (SELECT article FROM mentions "
        f"WHERE entity = '{NOOR}')",
        "DELETE FROM meta WHERE key = 'comentions'",
    )
    again = answers(index_dir)
    assert again[:2] == (comentions, keys)
    assert "the stored sentences of 1 article(s) were missing or unreadable" in again[2]
    assert "the stored words of" in again[2]
    engine = Engine(index_root=index_dir)
    engine.update()
    assert cooccurrence.fresh(engine.store.db, signature())
    engine.close()
    assert answers(index_dir) == (comentions, keys, "")
