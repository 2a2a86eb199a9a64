"""Figures read back from a JSON document the project wrote (summary.json and its parts).

Lenient about a missing figure (None: a file of an older version, or a hand-made one), strict
about a wrong one: a one-line OutputError naming the file and the figure, e.g.
`FILE: summary.json's vocal roles.infant.cries is not a number ('one')`. `where` is what comes
before the figure's name in that message ("summary.json's ", "summary.json's vocal dyad.").

    share = number(data, "voiced_share", "summary.json's vocal ", path)
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from annotate.errors import OutputError


def wrong(where: str, name: str, what: str, value: object, path: Path | None) -> OutputError:
    """The error for a figure that is not `what` ("a number", "an object", ...)."""
    return OutputError(f"{where}{name} is not {what} ({value!r})", path)


def number(data: Mapping[str, Any], name: str, where: str, path: Path | None) -> float | None:
    """The figure as the file holds it (an int stays an int), None when missing.

    Raises:
        OutputError: it is not a number (a bool is not one).
    """
    value = data.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise wrong(where, name, "a number", value, path)
    return value


def count(data: Mapping[str, Any], name: str, where: str, path: Path | None) -> int | None:
    """A whole number, None when missing.

    Raises:
        OutputError: it is not a whole number.
    """
    value = number(data, name, where, path)
    if value is not None and value != int(value):
        raise wrong(where, name, "a whole number", value, path)
    return None if value is None else int(value)


def part(data: Mapping[str, Any], name: str, where: str, path: Path | None) -> Mapping[str, Any]:
    """A nested object, {} when missing.

    Raises:
        OutputError: it is not an object.
    """
    value = data.get(name)
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise wrong(where, name, "an object", value, path)
    return value
