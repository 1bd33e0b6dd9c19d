"""What one input may cost: bounds on the work and memory a single file can ask for.

A gzip file can hold a thousand times its size, and a file of blank lines or empty records
costs a loop turn (and a problem) per line while holding nothing. Each limit is far above any
real corpus (the 57,110-article benchmark file: 39 MB compressed, 117 MB of text, ratio 3,
no blank lines) and ends the read of that file with a problem naming the file and the limit.
Each can be changed through an environment variable, or a `Limits` passed to the reader.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields

from corpus.model import CorpusError

__all__ = ["ENVIRONMENT", "MAX_ARTICLE_BYTES", "Limits", "too_large"]

# One article (a file, or a line of JSON Lines) larger than this is refused without being read
# into memory: the longest real articles are well under 1 MB.
MAX_ARTICLE_BYTES = 10 * 1024 * 1024

# The environment variable of each limit.
ENVIRONMENT = {
    "max_text_bytes": "AFREADER_MAX_TEXT_BYTES",
    "max_ratio": "AFREADER_MAX_RATIO",
    "max_records": "AFREADER_MAX_RECORDS",
    "max_empty_lines": "AFREADER_MAX_EMPTY_LINES",
}


@dataclass(frozen=True, slots=True)
class Limits:
    """The bounds on reading one JSON Lines file.

    - `max_text_bytes`: text read from the file (after decompression): 4 GiB.
    - `max_ratio`: text per compressed byte, once `ratio_floor` bytes of text were read: 100
      (prose and JSON compress 3 to 10 times; a bomb over 1,000).
    - `max_records`: lines holding something: 5,000,000.
    - `max_empty_lines`: blank lines plus lines too short to hold an article (under
      `MIN_RECORD_BYTES`, such as `{}`): 100,000.
    """

    max_text_bytes: int = 4 * 1024**3
    max_ratio: int = 100
    ratio_floor: int = 1024**2
    max_records: int = 5_000_000
    max_empty_lines: int = 100_000

    @classmethod
    def from_environment(cls) -> Limits:
        """The default limits, each replaced by its environment variable when set.

        Raises CorpusError naming the variable when its value is not a positive whole number.
        """
        values: dict[str, int] = {}
        for name, variable in ENVIRONMENT.items():
            raw = os.environ.get(variable)
            if raw is None or not raw.strip():
                continue
            try:
                value = int(raw.strip().replace("_", ""))
            except ValueError:
                value = 0
            if value <= 0:
                raise CorpusError(f"{variable}: expected a positive whole number, got {raw!r}")
            values[name] = value
        return cls(**values)

    def describe(self) -> dict[str, int]:
        """Each limit by name (for reports and documentation)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


# The shortest line that can be an article: an id and a title, each one character.
MIN_RECORD_BYTES = len(b'{"id":0,"title":"x"}')


def too_large(size: int) -> str:
    """The message for an article over MAX_ARTICLE_BYTES."""
    limit = f"{MAX_ARTICLE_BYTES / (1024 * 1024):g} MB"
    return f"not loaded: {size:,} bytes is over the {limit} limit for one article"
