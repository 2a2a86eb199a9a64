"""Request bodies: read whole only up to a size limit, parsed as a JSON object, fields checked.

    body = await read_json(request)
    revision = body.integer("revision", minimum=0)
    note = body.text("note", default="", max_length=2000)
    body.done()                      # refuses fields nobody asked for

Every refusal is a `BadRequestError` carrying the HTTP status (400 malformed, 413 too large, 415 not
JSON) and a message that names the field, what it must be and what it was. Shapes that Python's
JSON reader or SQLite cannot take are refused here too: nesting deeper than MAX_DEPTH, whole
numbers past the store's 64-bit ids, text that is not Unicode (a lone surrogate such as \ud800).
"""

from __future__ import annotations

import json
import math
from collections.abc import Collection, Mapping
from typing import Any

from starlette.requests import Request

MAX_BODY_BYTES = 64 * 1024
MAX_TEXT = 4000
MAX_ID = 2**63 - 1  # SQLite's largest integer: ids and revisions
MAX_DEPTH = 20  # the deepest body the page sends is 3 levels (CARE-Index points)


class BadRequestError(Exception):
    """A request the server refuses, with its HTTP status and a message for the page."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


async def read_bytes(request: Request, limit: int = MAX_BODY_BYTES) -> bytes:
    """The request's body, refused (413) past `limit` bytes, whatever Content-Length says."""
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > limit):
        raise BadRequestError(f"request body over {limit} bytes", 413)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BadRequestError(f"request body over {limit} bytes", 413)
        chunks.append(chunk)
    return b"".join(chunks)


class Body:
    """A JSON object's fields, taken one by one with their checks."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.taken: set[str] = set()

    def _get(self, name: str, required: bool) -> Any:
        self.taken.add(name)
        if name not in self.data or self.data[name] is None:
            if required:
                raise BadRequestError(f"'{name}' is required")
            return None
        return self.data[name]

    def has(self, name: str) -> bool:
        """Whether the field is given (and not null)."""
        return self.data.get(name) is not None

    def integer(self, name: str, *, minimum: int | None = None) -> int:
        """A required whole number (not a boolean)."""
        value = self._get(name, True)
        if isinstance(value, bool) or not isinstance(value, int):
            raise BadRequestError(f"'{name}' must be a whole number, got {value!r}"[:300])
        if minimum is not None and value < minimum:
            raise BadRequestError(f"'{name}' must be at least {minimum}, got {value}"[:300])
        if value > MAX_ID:
            raise BadRequestError(f"'{name}' must be at most {MAX_ID}, got {str(value)[:30]}...")
        return value

    def number(self, name: str, *, required: bool = True) -> float | None:
        """A finite number of seconds, 0 or more (None when optional and absent)."""
        value = self._get(name, required)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise BadRequestError(f"'{name}' must be a number, got {value!r}"[:300])
        if not math.isfinite(value) or value < 0 or value > 1e7:
            raise BadRequestError(f"'{name}' must be a number of seconds from 0, got {value}")
        return float(value)

    def flag(self, name: str) -> bool | None:
        """An optional true or false (None when absent)."""
        value = self._get(name, False)
        if value is None:
            return None
        if not isinstance(value, bool):
            raise BadRequestError(f"'{name}' must be true or false, got {value!r}"[:300])
        return value

    def text(self, name: str, *, required: bool = False, max_length: int = MAX_TEXT) -> str | None:
        """A string up to `max_length` characters (None when optional and absent)."""
        value = self._get(name, required)
        if value is None:
            return None
        if not isinstance(value, str):
            raise BadRequestError(f"'{name}' must be text, got {type(value).__name__}")
        if len(value) > max_length or "\x00" in value:
            raise BadRequestError(f"'{name}' must be text of at most {max_length} characters")
        if not is_unicode(value):
            raise BadRequestError(f"'{name}' must be Unicode text (it holds a lone surrogate)")
        if required and not value:
            raise BadRequestError(f"'{name}' must not be empty")
        return value

    def mapping(self, name: str) -> dict[str, Any]:
        """A required JSON object."""
        value = self._get(name, True)
        if not isinstance(value, dict):
            raise BadRequestError(f"'{name}' must be an object, got {type(value).__name__}")
        return value

    def done(self) -> None:
        """Refuse fields that no one took (a typo must not be ignored silently)."""
        unknown = sorted(set(self.data) - self.taken)
        if unknown:
            known = ", ".join(sorted(self.taken))
            names = ", ".join(ascii(name) for name in unknown)[:200]
            raise BadRequestError(f"unknown field(s): {names} (known: {known})")


def is_unicode(text: str) -> bool:
    """Whether the text can be written as UTF-8 (a JSON escape such as \\ud800 alone makes a
    string that cannot)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _depth(raw: bytes) -> int:
    """How deeply arrays and objects nest in a JSON text (brackets in strings not counted)."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in raw:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):
            depth += 1
            deepest = max(deepest, depth)
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return deepest


async def read_json(request: Request, limit: int = MAX_BODY_BYTES) -> Body:
    """The request's body as a JSON object.

    Raises:
        BadRequestError: not application/json (415), over `limit` (413), or not a JSON object (400).
    """
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/json":
        raise BadRequestError(f"send application/json, not {kind or 'nothing'}", 415)
    raw = await read_bytes(request, limit)
    if _depth(raw) > MAX_DEPTH:
        raise BadRequestError(f"the body nests arrays or objects deeper than {MAX_DEPTH} levels")
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadRequestError(f"the body is not valid JSON ({exc})") from None
    except ValueError as exc:  # a whole number of more than 4300 digits, past Python's limit
        raise BadRequestError(f"the body holds a number too long to read ({exc})"[:300]) from None
    if not isinstance(data, dict):
        raise BadRequestError(f"the body must be a JSON object, got {type(data).__name__}")
    return Body(data)


def points_of(
    value: dict[str, Any], partners: Mapping[str, Collection[str]]
) -> dict[str, dict[str, float]]:
    """CARE-Index points from a body: partner -> pattern -> points, shapes checked.

    Raises:
        BadRequestError: not an object of objects of numbers (the store checks the arithmetic).
    """
    result: dict[str, dict[str, float]] = {}
    for partner, patterns in value.items():
        if partner not in partners:
            raise BadRequestError(
                f"unknown partner {partner!r}"[:200] + f" (partners: {', '.join(partners)})"
            )
        if not isinstance(patterns, dict):
            raise BadRequestError(f"points of {partner} must be an object of pattern: points")
        for pattern, points in patterns.items():
            if isinstance(points, bool) or not isinstance(points, int | float):
                raise BadRequestError(f"{partner} {pattern!r}: points must be a number"[:300])
            if not math.isfinite(points):
                raise BadRequestError(f"{partner} {pattern!r}: points must be finite"[:300])
        result[str(partner)] = {str(k): float(v) for k, v in patterns.items()}
    return result
