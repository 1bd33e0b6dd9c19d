"""Does the installed Whoosh still look the way the fast path reads it?

The fast path reads private attributes of Whoosh's matchers, scorers, term readers, column
readers and files, and the pickled layout of a block of postings. A Whoosh release or fork
that changes one of them could make it wrong, not only fail. So, once per process, before
the first index is opened: every internal it names is looked for, and a small index held in
memory is searched both ways (blocks read, field lengths, rankings, totals). Any difference
is a problem naming the internal; the engine then answers with plain Whoosh and says so.
"""

from __future__ import annotations

import functools
import inspect
import tempfile
from pathlib import Path
from typing import Any

import whoosh
from whoosh import query as wq
from whoosh.filedb.filestore import FileStorage, RamStorage
from whoosh.index import Index
from whoosh.util.numeric import byte_to_length

from corpus import Gazetteer
from index.expansion import Budget, multiterms
from index.fastpath import FastPath
from index.fastpath.evaluate import field_lengths
from index.fastpath.postings import read_scoring_data
from index.fastpath.terms import TermCache
from index.gazcache import checked_once, digest_of_sources, stamp
from index.pairs import PAIR_FIELDS
from index.plain import ENV_PLAIN_WHOOSH, PlainWhoosh, Reading
from index.query import QueryCompiler
from index.schema import make_schema

__all__ = ["INTERNALS", "shape_problems"]

# (module, class, attribute or method, the parameters a method must take first)
INTERNALS: tuple[tuple[str, str, str, tuple[str, ...] | None], ...] = (
    ("whoosh.codec.whoosh3", "W3LeafMatcher", "_read_ids", ("self",)),
    ("whoosh.codec.whoosh3", "W3LeafMatcher", "_read_weights", ("self",)),
    ("whoosh.codec.whoosh3", "W3LeafMatcher", "_next_block", ("self",)),
    ("whoosh.codec.whoosh3", "W3LeafMatcher", "_read_data", ("self",)),
    ("whoosh.codec.whoosh3", "W3PerDocReader", "_cached_reader", ("self", "fieldname", "column")),
    ("whoosh.codec.whoosh3", "W3Codec", "postings_reader", ("self", "dbfile", "terminfo")),
    ("whoosh.codec.whoosh3", "W3TermsReader", "term_info", ("self", "fieldname", "tbytes")),
    ("whoosh.codec.whoosh3", "_lenfield", "", ("fieldname",)),
    ("whoosh.codec.whoosh3", "LENGTHS_COLUMN", "", None),
    ("whoosh.columns", "NumericColumn", "Reader", None),
    ("whoosh.filedb.structfile", "StructFile", "read_pickle", ("self",)),
    ("whoosh.filedb.structfile", "StructFile", "subset", ("self", "offset", "length")),
    ("whoosh.filedb.structfile", "BufferFile", "", None),
    ("whoosh.filedb.compound", "SubFile", "", None),
    ("whoosh.filedb.filestore", "FileStorage", "_fpath", ("self", "fname")),
    ("whoosh.filedb.filestore", "FileStorage", "open_file", ("self", "name")),
    ("whoosh.matching.binary", "IntersectionMatcher", "", None),
    ("whoosh.matching.binary", "UnionMatcher", "", None),
    ("whoosh.matching.combo", "ArrayUnionMatcher", "", None),
    ("whoosh.matching.wrappers", "FilterMatcher", "", None),
    ("whoosh.matching.wrappers", "InverseMatcher", "", None),
    ("whoosh.matching.wrappers", "WrappingMatcher", "", None),
    ("whoosh.scoring", "BM25FScorer", "_score", ("self", "weight", "length")),
    ("whoosh.scoring", "WeightScorer", "", None),
    ("whoosh.query", "MultiTerm", "_btexts", ("self", "ixreader")),
    ("whoosh.query", "PatternQuery", "_find_prefix", ("self", "text")),
    ("whoosh.query", "Wildcard", "_get_pattern", ("self",)),
    ("whoosh.query", "Or", "matcher_type", None),
    ("whoosh.query", "Or", "AUTO_MATCHER", None),
    ("whoosh.query", "Or", "DEFAULT_MATCHER", None),
    ("whoosh.query", "Or", "ARRAY_MATCHER", None),
    ("whoosh.query", "Or", "TOO_MANY_CLAUSES", None),
    ("whoosh.searching", "Searcher", "avg_field_length", ("self", "fieldname")),
    ("whoosh.searching", "SearchContext", "set", ("self",)),
    ("whoosh.util.numeric", "byte_to_length", "", ("key",)),
)

# Instance attributes, looked for on the objects of the small index.
LEAF_MATCHER_FIELDS = (
    "_term", "_blocklength", "_postfile", "_dataoffset", "_nextoffset", "_compression",
    "_byteids", "_ids", "_weights", "_i", "_maxid", "scorer",
)  # fmt: skip
COLUMN_FIELDS = ("_typecode", "_count", "_dbfile", "_basepos")

# Searched both ways on the small index.
QUERIES = (
    "alpha",
    "alpha beta",
    "alpha OR gamma OR delta",
    "alpha -beta",
    '"alpha beta"',
    '"alpha alpha beta"',
    "gam*",
    "alpa~",
    "(alpha OR beta) gamma",
)


def _internal(module: str, owner: str, name: str, params: tuple[str, ...] | None) -> str | None:
    """What is wrong with one internal (None: it is as expected)."""
    where = f"{module}.{owner}{'.' + name if name else ''}"
    try:
        value: Any = getattr(__import__(module, fromlist=[owner]), owner)
        if name:
            value = getattr(value, name)
    except (ImportError, AttributeError):
        return f"{where} is missing"
    if params is not None:
        try:
            found = tuple(inspect.signature(value).parameters)
        except (TypeError, ValueError):
            return f"{where} is no longer a function"
        if found[: len(params)] != params:
            return f"{where} takes ({', '.join(found)}), not ({', '.join(params)}, ...)"
    return None


class _PrivateRamStorage(RamStorage):
    """Whoosh's memory storage, whose writer's scratch folder is this process's own.

    Whoosh's own puts it at `<tmp>/MAIN.tmp`, one name for every process: two afreader
    processes checking at once would delete each other's files."""

    def __init__(self, scratch: str) -> None:
        super().__init__()
        self._scratch = scratch

    def temp_storage(self, name: str | None = None) -> FileStorage:
        return FileStorage(tempfile.mkdtemp(dir=self._scratch)).create()


def _small_index(scratch: str) -> Index:
    """Sixty short articles in memory, with the project's schema: words whose counts vary
    (so weights are minified in every way Whoosh does), in blocks of postings of any size.
    The writer's scratch files go in `scratch`."""
    # the pairs of alpha and beta are indexed: '"alpha beta"' is read from its pairs
    ix = _PrivateRamStorage(scratch).create_index(make_schema(frozenset({"alpha", "beta"})))
    writer = ix.writer()
    for n in range(60):
        words = ["alpha"] * (1 + n % 3) + ["beta"] * (n % 2) + ["gamma"] * (n % 5 == 0)
        words += ["delta", f"w{n}"] * (n % 7 == 0) + ["gamble"] * (n % 4 == 1)
        title, body = f"t{n % 9}", " ".join(words) or "empty"
        pairs = {PAIR_FIELDS["title"]: title, PAIR_FIELDS["body"]: body}
        writer.add_document(id=str(n), title=title, body=body, **pairs)
    writer.commit()
    return ix


def _behaviour(ix: Index) -> list[str]:
    """Differences between the fast path and plain Whoosh on the small index."""
    problems: list[str] = []
    fast, plain = FastPath(), PlainWhoosh()
    fast_reading = Reading(fast.open_searcher(ix))
    plain_reading = Reading(plain.open_searcher(ix))
    try:
        leaf = fast_reading.searcher.leaf_searchers()[0][0]
        reader = leaf.reader()
        if type(getattr(reader, "_terms", None)) is not TermCache:
            problems.append("SegmentReader._terms is not a whoosh.codec.whoosh3.W3TermsReader")
        context = fast_reading.searcher.context()
        m = wq.Term("body", "alpha").matcher(leaf, context)
        missing = [f for f in LEAF_MATCHER_FIELDS if not hasattr(m, f)]
        missing += [f"scorer.{f}" for f in ("dfl", "_score") if not hasattr(m.scorer, f)]
        context = fast_reading.searcher.context()
        missing += [
            f"SearchContext.{f}" for f in ("needs_current", "weighting") if not hasattr(context, f)
        ]
        if missing:
            problems.append(f"W3LeafMatcher has no {', '.join(missing)}")
        else:
            m._read_ids()
            m._read_weights()
            expected = (tuple(m._ids), list(m._weights))
            m._data = m._ids = m._weights = None
            read_scoring_data(m)
            if m._data is not None or (tuple(m._ids), list(m._weights)) != expected:
                problems.append("the pickled layout of a block of postings (ids, weights, values)")
        lengths = field_lengths(reader, "body")
        if lengths is None or [lengths[d] for d in range(3)] == [0, 0, 0]:
            problems.append("the field length column (W3PerDocReader._cached_reader)")
        for d in range(reader.doc_count_all()):
            length = reader.doc_field_length(d, "body")
            if lengths is not None and byte_to_length(lengths[d]) != length:
                problems.append("the field length column gives other lengths than Whoosh")
                break
        compiler = QueryCompiler(ix.schema, Gazetteer([]))
        for text in QUERIES:
            q = compiler.compile(text).query
            budget = Budget(sum(1 for _ in multiterms(q)), ix.doc_count_all())
            mine = fast.rank(fast_reading, fast.prepare(q, budget), 10, None, None)
            theirs = plain.rank(plain_reading, q, 10, None, None)
            if mine != theirs:
                problems.append(f"the fast path ranks {text!r} otherwise than Whoosh")
    except Exception as error:  # any internal that changed enough to fail
        problems.append(f"the fast path failed on a small index ({type(error).__name__}: {error})")
    finally:
        fast_reading.close()
        plain_reading.close()
    return problems


@functools.cache
def shape_problems(index_root: Path | None = None) -> list[str]:
    """What differs from the Whoosh the fast path was written for (empty: nothing), each
    naming the internal; checked once per process.

    The internals' signatures are read every time; the behaviour (a small index searched both
    ways) only when the fast path's or Whoosh's code differs from the last time it passed in
    `index_root`'s cache (`index.gazcache.checked_once`)."""
    problems = [p for p in (_internal(*spec) for spec in INTERNALS) if p]
    if problems:
        return problems
    key = digest_of_sources(str(Path(__file__).parent), str(Path(whoosh.__file__).parent))
    passed, stamp_path = checked_once("fastpath", key, index_root)
    if passed:
        return []
    with tempfile.TemporaryDirectory(prefix="afreader-check-") as scratch:
        problems = _behaviour(_small_index(scratch))
    if not problems:
        stamp(stamp_path)
    return problems


def explain(problems: list[str]) -> str:
    """The problems as a message for a person who must decide what to do."""
    lines = "\n".join(f"- {p}" for p in problems)
    return (
        f"The fast path relies on Whoosh internals that differ in the installed Whoosh:\n{lines}\n"
        f"Run with {ENV_PLAIN_WHOOSH}=1 meanwhile (plain Whoosh, the same answers, slower), "
        "and update index/fastpath/ to the new shapes."
    )
