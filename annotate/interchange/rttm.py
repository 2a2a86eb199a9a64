"""RTTM, the diarization standard (what the voice type classifier VTC writes), to and from
coding records.

A line: `SPEAKER <file> <channel> <onset> <duration> <NA> <NA> <speaker> <NA> <NA>`. Each line
becomes one annotation: tier = the speaker label (VTC's KCHI, CHI, FEM, MAL, SPEECH are kept as
they are; the tier's role says whose voice it is), code `vocalisation`, coder `vtc` unless one is
given, and the file id as the annotation's part (as BORIS observations are), so one RTTM holding
several recordings can be split with `select_part`. Writing does the reverse: tier -> speaker,
part (else the media's name, else 'clip') -> file; points cannot be written (RTTM holds spans).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from annotate import budgets
from annotate.coding.records import Annotation, CodingData, make_attrs
from annotate.coding.schemes import STATE, Code, Scheme, Tier
from annotate.errors import InterchangeError
from annotate.io.atomic import write_bytes
from annotate.io.file_bytes import read_limited

VOCALISATION_CODE = "vocalisation"
DEFAULT_CODER = "vtc"
VTC_ROLES = {
    "KCHI": "infant",  # the key child (wearer of the recorder)
    "CHI": "other_child",
    "FEM": "mother",  # a female adult: in a dyad, taken as the mother
    "MAL": "other_adult",
    "SPEECH": "",  # any speech
}


def _number(text: str, what: str, line: int, path: Path) -> float:
    try:
        value = float(text)
    except ValueError:
        raise InterchangeError(f"line {line}: {what} '{text}' is not a number", path) from None
    if value != value or value in (float("inf"), float("-inf")):
        raise InterchangeError(f"line {line}: {what} '{text}' is not a finite number", path)
    return value


def read_rttm(path: Path | str, coder: str = "") -> CodingData:
    """Read an RTTM file's SPEAKER lines (other line types are skipped, with a warning).

    Raises:
        InterchangeError: not text, a line with too few fields, a bad onset or duration.
    """
    path = Path(path)
    try:
        text = read_limited(path, budgets.TEXT_MAX_BYTES).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InterchangeError("not UTF-8 text", path) from None
    annotations: list[Annotation] = []
    skipped: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        fields = line.split()
        if not fields or fields[0].startswith(";"):
            continue
        if fields[0] != "SPEAKER":
            skipped[fields[0]] = skipped.get(fields[0], 0) + 1
            continue
        if len(fields) < 8:
            raise InterchangeError(
                f"line {number}: a SPEAKER line needs at least 8 fields, found {len(fields)}",
                path,
            )
        onset = _number(fields[3], "onset", number, path)
        duration = _number(fields[4], "duration", number, path)
        if onset < 0 or duration < 0:
            raise InterchangeError(f"line {number}: a negative onset or duration", path)
        annotations.append(
            Annotation(
                clip_sha256="",
                coder=coder or DEFAULT_CODER,
                tier=fields[7],
                code=VOCALISATION_CODE,
                start_s=onset,
                end_s=onset + duration,
                media=fields[1],
                attrs=make_attrs({"part": fields[1], "channel": fields[2]}),
            )
        )
    warnings = tuple(
        f"{path}: {count} {kind} lines skipped (only SPEAKER lines are read)"
        for kind, count in skipped.items()
    )
    return CodingData(rttm_scheme(annotations, path), tuple(annotations), (), str(path), warnings)


def rttm_scheme(annotations: list[Annotation], path: Path) -> Scheme:
    """The scheme of an RTTM file's records: one open tier per speaker label, in order."""
    tiers = tuple(
        Tier(
            name=name,
            role=VTC_ROLES.get(name, ""),
            codes=(Code(VOCALISATION_CODE, STATE),),
            exclusive=False,
            open=True,
        )
        for name in dict.fromkeys(a.tier for a in annotations)
    )
    draft = Scheme(
        name=f"rttm:{path.stem}",
        version="0",
        tiers=tiers,
        description=f"voices brought by the RTTM file {path.name}",
        source=f"import:{path}",
    )
    return dataclasses.replace(draft, version=draft.digest()[:12])


def rttm_text(data: CodingData) -> str:
    """The annotations as RTTM lines (in time order).

    Raises:
        InterchangeError: a point event (RTTM holds only spans) or a label with white space.
    """
    points = [a for a in data.annotations if a.is_point]
    if points:
        raise InterchangeError(
            f"{len(points)} point events (e.g. {points[0].tier}/{points[0].code} at "
            f"{points[0].start_s:g} s) cannot be written as RTTM, which holds only spans",
            data.source or None,
        )
    fallback = data.media[0].name if data.media else "clip"
    lines = []
    for a in sorted(data.annotations, key=lambda a: (a.attr("part"), a.start_s, a.tier)):
        file_id = a.attr("part") or a.media or fallback
        speaker = a.tier or a.code
        for label in (file_id, speaker):
            if not label or any(c.isspace() for c in label):
                raise InterchangeError(
                    f"'{label}' cannot be an RTTM field (empty or holds white space)",
                    data.source or None,
                )
        channel = a.attr("channel") or "1"
        lines.append(
            f"SPEAKER {file_id} {channel} {a.start_s!r} {round(a.end_s - a.start_s, 6)!r} "
            f"<NA> <NA> {speaker} <NA> <NA>"
        )
    return "".join(line + "\n" for line in lines)


def write_rttm(data: CodingData, path: Path | str, *, force: bool = False) -> Path:
    """Write the annotations as an RTTM file, atomically.

    Raises:
        InterchangeError: data RTTM cannot hold (see rttm_text).
        OutputError: the file exists (without force) or cannot be written.
    """
    return write_bytes(Path(path), rttm_text(data), force=force)
