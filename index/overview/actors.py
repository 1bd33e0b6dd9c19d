"""One actor across the corpus: its timeline, and who is mentioned with it.

Both read the mention store (SQLite) directly, in a few grouped queries: the timeline counts
mentions and articles per period; co-mentions count, for every other actor, the articles and
the sentences (`index/sentences.py`) that name both. A title is a sentence of its own.
"""

from __future__ import annotations

import threading
from array import array
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import compress

from index import cooccurrence, precomputed
from index.cancel import Check
from index.overview.columns import Columns
from index.records import FIELDS, MentionRef
from index.sentences import sentence_of, sentence_starts, sentences
from index.store import Store

__all__ = [
    "CoMention",
    "PairSentence",
    "Timeline",
    "comentions",
    "mentions_between",
    "pair_sentences",
    "period_bounds",
    "timeline",
]

_CHUNK = 500


def period_of(published: str | None, by: str) -> str | None:
    """`2015-06-29` as a period: `2015-06` by month, `2015` by year (or when the date is known
    only to the year), None when undated."""
    if not published:
        return None
    return published[:4] if by == "year" else published[:7]


@dataclass(frozen=True, slots=True)
class Period:
    """An actor's mentions, and the articles they are in, in one period (None: undated)."""

    period: str | None
    mentions: int
    articles: int


@dataclass(frozen=True, slots=True)
class Timeline:
    """An actor's mentions per period, oldest first, every month (or year) of the span listed
    (zeros included); periods known only to the year follow the months, undated ones last."""

    entity_id: str
    by: str
    periods: list[Period]
    first: str | None  # the date of the first and last dated mention, at their own precision
    last: str | None

    @property
    def mentions(self) -> int:
        """Every mention counted."""
        return sum(p.mentions for p in self.periods)


def timeline(store: Store, entity_id: str, by: str, columns: Columns) -> Timeline:
    """The timeline of one actor across the corpus, by month or by year (each article's date
    read from `columns`: one covered index walk of the mention store, no read of articles
    but the first and last)."""
    if by not in ("month", "year"):
        raise ValueError(f"a timeline is by month or by year, not {by!r}")
    rows = store.db.execute(
        "SELECT article, count(*) FROM mentions WHERE entity = ? GROUP BY sort_key, article",
        (entity_id,),
    ).fetchall()
    mentions: Counter[str | None] = Counter()
    articles: Counter[str | None] = Counter()
    doc_of, period = columns.doc_of, columns.period
    dated: list[int] = []
    for n, count in rows:
        doc = doc_of.get(n)
        at = period(doc, by) if doc is not None else None
        mentions[at] += count
        articles[at] += 1
        if at is not None:
            dated.append(n)  # in corpus order: by date, then article
    months = sorted(p for p in mentions if p is not None and len(p) == 7)
    years = sorted(p for p in mentions if p is not None and len(p) == 4)
    listed: list[str | None] = []
    if by == "month" and months:
        listed += _every_month(months[0], months[-1])
    listed += years if by == "month" else _every_year(years)
    if None in mentions:
        listed.append(None)
    periods = [Period(p, mentions[p], articles[p]) for p in listed]
    first = last = None
    if dated:
        ends = dict(
            store.db.execute(
                "SELECT n, published FROM articles WHERE n IN (?, ?)", (dated[0], dated[-1])
            )
        )
        first, last = ends.get(dated[0]), ends.get(dated[-1])
    return Timeline(entity_id, by, periods, first, last)


def _sortable(published: str) -> str:
    """A date at any precision as a string that sorts as the corpus does (a year-only date
    on the year's first day, before its months)."""
    return f"{published[:4]}-{published[5:7] or '00'}-{published[8:10] or '00'}"


def _every_month(first: str, last: str) -> list[str]:
    start = int(first[:4]) * 12 + int(first[5:7]) - 1
    end = int(last[:4]) * 12 + int(last[5:7]) - 1
    return [f"{m // 12:04d}-{m % 12 + 1:02d}" for m in range(start, end + 1)]


def _every_year(years: list[str]) -> list[str]:
    if not years:
        return []
    return [f"{y:04d}" for y in range(int(years[0]), int(years[-1]) + 1)]


@dataclass(slots=True)
class CoMention:
    """Another actor mentioned with the chosen one: in how many sentences and articles both
    are named, and the same per year (`by_year`: year, or None for undated, to counts)."""

    entity_id: str
    sentences: int = 0
    articles: int = 0
    by_year: dict[str | None, list[int]] = field(default_factory=dict)


def _articles_with(store: Store, entity_id: str) -> list[int]:
    rows = store.db.execute("SELECT DISTINCT article FROM mentions WHERE entity = ?", (entity_id,))
    return [n for (n,) in rows]


def _chunks(ns: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ns), _CHUNK):
        yield ns[start : start + _CHUNK]


class _Sentences:
    """Each article's actors by sentence, as numbers (`actor << 16 | sentence`, the title
    sentence 0), read from the store (`index/precomputed.py`) as co-mentions need articles,
    split from the text where nothing trusted is stored, and kept for one state of the index.
    Actors are numbered as the store numbers them, so that stored rows are used as read."""

    def __init__(self) -> None:
        self.key: object = None
        self.codes: dict[str, int] = {}
        self.names: list[str] = []
        self.articles: dict[int, tuple[str | None, array[int]]] = {}
        self.stored: bool | None = None  # None: the store not looked at yet

    def reset(self, key: object) -> None:
        """Forget every article: the index changed (or nothing is to be kept)."""
        self.__init__()  # type: ignore[misc]
        self.key = key

    def code(self, entity_id: str) -> int:
        found = self.codes.get(entity_id)
        if found is None:
            found = self.codes[entity_id] = len(self.names)
            self.names.append(entity_id)
        return found

    def fill(self, store: Store, ns: list[int], check: Check | None) -> int:
        """Place the mentions of the articles of `ns` not yet known: from the store, else
        split from the text; how many were split from the text."""
        missing = [n for n in ns if n not in self.articles]
        if not missing:
            return 0
        if self._trusted(store):
            if check is not None:
                check()
            found = precomputed.sentence_actors(store.db, missing, self.names)
            self.articles.update(found)
            missing = [n for n in missing if n not in found]
        self._split(store, missing, check)
        return len(missing)

    def fill_actor(
        self, store: Store, entity_id: str, check: Check | None
    ) -> tuple[list[int], int]:
        """The articles that mention `entity_id`, each placed (as `fill`), and how many were
        split from the text. With nothing kept yet, the articles and their stored rows are
        read in one query (a co-mentions' first call reads every article of the actor)."""
        if self.articles or not self._trusted(store):
            ns = _articles_with(store, entity_id)
            return ns, self.fill(store, ns, check)
        if check is not None:
            check()
        found, missing = precomputed.sentence_actors_of(store.db, entity_id, self.names)
        self.articles.update(found)
        self._split(store, missing, check)
        return [*found, *missing], len(missing)

    def _trusted(self, store: Store) -> bool:
        if self.stored is None:
            self.stored = precomputed.trusted(store.db)
            if self.stored:
                self.names = precomputed.actor_ids(store.db)
                self.codes = {e: c for c, e in enumerate(self.names) if e}
        return self.stored

    def _split(self, store: Store, ns: list[int], check: Check | None) -> None:
        body_field = FIELDS.index("body")
        for chunk in _chunks(ns):
            if check is not None:
                check()
            marks = ",".join("?" * len(chunk))
            by_article: dict[int, list[tuple[str, int, int]]] = defaultdict(list)
            rows = store.db.execute(
                f"SELECT article, entity, field, start FROM mentions WHERE article IN ({marks})",
                chunk,
            )
            for n, entity, fld, start in rows:
                by_article[n].append((entity, fld, start))
            texts = store.db.execute(
                f"SELECT n, published, body FROM articles WHERE n IN ({marks})", chunk
            )
            for n, published, body in texts:
                mentions = by_article.get(n, [])
                starts = (
                    sentence_starts(body) if any(f == body_field for _, f, _ in mentions) else [0]
                )
                placed = {
                    self.code(entity) << 16
                    | (0 if fld != body_field else min(sentence_of(starts, start) + 1, 0xFFFF))
                    for entity, fld, start in mentions
                }
                year = published[:4] if published else None
                self.articles[n] = (year, array("l", sorted(placed)))


_SENTENCES = _Sentences()
_SENTENCES_LOCK = threading.Lock()


def comentions(
    store: Store,
    entity_id: str,
    check: Check | None = None,
    key: object = None,
    notices: list[str] | None = None,
) -> list[CoMention]:
    """Every actor mentioned in an article with `entity_id`, with the sentences and articles
    that name both, most sentences first (then most articles, then id). `key` names the
    state of the index: articles already placed for that state are not placed again. What
    had to be split from the text for want of a trusted stored row is said in `notices`."""
    kept = _kept_sums(store, entity_id)
    if kept is not None:
        return kept
    with _SENTENCES_LOCK:
        cache = _SENTENCES
        if key is None or cache.key != key:
            cache.reset(key)
        ns, split = cache.fill_actor(store, entity_id, check)
        if split and notices is not None:
            notices.append(
                f"the stored sentences of {split} article(s) were missing or unreadable: "
                "split from the text (the next update stores them again)"
            )
        found = _count(entity_id, ns, cache, check)
        if key is None:
            cache.reset(None)
    return sorted(found.values(), key=lambda c: (-c.sentences, -c.articles, c.entity_id))


def _kept_sums(store: Store, entity_id: str) -> list[CoMention] | None:
    """The co-mentions of `entity_id` as the store keeps them summed (`index/cooccurrence.py`),
    None when the sums are not kept with every row."""
    db = store.db
    if not precomputed.trusted(db) or not cooccurrence.fresh(db, precomputed.signature()):
        return None
    ids = precomputed.actor_ids(db)
    try:
        code = ids.index(entity_id)
    except ValueError:
        return []  # never mentioned
    found: dict[int, CoMention] = {}
    for other, year, shared, articles in cooccurrence.of(db, code):
        item = found.get(other)
        if item is None:
            item = found[other] = CoMention(ids[other])
        item.sentences += shared
        item.articles += articles
        item.by_year[year] = [shared, articles]
    return sorted(found.values(), key=lambda c: (-c.sentences, -c.articles, c.entity_id))


_ACTOR = (16).__rrshift__  # a place's actor: v >> 16
_SENTENCE = (0xFFFF).__and__  # a place's sentence: v & 0xFFFF


def _count(
    entity_id: str, ns: list[int], cache: _Sentences, check: Check | None
) -> dict[int, CoMention]:
    """Every other actor of the articles of `ns`: in how many of them, and in how many of
    their sentences, it is named with `entity_id`, in all and per year.

    The actors met are gathered per year in lists fed by C iterators (an article's places
    are sorted, so the chosen actor's are one slice of them) and counted once at the end: a
    Python step per article, not per place."""
    me = cache.code(entity_id)
    low, high = me << 16, (me + 1) << 16
    articles_in: dict[str | None, array[int]] = defaultdict(lambda: array("l"))
    sentences_in: dict[str | None, array[int]] = defaultdict(lambda: array("l"))
    placed_of = cache.articles
    for i, n in enumerate(ns):
        if check is not None and not i % 2000:
            check()
        year, placed = placed_of[n]
        lo = bisect_left(placed, low)
        hi = bisect_left(placed, high, lo)
        others = placed[:lo] + placed[hi:]
        if not others:
            continue
        articles_in[year].extend(set(map(_ACTOR, others)))
        own = set(map(_SENTENCE, placed[lo:hi]))
        with_me = compress(others, map(own.__contains__, map(_SENTENCE, others)))
        sentences_in[year].extend(map(_ACTOR, with_me))
    names = cache.names
    found: dict[int, CoMention] = {}
    for year, met in articles_in.items():
        shared_in = Counter(sentences_in[year])
        for code, articles in Counter(met).items():
            item = found.get(code)
            if item is None:
                item = found[code] = CoMention(names[code])
            shared = shared_in[code]
            item.articles += articles
            item.sentences += shared
            item.by_year[year] = [shared, articles]
    return found


@dataclass(frozen=True, slots=True)
class PairSentence:
    """A sentence that names two actors: its article, field and span, and its text."""

    article_n: int
    article_id: str
    published: str | None
    field: str
    start: int
    end: int
    text: str
    marks: tuple[tuple[int, int], ...]  # the two actors' mentions, offsets into `text`
    first_at: int  # where the first actor's first mention in it starts, in the field


def pair_sentences(store: Store, first: str, second: str) -> list[PairSentence]:
    """Every sentence naming both actors, in corpus order (date, article, offset)."""
    rows = store.db.execute(
        "SELECT a.n, a.id, a.published, a.title, a.body FROM articles a WHERE a.n IN "
        "(SELECT article FROM mentions WHERE entity = ? INTERSECT "
        "SELECT article FROM mentions WHERE entity = ?) ORDER BY a.sort_key, a.n",
        (first, second),
    )
    found: list[PairSentence] = []
    for n, aid, published, title, body in rows.fetchall():
        marks: dict[tuple[int, int], dict[str, list[tuple[int, int]]]] = {}
        spans = {"title": [(0, len(title))], "body": sentences(body)}
        mentions = store.db.execute(
            "SELECT entity, field, start, end FROM mentions WHERE article = ? AND entity IN (?, ?) "
            "ORDER BY field, start",
            (n, first, second),
        )
        for entity, fld, start, end in mentions:
            name = FIELDS[fld]
            starts = [s for s, _ in spans[name]] or [0]
            i = sentence_of(starts, start)
            marks.setdefault((fld, i), {}).setdefault(entity, []).append((start, end))
        for (fld, i), by_entity in sorted(marks.items()):
            if len(by_entity) < 2:
                continue
            name = FIELDS[fld]
            text = title if name == "title" else body
            s, e = spans[name][i] if spans[name] else (0, len(text))
            inside = sorted((a - s, b - s) for ms in by_entity.values() for a, b in ms)
            first_at = min(by_entity[first])[0]
            shown = text[s:e].rstrip()
            found.append(
                PairSentence(n, aid, published, name, s, e, shown, tuple(inside), first_at)
            )
    return found


def period_bounds(first: str, last: str) -> tuple[str, str]:
    """The sort keys from the start of period `first` to the end of period `last`
    (`2015-06`, `2015`): what a mention's `sort_key` is compared with."""
    low = first + "-01-01"[len(first) - 4 :] if len(first) < 10 else first
    high = last + "-12-31"[len(last) - 4 :] if len(last) == 4 else last
    if len(high) == 7:
        high += "-31"  # sort keys are ISO days: the 31st is after every day of any month
    return low[:10], high[:10]


def mentions_between(
    store: Store,
    entity_id: str,
    bounds: tuple[str, str],
    offset: int = 0,
    limit: int = -1,
    by: str = "date",
) -> tuple[list[MentionRef], int, int]:
    """A page of an actor's mentions dated within `bounds` (from `period_bounds`), in the
    order `Store.iter_mentions` gives, with how many mentions and articles there are in all."""
    order = (
        "m.text COLLATE NOCASE, m.sort_key, m.article, m.field, m.start"
        if by == "spelling"
        else "m.sort_key, m.article, m.field, m.start"
    )
    where = "m.entity = ? AND m.sort_key BETWEEN ? AND ?"
    params = (entity_id, *bounds)
    rows = store.db.execute(
        "SELECT m.article, a.id, m.sort_key, m.field, m.start, m.end, m.text "
        f"FROM mentions m JOIN articles a ON a.n = m.article WHERE {where} ORDER BY {order} "
        "LIMIT ? OFFSET ?",
        (*params, limit, offset),
    )
    refs = [
        MentionRef(entity_id, n, aid, key, FIELDS[fld], start, end, text)
        for n, aid, key, fld, start, end, text in rows
    ]
    total, articles = store.db.execute(
        f"SELECT count(*), count(DISTINCT m.article) FROM mentions m WHERE {where}", params
    ).fetchone()
    return refs, int(total), int(articles)
