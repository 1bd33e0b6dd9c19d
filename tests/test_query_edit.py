"""The overview's filters as query text (tui/query_edit.py): written, read back, removed."""

from __future__ import annotations

from index import Engine
from tui.query_edit import Choice, compose, date_range, parse, with_range, without_range


def test_choices_are_written_after_the_query_and_read_back() -> None:
    choices = [
        Choice("source", "Afghanistan Today"),
        Choice("year", "2015"),
        Choice("actor", "abdul-rashid-dostum"),
        Choice("actor", "kabul", exclude=True),
    ]
    text = compose("alliance north", choices)
    assert text == (
        'alliance north source:"Afghanistan Today" published:2015 actor:abdul-rashid-dostum'
        " -actor:kabul"
    )
    assert parse(text) == ("alliance north", choices, False)


def test_kept_actors_as_any_of_are_one_or_group() -> None:
    choices = [Choice("actor", "taliban"), Choice("actor", "panjshir")]
    text = compose("resistance", choices, any_of=True)
    assert text == "resistance (actor:taliban OR actor:panjshir)"
    base, found, any_of = parse(text)
    assert (base, any_of) == ("resistance", True)
    assert sorted(c.value for c in found) == ["panjshir", "taliban"]
    assert compose("resistance", [choices[0]], any_of=True) == "resistance actor:taliban"


def test_a_date_range_replaces_the_one_there_and_is_removed() -> None:
    text = with_range("Dostum", "2015-06", "2015-08")
    assert text == "Dostum published:[2015-06 to 2015-08]"
    assert date_range(text) == ("2015-06", "2015-08")
    again = with_range(text, "2015", "2016")
    assert again == "Dostum published:[2015 to 2016]"
    assert without_range(again) == "Dostum" and date_range("Dostum") is None
    assert with_range("", "2021", "2021") == "published:[2021 to 2021]"


def test_the_written_clauses_are_queries_the_engine_runs(bundled_engine: Engine) -> None:
    both = compose("", [Choice("actor", "taliban"), Choice("actor", "panjshir")], any_of=True)
    assert bundled_engine.count(both) == bundled_engine.count("actor:taliban OR actor:panjshir")
    left_out = compose("alliance", [Choice("actor", "kabul", exclude=True)])
    assert bundled_engine.count(left_out) == bundled_engine.count(
        "alliance"
    ) - bundled_engine.count("alliance actor:kabul")
    assert bundled_engine.count(with_range("alliance", "2015-06", "2015-07")) == 2
