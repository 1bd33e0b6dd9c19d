"""Standard output for the command line: its failures (a full disk, a closed pipe) told apart
from those of the index or the corpus, and text its encoding cannot hold written replaced."""

from __future__ import annotations

import os
import sys
from typing import TextIO

__all__ = ["Guarded", "OutputError", "discard_output", "tolerant_streams"]


class OutputError(Exception):
    """Standard output could not be written (a full disk, a closed pipe, an I/O error)."""

    def __init__(self, error: OSError) -> None:
        super().__init__(str(error))
        self.error = error


class Guarded:
    """Standard output whose failures are told apart from those of the index or the corpus."""

    def __init__(self, stream: TextIO | None) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text) if self._stream is not None else 0
        except OSError as error:
            raise OutputError(error) from error

    def flush(self) -> None:
        try:
            if self._stream is not None:
                self._stream.flush()
        except OSError as error:
            raise OutputError(error) from error


def tolerant_streams() -> None:
    """Write what an output's encoding cannot hold as replacement characters, not a traceback."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="replace")


def discard_output(out: TextIO) -> None:
    """Point standard output at /dev/null, so the exit's flush of what is left cannot fail too."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, out.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass
