"""Every query's cost is bounded: wildcard, prefix and fuzzy words expand within limits.

Eighty infix wildcards (`*a* *b* ...`, under the length limit) walked each segment's term
index 160 times (15.6 s on 5,000 articles). The bounds are in `index/expansion.py`; these
tests check that they are met, said with the part as typed, and that results still come.
How long it takes belongs to the benchmark.
"""

from __future__ import annotations

import itertools
import json
import random
import string
import traceback
from collections.abc import Iterator
from pathlib import Path

import pytest

from corpus import Gazetteer
from index import Engine, SearchCancelled
from index.expansion import MAX_EXPANDED_WORDS, MAX_LOOKED_AT
from index.query import MAX_QUERY_LENGTH


def pseudo_words(rng: random.Random, count: int) -> list[str]:
    """Distinct made-up words of 5 to 9 letters: a vocabulary far larger than a real one of
    the same number of articles, so that an infix wildcard matches thousands of words."""
    words: set[str] = set()
    while len(words) < count:
        words.add("".join(rng.choices(string.ascii_lowercase, k=rng.randint(5, 9))))
    return sorted(words)


@pytest.fixture(scope="module")
def wordy_engine(
    tmp_path_factory: pytest.TempPathFactory, bundled_gazetteer: Gazetteer
) -> Iterator[Engine]:
    folder = tmp_path_factory.mktemp("wordy")
    rng = random.Random(18)
    vocabulary = pseudo_words(rng, 24_000)
    records = []
    for n in range(300):
        body = " ".join(rng.choices(vocabulary, k=90))
        records.append(
            {
                "id": f"w-{n:04d}",
                "title": f"Report {n}",
                "date": f"{2001 + n % 24}-01-01",
                "body": f"Security officials said {body}.",
            }
        )
    path = folder / "news.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    engine = Engine(path, index_root=folder / "indexes", gazetteer=bundled_gazetteer)
    engine.open()
    yield engine
    engine.close()


def infixes(count: int) -> list[str]:
    """`*a*`, `*b*`, ..., then `*ab*`, `*ac*` ...: distinct infix wildcards."""
    singles = list(string.ascii_lowercase)
    pairs = ["".join(p) for p in itertools.permutations(string.ascii_lowercase, 2)]
    return [f"*{s}*" for s in (singles + pairs)[:count]]


def test_eighty_infix_wildcards_are_bounded_and_the_bound_is_said(wordy_engine: Engine) -> None:
    parts = infixes(80)
    parts[0] = "*A*"  # quoted as typed, not as parsed (*a*)
    text = " ".join(parts)
    assert len(text) <= MAX_QUERY_LENGTH
    results = wordy_engine.search(text, limit=10)
    assert results.notices, "the bound should be said"
    assert any(n.startswith("*A* ") or n.startswith("*A*:") for n in results.notices)
    limits = (f"{MAX_EXPANDED_WORDS:,}", f"{MAX_LOOKED_AT:,}")
    assert all(any(limit in n for limit in limits) for n in results.notices)
    # the same answer again (the fast path keeps expansions: they were cut the same way)
    again = wordy_engine.search(text, limit=10)
    assert (again.total, again.notices) == (results.total, results.notices)
    assert wordy_engine.count(text) == results.total


def test_a_bounded_query_still_finds_articles(wordy_engine: Engine) -> None:
    text = " OR ".join(infixes(30))
    results = wordy_engine.search(text, limit=10)
    assert results.notices
    assert results.total > 0 and len(results.hits) == 10
    marks = wordy_engine.highlights(text, results.hits[0].article)
    assert marks["body"], "the hits of the words searched are marked"


def test_the_command_line_says_what_was_bounded(
    wordy_engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    from tui import cli

    text = " OR ".join(["*Qz*", *infixes(30)])
    argv = ["--corpus", str(wordy_engine.corpus), "--index-dir", str(wordy_engine.index_root)]
    assert cli.main([*argv, "search", text, "--limit", "3"]) == 0
    out, err = capsys.readouterr()
    assert "afreader: *Qz* " in err or "afreader: *Qz*:" in err
    assert "Traceback" not in err and out.strip()


def test_a_query_within_the_bounds_is_not_cut(wordy_engine: Engine) -> None:
    results = wordy_engine.search("secur* offic*", limit=10)
    assert results.notices == ()
    assert results.total == 300


def test_expanding_checks_for_cancellation(wordy_engine: Engine) -> None:
    """A long expansion can be stopped while it walks the term index."""
    seen: list[bool] = []

    def cancelled() -> bool:
        expanding = any(f.filename.endswith("expansion.py") for f in traceback.extract_stack())
        seen.append(expanding)
        return expanding and seen.count(True) > 3

    text = " ".join(infixes(200)[120:])  # words no other test expanded (none is kept)
    with pytest.raises(SearchCancelled):
        wordy_engine.search(text, limit=10, cancelled=cancelled)
    assert seen.count(True) == 4
    assert wordy_engine.search("security", limit=1).total == 300  # and the engine goes on


def test_the_bounds_are_the_ones_the_readme_gives() -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    assert f"{MAX_EXPANDED_WORDS:,}" in readme and f"{MAX_LOOKED_AT:,}" in readme
