"""Why a mention was linked: `index.explain` and `afreader mentions ACTOR --explain`."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest

from corpus import Article, Gazetteer, PartialDate
from index.explain import explain_article, explain_mention
from tests.command import AFREADER, afreader

WriteJsonl = Callable[[Path, Iterable[dict[str, object] | str]], Path]

BODY = (
    "Taliban spokesman Zabihullah Mujahid said on Monday that the talks would resume. "
    "Mujahid told reporters that the delegation had left. The foreign ministry spokesman "
    "Farid Masood said the border was calm, and Masood added that trade would go on. "
    "Fighters carried portraits of the late Massoud through the streets of Bazarak."
)
ARTICLE = Article(
    id="made-up-1",
    title="Talks to resume, says Taliban",
    body=BODY,
    published=PartialDate.parse("2021-09-09"),
)


def at(text: str, occurrence: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(occurrence + 1):
        start = BODY.index(text, start + 1)
    return start, start + len(text)


def test_each_rule_is_named_with_its_evidence(bundled_gazetteer: Gazetteer) -> None:
    start, end = at("Zabihullah Mujahid")
    assert explain_mention(bundled_gazetteer, ARTICLE, "body", start, end) == (
        "the full name 'Zabihullah Mujahid'"
    )
    start, end = at("Mujahid", 1)
    assert explain_mention(bundled_gazetteer, ARTICLE, "body", start, end) == (
        f"the same article's reference to 'Zabihullah Mujahid' (body, character {at('Zabihullah')[0]})"
    )
    start, end = at("Massoud")
    line = explain_mention(bundled_gazetteer, ARTICLE, "body", start, end)
    assert line is not None
    assert line.startswith("the shared spelling 'Massoud'; the cue 'the late'")


def test_a_left_out_namesake_is_explained(bundled_gazetteer: Gazetteer) -> None:
    left_out = [e for e in explain_article(bundled_gazetteer, ARTICLE) if not e.linked]
    assert [(e.text, e.reasons[-1].code) for e in left_out] == [
        ("Masood", "excluded-name"),
        ("Masood", "excluded-namesake"),
    ]
    assert "part of the longer name 'Farid Masood'" in left_out[0].line
    assert "ahmad-shah-massoud" in left_out[0].candidates
    assert explain_mention(bundled_gazetteer, ARTICLE, "body", *at("Masood")) is None


def test_only_the_entities_asked_for(bundled_gazetteer: Gazetteer) -> None:
    found = explain_article(bundled_gazetteer, ARTICLE, {"zabihullah-mujahid"})
    assert [(e.text, e.linked) for e in found] == [
        ("Zabihullah Mujahid", True),
        ("Mujahid", True),
    ]


@pytest.mark.skipif(AFREADER is None, reason="the afreader command is not installed")
def test_the_command_line_explains(tmp_path: Path, write_jsonl: WriteJsonl) -> None:
    record: dict[str, object] = {
        "id": ARTICLE.id,
        "title": ARTICLE.title,
        "date": "2021-09-09",
        "body": BODY,
    }
    corpus = write_jsonl(tmp_path / "news.jsonl", [record])
    common = ("--corpus", corpus, "--index-dir", tmp_path / "ix")
    result = afreader(*common, "mentions", "zabihullah-mujahid", "--explain")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 4
    assert "[Zabihullah Mujahid]" in lines[0]
    assert lines[1].strip() == "why: the full name 'Zabihullah Mujahid'"
    assert "[Mujahid]" in lines[2]
    assert "why: the same article's reference to 'Zabihullah Mujahid'" in lines[3]

    result = afreader(*common, "mentions", "ahmad-shah-massoud", "--explain", "--json")
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    linked = [r for r in records if "left_out" not in r]
    left_out = [r for r in records if "left_out" in r]
    assert [(r["text"], r["why"].split(";")[1].strip()) for r in linked] == [
        ("Massoud", "the cue 'the late' (Ahmad Shah Massoud died 2001-09-09)")
    ]
    assert [(r["left_out"], r["start"]) for r in left_out] == [
        ("Masood", at("Masood")[0]),
        ("Masood", at("Masood", 1)[0]),
    ]
    assert "ahmad-shah-massoud" in left_out[0]["could_mean"]
