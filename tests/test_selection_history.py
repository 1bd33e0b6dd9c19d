"""The passage selection (plain Python) and the history's rules, without the app."""

from __future__ import annotations

from pathlib import Path

from tui.selection import Selection
from userdata.notes import parse_tags, state
from userdata.workbench import open_workbench

TEXT = "Dostum returned to Kabul. He met Atta! Then he left."


def test_a_selection_grows_and_shrinks_by_words_and_sentences() -> None:
    chosen = Selection.at("body", 0).extend(TEXT)
    assert chosen.passage(TEXT) == "Dostum"
    chosen = chosen.extend(TEXT, "sentence")
    assert chosen.passage(TEXT) == "Dostum returned to Kabul."
    chosen = chosen.extend(TEXT, "sentence").extend(TEXT, "sentence")
    assert chosen.passage(TEXT) == TEXT  # to the end, and no further
    assert chosen.extend(TEXT, "word").end == len(TEXT)
    chosen = chosen.extend(TEXT, "word", forward=False)
    assert chosen.passage(TEXT) == "Dostum returned to Kabul. He met Atta! Then he "
    chosen = chosen.extend(TEXT, "sentence", forward=False)
    assert chosen.passage(TEXT) == "Dostum returned to Kabul. He met Atta! "
    back = Selection.at("body", 26).extend(TEXT, "word", forward=False)
    assert (back.start, back.end) == (19, 26) and back.passage(TEXT) == "Kabul. "


def test_typed_searches_replace_each_other_chosen_ones_never(tmp_path: Path) -> None:
    history = open_workbench(None, tmp_path).history
    first = history.searched("d", None, "relevance", 40)
    same = history.searched("dostum", None, "relevance", 5, replace=first)
    assert same == first
    chosen = history.searched("taliban", None, "date", 9)
    assert chosen != first
    history.opened("a1", "h", "An article", "taliban", None, 0)
    entries = history.entries()
    assert [(e.kind, e.query) for e in entries] == [
        ("article", "taliban"),
        ("search", "taliban"),
        ("search", "dostum"),
    ]
    assert [e.query for e in history.entries(text="DOST")] == ["dostum"]
    other = open_workbench(tmp_path / "another-corpus", tmp_path).history
    assert other.entries() == []  # filed by corpus


def test_tags_and_states() -> None:
    assert parse_tags("#evidence, dostum  #evidence kabul") == ("evidence", "dostum", "kabul")
    hashes = {"a": "h1"}
    assert state("a", "h1", hashes) == "ok"
    assert state("a", "h0", hashes) == "changed"
    assert state("b", "h1", hashes) == "gone"
