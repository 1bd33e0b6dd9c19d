"""Every match's id (exports, saved searches' new-since counts): the same articles as the
search and its count, on the real index of the bundled corpus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from corpus import Gazetteer
from index import Engine
from index.listing import matching_ids, ranked_ids, ranked_pages


@pytest.mark.parametrize(
    ("query", "actor"),
    [("Dostum", None), ("Taliban alliance", None), ('"Northern Alliance"', None),
     ("Taliban", "abdul-rashid-dostum"), ("", "taliban"), ("", None), ("Panj*", None)],
)  # fmt: skip
def test_every_match_is_listed_once_in_the_search_s_order(
    bundled_engine: Engine, query: str, actor: str | None
) -> None:
    total = bundled_engine.count(query, actor=actor)
    for sort in ("relevance", "date"):
        ranked = ranked_ids(bundled_engine, query, sort=sort, actor=actor)
        page = bundled_engine.search(query, limit=max(1, total), sort=sort, actor=actor)
        assert [article_id for article_id, _ in ranked] == [
            hit.article.article.id for hit in page.hits
        ]
    found = matching_ids(bundled_engine, query, actor)
    assert len(found) == total
    assert found == {article_id for article_id, _ in ranked}
    assert matching_ids(bundled_engine, query, actor) == found  # from the reader's ids, again


@pytest.mark.parametrize(
    ("query", "sort"),
    [("Taliban", "relevance"), ("Dostum", "date"), ("Taliban OR Kabul", "relevance")],
)
def test_ranked_pages_give_the_same_order_a_page_at_a_time(
    bundled_engine: Engine, query: str, sort: str
) -> None:
    whole = ranked_ids(bundled_engine, query, sort=sort)
    total, pages = ranked_pages(bundled_engine, query, sort=sort, page=2)
    listed = list(pages)
    assert total == len(whole) == bundled_engine.count(query) >= 4
    assert len(listed) == (total + 1) // 2
    assert all(len(page) == 2 for page in listed[:-1]) and 1 <= len(listed[-1]) <= 2
    assert [item for page in listed for item in page] == whole


def test_an_index_of_several_segments_is_listed_in_the_search_s_order(
    tmp_path: Path, small_gazetteer: Gazetteer
) -> None:
    # Few words, so that many articles tie on score: the order of ties across segments is
    # what merging each segment's order must keep.
    words = ["alliance", "governor", "valley", "council"]
    corpus = tmp_path / "news.jsonl"

    def lines(numbers: range) -> str:
        return "".join(
            json.dumps(
                {
                    "id": f"art-{i}",
                    "title": f"Report {i}",
                    "date": f"20{10 + i % 9:02d}-01-01",
                    "source": "Generated",
                    "body": " ".join(words[(i + k) % len(words)] for k in range(1 + i % 3)),
                }
            )
            + "\n"
            for i in numbers
        )

    corpus.write_text(lines(range(30)), encoding="utf-8")
    engine = Engine(corpus, tmp_path / "idx", gazetteer=small_gazetteer)
    engine.open()
    for start in (30, 45):  # each update adds a segment
        with corpus.open("a", encoding="utf-8") as out:
            out.write(lines(range(start, start + 15)))
        engine.update()
    with engine.searching() as searcher:
        assert len(searcher.leaf_searchers()) >= 2
    for query in ("alliance", "governor OR valley", "council alliance"):
        total = engine.count(query)
        ranked = ranked_ids(engine, query)
        page = engine.search(query, limit=total)
        assert total > 10
        assert [article_id for article_id, _ in ranked] == [
            hit.article.article.id for hit in page.hits
        ]
        assert [score for _, score in ranked] == pytest.approx([hit.score for hit in page.hits])
        assert matching_ids(engine, query) == {article_id for article_id, _ in ranked}
    engine.close()
