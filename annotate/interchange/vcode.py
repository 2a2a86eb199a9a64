"""VCode text files to coding records.

    Offset: 0, Movie: MoviePathHere, DataFile: (null)
    Tracks: left, right, away, end, outofframe
    Time,Duration,TrackName,comment

    0,0,right,(null)
    12234,0,away,(null)

Times and durations are milliseconds; rows need not be in time order. Each row is an event of its
track (the tier): with a duration, a segment [Time, Time + Duration]; with none, a point. With
`states` (e.g. left, right, away: the Lookit / iCatcher+ gaze codings) the rows of those tracks
instead start a state on the tier `STATE_TIER` that lasts until the next row of the set or the
next trial end (a row of `end_track`), whichever comes first. Trial ends stay points on their own
tier; exclusion tracks (`exclude`, e.g. outofframe) stay segments on theirs and are marked so
that the reliability leaves their time out. '(null)' comments are empty; others become notes.
The header's Offset (ms) is the movie's time origin.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from annotate import budgets
from annotate.coding.records import Annotation, CodingData, MediaRef, make_attrs
from annotate.coding.schemes import POINT, STATE, Code, Scheme, Tier
from annotate.errors import InterchangeError
from annotate.interchange.times import seconds_value
from annotate.io.file_bytes import read_limited

STATE_TIER = "gaze"
END_TRACK = "end"
EXCLUDE_ATTR = "exclude"
_HEADER = "Time,Duration,TrackName"


@dataclass(frozen=True)
class VcodeOptions:
    """How to read a VCode file.

    Attributes:
        states: tracks that are states lasting to the next of the set (empty: every row is a
            segment or point of its own track).
        exclude: tracks whose time is left out of agreement (kept as segments).
        end_track: the track that closes a trial (a state ends there).
    """

    states: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    end_track: str = END_TRACK


def is_vcode(path: Path) -> bool:
    """Whether a text file looks like VCode's (its first 3 lines hold 'Time,Duration,TrackName')."""
    try:
        with path.open("rb") as handle:
            start = handle.read(4096).decode("utf-8", "replace")
    except OSError:
        return False
    return start.startswith("Offset:") or _HEADER in "\n".join(start.splitlines()[:3])


@dataclass(frozen=True)
class _Row:
    line: int
    time_ms: float
    duration_ms: float
    track: str
    comment: str


def _rows(text: str, path: Path) -> tuple[list[_Row], float, str]:
    lines = re.split(r"\r?\n", text)
    header_at = next((i for i, line in enumerate(lines[:10]) if line.startswith(_HEADER)), None)
    if header_at is None:
        raise InterchangeError(f"no '{_HEADER},comment' header in the first lines", path)
    offset_ms, movie = 0.0, ""
    first = lines[0]
    if first.startswith("Offset:"):
        fields = dict(
            (k.strip(), v.strip())
            for k, _, v in (p.partition(":") for p in first.split(", ") if ":" in p)
        )
        offset_ms = seconds_value(
            fields.get("Offset", "0"), "line 1: Offset", path, allow_negative=True
        )
        movie = fields.get("Movie", "")
        movie = "" if movie in ("(null)", "MoviePathHere") else movie
    rows = []
    for number, line in enumerate(lines[header_at + 1 :], start=header_at + 2):
        if not line.strip():
            continue
        cells = line.split(",", 3)
        if len(cells) < 3:
            raise InterchangeError(
                f"line {number}: expected Time,Duration,TrackName,comment, got '{line:.60}'", path
            )
        track = cells[2].strip()
        if not track:
            raise InterchangeError(f"line {number}: the TrackName is empty", path)
        comment = cells[3].strip() if len(cells) > 3 else ""
        rows.append(
            _Row(
                number,
                seconds_value(cells[0], f"line {number}: Time (ms)", path),
                seconds_value(cells[1] or "0", f"line {number}: Duration (ms)", path),
                track,
                "" if comment == "(null)" else comment,
            )
        )
    rows.sort(key=lambda r: (r.time_ms, r.line))
    return rows, offset_ms, movie


def _states(
    rows: Sequence[_Row], options: VcodeOptions, coder: str, path: Path
) -> tuple[list[Annotation], list[str]]:
    """States of the set, each to the next row of the set or the next trial end."""
    states = set(options.states)
    made: list[Annotation] = []
    warnings: list[str] = []
    marks = [r for r in rows if r.track in states or r.track == options.end_track]
    last_ms = max((r.time_ms + r.duration_ms for r in rows), default=0.0)
    for k, row in enumerate(marks):
        if row.track not in states:
            continue
        following = marks[k + 1] if k + 1 < len(marks) else None
        if following is None:
            end_ms = last_ms
            warnings.append(
                f"line {row.line}: '{row.track}' at {row.time_ms:g} ms has no following look "
                f"or '{options.end_track}'; it is closed at the file's last time ({last_ms:g} ms)"
            )
        else:
            end_ms = following.time_ms
        made.append(
            Annotation(
                "",
                coder,
                STATE_TIER,
                row.track,
                row.time_ms / 1000,
                end_ms / 1000,
                note=row.comment,
            )
        )
    return made, warnings


def read_vcode(
    path: Path | str, coder: str = "", options: VcodeOptions | None = None
) -> CodingData:
    """Read a VCode file (see the module docstring).

    Raises:
        InterchangeError: `line N: ...` for a malformed row, or no header.
    """
    path = Path(path)
    options = options or VcodeOptions()
    try:
        text = read_limited(path, budgets.TEXT_MAX_BYTES).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InterchangeError("not UTF-8 text", path) from None
    rows, offset_ms, movie = _rows(text, path)
    annotations, warnings = _states(rows, options, coder, path) if options.states else ([], [])
    for row in rows:
        if row.track in options.states:
            continue
        attrs = make_attrs({EXCLUDE_ATTR: "1"} if row.track in options.exclude else {})
        start = row.time_ms / 1000
        annotations.append(
            Annotation(
                "",
                coder,
                row.track,
                row.track,
                start,
                start + row.duration_ms / 1000,
                note=row.comment,
                attrs=attrs,
            )
        )
    annotations.sort(key=lambda a: (a.start_s, a.tier))
    tiers: dict[str, dict[str, str]] = {}
    for a in annotations:
        kind = POINT if a.is_point and a.tier != STATE_TIER else STATE
        tiers.setdefault(a.tier, {}).setdefault(a.code, kind)
    draft = Scheme(
        name=f"vcode:{path.stem}",
        version="0",
        tiers=tuple(
            Tier(
                name=t,
                codes=tuple(Code(name=c, type=k) for c, k in sorted(codes.items())),
                exclusive=t == STATE_TIER,
                open=True,
            )
            for t, codes in tiers.items()
        ),
        description=f"brought by the VCode file {path.name}",
        source=f"import:{path}",
        meta={"vcode": {"states": list(options.states), "exclude": list(options.exclude)}},
    )
    scheme = dataclasses.replace(draft, version=draft.digest()[:12])
    media = (MediaRef(url=movie, time_origin_s=offset_ms / 1000),) if movie else ()
    annotations = [dataclasses.replace(a, scheme=scheme.id) for a in annotations]
    return CodingData(scheme, tuple(annotations), media, str(path), tuple(warnings))
