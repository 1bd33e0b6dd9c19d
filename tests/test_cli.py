"""The `afreader` command, run as a person or a script runs it: the installed executable."""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest

from corpus import Article, load_corpus
from tests.command import AFREADER, afreader

pytestmark = pytest.mark.skipif(AFREADER is None, reason="the afreader command is not installed")

SONS = "2021-08-anti-taliban-alliance-sons-of-resistance"
WriteJsonl = Callable[[Path, Iterable[dict[str, object] | str]], Path]

SEARCH_KEYS = [
    "article_id",
    "title",
    "published",
    "source",
    "score",
    "snippet",
    "highlights",
    "matched",
]
MENTION_KEYS = [
    "article_id",
    "title",
    "published",
    "entity_id",
    "entity",
    "type",
    "field",
    "start",
    "end",
    "text",
    "left",
    "right",
]
ENTITY_KEYS = ["id", "name", "type", "aliases", "mentions", "articles"]


def json_lines(stdout: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stdout.splitlines()]


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One index folder for the bundled corpus, shared by the tests of this module."""
    return tmp_path_factory.mktemp("cli-indexes")


@pytest.fixture(scope="module")
def bundled() -> dict[str, Article]:
    return {a.id: a for a in load_corpus().articles}


def test_version() -> None:
    result = afreader("--version")
    assert (result.returncode, result.stdout.strip()) == (0, "afreader 0.1.0")


def test_help() -> None:
    result = afreader("--help")
    assert result.returncode == 0
    for command in ("search", "mentions", "entities", "index", "problems"):
        assert command in result.stdout
    assert "--corpus" in result.stdout and "--index-dir" in result.stdout
    assert "Exit codes: 0 results, 1 none, 2 bad input" in " ".join(result.stdout.split())
    search_help = afreader("search", "--help")
    assert search_help.returncode == 0
    assert "--json" in search_help.stdout and "--sort" in search_help.stdout


def test_search_text(index_dir: Path) -> None:
    result = afreader("--index-dir", index_dir, "search", "Salih")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert re.fullmatch(
        r" *\d+\.\d\d  2021-08     Anti-Taliban Alliance of the Sons of the Resistance", lines[0]
    )
    assert lines[1].split(" · ") == [
        "         source unknown",
        f"{SONS}  [matched: Emrullah Salih, Saleh, Vice President Emrullah Salih]",
    ]
    assert "In addition, »Vice President Emrullah Salih«, who declared" in lines[2]
    assert "1 article(s) match; showing 1" in result.stderr
    assert "Traceback" not in result.stderr


def test_search_json(index_dir: Path, bundled: dict[str, Article]) -> None:
    result = afreader("search", "Taliban", "--sort", "date", "--json", "--index-dir", index_dir)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    records = json_lines(result.stdout)
    assert [list(r) for r in records] == [SEARCH_KEYS] * 4
    assert [r["published"] for r in records] == ["2025-12-10", "2021-08", "2015-07-21", "2015"]
    for record in records:
        article = bundled[record["article_id"]]
        assert record["title"] == article.title
        assert record["source"] == article.source
        assert record["score"] is None  # sorted by date, not by relevance
        assert record["matched"] == ["Taliban"]
        for start, end in record["highlights"]:
            assert record["snippet"][start:end] == "Taliban"
    sons = next(r for r in records if r["article_id"] == SONS)
    assert sons["source"] is None


def test_search_limit(index_dir: Path) -> None:
    result = afreader("--index-dir", index_dir, "search", "Dostum", "--limit", "2", "--json")
    assert result.returncode == 0
    assert len(json_lines(result.stdout)) == 2


def test_no_results_exit_1(index_dir: Path) -> None:
    result = afreader("--index-dir", index_dir, "search", "Bamiyan")
    assert (result.returncode, result.stdout) == (1, "")
    assert "0 article(s) match" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("search", '"unclosed'), 'afreader: bad query: unclosed quote: the " at column 1'),
        (("search", "colour:red"), "afreader: bad query: unknown field 'colour:'"),
        (("search", "published:yesterday"), "is not a date"),
        (("search", "actor:nobody"), "no actor called 'nobody'"),
        (("search", "Dostum", "--limit", "0"), "argument --limit: must be at least 1"),
        (("search", "Dostum", "--sort", "random"), "argument --sort: invalid choice"),
        (("mentions", "Nobody Atall"), "afreader: no entity called 'Nobody Atall'"),
        (("entities", "--type", "city"), "argument --type: invalid choice"),
        (("frobnicate",), "invalid choice: 'frobnicate'"),
    ],
)
def test_bad_input_exit_2(index_dir: Path, args: tuple[str, ...], message: str) -> None:
    result = afreader("--index-dir", index_dir, *args)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_mentions_json(index_dir: Path, bundled: dict[str, Article]) -> None:
    result = afreader("--index-dir", index_dir, "mentions", "Yar Dostum", "--json")
    assert result.returncode == 0, result.stderr
    records = json_lines(result.stdout)
    assert [list(r) for r in records] == [MENTION_KEYS] * 3
    for record in records:
        assert (record["entity_id"], record["entity"], record["type"]) == (
            "yar-dostum",
            "Yar Dostum",
            "person",
        )
        assert (record["article_id"], record["published"]) == (SONS, "2021-08")
        assert record["text"] == "Yar Dostum"
        body = bundled[SONS].body
        assert body[record["start"] : record["end"]] == record["text"]
        assert " ".join(body[: record["start"]].split()).endswith(record["left"])
        assert " ".join(body[record["end"] :].split()).startswith(record["right"])


def test_every_mention_offset_is_exact(index_dir: Path, bundled: dict[str, Article]) -> None:
    result = afreader("--index-dir", index_dir, "mentions", "--json")
    assert result.returncode == 0, result.stderr
    records = json_lines(result.stdout)
    assert len(records) > 200
    assert any(r["field"] == "title" for r in records)
    for record in records:
        article = bundled[record["article_id"]]
        text = article.title if record["field"] == "title" else article.body
        assert text[record["start"] : record["end"]] == record["text"], record


def test_mentions_by_a_shared_spelling_and_sorted_by_spelling(index_dir: Path) -> None:
    result = afreader("--index-dir", index_dir, "mentions", "Mesud", "--sort", "spelling", "--json")
    assert result.returncode == 0, result.stderr
    records = json_lines(result.stdout)
    assert {r["entity_id"] for r in records} >= {"ahmad-massoud", "ahmad-shah-massoud"}
    spellings = [r["text"].casefold() for r in records]
    assert spellings == sorted(spellings)


def test_mentions_text(index_dir: Path) -> None:
    result = afreader("--index-dir", index_dir, "mentions", "yar-dostum")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert len(lines) == 3
    assert all("[Yar Dostum]" in line and line.endswith(SONS) for line in lines)
    # Aligned like a concordance: every mention starts, and every date stands, in one column.
    assert len({line.index("[") for line in lines}) == 1
    assert len({line.index("2021-08") for line in lines}) == 1


def test_mentions_text_cuts_at_whole_words_and_adds_no_space(index_dir: Path) -> None:
    result = afreader("--index-dir", index_dir, "mentions", "abdul-rashid-dostum")
    assert result.returncode == 0, result.stderr
    texts = [t for a in load_corpus().articles for t in (a.title, a.body)]
    words = {w.strip(".,;:()\"'“”’‘[]") for text in texts for w in text.split()}
    for line in result.stdout.splitlines():
        found = re.fullmatch(r"(.*?) {2,}\S+ +\S+", line)
        assert found, line
        kwic = found.group(1)
        left, rest = kwic.split("[", 1)
        _mention, right = rest.split("]", 1)
        # No space is made up between a mention and the punctuation after it.
        assert not re.match(r" [,.;:’']", right), line
        # A token touching the mention ("'s", "-Atta") is part of the mention's word.
        left_words = left.replace("…", " ").split()[: None if left.endswith(" ") else -1]
        right_words = right.replace("…", " ").split()[0 if right.startswith(" ") else 1 :]
        for word in left_words + right_words:
            word = word.strip(".,;:()\"'“”’‘[]")
            assert not word or word in words or "-" in word, (word, line)
    assert "[Gen. Abdul Rashid Dostum]," in result.stdout


def test_entities_by_type(index_dir: Path) -> None:
    result = afreader("--index-dir", index_dir, "entities", "--type", "person", "--json")
    assert result.returncode == 0, result.stderr
    records = json_lines(result.stdout)
    assert len(records) >= 50
    assert all(list(r) == ENTITY_KEYS and r["type"] == "person" for r in records)
    by_id = {r["id"]: r for r in records}
    assert (by_id["abdul-rashid-dostum"]["mentions"], by_id["abdul-rashid-dostum"]["articles"]) == (
        28,
        5,
    )
    assert "Dostum" in by_id["yar-dostum"]["aliases"]
    assert records[0]["mentions"] >= records[-1]["mentions"]
    assert "taliban" not in by_id


def test_entities_text_has_a_header_and_aligned_columns(index_dir: Path) -> None:
    result = afreader("--index-dir", index_dir, "entities", "--type", "person")
    assert result.returncode == 0, result.stderr
    header, *rows = result.stdout.splitlines()
    assert header.split() == ["MENTIONS", "ARTICLES", "TYPE", "ID", "NAME"]
    assert rows[0].split()[2:4] == ["person", rows[0].split()[3]]
    for row in rows:
        assert row.index("person") == header.index("TYPE")
        assert row[header.index("NAME") - 2 : header.index("NAME")] == "  "


def test_index_rebuild(tmp_path: Path) -> None:
    first = afreader("--index-dir", tmp_path, "index")
    assert first.returncode == 0, first.stderr
    (folder,) = (p for p in tmp_path.iterdir() if not p.name.startswith("."))  # .cache beside
    assert first.stdout == f"5 articles indexed in {folder}\n"
    generations = list(folder.glob("g-*"))
    again = afreader("index", "--rebuild", "--index-dir", tmp_path)
    assert again.returncode == 0
    assert again.stdout == first.stdout
    assert list(folder.glob("g-*")) != generations


def test_the_environment_chooses_the_index_folder() -> None:
    result = afreader("index")
    assert result.returncode == 0
    root = Path(os.environ["AFREADER_INDEX_DIR"])
    assert str(root) in result.stdout
    assert list(root.glob("*/g-*/store.sqlite"))


def test_folder_corpus(tmp_path: Path) -> None:
    corpus = tmp_path / "articles"
    corpus.mkdir()
    (corpus / "a.md").write_text(
        "---\ntitle: Salih in Bamiyan\npublished: '2022-03'\nsource: Wire\n---\n"
        "Amrullah Saleh visited Bamiyan.\n",
        encoding="utf-8",
    )
    (corpus / "b.txt").write_text("Plain note\nNothing about anyone.\n", encoding="utf-8")
    (corpus / "c.md").write_text("---\ntitle: [\n---\n", encoding="utf-8")
    result = afreader(
        "--corpus", corpus, "--index-dir", tmp_path / "ix", "search", "Bamiyan", "--json"
    )
    assert result.returncode == 0, result.stderr
    (record,) = json_lines(result.stdout)
    assert (record["article_id"], record["published"], record["source"]) == ("a", "2022-03", "Wire")
    assert (record["matched"], record["snippet"]) == (
        ["Bamiyan"],
        "Amrullah Saleh visited Bamiyan.",
    )
    assert "1 article(s) could not be read; 'afreader problems' lists them" in result.stderr

    problems = afreader("--corpus", corpus, "--index-dir", tmp_path / "ix", "problems", "--json")
    assert problems.returncode == 0
    (problem,) = json_lines(problems.stdout)
    assert problem == {
        "path": str(corpus / "c.md"),
        "line": 3,
        "field": "front matter",
        "severity": "error",
        "message": problem["message"],
    }
    assert problem["message"].startswith("invalid YAML")
    text = afreader("--corpus", corpus, "--index-dir", tmp_path / "ix", "problems")
    assert text.stdout.startswith(f"{corpus / 'c.md'}:3: error: front matter: invalid YAML")


def test_no_problems_is_said_with_the_count_and_exit_0(index_dir: Path) -> None:
    result = afreader("--index-dir", index_dir, "problems")
    assert (result.returncode, result.stdout) == (0, "no problems: 5 articles read\n")
    as_json = afreader("--index-dir", index_dir, "problems", "--json")
    assert (as_json.returncode, as_json.stdout) == (0, "")  # JSON Lines: no record, no prose
    assert "no problems: 5 articles read" in as_json.stderr


@pytest.mark.parametrize("command", ["index", "search", "problems"])
def test_an_empty_folder_is_not_a_corpus(tmp_path: Path, command: str) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    args = [command, "Dostum"] if command == "search" else [command]
    result = afreader("--corpus", empty, "--index-dir", tmp_path / "ix", *args)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"afreader: no articles found in {empty}: afreader reads .md, .txt, .jsonl, .jsonl.gz\n"
    )


def test_jsonl_gz_corpus(tmp_path: Path, write_jsonl: WriteJsonl) -> None:
    corpus = write_jsonl(
        tmp_path / "news.jsonl.gz",
        [
            {"id": "n1", "title": "Massoud in Dushanbe", "date": "2023-05-02", "body": "x"},
            {"id": "n2", "title": "Other", "date": "2024", "body": "Ahmad Massoud spoke."},
        ],
    )
    result = afreader(
        "--corpus", corpus, "--index-dir", tmp_path / "ix", "search", "Mesud", "--json"
    )
    assert result.returncode == 0, result.stderr
    assert sorted(r["article_id"] for r in json_lines(result.stdout)) == ["n1", "n2"]
    mentions = afreader(
        "--corpus", corpus, "--index-dir", tmp_path / "ix", "mentions", "Massoud", "--json"
    )
    assert [(r["article_id"], r["field"], r["text"]) for r in json_lines(mentions.stdout)] == [
        ("n1", "title", "Massoud"),
        ("n2", "body", "Ahmad Massoud"),
    ]


@pytest.mark.parametrize("name", ["missing", "data.csv"])
def test_a_corpus_that_is_not_there(tmp_path: Path, name: str) -> None:
    if name.endswith(".csv"):
        (tmp_path / name).write_text("a,b\n", encoding="utf-8")
    result = afreader("--corpus", tmp_path / name, "search", "Dostum")
    assert result.returncode == 2
    assert result.stderr.startswith(f"afreader: {tmp_path / name}: ")
    assert "no such file or folder" in result.stderr or "not a corpus" in result.stderr
    assert "Traceback" not in result.stderr


# --- text that would drive a terminal -------------------------------------------------------

HOSTILE = "Dostum [bold red]shouts[/] \x1b[2J\x1b]52;c;cGF3bmVk\x07 and \u202eesrever\u202c too"


@pytest.fixture
def hostile_corpus(tmp_path: Path) -> Path:
    corpus = tmp_path / "hostile"
    corpus.mkdir()
    (corpus / "evil.txt").write_text(f"{HOSTILE}\n\n{HOSTILE}\n", encoding="utf-8")
    return corpus


def test_hostile_text_in_json_is_escaped(hostile_corpus: Path, tmp_path: Path) -> None:
    for args in (("search", "Dostum", "--json"), ("mentions", "Dostum", "--json")):
        result = afreader("--corpus", hostile_corpus, "--index-dir", tmp_path / "ix", *args)
        assert result.returncode == 0, result.stderr
        for forbidden in ("\x1b", "\x07", "\u202e", "\u202c"):
            assert forbidden not in result.stdout
        assert "\\u001b[2J" in result.stdout
        assert "[bold red]shouts[/]" in result.stdout
        assert "\\u202e" in result.stdout
        for record in json_lines(result.stdout):
            assert record["title"] == HOSTILE  # escaped, not changed: the data comes back exact


def test_hostile_text_in_plain_output_is_made_visible(hostile_corpus: Path, tmp_path: Path) -> None:
    for args in (("search", "Dostum"), ("mentions", "Dostum")):
        result = afreader("--corpus", hostile_corpus, "--index-dir", tmp_path / "ix", *args)
        assert result.returncode == 0, result.stderr
        for forbidden in ("\x1b", "\x07", "\u202e", "\u202c"):
            assert forbidden not in result.stdout
        assert "[bold red]shouts[/]" in result.stdout
        assert "\u241b[2J\u241b]52;c;cGF3bmVk\u2407" in result.stdout  # ESC and BEL, visible
    search = afreader("--corpus", hostile_corpus, "--index-dir", tmp_path / "ix", "search", "too")
    assert "\ufffdesrever\ufffd »too«" in search.stdout  # direction overrides, visible


# --- output that cannot be written ----------------------------------------------------------


def _run_shell(script: str, **env: str) -> subprocess.CompletedProcess[bytes]:
    assert AFREADER is not None
    return subprocess.run(
        ["sh", "-c", script, "sh", AFREADER],
        capture_output=True,
        timeout=120,
        env={**os.environ, **env},
        check=False,
    )


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="this system has no /dev/full")
def test_a_full_disk_is_one_line_and_exit_2(index_dir: Path) -> None:
    result = _run_shell(f'"$1" --index-dir "{index_dir}" search dostum > /dev/full')
    assert result.returncode == 2
    assert result.stderr.decode().endswith(
        "afreader: cannot write the output: No space left on device\n"
    )
    assert b"Traceback" not in result.stderr and b"Exception ignored" not in result.stderr


def test_a_closed_standard_output_is_one_line_and_exit_2(index_dir: Path) -> None:
    result = _run_shell(f'"$1" --index-dir "{index_dir}" search dostum >&-')
    assert result.returncode == 2
    assert result.stderr.decode().splitlines()[-1] == (
        "afreader: standard output is closed: nowhere to write the results"
    )
    assert b"Traceback" not in result.stderr


def test_a_closed_pipe_ends_the_output_silently(index_dir: Path) -> None:
    result = _run_shell(f'"$1" --index-dir "{index_dir}" mentions | head -c 10 > /dev/null')
    assert result.stderr == b""


def test_an_encoding_that_cannot_hold_the_text_gets_replacement_characters(
    index_dir: Path,
) -> None:
    result = _run_shell(f'"$1" --index-dir "{index_dir}" search dostum', PYTHONIOENCODING="ascii")
    assert result.returncode == 0, result.stderr
    assert b"Traceback" not in result.stderr
    assert b"Tolonews ? 2015-06-tolonews" in result.stdout  # the middle dot, replaced
    result.stdout.decode("ascii")


def test_paths_are_shown_as_safe_text(tmp_path: Path) -> None:
    odd = tmp_path / "ix\x1b[31mred"
    result = afreader("--index-dir", odd, "index")
    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stdout
    assert "ix\u241b[31mred" in result.stdout


# --- settings -------------------------------------------------------------------------------


def test_config_path_and_show(tmp_path: Path) -> None:
    folder = tmp_path / "conf"
    env = {**os.environ, "AFREADER_CONFIG_DIR": str(folder)}
    assert AFREADER is not None
    path = subprocess.run(
        [AFREADER, "config", "path"], capture_output=True, text=True, env=env, check=False
    )
    assert (path.returncode, path.stdout) == (0, f"{folder / 'settings.toml'}\n")
    folder.mkdir()
    (folder / "settings.toml").write_text(
        '# mine\ntheme = "nord"\n\nsort = "size"\nsidebar = false\n'
        '[keymap]\n"reader.next_mention" = "ctrl+n"\n',
        encoding="utf-8",
    )
    show = subprocess.run(
        [AFREADER, "config", "show"], capture_output=True, text=True, env=env, check=False
    )
    assert show.returncode == 0, show.stderr
    rows = {line.split()[0]: line for line in show.stdout.splitlines()}
    assert rows["theme"].split()[1] == "nord" and "settings.toml, line 2)" in rows["theme"]
    assert rows["sort"].split()[1] == "relevance" and "(default)" in rows["sort"]
    assert rows["sidebar"].split()[1] == "false" and "line 5)" in rows["sidebar"]
    assert "reader.next_mention = ctrl+n" in rows["keymap"]
    assert (
        f"afreader: {folder / 'settings.toml'}, line 4, key 'sort': must be \"relevance\" or"
        " \"date\", not 'size'; the default is used"
    ) in show.stderr


def test_the_settings_corpus_is_the_default_corpus(tmp_path: Path, write_jsonl: WriteJsonl) -> None:
    (tmp_path / "conf").mkdir()
    corpus = write_jsonl(
        tmp_path / "conf" / "mine.jsonl",
        [{"id": "z1", "title": "Ghani in Herat", "date": "2019-01-02", "body": "Ghani spoke."}],
    )
    (tmp_path / "conf" / "settings.toml").write_text('corpus = "mine.jsonl"\n', encoding="utf-8")
    env = {**os.environ, "AFREADER_CONFIG_DIR": str(tmp_path / "conf")}
    assert AFREADER is not None
    result = subprocess.run(
        [AFREADER, "--index-dir", str(tmp_path / "ix"), "search", "Herat", "--json"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert [r["article_id"] for r in json_lines(result.stdout)] == ["z1"]
    assert corpus.exists()


def test_a_limit_beyond_sqlite_s_integers_means_all() -> None:
    """`--limit` is a count of any size: past SQLite's 64-bit integers it is every match (the
    newest articles of an empty query are read a page at a time from SQLite)."""
    for query in ("", "Dostum"):
        done = afreader("search", query, "--limit", "99999999999999999999")
        assert done.returncode == 0, done.stderr
        assert "Traceback" not in done.stderr
        assert "showing" in done.stderr + done.stdout
