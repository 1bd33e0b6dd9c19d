"""The overview's counts (index/overview/) agree with what a search returns, on real indexes:
the bundled corpus, and a tiny JSON Lines corpus with undated and year-only articles."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from corpus import Gazetteer
from index import Engine
from index.overview import Overview, g2, sentences

DOSTUM, NOOR = "abdul-rashid-dostum", "atta-mohammad-noor"
QUERIES = ["", "alliance", "Taliban", "Dostum OR Panjshir", "north -Kabul"]


@pytest.fixture(scope="module")
def overview(bundled_engine: Engine) -> Overview:
    return Overview(bundled_engine)


@pytest.fixture(scope="module")
def tiny(
    tmp_path_factory: pytest.TempPathFactory, bundled_gazetteer: Gazetteer
) -> Iterator[Overview]:
    """Seven articles: four dated to a month or day over two months, one to the year only,
    two undated; three sources and one with none."""
    root = tmp_path_factory.mktemp("tiny-overview")
    records = [
        ("a1", "2020-01-05", "Pajhwok", "Dostum spoke in Mazar about the north."),
        ("a2", "2020-01-20", "Pajhwok", "Dostum and Atta Noor met in the north."),
        ("a3", "2020-03", "Tolo", "Atta Noor spoke about the north and Kabul."),
        ("a4", "2020-03-02", None, "A quiet day in the north."),
        ("a5", "2020", "Tolo", "The north in review, Dostum again."),
        ("a6", None, "Ariana", "An undated note about the north."),
        ("a7", None, None, "Another undated note about the north, by Gen. Dostum."),
    ]
    lines = []
    for aid, published, source, body in records:
        record: dict[str, object] = {"id": aid, "title": f"Note {aid}", "body": body}
        if published:
            record["published"] = published
        if source:
            record["source"] = source
        lines.append(json.dumps(record))
    corpus = root / "tiny.jsonl"
    corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
    engine = Engine(corpus, root / "index", gazetteer=bundled_gazetteer)
    engine.open()
    yield Overview(engine)
    engine.close()


# --- sentences ----------------------------------------------------------------------------------


def test_the_splitter_keeps_abbreviations_whole() -> None:
    text = "Gen. Dostum met the U.S. envoy in Mazar. Mr. Noor did not. Then he left."
    found = [text[a:b].strip() for a, b in sentences(text)]
    assert found == [
        "Gen. Dostum met the U.S. envoy in Mazar.",
        "Mr. Noor did not.",
        "Then he left.",
    ]


def test_a_paragraph_break_ends_a_sentence() -> None:
    text = "A headline without a stop\n\nThe body starts here. It goes on."
    assert [text[a:b].strip() for a, b in sentences(text)] == [
        "A headline without a stop",
        "The body starts here.",
        "It goes on.",
    ]


# --- histogram and facets agree with the search ---------------------------------------------------


@pytest.mark.parametrize("text", QUERIES)
def test_histogram_bars_and_undated_add_up_to_the_result_total(
    overview: Overview, text: str
) -> None:
    results = overview.results(text)
    assert results.total == overview.engine.count(text)
    for by in (None, "month", "year"):
        histogram = overview.histogram(results, by)
        assert histogram.total == results.total
        assert len(histogram.periods) == len(histogram.counts)


def test_histogram_counts_undated_and_year_only_apart(tiny: Overview) -> None:
    results = tiny.results("north")
    assert results.total == 7
    by_month = tiny.histogram(results)
    assert by_month.by == "month"
    assert by_month.periods == ["2020-01", "2020-02", "2020-03"]
    assert by_month.counts == [2, 0, 2]
    assert (by_month.year_only, by_month.undated) == (1, 2)
    assert by_month.span == "2020-01 to 2020-03"
    by_year = tiny.histogram(results, "year")
    assert (by_year.periods, by_year.counts, by_year.undated) == (["2020"], [5], 2)


def test_a_long_span_is_drawn_by_year(overview: Overview) -> None:
    histogram = overview.histogram(overview.results(""))
    assert histogram.by == "year"  # the bundled corpus runs from 2015 to 2025
    assert histogram.periods[0] == "2015" and histogram.periods[-1] == "2025"
    assert histogram.counts[0] == 3


@pytest.mark.parametrize("text", ["alliance", "Taliban", ""])
def test_each_facet_value_counts_what_the_filtered_search_finds(
    overview: Overview, text: str
) -> None:
    engine = overview.engine
    facets = overview.facets(overview.results(text))
    assert {f.facet for f in facets} == {"source", "year", "actor"}
    for facet in facets:
        if facet.facet == "actor":
            assert facet.count == engine.count(text, actor=facet.value), facet
        elif facet.facet == "year" and facet.value is not None:
            assert facet.count == engine.count(f"{text} published:{facet.value}"), facet
        elif facet.facet == "source" and facet.value is not None:
            assert facet.count == engine.count(f'{text} source:"{facet.value}"'), facet
    sources = [f for f in facets if f.facet == "source"]
    assert sum(f.count for f in sources) == engine.count(text)


def test_facets_of_the_tiny_corpus(tiny: Overview) -> None:
    facets = tiny.facets(tiny.results("north"))
    by = {(f.facet, f.value): f.count for f in facets}
    assert by[("source", "Pajhwok")] == 2 and by[("source", "Tolo")] == 2
    assert by[("source", None)] == 2 and by[("source", "Ariana")] == 1
    assert by[("year", "2020")] == 5 and by[("year", None)] == 2
    assert by[("actor", DOSTUM)] == 4 and by[("actor", NOOR)] == 2


# --- one actor ----------------------------------------------------------------------------------


def test_timeline_counts_every_mention_by_period(tiny: Overview) -> None:
    line = tiny.timeline(DOSTUM)
    rows = [(p.period, p.mentions, p.articles) for p in line.periods]
    # Every month from the first to the last month with a mention, then the year-only ones.
    assert rows == [("2020-01", 2, 2), ("2020", 1, 1), (None, 1, 1)]
    assert (line.first, line.last) == ("2020", "2020-01-20")
    assert line.mentions == tiny.engine.count_mentions(DOSTUM)[0]
    by_year = tiny.timeline(DOSTUM, "year")
    assert [(p.period, p.mentions, p.articles) for p in by_year.periods] == [
        ("2020", 3, 3),
        (None, 1, 1),
    ]


def test_timeline_totals_match_the_mention_store(overview: Overview) -> None:
    for entity in (DOSTUM, NOOR, "taliban"):
        line = overview.timeline(entity)
        mentions, articles = overview.engine.count_mentions(entity)
        assert line.mentions == mentions
        assert sum(p.articles for p in line.periods) == articles
    line = overview.timeline(DOSTUM)
    assert (line.first, line.last) == ("2015", "2025-12-10")  # a year-only date sorts first


# Read by hand in the bundled articles (titles are sentences of their own):
# - 2015-06 Tolonews: the title "Dostum-Atta Alliance ...", "... Gen. Abdul Rashid Dostum and
#   Governor of Balkh Province, Atta Mohammad Noor, ...", "Noor, from Jamiat-e-Islami ...,
#   and Dostum, ...", "... the coalition between Dostum and Noor." : 4;
# - 2015-07 Afghanistan Today: the title, and 13 body sentences ("Governor Noor and Vice
#   President Dostum", "Mohammad Atta Noor and his arch rival ... General Dostum", "Late last
#   month, Governor Noor and First Vice President Dostum", the quote "Noor told the BBC ... he
#   and First Vice President Dostum", "Dostum and Noor have been part ...", "Noor and Dostum's
#   troops", "Both Noor and Dostum joined ...", "Dostum formed ... only for Noor", "They
#   (Dostum and Noor) ...", "While Both Noor and Dostum ...", "Governor Noor denies that he
#   and Vice President Dostum ...", "Noor and Dostum now fall ...", "Dostum and Atta hold
#   influence"): 14;
# - 2015 Daily Outlook: "Gen. Abdul Rashid Dostum, ... and Atta Mohammad Noor", "Gen. Dostum
#   and Gov. Atta were bitter rivals", "between Gen. Dostum and Gov. Atta Mohammad Noor",
#   "... to which Dostum and Atta Muhammad Noor belong": 4 ("Gen." and "Gov." split nothing).
# The 2025 article names both, never in one sentence.
BOTH_BY_ARTICLE = {
    "2015-06-tolonews-dostum-atta-alliance-insurgency": 4,
    "2015-07-afghanistan-today-dostum-noor-alliance": 14,
    "2015-daily-outlook-alliance-countering-taliban-offensive": 4,
}


def test_dostum_and_atta_noor_share_the_sentences_read_by_hand(overview: Overview) -> None:
    found = {c.entity_id: c for c in overview.comentions(DOSTUM)}
    noor = found[NOOR]
    assert noor.sentences == sum(BOTH_BY_ARTICLE.values()) == 22
    assert noor.articles == 4
    assert noor.by_year == {"2015": [22, 3], "2025": [0, 1]}
    first = overview.comentions(DOSTUM)[0]
    assert first.entity_id == NOOR  # the most sentences first
    pairs = overview.pair_sentences(DOSTUM, NOOR)
    per_article: dict[str, int] = {}
    for pair in pairs:
        per_article[pair.article_id] = per_article.get(pair.article_id, 0) + 1
        assert len(pair.marks) >= 2
        assert all(0 <= a < b <= len(pair.text) + 1 for a, b in pair.marks)
    assert per_article == BOTH_BY_ARTICLE
    assert any(p.text.startswith("Gen. Dostum and Gov. Atta were bitter rivals") for p in pairs)
    # The same pair seen from the other side.
    assert {c.entity_id: c for c in overview.comentions(NOOR)}[DOSTUM].sentences == 22


def test_comentions_in_the_tiny_corpus(tiny: Overview) -> None:
    found = {c.entity_id: (c.sentences, c.articles) for c in tiny.comentions(DOSTUM)}
    assert found[NOOR] == (1, 1)


# --- matrix and keyness ---------------------------------------------------------------------------


def test_the_matrix_counts_articles_naming_both(overview: Overview) -> None:
    results = overview.results("alliance")
    m = overview.matrix(results, size=5)
    assert len(m.entity_ids) == 5 and all(len(row) == 5 for row in m.counts)
    engine = overview.engine
    for i, a in enumerate(m.entity_ids):
        assert m.counts[i][i] == engine.count("alliance", actor=a)
        for j, b in enumerate(m.entity_ids):
            assert m.counts[i][j] == m.counts[j][i]
            if i != j:
                assert m.counts[i][j] == engine.count(f"alliance actor:{b}", actor=a)


def test_g2_is_zero_for_no_difference_and_grows_with_it() -> None:
    assert g2(10, 100, 100, 1000) == pytest.approx(0.0, abs=1e-9)
    assert g2(50, 100, 100, 1000) > g2(20, 100, 100, 1000) > 0
    assert g2(1, 100, 100, 1000) < 0


def test_keyness_finds_what_sets_results_apart(tiny: Overview) -> None:
    keys = tiny.keyness(tiny.results("undated"))
    terms = {k.value: k for k in keys if k.kind == "term"}
    assert "undated" not in terms  # the query's own word
    assert "note" in terms and terms["note"].in_results == 2 and terms["note"].in_corpus == 2
    assert all(k.score > 0 for k in keys)
    assert [k.score for k in keys] == sorted((k.score for k in keys), reverse=True)


def test_keyness_of_actors(overview: Overview) -> None:
    keys = overview.keyness(overview.results("Panjshir"))
    actors = {k.value: k for k in keys if k.kind == "actor"}
    assert "panjshir" not in actors  # what was asked
    for key in actors.values():
        assert key.in_results == overview.engine.count("Panjshir", actor=key.value)
        assert key.in_corpus == overview.engine.count_mentions(key.value)[1]


def test_exclusion_inside_parentheses_runs(overview: Overview) -> None:
    engine = overview.engine
    total = engine.count("(Taliban -Kabul)")
    assert total == engine.count("Taliban") - engine.count("Taliban Kabul")


def test_an_empty_result_set(tiny: Overview) -> None:
    results = tiny.results("nowhere")
    assert results.total == 0
    assert tiny.histogram(results).total == 0
    assert tiny.facets(results) == []
    assert tiny.keyness(results) == []
    assert tiny.matrix(results).entity_ids == []


def test_columns_follow_a_changed_corpus(tmp_path: Path, bundled_gazetteer: Gazetteer) -> None:
    corpus = tmp_path / "c.jsonl"
    corpus.write_text(json.dumps({"id": "x", "title": "t", "body": "north"}) + "\n")
    engine = Engine(corpus, tmp_path / "index", gazetteer=bundled_gazetteer)
    engine.open()
    try:
        view = Overview(engine)
        assert view.results("north").total == 1
        with corpus.open("a") as f:
            f.write(json.dumps({"id": "y", "title": "t", "body": "north", "published": "2021"}))
            f.write("\n")
        engine.update()
        results = view.results("north")
        assert results.total == 2
        assert view.histogram(results, "year").counts == [1]
    finally:
        engine.close()
