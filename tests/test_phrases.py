"""Phrases read from word pairs (`index/pairs.py`, `index/fastpath/phrases.py`) give what plain
Whoosh gives: the same documents, order, scores, totals and highlights.

Each corpus is searched by two engines over the same index: the fast path, and plain Whoosh
(`AFREADER_PLAIN_WHOOSH=1`, Whoosh's own phrase matcher reading every position).
"""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from whoosh import query as wq
from whoosh.fields import Schema

import index.pairs
from corpus import Gazetteer
from index import Engine
from index.analysis import body_analyzer
from index.fastpath import plan
from index.pairs import PAIR_FIELDS, PairField, corpus_common_words
from index.plain import ENV_PLAIN_WHOOSH
from index.schema import make_schema
from tests.search_corpus import plain_searcher, straightforward, write_records

COMMON = 15  # the generated index's common words

pytestmark = pytest.mark.skipif(
    os.environ.get(ENV_PLAIN_WHOOSH, "").strip() not in ("", "0"),
    reason="compares the fast path with plain Whoosh",
)

# Sentences with every kind of phrase: stop words inside, repeated words, accents, hyphens,
# numbers; mixed with random words so that the words also stand apart from one another.
SENTENCES = [
    "The head of state met the security forces.",
    "Security forces said the head of the state was away.",
    "Very very good news came from the council of elders.",
    "The council of the elders said no, no, no to the new budget.",
    "Forces. Security was tight in Kabul after the attack.",
    "Interest rates rose as the central bank said growth was slowing.",
    "The rule of law is the rule of the day in the Café Kabul.",
    "Cafe Kabul reopened; the café kabul crowd was back.",
    "Mazar-i-Sharif and Mazar i Sharif are the same city.",
    "Oil price oil price oil price: the market repeated itself.",
    "The peace talks in Doha ended; talks peace resumed in 2020.",
    "A state of emergency was declared in the state of Balkh.",
]
FILLER = [
    "security",
    "forces",
    "state",
    "head",
    "council",
    "elders",
    "budget",
    "bank",
    "rates",
    "interest",
    "growth",
    "market",
    "oil",
    "price",
    "talks",
    "peace",
    "kabul",
    "city",
    "law",
    "rule",
    "day",
    "attack",
    "new",
    "good",
    "news",
]

PHRASES = [
    # two words
    '"security forces"',
    '"forces security"',  # only across a sentence break
    '"head state"',
    '"interest rates"',
    '"oil price"',
    '"price oil"',
    '"peace talks"',
    '"talks peace"',
    '"kabul city"',
    '"good news"',
    '"news good"',
    '"state state"',
    '"zzzunknown forces"',
    # stop words inside: the words either side are adjacent once stop words are dropped
    '"head of state"',
    '"head of the state"',
    '"council of elders"',
    '"council of the elders"',
    '"rule of law"',
    '"state of emergency"',
    # repeated words
    '"very very"',
    '"very very good"',
    '"no no"',
    '"no no no"',
    '"oil price oil"',
    '"oil price oil price"',
    '"price oil price oil price"',
    # three and four words, present and absent
    '"security forces said"',
    '"the head of state met the security forces"',
    '"interest rates rose"',
    '"central bank said growth"',
    '"bank said growth slowing"',
    '"security forces head"',
    '"forces security tight"',
    '"market oil price"',
    # accents, hyphens, numbers
    '"café kabul"',
    '"cafe kabul"',
    '"CAFÉ KABUL crowd"',
    '"mazar-i-sharif"',
    '"mazar i sharif"',
    '"doha ended"',
    '"resumed 2020"',
    # fields, boosts, slop, combinations
    'title:"security forces"',
    'body:"security forces"',
    'title:"oil price"',
    '"security forces"^2',
    '"security forces"~2',
    '"head state"~3',
    '"oil price" market',
    '"oil price" OR "interest rates"',
    '"security forces" -"head of state"',
    '"security forces" NOT kabul',
    '("peace talks" OR "talks peace") kabul',
    '"very very good" OR "good news"',
]


def _generated(count: int, seed: int) -> list[dict[str, object]]:
    rng = random.Random(seed)
    records: list[dict[str, object]] = []
    for n in range(count):
        parts: list[str] = []
        for _ in range(rng.randint(1, 6)):
            if rng.random() < 0.5:
                parts.append(rng.choice(SENTENCES))
            else:
                parts.append(" ".join(rng.choices(FILLER, k=rng.randint(3, 12))) + ".")
        title_words = rng.choices(FILLER, k=rng.randint(2, 5))
        title = rng.choice([" ".join(title_words), rng.choice(SENTENCES)])
        records.append(
            {
                "id": f"phr-{n:05d}",
                "title": title.capitalize(),
                "date": f"{2001 + n % 24}-{1 + n % 12:02d}-{1 + n % 28:02d}",
                "source": "Wire",
                "body": " ".join(parts),
            }
        )
    return records


def _plain_engine(corpus: Path, root: Path, gazetteer: Gazetteer) -> Engine:
    """An engine over the same index answering with plain Whoosh (chosen when first asked)."""
    before = os.environ.get(ENV_PLAIN_WHOOSH)
    os.environ[ENV_PLAIN_WHOOSH] = "1"
    try:
        engine = Engine(corpus, index_root=root, gazetteer=gazetteer)
        assert engine.answerer == "plain Whoosh"
    finally:
        if before is None:
            del os.environ[ENV_PLAIN_WHOOSH]
        else:
            os.environ[ENV_PLAIN_WHOOSH] = before
    engine.open()
    return engine


@pytest.fixture(scope="module")
def generated_pair(
    tmp_path_factory: pytest.TempPathFactory, bundled_gazetteer: Gazetteer
) -> Iterator[tuple[Engine, Engine]]:
    """The fast path and plain Whoosh over one index of 500 generated articles, in several
    segments, some of them with deleted (changed) articles. Only the pairs of its 15 most
    common words are indexed: phrases are read from all their pairs, from some, or (no pair
    held) by Whoosh's matcher."""
    folder = tmp_path_factory.mktemp("phrases")
    path, root = folder / "news.jsonl", folder / "indexes"
    records = _generated(500, seed=19)
    write_records(path, records)
    fast = Engine(path, index_root=root, gazetteer=bundled_gazetteer)
    fast.indexer.batch_size = 120
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(index.pairs, "COMMON_COUNT", COMMON)
        fast.open()
    changed = [{**r, "body": f"{r['body']} Security forces said so."} for r in records[:40]]
    write_records(path, [*changed, *records[40:], *_generated(30, seed=20)[:30]])
    fast.update()
    assert fast.answerer == "fast path"
    plain = _plain_engine(path, root, bundled_gazetteer)
    yield fast, plain
    fast.close()
    plain.close()


@pytest.fixture(scope="module")
def bundled_pair(bundled_engine: Engine) -> Iterator[tuple[Engine, Engine]]:
    assert bundled_engine.index_root is not None
    plain = _plain_engine(
        bundled_engine.corpus, bundled_engine.index_root, bundled_engine.gazetteer
    )
    yield bundled_engine, plain
    plain.close()


def _answers(engine: Engine, text: str, sort: str = "relevance") -> tuple[object, ...]:
    results = engine.search(text, limit=1000, sort=sort)
    hits = [(h.article.article.id, h.score, h.snippet, h.matched) for h in results.hits]
    return results.total, hits, engine.count(text)


def _bundled_phrases(engine: Engine) -> list[str]:
    """Every two-, three- and four-word run of the bundled articles' first sentences (as
    typed: case, accents and stop words kept), and a few that are not runs."""
    phrases: list[str] = []
    for article in engine.store.newest(0, 50):
        words = article.article.body.split()[:40]
        for size in (2, 3, 4):
            for start in range(0, max(0, len(words) - size), 3):
                run = " ".join(w.strip('.,;:"()') for w in words[start : start + size])
                if run.strip():
                    phrases.append(f'"{run}"')
        if len(words) > 3:
            phrases.append(f'"{words[3]} {words[0]}"')
    return phrases


@pytest.mark.parametrize("text", PHRASES)
def test_generated_phrases_equal_plain_whoosh(
    text: str, generated_pair: tuple[Engine, Engine]
) -> None:
    fast, plain = generated_pair
    assert _answers(fast, text) == _answers(plain, text), text
    assert _answers(fast, text, "date") == _answers(plain, text, "date"), text


def test_the_generated_phrases_match_something(generated_pair: tuple[Engine, Engine]) -> None:
    """The comparisons above compare documents, not empty lists."""
    fast, _ = generated_pair
    totals = {text: fast.search(text, limit=1).total for text in PHRASES}
    assert sum(1 for total in totals.values() if total) >= len(PHRASES) - 8, totals
    assert totals['"forces security"'] > 0  # across a sentence break, as Whoosh
    # stop words are not indexed: both are the phrase `head stat`
    assert totals['"head of state"'] == totals['"head of the state"'] > 0
    assert totals['"oil price oil price"'] > 0
    assert totals['"zzzunknown forces"'] == 0


def test_bundled_phrases_equal_plain_whoosh(bundled_pair: tuple[Engine, Engine]) -> None:
    fast, plain = bundled_pair
    phrases = _bundled_phrases(fast)
    assert len(phrases) > 30
    matched = 0
    for text in phrases:
        try:
            expected = _answers(plain, text)
        except Exception as error:  # a query that cannot be run is refused by both
            with pytest.raises(type(error)):
                _answers(fast, text)
            continue
        assert _answers(fast, text) == expected, text
        matched += bool(expected[0])
    assert matched > len(phrases) // 2


def test_a_phrase_is_planned_from_its_pairs(generated_pair: tuple[Engine, Engine]) -> None:
    """A phrase of common words is read from its pairs; one with a pair of a common and a
    rarer word, from the pairs held, its positions checked; one with no pair held, a slop,
    or a field without pairs, is Whoosh's own matcher."""
    fast, _ = generated_pair
    searcher = fast.searcher()
    subsearcher = searcher.leaf_searchers()[0][0]
    reader = subsearcher.reader()
    pairing = reader.schema[PAIR_FIELDS["body"]]
    assert isinstance(pairing, PairField)
    assert pairing.common == corpus_common_words(fast.corpus) or len(pairing.common) == COMMON
    held = next(t.decode() for t in reader.lexicon(PAIR_FIELDS["body"]))
    a, b = held.split(" ")
    rare = next(w.decode() for w in reader.lexicon("body") if w.decode() not in pairing.common)
    planner = plan.Planner(subsearcher, searcher.context())
    node = planner.plan(wq.Phrase("body", [a, b]))
    assert type(node) is plan.Paired and node.whole and node.pairs == [held]
    assert node.bound == reader.doc_frequency(PAIR_FIELDS["body"], held.encode())
    longer = planner.plan(wq.Phrase("body", [a, b, rare]))
    assert longer is None or (type(longer) is plan.Paired and not longer.whole)
    assert type(planner.plan(wq.Phrase("body", [rare, rare]))) is plan.Other
    assert type(planner.plan(wq.Phrase("body", [a, b], slop=2))) is plan.Other
    assert type(planner.plan(wq.Phrase("source", ["wire", "x"]))) is plan.Other
    # a word the segment does not hold: nothing, without opening a posting
    assert planner.plan(wq.Phrase("body", [a, b, "zzzunknown"])) is None


def test_the_common_words_are_the_corpus_s_most_frequent(tmp_path: Path) -> None:
    path = tmp_path / "news.jsonl"
    write_records(path, _generated(60, seed=5))
    common = corpus_common_words(path)
    assert common == corpus_common_words(path)  # the same in every run
    assert {"secur", "forc", "state"} <= common
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(index.pairs, "COMMON_COUNT", 3)
        assert len(corpus_common_words(path)) == 3


def test_pairs_are_of_the_analysed_words() -> None:
    """Stop words dropped (their neighbours paired), accents folded, stems paired."""
    from whoosh.filedb.filestore import RamStorage

    common = frozenset({"cafe", "elder", "head", "state", "secur", "forc", "left"})  # not met
    ix = RamStorage().create_index(make_schema(common))
    writer = ix.writer()
    title, body = "Café of the Elders", "The head of state met security forces. Forces left."
    writer.add_document(
        id="1", title=title, body=body, **{PAIR_FIELDS["title"]: title, PAIR_FIELDS["body"]: body}
    )
    writer.commit()
    with ix.reader() as reader:
        assert [t.decode() for t in reader.lexicon(PAIR_FIELDS["body"])] == [
            "forc forc",
            "forc left",
            "head state",
            "secur forc",
        ]
        assert [t.decode() for t in reader.lexicon(PAIR_FIELDS["title"])] == ["cafe elder"]
    words = [t.text for t in body_analyzer()(body)]
    assert words[:2] == ["head", "state"]


def test_an_index_without_pairs_is_searched_the_whoosh_way(tmp_path: Path) -> None:
    """An index whose schema has no pair fields (one built before them, were it opened) is
    planned with Whoosh's phrase matcher, never as a phrase with no documents."""
    from whoosh import index as whoosh_index

    schema = make_schema()
    fields = {name: schema[name] for name in schema.names() if name not in PAIR_FIELDS.values()}
    older = Schema(**fields)
    ix = whoosh_index.create_in(str(tmp_path), older)
    writer = ix.writer()
    for n, body in enumerate(["security forces said", "forces security", "security of forces"]):
        writer.add_document(id=str(n), title="t", body=body)
    writer.commit()
    with ix.searcher() as searcher:
        q = wq.Phrase("body", ["secur", "forc"])
        subsearcher = searcher.leaf_searchers()[0][0]
        node = plan.Planner(subsearcher, searcher.context()).plan(q)
        assert type(node) is plan.Other
        from index.fastpath.evaluate import ranked

        got, total = ranked(searcher, q, 10, None, {}, None)
        assert total == 2 and got == straightforward(searcher, q)


def test_an_index_of_the_analysis_before_pairs_is_rebuilt_with_a_message(
    tmp_path: Path, bundled_gazetteer: Gazetteer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The analysis version is part of the fingerprint an index is kept with: an index built
    as version 3 (no pairs) is not used as it is, but rebuilt, and the person told."""
    import index.generation

    path = tmp_path / "news.jsonl"
    write_records(path, _generated(20, seed=3))
    monkeypatch.setattr(index.generation, "ANALYSIS_VERSION", "3")
    older = Engine(path, index_root=tmp_path / "indexes", gazetteer=bundled_gazetteer)
    older.open()
    older.close()
    monkeypatch.undo()
    engine = Engine(path, index_root=tmp_path / "indexes", gazetteer=bundled_gazetteer)
    assert not engine.is_fresh()
    report = engine.update()
    assert report.repaired is not None and "another version of afreader" in report.repaired
    assert any("another version of afreader" in notice for notice in engine.notices)
    assert engine.is_fresh()
    with plain_searcher(engine) as searcher:
        assert set(PAIR_FIELDS.values()) <= set(searcher.schema.names())
    assert engine.search('"security forces"').total > 0
    engine.close()
