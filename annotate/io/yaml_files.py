"""The one YAML loader: every config, coding scheme, mechanism list and manifest goes through it.

Mappings load as `LineDict` (a dict with `.line` and `.key_lines`), sequences as `LineList` (a
list with `.line` and `.item_lines`); lines count from 1, so errors can name the line at fault.
It refuses, with the file and line, what plain `yaml.safe_load` lets through or chokes on:

- a key given twice in one mapping (PyYAML silently keeps the last one);
- more than `budgets.YAML_MAX_ALIASES` alias uses, more than `budgets.YAML_MAX_NODES` values
  once aliases are expanded, a recursive alias, or nesting deeper than `budgets.YAML_MAX_DEPTH`
  (a 439-byte alias bomb is refused while it is composed, before anything is built from it);
- a file over `budgets.YAML_MAX_BYTES`, text that is not UTF-8 (UTF-16 included), a folder;
- values PyYAML cannot build (a 5000-digit number, an impossible date).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from annotate import budgets
from annotate.errors import AnnotateError, ConfigError
from annotate.io.file_bytes import read_limited


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


class RefusedYaml(yaml.YAMLError):
    """The document breaks one of the loader's rules (a duplicate key, a budget)."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line


class _LineLoader(yaml.SafeLoader):
    """SafeLoader that counts aliases and depth while composing, and sizes the document."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._aliases = 0
        self._depth = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        event = self.peek_event()
        line = event.start_mark.line + 1
        if isinstance(event, yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > budgets.YAML_MAX_ALIASES:
                raise RefusedYaml(
                    f"more than {budgets.YAML_MAX_ALIASES} alias uses (*name); "
                    "a config needs few or none",
                    line,
                )
        self._depth += 1
        if self._depth > budgets.YAML_MAX_DEPTH:
            raise RefusedYaml(f"nested deeper than {budgets.YAML_MAX_DEPTH} levels", line)
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def get_single_node(self) -> yaml.Node | None:
        node = super().get_single_node()
        if node is not None:
            _check_expanded_size(node)
        return node


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def _check_expanded_size(root: yaml.Node) -> None:
    """Refuse a document whose values, aliases expanded, exceed the node budget, or that refers
    to itself. Each distinct node is visited once (sizes are memoised), without recursion."""
    size: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            on_path.discard(key)
            size[key] = 1 + sum(size[id(child)] for child in _children(node))
            if size[key] > budgets.YAML_MAX_NODES:
                raise RefusedYaml(
                    f"expands to more than {budgets.YAML_MAX_NODES:,} values "
                    "(aliases counted as copies: an alias bomb?)",
                    node.start_mark.line + 1,
                )
            continue
        if key in size:
            continue
        if key in on_path:
            line = node.start_mark.line + 1
            raise RefusedYaml("an alias refers to the value that holds it", line)
        on_path.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in _children(node) if id(child) not in size)


def _build(loader: _LineLoader, node: yaml.Node) -> Any:
    """One child value, with a value PyYAML cannot build refused on its own line."""
    try:
        return loader.construct_object(node, deep=True)
    except (ValueError, OverflowError) as exc:  # int('5' * 5000), date(2026, 13, 1)
        message = str(exc).split(";")[0].replace("\n", " ")
        raise RefusedYaml(f"value cannot be read ({message})", node.start_mark.line + 1) from None


def _mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = _build(loader, key_node)
        line = key_node.start_mark.line + 1
        try:
            seen = key in result
        except TypeError:  # a list or mapping as a key
            raise RefusedYaml("a key must be text or a number", line) from None
        if seen:
            first = result.key_lines[key]
            raise RefusedYaml(f"key '{key}' given twice (first on line {first})", line)
        result[key] = _build(loader, value_node)
        result.key_lines[key] = line
    return result


def _sequence(loader: _LineLoader, node: yaml.SequenceNode) -> LineList:
    result = LineList(_build(loader, child) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)


def read_yaml_text(path: Path, error: type[AnnotateError] = ConfigError) -> str:
    """The text of a YAML file, within the size budget and decoded as UTF-8.

    Raises:
        error: the file is missing, a folder, unreadable, too large or not UTF-8.
    """
    data = read_limited(Path(path), budgets.YAML_MAX_BYTES, error)
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise error("is UTF-16 text; save it as UTF-8", path)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise error(f"not UTF-8 text (byte {exc.start}); save it as UTF-8", path) from None


def load_yaml_lines(
    path: Path, error: type[AnnotateError] = ConfigError, text: str | None = None
) -> Any:
    """Load a YAML file with line numbers kept (see the module docstring for what is refused).

    Args:
        path: the file (named in errors).
        error: the AnnotateError subclass to raise.
        text: the file's text if already read.

    Raises:
        error: the file cannot be read, is not valid YAML or breaks a rule; the message gives
            the line where there is one.
    """
    if text is None:
        text = read_yaml_text(path, error)
    try:
        return yaml.load(text, Loader=_LineLoader)  # a SafeLoader subclass
    except RefusedYaml as exc:
        raise error(str(exc), path) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1}: " if mark is not None else ""
        raise error(f"{where}not valid YAML: {exc.problem}", path) from None
    except yaml.YAMLError as exc:
        raise error(f"not valid YAML: {exc}".replace("\n", " "), path) from None
    except (ValueError, OverflowError) as exc:  # int('5' * 5000), date(2026, 13, 1)
        raise error(f"a value cannot be read: {exc}".replace("\n", " "), path) from None
    except RecursionError:
        raise error(f"nested deeper than {budgets.YAML_MAX_DEPTH} levels", path) from None
