"""YAML front matter: split it from a Markdown file and read it safely, with line numbers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

__all__ = ["FrontMatter", "FrontMatterError", "SafeLineLoader", "split_front_matter"]

# A YAML block larger than this is not front matter but an attack or an accident.
MAX_FRONT_MATTER_CHARS = 64 * 1024
# Aliases let a few lines of YAML describe an exponentially large tree ("billion laughs");
# front matter never needs them, so a document with more than this many is refused.
MAX_ALIASES = 64


class FrontMatterError(ValueError):
    """Front matter that cannot be read; `line` is 1-based in the whole file."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


class SafeLineLoader(yaml.SafeLoader):
    """PyYAML's SafeLoader that also records the line of every mapping key.

    Each constructed mapping gets a `__lines__` entry: `{key: line}`, 1-based in the YAML text.
    Only the safe constructors are registered, so Python-object tags are refused as by
    `yaml.safe_load`.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._aliases_seen = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        """Count aliases as they are composed, refusing alias bombs before they grow."""
        if self.check_event(yaml.AliasEvent):
            self._aliases_seen += 1
            if self._aliases_seen > MAX_ALIASES:
                event = self.peek_event()
                # A marked error, so the line reported is the line in the file.
                raise yaml.composer.ComposerError(
                    None,
                    None,
                    f"too many YAML aliases (more than {MAX_ALIASES}): "
                    "refused as a possible alias bomb",
                    event.start_mark,
                )
        return super().compose_node(parent, index)

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        """Turn a constructor's ValueError ("!!int abc") into a YAML error with its line."""
        try:
            return super().construct_object(node, deep=deep)
        except (ValueError, TypeError, OverflowError) as error:
            raise yaml.constructor.ConstructorError(
                None, None, str(error), node.start_mark
            ) from None

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        mapping = super().construct_mapping(node, deep=deep)
        mapping["__lines__"] = {
            key_node.value: key_node.start_mark.line + 1
            for key_node, _ in node.value
            if isinstance(key_node, yaml.ScalarNode)
        }
        return mapping


SafeLineLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, SafeLineLoader.construct_mapping
)
# Dates stay text: PartialDate reads them and says what is wrong with an impossible one
# ("2015-13-01") in the field's own terms, where YAML would only raise.
SafeLineLoader.add_constructor(  # type: ignore[type-var]
    "tag:yaml.org,2002:timestamp", SafeLineLoader.construct_yaml_str
)


def load_yaml_with_lines(text: str, first_line: int = 1) -> Any:
    """Parse YAML safely; errors become FrontMatterError with the line in the file."""
    try:
        return yaml.load(text, Loader=SafeLineLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + first_line if mark is not None else None
        problem = error.problem or "invalid YAML"
        if "could not determine a constructor" in str(error):
            problem = "a YAML tag that is not allowed (only plain data is read)"
        raise FrontMatterError(f"invalid YAML: {problem}", line) from None
    except yaml.YAMLError as error:
        raise FrontMatterError(f"invalid YAML: {error}", first_line) from None
    except RecursionError:
        raise FrontMatterError("invalid YAML: nested too deeply", first_line) from None


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
