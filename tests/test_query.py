"""Search: the query language, spelling expansion, actor filters, sorting, snippets, paging."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corpus import Gazetteer
from index import Engine, QueryError, SearchResults

TOLONEWS = "2015-06-tolonews-dostum-atta-alliance-insurgency"
TODAY = "2015-07-afghanistan-today-dostum-noor-alliance"
OUTLOOK = "2015-daily-outlook-alliance-countering-taliban-offensive"
SONS = "2021-08-anti-taliban-alliance-sons-of-resistance"
NATIONPRESS = "2025-12-nationpress-anti-taliban-movements-agreement"
ALL = {TOLONEWS, TODAY, OUTLOOK, SONS, NATIONPRESS}

# A few made-up articles, for what the bundled five cannot show (an undated article, an
# article that spells Saleh only one way, "security" alone many times).
MADE_UP = {
    "saleh.md": (
        '---\ntitle: "Saleh speaks"\npublished: "2022-01-05"\nsource: Test Wire\n---\n'
        "Amrullah Saleh said security was poor. Security, security and more security: "
        "the security forces left Panjshir. Nobody named him otherwise.\n"
    ),
    "undated.md": "---\ntitle: An undated note\n---\nA note on Panjshir and its security.\n",
    "older.md": '---\ntitle: Older\npublished: "2019-03"\n---\nPanjshir again, in 2019.\n',
}


def ids(results: SearchResults) -> list[str]:
    return [hit.article.article.id for hit in results.hits]


def found(engine: Engine, query: str, **kwargs: object) -> set[str]:
    results = engine.search(query, limit=50, **kwargs)  # type: ignore[arg-type]
    assert results.total == len(results.hits)
    return set(ids(results))


@pytest.fixture(scope="module")
def made_up_engine(
    tmp_path_factory: pytest.TempPathFactory, bundled_gazetteer: Gazetteer
) -> Iterator[Engine]:
    folder = tmp_path_factory.mktemp("made-up")
    for name, text in MADE_UP.items():
        (folder / name).write_text(text, encoding="utf-8")
    engine = Engine(
        folder, index_root=tmp_path_factory.mktemp("made-up-index"), gazetteer=bundled_gazetteer
    )
    engine.open()
    yield engine
    engine.close()


# --- the query language ---------------------------------------------------------------------


def test_words_are_anded_by_default(bundled_engine: Engine) -> None:
    assert found(bundled_engine, "Dostum Saleh") == {SONS}
    assert found(bundled_engine, "Dostum AND Saleh") == {SONS}
    assert found(bundled_engine, "Dostum OR Saleh") == ALL
    assert found(bundled_engine, "Fitrat OR Mesud") == {TOLONEWS, TODAY, SONS, NATIONPRESS}


def test_not(bundled_engine: Engine) -> None:
    assert found(bundled_engine, "Taliban") == ALL - {TOLONEWS}
    assert found(bundled_engine, "Taliban NOT Noor") == {SONS}


def test_grouping(bundled_engine: Engine) -> None:
    assert found(bundled_engine, "Dostum AND (Saleh OR Fitrat)") == {SONS, TOLONEWS, TODAY}


def test_phrase(bundled_engine: Engine) -> None:
    assert found(bundled_engine, '"Northern Alliance"') == {TODAY, OUTLOOK, SONS}
    assert found(bundled_engine, '"security forces"') == {TOLONEWS, TODAY, OUTLOOK}
    assert found(bundled_engine, '"forces security"') == set()


def test_proximity(bundled_engine: Engine) -> None:
    # "Dostum and Noor" (the stop word does not count), but "Dostum and Atta Muhammad Noor"
    # only within three words.
    assert found(bundled_engine, '"Dostum Noor"') == {TOLONEWS, TODAY}
    assert found(bundled_engine, '"Dostum Noor"~3') == {TOLONEWS, TODAY, OUTLOOK}


def test_wildcard(bundled_engine: Engine) -> None:
    results = bundled_engine.search("milit*")
    assert set(ids(results)) == {TODAY, OUTLOOK, SONS}
    for hit in results.hits:
        marked = [hit.snippet.text[s:e].casefold() for s, e in hit.snippet.spans]
        assert marked and all(word.startswith("milit") for word in marked)


def test_fuzzy(bundled_engine: Engine) -> None:
    results = bundled_engine.search("Kunduzz~")
    assert set(ids(results)) == {TODAY, OUTLOOK}
    for hit in results.hits:
        assert {hit.snippet.text[s:e] for s, e in hit.snippet.spans} == {"Kunduz"}
    assert found(bundled_engine, "Dostam~") == ALL


def test_fields(bundled_engine: Engine) -> None:
    assert found(bundled_engine, "title:alliance") == ALL - {NATIONPRESS}
    assert found(bundled_engine, "title:Taliban") == {TODAY, OUTLOOK, SONS, NATIONPRESS}
    assert found(bundled_engine, "source:tolonews") == {TOLONEWS}
    assert found(bundled_engine, 'source:"Daily Outlook"') == {OUTLOOK}
    assert found(bundled_engine, "source:NationPress Dostum") == {NATIONPRESS}
    assert found(bundled_engine, "author:Orya") == {TODAY}
    assert found(bundled_engine, "body:Interfax") == {SONS}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("published:[2015 to 2016]", {TOLONEWS, TODAY, OUTLOOK}),
        ("published:[2015 TO 2016]", {TOLONEWS, TODAY, OUTLOOK}),
        ("published:2021", {SONS}),
        ("published:2015-06", {TOLONEWS}),
        ("published:2015-07-21", {TODAY}),
        ("published:[2015-06 to 2015-07]", {TOLONEWS, TODAY}),
        ("published:[2021 to]", {SONS, NATIONPRESS}),
        ("published:[to 2015-06]", {OUTLOOK, TOLONEWS}),
        ("Dostum published:[2020 to 2030]", {SONS, NATIONPRESS}),
        ("published:[2016 to 2020]", set()),
    ],
)
def test_date_ranges(bundled_engine: Engine, query: str, expected: set[str]) -> None:
    assert found(bundled_engine, query) == expected


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ('"unclosed phrase', 'unclosed quote: the " at column 1 has no partner'),
        ('Dostum "Northern', 'unclosed quote: the " at column 8 has no partner'),
        ("(Dostum OR Noor", "unbalanced parentheses: a '(' is never closed"),
        ("Dostum)", "unbalanced parentheses: ')' at column 7 closes nothing"),
        ("color:red", "unknown field 'color:' (fields: title, body, source, author, published"),
        # the word pairs find phrases; they are not a field to search
        ("body_pairs:secur", "unknown field 'body_pairs:' (fields: title, body, source"),
        ('title_pairs:"x y"', "unknown field 'title_pairs:'"),
        ("published:yesterday", "published:yesterday is not a date; use 2015, 2015-06"),
        ("published:2015-13", "published:2015-13 is not a date"),
        ("published:[2015 to banana]", "'banana' in published:[2015 to banana] is not a date"),
        ('published:""', "published: has nothing to search for; write published:2015"),
        ('published:"x y"', "published:'x y' is not a date"),
        ("oil^0 OR said", "oil^0: a boost is a number above 0 after ^ (such as ^2, or ^0.5"),
        ("(oil OR said)^0", "(oil OR said)^0: a boost is a number above 0"),
        ('"security forces"^0', '"security forces"^0: a boost is a number above 0'),
        # what was typed is quoted, not the stemmed word, nor the one digit Whoosh reads
        ("goverment~5", "goverment~5: a fuzzy distance over 2 matches almost anything; "),
        ("goverment~5", "use goverment~ (1) or goverment~2"),
        ("taliban~99", "taliban~99: a fuzzy distance over 2"),
        ("title:goverment~3 oil", "title:goverment~3: a fuzzy distance over 2"),
        # a field with nothing to search for is never the field's name searched as a word
        ("title:", "title: has nothing to search for; write title:word"),
        ("Dostum (title:)", "title: has nothing to search for"),
        ('title:""', "title: has nothing to search for"),
        ("title:()", "title: has nothing to search for"),
        ("source: oil", "source: has nothing to search for"),
        ("author:", "author: has nothing to search for"),
        ("actor:", 'actor: has nothing to search for; write actor:dostum or actor:"Ahmad'),
        ('actor:""', "actor: has nothing to search for"),
        ("published:", "published: has nothing to search for"),
        # a date that cannot exist, or a time (Whoosh reads its colons as fields)
        ("published:2015-06-01T25:99:00", "published:2015-06-01T25:99:00 is not a date"),
        ("published:2015-06-01T10:00", "published:2015-06-01T10:00 is not a date"),
        ("published:[2015-06-01T25:99 to 2016]", "'2015-06-01T25:99' in published:["),
        ("published:[ to ]", "published:[ to ] has no dates"),
        ("published:[2016 to 2015]", "published:[2016 to 2015] ends before it starts"),
        # odd boosts: Whoosh drops ^-1 and reads x^abc as the word "abc"
        ("dostum^-1", "dostum^-1: a boost is a number above 0"),
        ("oil^abc", "oil^abc: a boost is a number above 0"),
        ("dostum^ oil", "dostum^: a boost is a number above 0"),
        ("the and of", "nothing to search for: the query has only common words or operators"),
        ("NOT", "nothing to search for"),
        ("actor:nobody", "no actor called 'nobody' in the gazetteer"),
        ("actor:Nobody", "no actor called 'Nobody' in the gazetteer"),
        ('Dostum actor:"Nobody  Here"', "no actor called 'Nobody  Here' in the gazetteer"),
    ],
)
def test_query_errors(bundled_engine: Engine, query: str, message: str) -> None:
    with pytest.raises(QueryError) as caught:
        bundled_engine.search(query)
    assert message in str(caught.value)


@pytest.mark.parametrize(
    "query",
    [
        '"Dostum Noor"~5',
        "Dostum~2",
        "Dostum~1/2",
        "Dostum^2.5",
        "(Dostum OR Noor)^2",
        '"Northern Alliance"^2',
        "published:[2015 to]",
        "published:[2015-06 to 2015-07]",
        "Kabul: Dostum",
    ],
)
def test_well_formed_operators_are_accepted(bundled_engine: Engine, query: str) -> None:
    bundled_engine.search(query)


def test_field_names_inside_quotes_are_text(bundled_engine: Engine) -> None:
    assert found(bundled_engine, '"color: red"') == set()


def test_bad_sort(bundled_engine: Engine) -> None:
    with pytest.raises(QueryError, match="sort must be one of relevance, date"):
        bundled_engine.search("Dostum", sort="alphabetical")


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.sampled_from(
            [
                *'abc "()[]{}:*?~^+-!/\\',
                *("AND", "OR", "NOT", "TO", "title:", "published:", "actor:"),
                *("2015", "Dostum", "Saleh", "é", "\x00"),
            ]
        ),
        max_size=10,
    ).map("".join)
    | st.text(max_size=20)
)
def test_any_query_gives_results_or_a_query_error(bundled_engine: Engine, query: str) -> None:
    try:
        results = bundled_engine.search(query, limit=3)
    except QueryError as error:
        assert str(error)
    else:
        assert results.total >= len(results.hits)


# --- spellings of an actor ------------------------------------------------------------------


def test_a_spelling_finds_the_other_spellings(
    bundled_engine: Engine, made_up_engine: Engine
) -> None:
    results = made_up_engine.search("Salih")
    assert ids(results) == ["saleh"]
    assert results.hits[0].matched == ("Amrullah Saleh", "Saleh")
    assert "Salih" not in (made_up_engine.article("saleh") or pytest.fail()).article.body

    mesud = {hit.article.article.id: hit.matched for hit in bundled_engine.search("Mesud").hits}
    assert mesud[NATIONPRESS] == ("Ahmad Massoud", "Ahmad Shah Massoud")
    assert mesud[TODAY] == ("Ahmad Shah Massound",)
    assert set(mesud[SONS]) >= {"Ahmad Mesud", "Shah Mesud", "Ahmed Masud", "Massoud"}


def test_matched_lists_spellings_as_written(bundled_engine: Engine) -> None:
    for hit in bundled_engine.search("Punjshir").hits:
        assert hit.matched == ("Panjshir", "Panjshir-Province", "Penjshir", "Punjshir")
    kabul = {hit.article.article.id: hit.matched for hit in bundled_engine.search("Kabul").hits}
    assert kabul[TOLONEWS] == ("KABUL",)


def test_a_phrase_spelling_is_expanded_too(bundled_engine: Engine) -> None:
    results = bundled_engine.search('"Ahmad Shah Massoud"')
    assert set(ids(results)) == {TODAY, SONS, NATIONPRESS}
    by_id = {hit.article.article.id: hit.matched for hit in results.hits}
    assert by_id[SONS] == ("Shah Mesud",)


def test_a_plain_word_is_not_expanded(bundled_engine: Engine) -> None:
    for hit in bundled_engine.search("security").hits:
        assert hit.matched == ()


# --- the actor filter -----------------------------------------------------------------------


def test_actor_parameter_by_id(bundled_engine: Engine) -> None:
    results = bundled_engine.search("", actor="ahmad-massoud")
    assert ids(results) == [NATIONPRESS, SONS]  # newest first
    assert results.total == 2
    assert found(bundled_engine, "Taliban", actor="yar-dostum") == {SONS}
    assert found(bundled_engine, "resistance", actor="amrullah-saleh") == {SONS}
    assert found(bundled_engine, "Faryab", actor="ahmad-massoud") == set()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("actor:ahmad-massoud", {SONS, NATIONPRESS}),
        ("actor:yar-dostum", {SONS}),
        ("actor:Salih", {SONS}),
        ("actor:Mesud", {TODAY, SONS, NATIONPRESS}),
        ('actor:"Ahmad Massoud"', {SONS, NATIONPRESS}),
        ('actor:"Vice President Emrullah Salih"', {SONS}),
        ('actor:"Islamic Society of Afghanistan"', {TOLONEWS, TODAY, OUTLOOK}),
        ("actor:junbesh Taliban", {TODAY, OUTLOOK}),
        ("actor:panjshir OR actor:fitrat", {TOLONEWS, TODAY, SONS}),
    ],
)
def test_actor_in_the_query(bundled_engine: Engine, query: str, expected: set[str]) -> None:
    assert found(bundled_engine, query) == expected


def test_actor_filter_highlights_its_mentions(bundled_engine: Engine) -> None:
    (hit,) = bundled_engine.search("Interfax", actor="yar-dostum").hits
    assert "Yar Dostum" in hit.matched
    stored = hit.article
    spans = bundled_engine.highlights('Interfax actor:"Yar Dostum"', stored)["body"]
    marked = [stored.article.body[s:e] for s, e in spans]
    assert marked == ["Yar Dostum", "Interfax", "Yar Dostum", "Yar Dostum"]


# --- sorting, totals, paging ----------------------------------------------------------------


def test_sort_by_date_newest_first(bundled_engine: Engine) -> None:
    results = bundled_engine.search("Taliban", sort="date")
    assert results.sort == "date"
    # A year-only date counts as 1 January: the 2015 opinion piece is the oldest.
    assert ids(results) == [NATIONPRESS, SONS, TODAY, OUTLOOK]


def test_undated_articles_sort_last(made_up_engine: Engine) -> None:
    assert ids(made_up_engine.search("Panjshir", sort="date")) == ["saleh", "older", "undated"]
    assert ids(made_up_engine.search("", sort="date")) == ["saleh", "older", "undated"]
    assert ids(made_up_engine.search("", actor="panjshir")) == ["saleh", "older", "undated"]


def test_relevance_sort_scores_descend(bundled_engine: Engine) -> None:
    results = bundled_engine.search("Dostum Noor")
    assert results.sort == "relevance"
    scores = [hit.score for hit in results.hits]
    assert all(s is not None for s in scores)
    assert scores == sorted(scores, reverse=True)  # type: ignore[type-var]


def test_empty_query_lists_everything_newest_first(bundled_engine: Engine) -> None:
    results = bundled_engine.search("   ")
    assert results.total == 5
    assert ids(results) == [NATIONPRESS, SONS, TODAY, TOLONEWS, OUTLOOK]
    assert all(hit.score is None and hit.matched == () for hit in results.hits)


@pytest.mark.parametrize("sort", ["relevance", "date"])
def test_paging(bundled_engine: Engine, sort: str) -> None:
    everything = ids(bundled_engine.search("Taliban", sort=sort))
    pages = [bundled_engine.search("Taliban", sort=sort, offset=n, limit=2) for n in (0, 2, 4)]
    assert [p.total for p in pages] == [4, 4, 4]
    assert [p.offset for p in pages] == [0, 2, 4]
    assert [ids(p) for p in pages] == [everything[:2], everything[2:], []]


def test_totals(bundled_engine: Engine) -> None:
    assert bundled_engine.search("Dostum", limit=1).total == 5
    assert bundled_engine.search("Interfax").total == 1
    assert bundled_engine.search("Bamiyan").total == 0
    assert bundled_engine.count() == 5


# --- snippets and highlights ----------------------------------------------------------------


def test_phrase_highlights_only_the_phrase(bundled_engine: Engine, made_up_engine: Engine) -> None:
    for engine in (bundled_engine, made_up_engine):
        results = engine.search('"security forces"')
        assert results.hits
        for hit in results.hits:
            shown = [hit.snippet.text[s:e] for s, e in hit.snippet.spans]
            assert shown and all(t.casefold() == "security forces" for t in shown), shown
            body = hit.article.article.body
            spans = engine.highlights('"security forces"', hit.article)["body"]
            marked = [body[s:e].casefold() for s, e in spans]
            assert marked == ["security forces"] * body.casefold().count("security forces")


def test_highlights_in_title_and_body(bundled_engine: Engine) -> None:
    stored = bundled_engine.article(TODAY)
    assert stored is not None
    marks = bundled_engine.highlights('"Dostum Noor"~3', stored)
    assert [stored.article.title[s:e] for s, e in marks["title"]] == ["Dostum and Noor"]
    assert [stored.article.body[s:e] for s, e in marks["body"]] == ["Dostum and Noor"] * 2
    assert bundled_engine.highlights("", stored) == {"title": [], "body": []}


def test_term_highlights_cover_every_form(bundled_engine: Engine) -> None:
    stored = bundled_engine.article(OUTLOOK)
    assert stored is not None
    spans = bundled_engine.highlights("militant", stored)["body"]
    words = {stored.article.body[s:e] for s, e in spans}
    # Every word with the stem of "militant", and nothing else.
    assert words == {"militant", "militants", "militancy"}
    assert len(spans) == stored.article.body.count("militan")


def test_snippet_is_one_line_around_the_first_hit(bundled_engine: Engine) -> None:
    (hit,) = bundled_engine.search("Interfax").hits
    snippet = hit.snippet
    assert "\n" not in snippet.text
    assert len(snippet.text) <= 162
    ((start, end),) = snippet.spans
    assert snippet.text[start:end] == "Interfax"
    assert snippet.text.startswith("…") and snippet.text.endswith("…")


def test_snippet_of_an_opening_hit_has_no_leading_ellipsis(made_up_engine: Engine) -> None:
    (hit,) = made_up_engine.search("Amrullah").hits
    assert hit.snippet.text.startswith("Amrullah Saleh said")
    assert hit.snippet.spans[0] == (0, len("Amrullah"))


def test_index_is_safe_to_reuse(bundled_engine: Engine, tmp_path: Path) -> None:
    # A second engine on the same index root opens the index as it is, without rebuilding.
    again = Engine(index_root=bundled_engine.root.parent, gazetteer=bundled_engine.gazetteer)
    try:
        assert again.is_fresh()
        assert again.open() is None
        assert again.search("Interfax").total == 1
    finally:
        again.close()


def test_minus_excludes_only_at_the_start_of_a_word(bundled_engine: Engine) -> None:
    engine = bundled_engine
    assert engine.search("Taliban -Noor").total < engine.search("Taliban").total
    assert all(
        not re.search(r"\bnoor\b", h.article.article.body.casefold())
        for h in engine.search("Taliban -Noor").hits
    )
    assert engine.search("Mazar-e-Sharif").total == engine.search("Mazar Sharif").total > 0
    minus = {h.article.article.id for h in engine.search("Taliban -Noor").hits}
    assert minus == {h.article.article.id for h in engine.search("Taliban NOT Noor").hits}
    assert minus == {"2021-08-anti-taliban-alliance-sons-of-resistance"}


@pytest.mark.parametrize(
    ("query", "typed", "parsed"),
    [("goverment~5", "goverment~5", "gover~"), ("taliban~99", "taliban~99", "taliban~9")],
)
def test_the_command_line_quotes_the_query_as_typed(
    bundled_engine: Engine,
    capsys: pytest.CaptureFixture[str],
    query: str,
    typed: str,
    parsed: str,
) -> None:
    from tui import cli

    argv = ["--index-dir", str(bundled_engine.index_root), "search", query]
    assert cli.main(argv) == 2
    _, err = capsys.readouterr()
    assert f"{typed}: a fuzzy distance over 2" in err and parsed not in err.replace(typed, "")
