"""iCatcher+ output files to coding records: an automatic coder of infant gaze.

iCatcher+ (`--output_annotation DIR --output_format raw_output`) writes one line per video frame:
`frame, class, confidence` (e.g. `12, left, 0.9871`). Classes `left`, `right` and `away` are
looks; anything else (`noface`, `nobabyface`) means it could not tell. Runs of one class become
segments: looks on the tier `gaze` (the tier VCode states get, so the two compare directly),
the rest on `gaze_unknown`, which agreement reports apart. A frame k covers [k / fps, (k + 1) /
fps); the mean confidence of a run is kept in its attrs.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from pathlib import Path

from annotate import budgets
from annotate.coding.records import Annotation, CodingData, make_attrs
from annotate.coding.schemes import STATE, Code, Scheme, Tier
from annotate.errors import InterchangeError
from annotate.interchange.vcode import STATE_TIER
from annotate.io.file_bytes import read_limited

CODER = "icatcher"
LOOKS = ("left", "right", "away")
UNKNOWN_TIER = "gaze_unknown"
_LINE = re.compile(r"^\s*(\d+)\s*,\s*([A-Za-z_]+)\s*,\s*([0-9.eE+-]+)\s*$")


@dataclass
class _Run:
    """Consecutive frames of one class."""

    first: int
    last: int
    label: str
    total: float
    count: int


def is_icatcher(path: Path) -> bool:
    """Whether a text file's first line is an iCatcher+ `frame, class, confidence` line."""
    try:
        with path.open("rb") as handle:
            first = handle.read(256).decode("utf-8", "replace").split("\n", 1)[0]
    except OSError:
        return False
    return bool(_LINE.match(first.strip("\r")))


def read_icatcher(path: Path | str, coder: str = "", fps: float | None = None) -> CodingData:
    """Read an iCatcher+ raw output file.

    Args:
        path: the .txt file.
        coder: the coder's name (default 'icatcher').
        fps: the video's frame rate (default 30, Lookit's).

    Raises:
        InterchangeError: `line N: ...` for a line that is not `frame, class, confidence`, or
            frames out of order.
    """
    path = Path(path)
    rate = fps or 30.0
    try:
        text = read_limited(path, budgets.TEXT_MAX_BYTES).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InterchangeError("not UTF-8 text", path) from None
    runs: list[_Run] = []
    previous = -1
    for number, line in enumerate(re.split(r"\r?\n", text), start=1):
        if not line.strip():
            continue
        match = _LINE.match(line)
        if not match:
            raise InterchangeError(
                f"line {number}: expected 'frame, class, confidence', got '{line:.60}'", path
            )
        frame, label, confidence = int(match[1]), match[2], float(match[3])
        if frame <= previous:
            raise InterchangeError(f"line {number}: frame {frame} does not follow {previous}", path)
        last = runs[-1] if runs else None
        if last is not None and last.label == label and last.last == frame - 1:
            last.last, last.total, last.count = frame, last.total + confidence, last.count + 1
        else:
            runs.append(_Run(frame, frame, label, confidence, 1))
        previous = frame
    who = coder or CODER
    annotations = []
    for run in runs:
        tier = STATE_TIER if run.label in LOOKS else UNKNOWN_TIER
        annotations.append(
            Annotation(
                "",
                who,
                tier,
                run.label,
                run.first / rate,
                (run.last + 1) / rate,
                attrs=make_attrs({"confidence": f"{run.total / run.count:.4f}"}),
            )
        )
    labels = {
        t: sorted({a.code for a in annotations if a.tier == t}) for t in (STATE_TIER, UNKNOWN_TIER)
    }
    draft = Scheme(
        name=f"icatcher:{path.stem}",
        version="0",
        tiers=tuple(
            Tier(name=t, codes=tuple(Code(c, STATE) for c in codes), exclusive=True, open=True)
            for t, codes in labels.items()
            if codes
        ),
        description=f"iCatcher+ output {path.name} at {rate:g} fps",
        source=f"import:{path}",
        meta={"icatcher": {"fps": rate}},
    )
    scheme = dataclasses.replace(draft, version=draft.digest()[:12])
    annotations = [dataclasses.replace(a, scheme=scheme.id) for a in annotations]
    return CodingData(scheme, tuple(annotations), (), str(path))
