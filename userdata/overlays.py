"""Where a person's gazetteers live, and the gazetteer in force for one corpus.

In the user data directory, `gazetteers/global.yaml` applies to every corpus and
`gazetteers/<corpus key>.yaml` to one (the key is the corpus's index folder name: its name and
a hash of its resolved path, so it stays the same from run to run). Files given with
`--entities` come between the two; curation writes to the corpus's own file. Layering itself
is `corpus.layers`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from corpus import BUNDLED_ARTICLES, Gazetteer, Problem
from corpus.layers import load_layered
from index.gazcache import cached_gazetteer
from index.paths import expand_user, index_dir_for
from userdata.paths import data_dir

__all__ = ["corpus_key", "corpus_overlay", "global_overlay", "layer_paths", "load_for"]


def corpus_key(corpus: Path | None) -> str:
    """The stable key of a corpus: the same as its index folder's name."""
    return index_dir_for(expand_user(corpus or BUNDLED_ARTICLES), Path("/")).name


def global_overlay(folder: Path | None = None) -> Path:
    """The overlay that applies to every corpus."""
    return data_dir(folder) / "gazetteers" / "global.yaml"


def corpus_overlay(corpus: Path | None, folder: Path | None = None) -> Path:
    """The overlay of one corpus: where curation writes."""
    return data_dir(folder) / "gazetteers" / f"{corpus_key(corpus)}.yaml"


def layer_paths(corpus: Path | None, extra: Sequence[Path] = ()) -> list[Path]:
    """The layers over the bundled gazetteer, lowest first: global, `extra`, the corpus's."""
    return [global_overlay(), *(expand_user(p) for p in extra), corpus_overlay(corpus)]


def load_for(
    corpus: Path | None,
    extra: Sequence[Path] = (),
    replacing: Mapping[Path, bytes] | None = None,
    index_root: Path | None = None,
) -> tuple[Gazetteer, list[Problem]]:
    """The gazetteer in force for `corpus`: the bundled one (parsed once and kept in the
    index cache under `index_root`, `index.gazcache`) with every layer over it.

    A file given in `extra` must exist (a ValueError says which does not); an overlay that
    cannot be read is left out and reported in the problems, with its line.
    """
    for path in extra:
        if not expand_user(path).is_file():
            raise ValueError(f"{path}: no such gazetteer file (--entities)")
    root = index_dir_for(expand_user(corpus or BUNDLED_ARTICLES), index_root).parent
    base = cached_gazetteer(None, root)
    return load_layered(layer_paths(corpus, extra), replacing=replacing, loaded=base)
