"""PyYAML's safe loader with line numbers, and the guard against alias bombs.

Imported only when YAML is read (`corpus.frontmatter.load_yaml_with_lines`): importing PyYAML
costs a command about 15 ms, and one over a JSON Lines corpus with its gazetteer cached never
reads YAML.
"""

from __future__ import annotations

from typing import Any

import yaml

__all__ = ["MAX_ALIASES", "SafeLineLoader", "YamlProblem", "load_with_lines"]

# Aliases let a few lines of YAML describe an exponentially large tree ("billion laughs");
# front matter never needs them, so a document with more than this many is refused.
MAX_ALIASES = 64


class YamlProblem(Exception):
    """YAML that cannot be read: what is wrong, and the 1-based line in the whole file."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


# libyaml (C) when PyYAML was built with it: ten times faster on the gazetteer.
_BaseSafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class SafeLineLoader(_BaseSafeLoader):  # type: ignore[valid-type,misc]
    """PyYAML's safe loader that also records the line of every mapping key.

    Each constructed mapping gets a `__lines__` entry: `{key: line}`, 1-based in the YAML text.
    Only the safe constructors are registered, so Python-object tags are refused as by
    `yaml.safe_load`.
    """

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
SafeLineLoader.add_constructor("tag:yaml.org,2002:timestamp", SafeLineLoader.construct_yaml_str)


def _refuse_alias_bombs(text: str) -> None:
    """Refuse a document with more aliases than plain data needs, before building it.

    An alias needs a `*`; the events are counted with the fast parser, nothing is built.
    """
    if "*" not in text:
        return
    aliases = 0
    for event in yaml.parse(text, Loader=_BaseSafeLoader):
        if isinstance(event, yaml.AliasEvent):
            aliases += 1
            if aliases > MAX_ALIASES:
                raise yaml.composer.ComposerError(
                    None,
                    None,
                    f"too many YAML aliases (more than {MAX_ALIASES}): "
                    "refused as a possible alias bomb",
                    event.start_mark,  # type: ignore[arg-type]
                )


def load_with_lines(text: str, first_line: int = 1) -> Any:
    """Parse YAML safely; errors become YamlProblem with the line in the file."""
    try:
        _refuse_alias_bombs(text)
        return yaml.load(text, Loader=SafeLineLoader)  # safe: a yaml.SafeLoader subclass
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + first_line if mark is not None else None
        problem = error.problem or "invalid YAML"
        if "could not determine a constructor" in str(error):
            problem = "a YAML tag that is not allowed (only plain data is read)"
        raise YamlProblem(f"invalid YAML: {problem}", line) from None
    except yaml.YAMLError as error:
        raise YamlProblem(f"invalid YAML: {error}", first_line) from None
    except RecursionError:
        raise YamlProblem("invalid YAML: nested too deeply", first_line) from None
