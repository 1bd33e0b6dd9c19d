"""The corpus loaders on good and bad input, and the five bundled articles as published."""

from __future__ import annotations

import datetime as dt
import gzip
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from corpus import (
    BUNDLED_ARTICLES,
    Article,
    CorpusError,
    LoadResult,
    PartialDate,
    Problem,
    iter_corpus,
    load_corpus,
)


def load_files(folder: Path, files: dict[str, str | bytes]) -> LoadResult:
    """Write `files` (name to text or bytes) into `folder` and load it as a corpus."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return load_corpus(folder)


def only_problem(result: LoadResult, name: str) -> Problem:
    """The single problem of a one-file corpus, checked to name that file."""
    assert result.articles == []
    assert len(result.problems) == 1, result.problems
    problem = result.problems[0]
    assert Path(problem.path).name == name
    return problem


# --- folder corpora: what goes wrong, said with where and why -------------------------------


def test_malformed_front_matter_names_the_yaml_line(tmp_path: Path) -> None:
    text = "---\ntitle: Good\nsource: a: b\nauthor: X\n---\nBody.\n"
    problem = only_problem(load_files(tmp_path, {"bad.md": text}), "bad.md")
    assert problem.severity == "error"
    assert problem.field == "front matter"
    assert problem.line == 3  # "source: a: b" is line 3 of the file
    assert problem.message.startswith("invalid YAML:")
    assert "mapping values are not allowed" in problem.message
    assert str(problem) == f"{problem.path}:3: error: front matter: {problem.message}"


def test_unclosed_front_matter(tmp_path: Path) -> None:
    problem = only_problem(load_files(tmp_path, {"open.md": "---\ntitle: T\nBody\n"}), "open.md")
    assert problem.line == 1
    assert "never closed" in problem.message


def test_front_matter_that_is_not_a_mapping(tmp_path: Path) -> None:
    text = "---\n- a\n- b\n---\nBody.\n"
    problem = only_problem(load_files(tmp_path, {"list.md": text}), "list.md")
    assert (problem.line, problem.field) == (2, "front matter")
    assert problem.message == "front matter must be a mapping of fields, not a list"


def test_missing_title_with_empty_body(tmp_path: Path) -> None:
    text = "---\nsource: Tolonews\npublished: 2015\n---\n\n\n"
    problem = only_problem(load_files(tmp_path, {"untitled.md": text}), "untitled.md")
    assert problem.field == "title"
    assert problem.message == "missing title"


def test_missing_title_falls_back_to_the_first_body_line(tmp_path: Path) -> None:
    text = "---\nsource: Tolonews\n---\n# The heading\n\nThe text.\n"
    result = load_files(tmp_path, {"headed.md": text})
    assert result.problems == []
    (article,) = result.articles
    assert (article.title, article.body, article.source) == ("The heading", "The text.", "Tolonews")


def test_field_of_the_wrong_type(tmp_path: Path) -> None:
    text = "---\nid: x\ntitle: [a, b]\n---\nBody.\n"
    problem = only_problem(load_files(tmp_path, {"typed.md": text}), "typed.md")
    assert (problem.line, problem.field) == (3, "title")
    assert problem.message == "must be text, not a list"


def test_invalid_id(tmp_path: Path) -> None:
    text = "---\nid: has spaces\ntitle: T\n---\nBody.\n"
    problem = only_problem(load_files(tmp_path, {"badid.md": text}), "badid.md")
    assert (problem.line, problem.field) == (2, "id")
    assert "'has spaces' is not a valid id" in problem.message


def test_not_utf8_names_the_line(tmp_path: Path) -> None:
    data = b"---\ntitle: T\n---\nfirst line\ncaf\xe9 in Latin-1\n"
    bad_byte = data.index(b"\xe9")
    problem = only_problem(load_files(tmp_path, {"latin1.md": data}), "latin1.md")
    assert problem.severity == "error"
    assert problem.message == f"not valid UTF-8 (byte {bad_byte}, line 5)"


def test_utf16_with_bom_loads(tmp_path: Path) -> None:
    md = "---\ntitle: Kābul in UTF-16\nsource: Tolonews\n---\nBody with é and پنجشیر.\n"
    txt = "Title of a text file\nSecond line.\n"
    result = load_files(
        tmp_path,
        {"le.md": md.encode("utf-16"), "be.txt": b"\xfe\xff" + txt.encode("utf-16-be")},
    )
    assert result.problems == []
    articles = {a.id: a for a in result.articles}
    assert articles["le"].title == "Kābul in UTF-16"
    assert articles["le"].body == "Body with é and پنجشیر."
    assert articles["le"].source == "Tolonews"
    assert articles["be"].title == "Title of a text file"
    assert articles["be"].body == "Second line."


def test_utf8_bom_and_crlf_are_read_as_plain_text(tmp_path: Path) -> None:
    data = b"\xef\xbb\xbf---\r\ntitle: With BOM\r\n---\r\nLine one.\r\nLine two.\r\n"
    result = load_files(tmp_path, {"bom.md": data})
    assert result.problems == []
    (article,) = result.articles
    assert (article.title, article.body) == ("With BOM", "Line one.\nLine two.")


@pytest.mark.parametrize("content", ["", "\n\n  \n"], ids=["empty", "blank"])
def test_empty_file(tmp_path: Path, content: str) -> None:
    problem = only_problem(load_files(tmp_path, {"empty.md": content}), "empty.md")
    assert problem.message == "empty file"


def test_binary_file(tmp_path: Path) -> None:
    data = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))
    problem = only_problem(load_files(tmp_path, {"image.md": data}), "image.md")
    assert problem.message == "binary file, not text"


def test_duplicate_id_keeps_the_first_and_names_both(tmp_path: Path) -> None:
    result = load_files(
        tmp_path,
        {
            "a.md": "---\nid: same\ntitle: First\n---\nOne.\n",
            "b.md": "---\nid: same\ntitle: Second\n---\nTwo.\n",
        },
    )
    (article,) = result.articles
    assert (article.id, article.title) == ("same", "First")
    (problem,) = result.problems
    assert Path(problem.path).name == "b.md"
    assert problem.field == "id"
    assert "duplicate id 'same'" in problem.message
    assert str(tmp_path / "a.md") in problem.message
    assert "not loaded" in problem.message


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("2015-13-01", "'2015-13-01' is not a real date: month must be in 1..12"),
        ('"2015-02-30"', "'2015-02-30' is not a real date: day is out of range for month"),
        ("yesterday", "'yesterday' is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)"),
        ("[2015, 6]", "expected a date such as 2015-07-21, got a list"),
    ],
)
def test_bad_date(tmp_path: Path, value: str, reason: str) -> None:
    text = f"---\ntitle: T\npublished: {value}\n---\nBody.\n"
    problem = only_problem(load_files(tmp_path, {"dated.md": text}), "dated.md")
    assert (problem.line, problem.field) == (3, "published")
    assert problem.message == reason


def test_unquoted_yaml_dates_keep_their_precision(tmp_path: Path) -> None:
    result = load_files(
        tmp_path,
        {
            "day.md": "---\ntitle: T\npublished: 2015-07-21\n---\nx\n",
            "stamp.md": "---\ntitle: T\ndate: 2021-08-20 10:30:00\n---\nx\n",
            "year.md": "---\ntitle: T\npublished: 2015\n---\nx\n",
        },
    )
    assert result.problems == []
    dates = {a.id: a.published.iso for a in result.articles if a.published}
    assert dates == {"day": "2015-07-21", "stamp": "2021-08-20", "year": "2015"}


def test_python_object_tag_is_refused_and_never_run(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    text = f'---\ntitle: T\nsource: !!python/object/apply:os.system ["touch {marker}"]\n---\nx\n'
    problem = only_problem(load_files(tmp_path / "c", {"evil.md": text}), "evil.md")
    assert (problem.line, problem.field) == (3, "front matter")
    assert "a YAML tag that is not allowed" in problem.message
    assert not marker.exists()


def test_yaml_alias_bomb_is_refused_before_it_is_expanded(tmp_path: Path) -> None:
    lines = ["---", "title: T", 'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level, previous in zip("bcdefghij", "abcdefghi", strict=True):
        lines.append(f"{level}: &{level} [" + ", ".join([f"*{previous}"] * 9) + "]")
    lines += ["---", "Body."]
    # Refused by counting its aliases while it is read (the limit below), before anything
    # walks the 9**9 strings it stands for.
    problem = only_problem(load_files(tmp_path, {"bomb.md": "\n".join(lines)}), "bomb.md")
    assert problem.field == "front matter"
    assert "alias bomb" in problem.message
    # 64 aliases are allowed: b..h hold 63, the second alias on line 11 ("i:") is the 65th.
    assert problem.line == 11


def test_non_article_file_is_a_warning_and_hidden_files_are_ignored(tmp_path: Path) -> None:
    result = load_files(
        tmp_path,
        {
            "report.pdf": b"%PDF-1.4\n",
            ".DS_Store": b"\x00\x01",
            ".git/config": "[core]\n",
            "ok.md": "---\ntitle: Fine\n---\nText.\n",
        },
    )
    assert [a.id for a in result.articles] == ["ok"]
    (problem,) = result.problems
    assert Path(problem.path).name == "report.pdf"
    assert problem.severity == "warning"
    assert problem.message == "not an article file (.md, .markdown or .txt): ignored"
    assert result.errors == []


def test_text_file_without_front_matter_takes_its_first_line_as_title(tmp_path: Path) -> None:
    result = load_files(
        tmp_path,
        {
            "plain.txt": "\n\nDostum and Noor meet in Faryab\n\nThe two leaders met.\nAgain.\n",
            "notes.md": "# A Markdown heading\nBody of the note.\n",
        },
    )
    assert result.problems == []
    articles = {a.id: a for a in result.articles}
    assert articles["plain"].title == "Dostum and Noor meet in Faryab"
    assert articles["plain"].body == "The two leaders met.\nAgain."
    assert articles["plain"].published is None
    assert articles["notes"].title == "A Markdown heading"
    assert articles["notes"].body == "Body of the note."


def test_nested_folders_give_path_ids(tmp_path: Path) -> None:
    result = load_files(tmp_path, {"2015/june/a.md": "A title\nBody\n", "b.txt": "B\nBody\n"})
    assert sorted(a.id for a in result.articles) == ["2015/june/a", "b"]


def test_good_files_load_next_to_bad_ones(tmp_path: Path) -> None:
    result = load_files(
        tmp_path,
        {
            "01-good.md": "---\ntitle: Good one\nsource: S\npublished: '2015-06'\n---\nOne.\n",
            "02-bad.md": "---\ntitle: [\n---\nBad.\n",
            "03-empty.md": "",
            "04-good.txt": "Good two\nTwo.\n",
            "05-binary.txt": b"\x00\x01\x02\x03",
            "06-good.md": "Good three\n\nThree.\n",
        },
    )
    assert [a.title for a in result.articles] == ["Good one", "Good two", "Good three"]
    assert sorted(Path(p.path).name for p in result.errors) == [
        "02-bad.md",
        "03-empty.md",
        "05-binary.txt",
    ]


def test_iter_corpus_streams_articles_and_problems(tmp_path: Path) -> None:
    load_files(tmp_path, {"a.md": "A\nx\n", "b.md": ""})
    kinds = [type(item).__name__ for item in iter_corpus(tmp_path)]
    assert kinds == ["Article", "Problem"]


def test_corpus_that_is_not_there_or_not_a_corpus(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="no such file or folder"):
        load_corpus(tmp_path / "missing")
    other = tmp_path / "data.csv"
    other.write_text("a,b\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="not a corpus"):
        load_corpus(other)


# --- JSON Lines -----------------------------------------------------------------------------

GOOD_RECORD: dict[str, object] = {
    "id": "ok-1",
    "title": "Dostum-Atta alliance",
    "date": "2015-06",
    "source": "Tolonews",
    "url": "http://example.org/1",
    "body": "Dostum and Atta met.\r\nThey agreed.",
}


def test_jsonl_good_record(tmp_path: Path, write_jsonl: Callable[..., Path]) -> None:
    result = load_corpus(write_jsonl(tmp_path / "c.jsonl", [GOOD_RECORD]))
    assert result.problems == []
    (article,) = result.articles
    assert article == Article(
        id="ok-1",
        title="Dostum-Atta alliance",
        body="Dostum and Atta met.\nThey agreed.",
        source="Tolonews",
        published=PartialDate(2015, 6),
        url="http://example.org/1",
        origin=f"{tmp_path / 'c.jsonl'}:1",
    )


def test_jsonl_problems_each_with_line_and_field(
    tmp_path: Path, write_jsonl: Callable[..., Path]
) -> None:
    path = write_jsonl(
        tmp_path / "c.jsonl",
        [
            GOOD_RECORD,  # 1
            '{"id": "broken", "title": "x"',  # 2
            {"id": "typed", "title": 42, "body": "b"},  # 3
            {"id": "listy", "title": "T", "body": ["a"]},  # 4
            {"id": "untitled", "body": "Only a body."},  # 5
            {"id": "nothing"},  # 6
            "",  # 7: blank lines are skipped but counted
            {"id": "dated", "title": "T", "date": "yesterday"},  # 8
            "[1, 2]",  # 9
            {"title": "No id"},  # 10
            {"id": "ok-1", "title": "Same id again"},  # 11
            {"id": 7, "title": "Numeric ids are read as text", "date": 2021},  # 12
        ],
    )
    result = load_corpus(path)
    assert [(a.id, a.origin) for a in result.articles] == [
        ("ok-1", f"{path}:1"),
        ("typed", f"{path}:3"),  # a number is read as its text, as in front matter
        ("7", f"{path}:12"),
    ]
    assert result.articles[1].title == "42"
    assert result.articles[2].published == PartialDate(2021)
    found = [(p.line, p.field, p.message) for p in result.problems]
    assert found == [
        (2, None, "invalid JSON: Expecting ',' delimiter (column 31)"),
        (4, "body", "must be text, not a list"),
        (5, "title", "missing title"),
        (6, "title", "missing title"),
        (8, "date", "'yesterday' is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)"),
        (9, None, "a record must be a JSON object, not a list"),
        (10, "id", "missing id"),
        (11, "id", f"duplicate id 'ok-1': already used by {path}:1; this copy was not loaded"),
    ]
    assert all(p.path == str(path) and p.severity == "error" for p in result.problems)


def test_jsonl_line_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    bad_line = b'{"id": "b", "title": "caf\xe9"}'
    path.write_bytes(b'{"id": "a", "title": "A"}\n' + bad_line + b"\n")
    result = load_corpus(path)
    assert [a.id for a in result.articles] == ["a"]
    (problem,) = result.problems
    assert (problem.line, problem.message) == (
        2,
        f"not valid UTF-8 (byte {bad_line.index(0xE9)} of the line)",
    )


def test_jsonl_gz_reads_like_plain(tmp_path: Path, write_jsonl: Callable[..., Path]) -> None:
    records: list[dict[str, object] | str] = [GOOD_RECORD, "not json", {"id": "b", "title": "B"}]
    plain = load_corpus(write_jsonl(tmp_path / "c.jsonl", records))
    packed = load_corpus(write_jsonl(tmp_path / "c.jsonl.gz", records))
    assert [(a.id, a.title, a.body) for a in packed.articles] == [
        (a.id, a.title, a.body) for a in plain.articles
    ]
    assert [(p.line, p.message) for p in packed.problems] == [
        (p.line, p.message) for p in plain.problems
    ]
    assert packed.articles[0].origin == f"{tmp_path / 'c.jsonl.gz'}:1"


def test_truncated_gz_keeps_what_was_readable(
    tmp_path: Path, write_jsonl: Callable[..., Path]
) -> None:
    records: list[dict[str, object] | str] = [
        {"id": f"a{i}", "title": f"Article {i}", "body": f"Body {i} " * 40} for i in range(200)
    ]
    whole = write_jsonl(tmp_path / "whole.jsonl.gz", records).read_bytes()
    cut = tmp_path / "cut.jsonl.gz"
    cut.write_bytes(whole[: len(whole) // 2])
    result = load_corpus(cut)
    assert 0 < len(result.articles) < 200
    (problem,) = result.problems
    assert problem.message.startswith(f"file is damaged after line {len(result.articles)}")
    assert problem.line == len(result.articles) + 1


def test_gzip_data_is_recognised_by_content(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    path.write_bytes(gzip.compress(b'{"id": "z", "title": "Zipped"}\n'))
    assert [a.title for a in load_corpus(path).articles] == ["Zipped"]


# --- dates ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("2015", "2015"),
        ("2015-06", "2015-06"),
        ("2015-06-29", "2015-06-29"),
        (" 2021-08 ", "2021-08"),
        (2015, "2015"),
        (dt.date(2015, 7, 21), "2015-07-21"),
        (dt.datetime(2015, 7, 21, 9, 30), "2015-07-21"),
        ("2025-12-10T08:00:00Z", "2025-12-10"),
    ],
)
def test_partial_date_parse(value: object, iso: str) -> None:
    assert PartialDate.parse(value).iso == iso


@pytest.mark.parametrize("value", ["2015-13", "2015-02-30", "15", "0999", "June 2015", True, 3.5])
def test_partial_date_refuses(value: object) -> None:
    with pytest.raises(ValueError):
        PartialDate.parse(value)


def test_partial_dates_sort_across_precisions() -> None:
    dates = [PartialDate(2016), PartialDate(2015, 6, 29), PartialDate(2015, 6), PartialDate(2015)]
    assert [d.iso for d in sorted(dates)] == ["2015", "2015-06", "2015-06-29", "2016"]
    assert PartialDate(2015, 6).sort_date == dt.date(2015, 6, 1)


# --- the five bundled articles --------------------------------------------------------------


@pytest.fixture(scope="module")
def bundled() -> dict[str, Article]:
    """The bundled articles by id (they load without a single problem)."""
    result = load_corpus()
    assert result.problems == []
    return {a.id: a for a in result.articles}


EXPECTED_METADATA = {
    "2015-06-tolonews-dostum-atta-alliance-insurgency": (
        "Dostum-Atta Alliance Forged in Bid to Fight Insurgency",
        "Tolonews",
        None,
        "2015-06",
        "http://www.outlookafghanistan.net/national_detail.php?post_id=12404",
    ),
    "2015-07-afghanistan-today-dostum-noor-alliance": (
        "Dostum and Noor announce new alliance to fight Taliban in the north",
        "Afghanistan Today",
        "Waheed Orya",
        "2015-07-21",
        "http://www.afghanistan-today.org/en/articles/politics/2066/",
    ),
    "2015-daily-outlook-alliance-countering-taliban-offensive": (
        "An Alliance for Countering the Taliban Offensive",
        "Daily Outlook Afghanistan",
        "Abdul Ahad Bahrami",
        "2015",
        "http://www.outlookafghanistan.net/topics.php?post_id=12452",
    ),
    "2021-08-anti-taliban-alliance-sons-of-resistance": (
        "Anti-Taliban Alliance of the Sons of the Resistance",
        None,
        None,
        "2021-08",
        None,
    ),
    "2025-12-nationpress-anti-taliban-movements-agreement": (
        "Have Afghanistan's anti-Taliban movements reached an agreement with rulers?",
        "NationPress",
        None,
        "2025-12-10",
        "https://www.nationpress.com/national/afghanistans-anti-taliban-factions-unite",
    ),
}


def test_bundled_metadata(bundled: dict[str, Article]) -> None:
    assert sorted(bundled) == sorted(EXPECTED_METADATA)
    for article_id, (title, source, author, published, url) in EXPECTED_METADATA.items():
        article = bundled[article_id]
        assert article.title == title
        assert article.source == source
        assert article.author == author
        assert article.published is not None
        assert article.published.iso == published
        assert article.url == url
        assert article.language == "en"
        assert Path(article.origin).parent == BUNDLED_ARTICLES


def test_bundled_dates_keep_their_precision(bundled: dict[str, Article]) -> None:
    tolonews = bundled["2015-06-tolonews-dostum-atta-alliance-insurgency"].published
    assert tolonews == PartialDate(2015, 6)
    outlook = bundled["2015-daily-outlook-alliance-countering-taliban-offensive"].published
    assert outlook == PartialDate(2015)
    today = bundled["2015-07-afghanistan-today-dostum-noor-alliance"].published
    assert today == PartialDate(2015, 7, 21)


FURNITURE = (
    "Go Top",
    "Add a Comment",
    "class =",
    "Editor in Chief",
    "republishing",
    "gastronomy",
    "Our other projects",
    "Synopsis",
    "Key Takeaways",
    "@",
)


@pytest.mark.parametrize("furniture", FURNITURE)
def test_no_page_furniture_left(bundled: dict[str, Article], furniture: str) -> None:
    for article in bundled.values():
        assert furniture.casefold() not in article.body.casefold(), article.id
        assert furniture.casefold() not in article.title.casefold(), article.id


def test_bodies_start_and_end_with_text(bundled: dict[str, Article]) -> None:
    for article in bundled.values():
        assert article.body == article.body.strip()
        assert article.title not in article.body[:200]  # the headline is not repeated
        assert not re.search(r"\n{3,}", article.body)


@pytest.mark.parametrize(
    ("article_id", "typo"),
    [
        ("2015-07-afghanistan-today-dostum-noor-alliance", "Ahmad Shah Massound"),
        ("2015-06-tolonews-dostum-atta-alliance-insurgency", "Frist Vice-President"),
        ("2021-08-anti-taliban-alliance-sons-of-resistance", "province of Balgan"),
        ("2015-daily-outlook-alliance-countering-taliban-offensive", "Junbesh- Milli"),
        ("2015-07-afghanistan-today-dostum-noor-alliance", "Mazar-e Sharif.Both"),
    ],
)
def test_typos_are_kept(bundled: dict[str, Article], article_id: str, typo: str) -> None:
    assert typo in bundled[article_id].body
