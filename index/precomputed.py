"""What the overview would otherwise work out from the text in every new process, stored with
each article when its mentions are written: its actors by sentence and its distinct words.

Co-mentions "in the same sentence" need every article that mentions an actor split into
sentences (3 s for the most-mentioned actor at 57k); keyness needs the distinct words of every
result article, each reduced to the index's term (7 s for 5,000 articles). Both depend only on
an article's text and mentions, so they are written in the same transaction as the mentions
(`Store.put_articles` for builds and updates, `Store.replace_mentions` for curation) and read
back in a fresh process in milliseconds:

- `sentence_actors`: per article, its year and the sorted numbers `actor << 16 | sentence`
  (sentence 0 is the title, body sentences count from 1), actors numbered in `actor_codes`.
  An article whose body names a single actor is not split: no sentence of its body can be
  shared, so its body mentions are placed in sentence 1 (the counts are the same).
- `article_words`: per article, the codes of its distinct words (3+ letters, casefolded), in
  no order, numbered in `words` with the term (`stem`) each is reduced to (none: a stop word).

What is stored is checked when read: a row that cannot be decoded, an article with mentions
and no row, or a store written by another splitter (`signature()`, kept in the store's meta) is
not trusted; the reader computes from the text instead and says so, and the next update
rewrites what is missing (`repair`).
"""

from __future__ import annotations

import re
import sqlite3
import zlib
from array import array
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from typing import Any

from index import cooccurrence
from index.records import Mention

__all__ = [
    "SCHEMA",
    "WORD",
    "Written",
    "actor_ids",
    "article_words",
    "forget",
    "places",
    "put",
    "put_places",
    "repair",
    "sentence_actors",
    "sentence_actors_of",
    "signature",
    "stems_of",
    "trusted",
]

SCHEMA = (
    """
CREATE TABLE IF NOT EXISTS actor_codes (code INTEGER PRIMARY KEY, entity TEXT UNIQUE NOT NULL);
CREATE TABLE IF NOT EXISTS sentence_actors (
    article INTEGER PRIMARY KEY, year TEXT, places BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS words (code INTEGER PRIMARY KEY, word TEXT UNIQUE NOT NULL, stem TEXT);
CREATE TABLE IF NOT EXISTS article_words (article INTEGER PRIMARY KEY, codes BLOB NOT NULL);
"""
    + cooccurrence.SCHEMA
)
# The version of what is stored, and the meta key its signature is kept under.
FORMAT = "1"
SIGNATURE_KEY = "precomputed"
# The words keyness counts: letters only, at least three.
WORD = re.compile(r"[^\W\d_]{3,}")
# A text whose sentences tell one version of the splitter from another.
_PROBE = (
    "Gen. Dostum met the U.S. envoy at 5 p.m. in Mazar-i-Sharif. Mr. Noor did not!\n\n"
    'A headline without a stop\nGov. Atta said: "No." Then he left... It was 2015.'
)
_MAX_ACTOR = 0xFFFF
_CHUNK = 500


@cache
def signature() -> str:
    """What the stored rows were made with: their format, and the splitter's answer on a probe
    (a new splitter that splits differently makes the stored sentences stale)."""
    from index.sentences import sentences

    return f"{FORMAT}:{zlib.crc32(repr(sentences(_PROBE)).encode()):08x}"


def trusted(db: sqlite3.Connection) -> bool:
    """Whether the store's rows were written as this code writes them."""
    try:
        row = db.execute("SELECT value FROM meta WHERE key = ?", (SIGNATURE_KEY,)).fetchone()
    except sqlite3.Error:
        return False
    return row is not None and row[0] == signature()


# --- writing ------------------------------------------------------------------------------


# An article as written: its number, its date (`2015-06`, or None), its body, its mentions.
Written = tuple[int, str | None, str, Sequence[Mention]]


def put(db: sqlite3.Connection, items: Sequence[Written]) -> None:
    """Store the actors by sentence and the words of articles just written, inside the
    transaction that wrote them (a new store is signed by its first write)."""
    if not items:
        return
    put_places(db, items)
    _put_words(db, [(n, body) for n, _, body, _ in items])
    _sign(db)


def put_places(db: sqlite3.Connection, items: Sequence[Written]) -> None:
    """Store (or replace) the actors by sentence of articles whose mentions were written,
    and keep the co-mention sums with them (`index/cooccurrence.py`)."""
    codes = _actor_codes(db, {m.entity_id for *_, mentions in items for m in mentions})
    keeping = _keeping(db)
    sums: cooccurrence.Sums = {}
    if keeping:
        keeping = _take_away(db, [n for n, *_ in items], sums)
    rows = []
    for n, published, body, mentions in items:
        if any(codes[m.entity_id] > _MAX_ACTOR for m in mentions):
            # Cannot be numbered: no row (read from the text), and no sums to keep.
            db.execute("DELETE FROM sentence_actors WHERE article = ?", (n,))
            keeping = False
            continue
        year = published[:4] if published else None
        placed = places(body, mentions, codes)
        rows.append((n, year, placed.tobytes()))
        cooccurrence.contribution(year, placed, sums)
    db.executemany("INSERT OR REPLACE INTO sentence_actors VALUES (?, ?, ?)", rows)
    if keeping:
        cooccurrence.change(db, sums)
    else:
        cooccurrence.stale(db)


def _keeping(db: sqlite3.Connection) -> bool:
    """Whether the co-mention sums are kept with the rows: they were, or the store has
    neither rows nor sums yet (a new store, or one emptied to be written again)."""
    if cooccurrence.fresh(db, signature()):
        return True
    empty = (
        "SELECT (SELECT 1 FROM sentence_actors LIMIT 1), (SELECT 1 FROM comention_counts LIMIT 1)"
    )
    if db.execute(empty).fetchone() == (None, None):
        cooccurrence.mark_fresh(db, signature())
        return True
    return False


def _take_away(db: sqlite3.Connection, ns: Sequence[int], sums: cooccurrence.Sums) -> bool:
    """Take from `sums` what the stored rows of `ns` add; False when one cannot be read (the
    sums then cannot be kept)."""
    top = len(actor_ids(db))
    for chunk in _chunks(ns):
        marks = ",".join("?" * len(chunk))
        sql = f"SELECT year, places FROM sentence_actors WHERE article IN ({marks})"
        for year, blob in db.execute(sql, chunk):
            placed = _readable(blob, top)
            if placed is None:
                return False
            cooccurrence.contribution(year if isinstance(year, str) else None, placed, sums, -1)
    return True


def places(body: str, mentions: Sequence[Mention], codes: Mapping[str, int]) -> array[int]:
    """An article's actors by sentence: sorted `code << 16 | sentence` (the title 0)."""
    from index.sentences import sentence_of, sentence_starts

    in_body = {m.entity_id for m in mentions if m.field == "body"}
    starts = sentence_starts(body) if len(in_body) > 1 else None
    placed = set()
    for m in mentions:
        if m.field != "body":
            at = 0
        elif starts is None:
            at = 1  # the only actor of the body: no sentence of it is shared
        else:
            at = min(sentence_of(starts, m.start) + 1, 0xFFFF)
        placed.add(codes[m.entity_id] << 16 | at)
    return array("I", sorted(placed))


def forget(db: sqlite3.Connection, article_n: int) -> None:
    """Forget what was stored for an article that is removed (and what it added to the
    co-mention sums)."""
    if cooccurrence.fresh(db, signature()):
        sums: cooccurrence.Sums = {}
        if _take_away(db, [article_n], sums):
            cooccurrence.change(db, sums)
        else:
            cooccurrence.stale(db)
    db.execute("DELETE FROM sentence_actors WHERE article = ?", (article_n,))
    db.execute("DELETE FROM article_words WHERE article = ?", (article_n,))


def _actor_codes(db: sqlite3.Connection, entities: set[str]) -> dict[str, int]:
    codes = {entity: code for code, entity in db.execute("SELECT code, entity FROM actor_codes")}
    missing = sorted(entities - codes.keys())
    if missing:
        db.executemany("INSERT INTO actor_codes (entity) VALUES (?)", [(e,) for e in missing])
        codes = {e: c for c, e in db.execute("SELECT code, entity FROM actor_codes")}
    return codes


class _Vocabulary:
    """The words table as one writing process last saw it (each word's code), checked
    against the table's size before each use: a rolled-back write or another process's
    makes it read again."""

    def __init__(self) -> None:
        self.where: object = None
        self.size = -1
        self.codes: dict[str, int] = {}

    def current(self, db: sqlite3.Connection) -> None:
        where = db.execute("PRAGMA database_list").fetchone()[2]
        size = db.execute("SELECT count(*) FROM words").fetchone()[0]
        if (where, size) != (self.where, self.size):
            self.codes = dict(db.execute("SELECT word, code FROM words"))
            self.where, self.size = where, size


_VOCABULARY = _Vocabulary()


def _put_words(db: sqlite3.Connection, items: Sequence[tuple[int, str]]) -> None:
    vocabulary = _VOCABULARY
    vocabulary.current(db)
    codes = vocabulary.codes
    found = [(n, set(WORD.findall(body.casefold()))) for n, body in items]
    new = sorted(set().union(*(words for _, words in found)).difference(codes))
    if new:
        stems = stems_of(new)
        start = len(codes) + 1
        rows = [(start + i, word, stems[word]) for i, word in enumerate(new)]
        db.executemany("INSERT INTO words VALUES (?, ?, ?)", rows)
        for code, word, _ in rows:
            codes[word] = code
        vocabulary.size += len(rows)
    code_of = codes.__getitem__
    db.executemany(
        "INSERT OR REPLACE INTO article_words VALUES (?, ?)",
        [(n, array("I", map(code_of, words)).tobytes()) for n, words in found],
    )


_STEMS: dict[str, str | None] = {}
_ANALYZER: list[Any] = []


def stems_of(words: Sequence[str]) -> dict[str, str | None]:
    """Each word (letters only, casefolded) as the body's analyzer reduces it: its index
    term, or None for a stop word. One pass of the analyzer over all of them (a call per
    word costs 20 µs of set-up)."""
    missing = [w for w in dict.fromkeys(words) if w not in _STEMS]
    if missing:
        if not _ANALYZER:
            from index.analysis import body_analyzer

            _ANALYZER.append(body_analyzer())
        text = " ".join(missing)
        at: dict[int, str] = {}
        offset = 0
        for word in missing:
            at[offset] = word
            _STEMS[word] = None
            offset += len(word) + 1
        for token in _ANALYZER[0](text, chars=True):
            if (found := at.get(token.startchar)) is not None:
                _STEMS[found] = token.text
    return {w: _STEMS[w] for w in words}


def _sign(db: sqlite3.Connection) -> None:
    if not trusted(db):
        db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (SIGNATURE_KEY, signature()))


# --- reading ------------------------------------------------------------------------------


def actor_ids(db: sqlite3.Connection) -> list[str]:
    """The actors' ids by their code in the stored rows ("" for a code not in use)."""
    names = dict(db.execute("SELECT code, entity FROM actor_codes"))
    ids = [""] * (max(names, default=0) + 1)
    for code, entity in names.items():
        ids[code] = entity
    return ids


def sentence_actors(
    db: sqlite3.Connection, ns: Sequence[int], ids: Sequence[str]
) -> dict[int, tuple[str | None, array[int]]]:
    """The stored actors by sentence (year and places) of the articles of `ns` that have a
    readable row: one whose actors are all known to `ids` (from `actor_ids`)."""
    top = len(ids)
    found: dict[int, tuple[str | None, array[int]]] = {}
    for chunk in _chunks(ns):
        marks = ",".join("?" * len(chunk))
        rows = db.execute(
            f"SELECT article, year, places FROM sentence_actors WHERE article IN ({marks})", chunk
        )
        for n, year, blob in rows:
            placed = _readable(blob, top)
            if placed is not None:
                found[n] = (year if isinstance(year, str) else None, placed)
    return found


def sentence_actors_of(
    db: sqlite3.Connection, entity_id: str, ids: Sequence[str]
) -> tuple[dict[int, tuple[str | None, array[int]]], list[int]]:
    """The stored actors by sentence of every article that mentions `entity_id` (as
    `sentence_actors`), read in one query; and the articles that mention it with no
    readable row."""
    rows = db.execute(
        "SELECT m.article, s.year, s.places FROM (SELECT DISTINCT article FROM mentions "
        "WHERE entity = ?) m LEFT JOIN sentence_actors s ON s.article = m.article",
        (entity_id,),
    )
    found: dict[int, tuple[str | None, array[int]]] = {}
    missing: list[int] = []
    for n, year, blob in rows:
        placed = _readable(blob, len(ids))
        if placed is None:
            missing.append(n)
        else:
            found[n] = (year if isinstance(year, str) else None, placed)
    return found, missing


def _readable(blob: object, top: int) -> array[int] | None:
    """A stored row's places, None when it cannot be decoded or names an actor code that
    `actor_ids` does not know (sorted: the first and last bound every code)."""
    placed = _decode(blob)
    if placed is None or (placed and not 0 < placed[0] >> 16 <= placed[-1] >> 16 < top):
        return None
    return placed


def article_words(db: sqlite3.Connection, ns: Sequence[int]) -> dict[int, array[int]]:
    """The stored word codes of the articles of `ns` that have a readable row."""
    found: dict[int, array[int]] = {}
    for chunk in _chunks(ns):
        marks = ",".join("?" * len(chunk))
        rows = db.execute(
            f"SELECT article, codes FROM article_words WHERE article IN ({marks})", chunk
        )
        for n, blob in rows:
            codes = _decode(blob)
            if codes is not None:
                found[n] = codes
    return found


def _decode(blob: object) -> array[int] | None:
    if not isinstance(blob, bytes) or len(blob) % 4:
        return None
    values = array("I")
    values.frombytes(blob)
    return values


def _chunks(ns: Sequence[int]) -> Iterable[list[int]]:
    for start in range(0, len(ns), _CHUNK):
        yield list(ns[start : start + _CHUNK])


# --- repair -------------------------------------------------------------------------------


def repair(db: sqlite3.Connection) -> int:
    """Inside an update's transaction: write the rows of every article that has none, or all
    of them when the store was written another way; how many articles were written."""
    from index.records import FIELDS

    if trusted(db):
        wanted = [
            n
            for (n,) in db.execute(
                "SELECT n FROM articles WHERE n NOT IN (SELECT article FROM article_words) "
                "OR n NOT IN (SELECT article FROM sentence_actors) "
                "OR n IN (SELECT article FROM sentence_actors WHERE length(places) % 4 != 0) "
                "OR n IN (SELECT article FROM article_words WHERE length(codes) % 4 != 0)"
            )
        ]
    else:
        wanted = [n for (n,) in db.execute("SELECT n FROM articles")]
        db.execute("DELETE FROM sentence_actors")
        db.execute("DELETE FROM article_words")
        db.execute("DELETE FROM comention_counts")
        cooccurrence.stale(db)
    for chunk in _chunks(wanted):
        marks = ",".join("?" * len(chunk))
        mentions: dict[int, list[Mention]] = {n: [] for n in chunk}
        for n, entity, fld, start, end, text in db.execute(
            f"SELECT article, entity, field, start, end, text FROM mentions "
            f"WHERE article IN ({marks}) ORDER BY article, field, start",
            chunk,
        ):
            mentions[n].append(Mention(entity, FIELDS[fld], start, end, text))
        rows = db.execute(f"SELECT n, published, body FROM articles WHERE n IN ({marks})", chunk)
        put(db, [(n, published, body, mentions[n]) for n, published, body in rows])
    _sign(db)
    if not cooccurrence.fresh(db, signature()):
        _sum_again(db)
    return len(wanted)


def _sum_again(db: sqlite3.Connection) -> None:
    """Add the co-mention sums up again from every row (a store written before they were
    kept, or one whose sums could not be kept): trusted once every row could be read."""
    top = len(actor_ids(db))
    readable: list[tuple[str | None, array[int]]] = []
    for year, blob in db.execute("SELECT year, places FROM sentence_actors"):
        placed = _readable(blob, top)
        if placed is None:
            return
        readable.append((year if isinstance(year, str) else None, placed))
    missing = db.execute(
        "SELECT 1 FROM mentions WHERE article NOT IN (SELECT article FROM sentence_actors) LIMIT 1"
    ).fetchone()
    if missing is not None:
        return  # an article with mentions and no row: its sentences are read from the text
    cooccurrence.rebuild(db, readable)
    cooccurrence.mark_fresh(db, signature())
