"""Actors the gazetteer does not know yet: capitalised multi-word names frequent across several
articles, grouped with their likely variants.

A candidate is a run of two to five capitalised words ("Elias Varga", "Ines Quarry", with
particles such as "bin" or "al" inside), from which leading titles and sentence openers are
dropped ("Commissioner Elias Varga" is "Elias Varga"); occurrences that overlap a mention the
index already holds are left out, and so are names the gazetteer spells. Variants are grouped:
the same name folded (case, accents, hyphens), or one name inside another at word boundaries
("Varga" is never a candidate alone: one word is too ambiguous).

This is the capitalised-n-gram way. YAKE (a maintained keyword extractor without a model) was
measured against it: on the election corpus of the tests both find all 7 names, YAKE at 0.64
precision ("Commissioner Elias", "Renewal Party") against 0.88 here, and it took 110 s for
1,000 articles of the 57k corpus against 0.3 s here (about 6,000 s for the whole corpus, a
hundred times the floor). The result is
cached beside the index, keyed by the index's last commit and the gazetteer's fingerprint, so
it is computed again only when the corpus or the gazetteer changed.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from corpus import Gazetteer, alias_key
from corpus.layers import COMMON_WORDS
from index.analysis import fold
from index.generation import gazetteer_fingerprint
from index.store import Store

__all__ = ["Suggestion", "suggest"]

_WORD = r"[A-Z][\w'’.-]*[\w]"
_PARTICLE = r"(?:bin|ibn|al|el|ul|ud|de|da|van|von|der|la|du)"
_NAME = re.compile(rf"\b{_WORD}(?:(?:[ \-]{_PARTICLE})?[ ]{_WORD}){{1,4}}\b")
# Words that open a run without being part of a name: titles and sentence openers.
TITLES = frozenset(
    """
    mr mrs ms dr sir lord lady president vice prime minister general gen col colonel major
    commander commissioner governor mayor senator judge justice chief king queen prince
    sheikh mullah maulvi haji professor prof chairman secretary ambassador spokesman
    spokeswoman deputy acting former late foreign interior defence defense
    """.split()  # noqa: SIM905 (a list of words reads better as prose)
) | {w for w in COMMON_WORDS}
# Words that end a run without being part of a name ("Varga And" in a headline).
_CLOSERS = frozenset({"the", "and", "of", "in", "on", "at", "to", "for", "but", "or", "a", "an"})
Progress = Callable[[int, int], None]
CACHE = "suggestions.json"


@dataclass(slots=True)
class Suggestion:
    """One candidate actor and its variants, with where and when it appears."""

    name: str
    variants: list[str]
    count: int
    articles: int
    first: str | None
    last: str | None
    examples: list[str] = field(default_factory=list)


@dataclass(slots=True)
class _Seen:
    spellings: dict[str, int] = field(default_factory=dict)
    count: int = 0
    articles: set[int] = field(default_factory=set)
    first: str | None = None
    last: str | None = None
    examples: list[tuple[int, str]] = field(default_factory=list)


def _candidates(text: str) -> list[tuple[int, int, str]]:
    found = []
    for match in _NAME.finditer(text):
        words = match.group().split(" ")
        start = match.start()
        while words and alias_key(words[0].rstrip(".")) in TITLES:
            start += len(words[0]) + 1
            words = words[1:]
        while words and alias_key(words[-1]) in _CLOSERS:
            words = words[:-1]
        if len(words) >= 2:
            name = " ".join(words)
            found.append((start, start + len(name), name))
    return found


def _context(text: str, start: int, end: int, width: int = 50) -> str:
    left = text[max(0, start - width) : start].split("\n")[-1]
    right = text[end : end + width].split("\n")[0]
    return " ".join(f"{left}{text[start:end]}{right}".split())


def suggest(
    store: Store,
    gazetteer: Gazetteer,
    min_articles: int = 3,
    progress: Progress | None = None,
    cache_dir: Path | None = None,
) -> list[Suggestion]:
    """Candidate actors, most widespread first (cached in `cache_dir` when given)."""
    key = hashlib.blake2b(
        f"{store.get_meta('whoosh_files')}|{store.count()}|{gazetteer_fingerprint(gazetteer)}|"
        f"{min_articles}".encode(),
        digest_size=12,
    ).hexdigest()
    cached = _read_cache(cache_dir, key)
    if cached is not None:
        if progress is not None:
            progress(1, 1)
        return cached
    known = {alias_key(s) for e in gazetteer.entities for s in (*e.spellings, *e.shared_aliases)}
    seen: dict[str, _Seen] = {}
    total = store.count()
    rows = store.db.execute("SELECT n, title, body, published FROM articles ORDER BY n")
    for done, (n, title, body, published) in enumerate(rows, 1):
        mentioned = {(m.field, m.start, m.end) for m in store.mentions_in(n)}
        for field_name, text in (("title", title), ("body", body)):
            spans = sorted((s, e) for f, s, e in mentioned if f == field_name)
            for start, end, name in _candidates(text or ""):
                if any(s < end and start < e for s, e in spans):
                    continue
                folded = fold(alias_key(name))
                if alias_key(name) in known:
                    continue
                entry = seen.setdefault(folded, _Seen())
                entry.spellings[name] = entry.spellings.get(name, 0) + 1
                entry.count += 1
                if n not in entry.articles and len(entry.examples) < 2:
                    entry.examples.append((n, _context(text, start, end)))
                entry.articles.add(n)
                if published:
                    entry.first = min(entry.first or published, published)
                    entry.last = max(entry.last or published, published)
        if progress is not None and (done % 500 == 0 or done == total):
            progress(done, total)
    found = _grouped(seen, min_articles)
    _write_cache(cache_dir, key, found)
    return found


def _grouped(seen: dict[str, _Seen], min_articles: int) -> list[Suggestion]:
    """Variants folded together: a name inside another at word boundaries joins the longer
    one (when that one is itself frequent enough)."""
    wide = {k: v for k, v in seen.items() if len(v.articles) >= min_articles}
    parent = {k: k for k in wide}
    # Each name's runs of words, to the longest other name holding them (names are at most
    # five words: fifteen runs each, so this is linear in the number of names).
    holder: dict[str, str] = {}
    for name in sorted(wide, key=len):
        words = name.split(" ")
        for i in range(len(words)):
            for j in range(i + 1, len(words) + 1):
                run = " ".join(words[i:j])
                if run != name:
                    holder[run] = name
    for name in wide:
        if name in holder:
            parent[name] = holder[name]

    def root(k: str) -> str:
        while parent[k] != k:
            k = parent[k]
        return k

    groups: dict[str, list[str]] = {}
    for k in wide:
        groups.setdefault(root(k), []).append(k)
    result = []
    for members in groups.values():
        parts = [wide[m] for m in members]
        spellings: dict[str, int] = {}
        for part in parts:
            for spelling, count in part.spellings.items():
                spellings[spelling] = spellings.get(spelling, 0) + count
        ordered = sorted(spellings, key=lambda s: (-spellings[s], s))
        articles = set().union(*(p.articles for p in parts))
        firsts = [p.first for p in parts if p.first]
        lasts = [p.last for p in parts if p.last]
        examples = [text for p in parts for _, text in p.examples][:2]
        result.append(
            Suggestion(
                name=ordered[0],
                variants=ordered,
                count=sum(p.count for p in parts),
                articles=len(articles),
                first=min(firsts) if firsts else None,
                last=max(lasts) if lasts else None,
                examples=examples,
            )
        )
    result.sort(key=lambda s: (-s.articles, -s.count, s.name))
    return result


def _read_cache(folder: Path | None, key: str) -> list[Suggestion] | None:
    if folder is None:
        return None
    try:
        data = json.loads((folder / CACHE).read_text(encoding="utf-8"))
        if data.get("key") != key:
            return None
        return [Suggestion(**item) for item in data["suggestions"]]
    except (OSError, ValueError, TypeError, KeyError):
        return None  # no cache, or one this version cannot read: computed again


def _write_cache(folder: Path | None, key: str, found: list[Suggestion]) -> None:
    if folder is None:
        return
    data = {"key": key, "suggestions": [asdict(s) for s in found]}
    temporary = folder / f".{CACHE}.tmp"
    try:
        temporary.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        temporary.replace(folder / CACHE)
    except OSError:
        pass  # a cache that cannot be written is only slower next time
