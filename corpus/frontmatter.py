"""YAML front matter: split it from a Markdown file and read it safely, with line numbers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from corpus.quoting import safe_text

__all__ = ["FrontMatter", "FrontMatterError", "load_yaml_with_lines", "split_front_matter"]

# A YAML block larger than this is not front matter but an attack or an accident.
MAX_FRONT_MATTER_CHARS = 64 * 1024


class FrontMatterError(ValueError):
    """Front matter that cannot be read; `line` is 1-based in the whole file."""

    def __init__(self, message: str, line: int | None = None) -> None:
        message = safe_text(message)  # YAML's own messages may quote the character it met
        super().__init__(message)
        self.message = message
        self.line = line


def load_yaml_with_lines(text: str, first_line: int = 1) -> Any:
    """Parse YAML safely; errors become FrontMatterError with the line in the file.

    PyYAML is imported here, when YAML is first read: a command over a JSON Lines corpus with
    the parsed gazetteer cached (`index/gazcache.py`) never needs it."""
    from corpus.yamlload import YamlProblem, load_with_lines

    try:
        return load_with_lines(text, first_line)
    except YamlProblem as problem:
        raise FrontMatterError(problem.message, problem.line) from None


@dataclass(frozen=True, slots=True)
class FrontMatter:
    """The parsed front matter (`data`, with `lines` per key) and the body below it."""

    data: dict[str, Any]
    lines: dict[str, int]
    body: str
    body_line: int


def split_front_matter(text: str) -> FrontMatter | None:
    """Split `---` front matter from a document; None when the document has none.

    Raises FrontMatterError when there is an opening `---` but the block is unterminated,
    too large, not valid YAML or not a mapping.
    """
    if not (text.startswith("---\n") or text.startswith("---\r\n")):
        return None
    lines = text.splitlines(keepends=True)
    end = None
    for number, line in enumerate(lines[1:], start=1):
        if line.rstrip("\r\n") in ("---", "..."):
            end = number
            break
    if end is None:
        raise FrontMatterError("front matter opened with '---' on line 1 is never closed", 1)
    block = "".join(lines[1:end])
    if len(block) > MAX_FRONT_MATTER_CHARS:
        raise FrontMatterError(
            f"front matter is larger than {MAX_FRONT_MATTER_CHARS} characters", 1
        )
    data = load_yaml_with_lines(block, first_line=2)
    if data is None:
        data = {"__lines__": {}}
    if not isinstance(data, dict):
        raise FrontMatterError(
            f"front matter must be a mapping of fields, not a {type(data).__name__}", 2
        )
    key_lines = {str(k): v + 1 for k, v in data.pop("__lines__", {}).items()}
    body = "".join(lines[end + 1 :])
    return FrontMatter(
        data={str(k): v for k, v in data.items()},
        lines=key_lines,
        body=body,
        body_line=end + 2,
    )
