"""Times read from annotation files: one check for every reader.

A time is a finite number of seconds, at most `budgets.TIME_MAX_S` away from 0 (BORIS's 1e308 or
Infinity is a broken file, not a recording), and not negative unless the field allows it (an
offset). Text must be a plain decimal number: Python's float() also takes '1_0' (10), 'inf' and
'nan', which no annotation tool writes.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

from annotate import budgets
from annotate.coding.records import CodingData
from annotate.errors import InterchangeError

_DECIMAL = re.compile(r"^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d{1,3})?\s*$")


def seconds_value(
    value: object, what: str, path: Path | str | None, *, allow_negative: bool = False
) -> float:
    """`value` (a number, or text holding a plain decimal number) as seconds.

    Args:
        value: the number or text read from the file.
        what: where it stands, for the message ('line 4: column start', 'observation X: time').
        path: the file, named in the error.
        allow_negative: accept values below 0 (offsets).

    Raises:
        InterchangeError: `value` is not a plain finite number, is beyond budgets.TIME_MAX_S, or
            is negative where that is not allowed.
    """
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise InterchangeError(f"{what} must be a number of seconds, got {value!r:.40}", path)
    if isinstance(value, str) and not _DECIMAL.match(value):
        raise InterchangeError(f"{what} '{value:.40}' is not a number of seconds", path)
    try:
        number = float(value)
    except (OverflowError, ValueError):
        raise InterchangeError(f"{what} '{value!s:.40}' is not a number of seconds", path) from None
    if not math.isfinite(number) or abs(number) > budgets.TIME_MAX_S:
        raise InterchangeError(
            f"{what} {value!s:.40} s is not a time (the most accepted is {budgets.TIME_MAX_S:g} s)",
            path,
        )
    if number < 0 and not allow_negative:
        raise InterchangeError(f"{what} {value!s:.40} s is negative", path)
    return number


def check_coding_data(data: CodingData, path: Path | str) -> None:
    """The last check on what any reader returns, before it is stored or converted: every
    annotation has a tier, finite times within the budget with its end not before its start,
    and no NUL character in its text; every media reference a finite time origin.

    Raises:
        InterchangeError: naming the first annotation (or media reference) at fault.
    """
    for number, a in enumerate(data.annotations, start=1):
        what = f"annotation {number} (tier '{a.tier:.40}', code '{a.code:.40}')"
        for name, value in (("start", a.start_s), ("end", a.end_s)):
            seconds_value(value, f"{what}: {name}", path)
        if a.end_s < a.start_s:
            raise InterchangeError(
                f"{what}: ends ({a.end_s} s) before it starts ({a.start_s} s)", path
            )
        if not a.tier:
            raise InterchangeError(f"{what}: the tier is empty", path)
        texts = (a.tier, a.code, a.value, a.note, a.coder, a.media, *(v for _, v in a.attrs))
        if any("\0" in text for text in texts):
            raise InterchangeError(f"{what}: holds a NUL character", path)
    for media in data.media:
        seconds_value(
            media.time_origin_s, f"media '{media.name:.60}': time origin", path, allow_negative=True
        )
        if "\0" in media.url:
            raise InterchangeError(f"media '{media.name:.60}': holds a NUL character", path)
