"""A YAML loader that remembers line numbers, so config errors can name the line at fault.

Mappings load as `LineDict` (a dict with `.line` and `.key_lines`), sequences as `LineList` (a
list with `.line` and `.item_lines`); lines count from 1. A key given twice in one mapping is an
error (plain PyYAML silently keeps the last one).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from annotate.errors import AnnotateError, ConfigError


class LineDict(dict[Any, Any]):
    """A mapping from YAML with the line it starts on and the line of each key."""

    line: int = 0
    key_lines: dict[Any, int]

    def line_of(self, key: object) -> int:
        """The line of `key` in this mapping, else the mapping's own line."""
        return getattr(self, "key_lines", {}).get(key, self.line)


class LineList(list[Any]):
    """A sequence from YAML with the line it starts on and the line of each item."""

    line: int = 0
    item_lines: list[int]

    def line_of(self, index: int) -> int:
        """The line of item `index`, else the sequence's own line."""
        lines = getattr(self, "item_lines", [])
        return lines[index] if 0 <= index < len(lines) else self.line


class DuplicateKeyError(yaml.YAMLError):
    """A key appears twice in one mapping."""

    def __init__(self, key: object, line: int, first_line: int) -> None:
        super().__init__(f"line {line}: key '{key}' given twice (first on line {first_line})")
        self.line = line


class _LineLoader(yaml.SafeLoader):
    pass


def _mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if key in result:
            raise DuplicateKeyError(key, line, result.key_lines[key])
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = line
    return result


def _sequence(loader: _LineLoader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)


def load_yaml_lines(
    path: Path, error: type[AnnotateError] = ConfigError, text: str | None = None
) -> Any:
    """Load a YAML file with line numbers kept.

    Args:
        path: the file (named in errors).
        error: the AnnotateError subclass to raise.
        text: the file's text if already read.

    Raises:
        error: the file is missing or is not valid YAML (the message gives the line).
    """
    try:
        if text is None:
            text = Path(path).read_text(encoding="utf-8")
        return yaml.load(text, Loader=_LineLoader)
    except FileNotFoundError:
        raise error("file not found", path) from None
    except DuplicateKeyError as exc:
        raise error(str(exc), path) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1}: " if mark is not None else ""
        raise error(f"{where}not valid YAML: {exc.problem}", path) from None
    except yaml.YAMLError as exc:
        raise error(f"not valid YAML: {exc}".replace("\n", " "), path) from None
