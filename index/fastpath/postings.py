"""Reading a block of postings for scoring: its ids and weights, not its positions."""

from __future__ import annotations

import itertools
import pickle
import zlib
from array import array
from typing import Any

from whoosh.codec.whoosh3 import W3LeafMatcher

__all__ = ["FIRST_VALUE", "read_scoring_data"]

# The pickled data of a block of postings, once decompressed, is the tuple (ids, weights,
# values) in pickle protocol 2, where each value (a document's positions and characters) is a
# call to `_codecs.encode` that unpickling makes: most of the cost of reading a block, which
# scoring does not need. Only the beginning of the data is decompressed, up to the first such
# call, and read as (ids, weights).
FIRST_VALUE = b"c_codecs\nencode\n"


def read_scoring_data(m: W3LeafMatcher) -> None:
    """Set a matcher's block ids and weights (`_read_ids`, `_read_weights`) without reading
    its values; when the block is not laid out as expected, read it all as Whoosh does."""
    n = m._blocklength
    data = m._postfile.get(m._dataoffset, m._nextoffset - m._dataoffset)
    if m._compression:
        # ids (at most 5 bytes each), weights (9), the opcodes around them, the marker
        data = zlib.decompressobj().decompress(data, 14 * n + 64)
    at = data.find(FIRST_VALUE)
    head = data[:at] if at > 0 else b""
    for cut in (head[:-1], head) if head.endswith(b"(") else (head,):  # the values' MARK
        try:
            ids, weights = pickle.loads(cut + b"\x86.")  # TUPLE2, STOP
        except Exception:
            continue
        if type(ids) is tuple and len(ids) == n and _weights_fit(weights, n):
            break
    else:
        m._read_ids()
        m._read_weights()
        return
    m._ids = ids if m._byteids else tuple(itertools.accumulate(ids))  # Whoosh's delta_decode
    if weights is None:  # as W3LeafMatcher._read_weights de-minifies them
        m._weights = array("f", (1.0,)) * n
    elif type(weights) is float:
        m._weights = array("f", (weights,)) * n
    else:
        m._weights = weights


def _weights_fit(weights: Any, n: int) -> bool:
    return (
        weights is None
        or type(weights) is float
        or (type(weights) is tuple and len(weights) == n and type(weights[-1]) is float)
    )
