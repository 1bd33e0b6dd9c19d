"""A generated corpus for the search tests, and plain Whoosh to compare the engine with."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.searching import Searcher

from corpus import Gazetteer
from index import Engine

VOCABULARY = (
    "government security forces province council election budget market trade oil price "
    "minister talks nuclear agreement border refugees water drought harvest school hospital "
    "road bridge attack ceasefire negotiation parliament court judge protest strike bank "
    "inflation currency export import factory worker union teacher student university "
    "interest rates report analysts expected growth decline officials said spokesman"
)
WORDS = VOCABULARY.split()
NAMES = ["Dostum", "Atta Mohammad Noor", "Amrullah Saleh", "the Taliban", "Ahmad Massoud"]
PLACES = ["Panjshir", "Kabul", "Mazar-i-Sharif", "Herat", "Bamiyan"]
PHRASES = ["security forces", "interest rates", "oil price", "Dostum and Noor"]


def generated(count: int, seed: int, start: int = 0) -> list[dict[str, object]]:
    """Articles of random words (frequent ones more often), names and places."""
    rng = random.Random(seed)
    weights = [1 / (rank + 1) for rank in range(len(WORDS))]
    records: list[dict[str, object]] = []
    for n in range(start, start + count):
        sentences = []
        for _ in range(rng.randint(2, 12)):
            words = rng.choices(WORDS, weights, k=rng.randint(4, 14))
            if rng.random() < 0.4:
                words.insert(rng.randrange(len(words)), rng.choice(NAMES))
            if rng.random() < 0.3:
                words.append(rng.choice(PLACES))
            if rng.random() < 0.2:
                words.insert(rng.randrange(len(words)), rng.choice(PHRASES))
            sentences.append(" ".join(words).capitalize() + ".")
        title = " ".join(rng.choices(WORDS, weights, k=rng.randint(2, 6))).capitalize()
        records.append(
            {
                "id": f"gen-{n:05d}",
                "title": title,
                "date": f"{2001 + n % 24}-{1 + n % 12:02d}-{1 + n % 28:02d}",
                "source": rng.choice(["Wire", "Daily", "Tribune"]),
                "body": " ".join(sentences),
            }
        )
    return records


def indexed(
    folder: Path, records: list[dict[str, object]], gazetteer: Gazetteer, batch_size: int
) -> tuple[Path, Engine]:
    """`records` as a JSON Lines corpus in `folder`, indexed `batch_size` articles a commit."""
    path = folder / "news.jsonl"
    write_records(path, records)
    engine = Engine(path, index_root=folder / "indexes", gazetteer=gazetteer)
    engine.indexer.batch_size = batch_size
    engine.open()
    return path, engine


def write_records(path: Path, records: list[dict[str, object]]) -> None:
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")


@contextmanager
def plain_searcher(engine: Engine) -> Iterator[Searcher]:
    """Whoosh's own searcher of the engine's index: its own storage (memory-mapped), none of
    the engine's caches or readers."""
    generation = engine.indexer.current()
    assert generation is not None
    ix = whoosh_index.open_dir(str(generation.whoosh_dir))
    with ix.searcher() as searcher:
        yield searcher
    ix.close()


def straightforward(searcher: Searcher, q: wq.Query) -> list[tuple[int, float]]:
    """Whoosh scoring every match, no shortcut: (docnum, score), best first."""
    results = searcher.search(q, limit=None)
    return [(hit.docnum, hit.score) for hit in results]
