"""Every match's id (exports, saved searches' new-since counts): the same articles as the
search and its count, on the real index of the bundled corpus."""

from __future__ import annotations

import pytest

from index import Engine
from index.listing import matching_ids, ranked_ids


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
