"""BORIS's own exports to coding records: the tabular event export and the aggregated export.

Tabular events (.csv or .tsv): a block of 'key,value' lines about the observation (id, media,
date, time offset, independent variables), then a table with columns Time, Media file path,
Subject, Behavior, Comment, Status (START / STOP / POINT) and, where modifiers were used,
Modifiers. Aggregated events (.tsv or .csv): one row per event with Observation id, Media file,
Subject, Behavior, Modifiers, Behavior type (STATE / POINT), Start (s), Stop (s), Comment start,
Comment stop. Both give times on the observation's timeline; the result matches what reading the
project itself gives for that observation.
"""

from __future__ import annotations

import csv
import dataclasses
from pathlib import Path

from annotate import budgets
from annotate.coding.records import Annotation, CodingData, MediaRef, make_attrs
from annotate.coding.schemes import POINT, STATE, Code
from annotate.errors import InterchangeError
from annotate.interchange.boris import NO_SUBJECT, Event, build_scheme, pair_events
from annotate.interchange.times import seconds_value
from annotate.io.csv_errors import csv_problem
from annotate.io.file_bytes import read_limited

_EVENT_COLUMNS = ("Time", "Subject", "Behavior", "Status")
_AGGREGATED_COLUMNS = ("Observation id", "Subject", "Behavior", "Start (s)", "Stop (s)")
_HEADER_ROWS = 50  # an events export's table header comes after its block of observation facts


def _rows(path: Path) -> list[list[str]]:
    try:
        text = read_limited(path, budgets.TEXT_MAX_BYTES).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InterchangeError("not UTF-8 text", path) from None
    first = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first or path.suffix.lower() == ".tsv" else ","
    reader = csv.reader(text.splitlines(), delimiter=delimiter)
    try:
        return list(reader)
    except csv.Error as exc:
        raise InterchangeError(f"line {reader.line_num + 1}: {csv_problem(exc)}", path) from None


def is_boris_export(path: Path) -> bool:
    """Whether a .csv / .tsv file looks like one of BORIS's event exports: its first cell is
    'Observation id' (only the file's start is read)."""
    try:
        with path.open("rb") as handle:
            start = handle.read(64)
    except OSError:
        return False
    return start.removeprefix(b"\xef\xbb\xbf").lstrip(b'"').startswith(b"Observation id")


def _number(value: str, what: str, line: int, path: Path) -> float:
    return seconds_value(value, f"line {line}: {what}", path)


def _subject(value: str) -> str:
    return "" if value in ("", NO_SUBJECT) else value


def _finish(
    path: Path,
    obs_id: str,
    annotations: list[Annotation],
    kinds: dict[str, str],
    media: list[str],
    warnings: list[str],
) -> CodingData:
    codes = [Code(name=c, type=k) for c, k in kinds.items()]
    subjects = list(dict.fromkeys(a.tier for a in annotations)) or [NO_SUBJECT]
    scheme = build_scheme(obs_id or path.stem, codes, subjects, (), path, {"export": path.name})
    if len(set(media)) > 1:
        warnings.append(
            f"the observation plays {len(set(media))} media files one after another; "
            "their start times are not in the export, so times stay on its timeline"
        )
    refs = tuple(MediaRef(url=m, part=obs_id) for m in dict.fromkeys(media) if m)
    annotations = [dataclasses.replace(a, scheme=scheme.id) for a in annotations]
    return CodingData(scheme, tuple(annotations), refs, str(path), tuple(warnings))


def _read_events(path: Path, rows: list[list[str]], coder: str) -> CodingData:
    info: dict[str, str] = {}
    header_at = next((i for i, r in enumerate(rows) if r and r[0] == "Time"), None)
    if header_at is None:
        raise InterchangeError("no table header starting with 'Time' (is it a BORIS export?)", path)
    for row in rows[:header_at]:
        if len(row) >= 2 and row[0]:
            info.setdefault(row[0], row[1])
    header = rows[header_at]
    missing = [c for c in _EVENT_COLUMNS if c not in header]
    if missing:
        raise InterchangeError(f"line {header_at + 1}: missing columns {', '.join(missing)}", path)
    col = {name: header.index(name) for name in header}
    events: list[Event] = []
    kinds: dict[str, str] = {}
    for line, row in enumerate(rows[header_at + 1 :], start=header_at + 2):
        if not any(row):
            continue
        cells = row + [""] * (len(header) - len(row))
        status = cells[col["Status"]].upper()
        if status not in ("START", "STOP", "POINT"):
            raise InterchangeError(
                f"line {line}: Status '{cells[col['Status']]}' is not START, STOP or POINT", path
            )
        code = cells[col["Behavior"]]
        if not code.strip():
            raise InterchangeError(f"line {line}: the Behavior is empty", path)
        kinds.setdefault(code, POINT if status == "POINT" else STATE)
        media = cells[col["Media file path"]] if "Media file path" in col else ""
        events.append(
            Event(
                time_s=_number(cells[col["Time"]], "Time", line, path),
                subject=_subject(cells[col["Subject"]]),
                code=code,
                modifiers=cells[col["Modifiers"]] if "Modifiers" in col else "",
                comment=cells[col["Comment"]] if "Comment" in col else "",
                status=status,
                media=Path(media).name if media else "",
                where=f"line {line}",
            )
        )
    obs_id = info.get("Observation id", "")
    end = max((e.time_s for e in events), default=0.0)
    paired, warnings = pair_events(
        events, {c: Code(c, k) for c, k in kinds.items()}, end, {"part": obs_id}
    )
    paired = [dataclasses.replace(a, coder=coder) for a in paired]
    return _finish(path, obs_id, paired, kinds, [e.media for e in events], warnings)


def _read_aggregated(path: Path, rows: list[list[str]], coder: str) -> CodingData:
    header = rows[0]
    missing = [c for c in _AGGREGATED_COLUMNS if c not in header]
    if missing:
        raise InterchangeError(f"line 1: missing columns {', '.join(missing)}", path)
    col = {name: header.index(name) for name in header}
    annotations: list[Annotation] = []
    kinds: dict[str, str] = {}
    media: list[str] = []
    obs_ids: set[str] = set()
    for line, row in enumerate(rows[1:], start=2):
        if not any(row):
            continue
        cells = row + [""] * (len(header) - len(row))

        def get(name: str, cells: list[str] = cells) -> str:
            return cells[col[name]] if name in col else ""

        kind = POINT if get("Behavior type").upper() == "POINT" else STATE
        start = _number(get("Start (s)"), "Start (s)", line, path)
        stop = start if kind == POINT else _number(get("Stop (s)"), "Stop (s)", line, path)
        if stop < start:
            raise InterchangeError(
                f"line {line}: Stop (s) {stop} is before Start (s) {start}", path
            )
        if not get("Behavior").strip():
            raise InterchangeError(f"line {line}: the Behavior is empty", path)
        obs_ids.add(get("Observation id"))
        kinds.setdefault(get("Behavior"), kind)
        media_name = Path(get("Media file")).name if get("Media file") else ""
        media.append(media_name)
        modifiers = get("Modifiers")
        annotations.append(
            Annotation(
                clip_sha256="",
                coder=coder,
                tier=_subject(get("Subject")) or NO_SUBJECT,
                code=get("Behavior"),
                start_s=start,
                end_s=stop,
                value="" if modifiers in ("", "None") else modifiers,
                note=get("Comment start"),
                media=media_name,
                attrs=make_attrs(
                    {"part": get("Observation id"), "boris.stop_comment": get("Comment stop")}
                ),
            )
        )
    obs_id = next(iter(obs_ids)) if len(obs_ids) == 1 else ""
    return _finish(path, obs_id, annotations, kinds, media, [])


def _why_not_an_export(rows: list[list[str]]) -> str:
    """What a table that does not start with 'Observation id' lacks to be a BORIS export."""
    header_rows = rows[:_HEADER_ROWS]
    if not any("Behavior" in (cell.strip() for cell in row) for row in header_rows):
        return "not a BORIS tabular export (no 'Behavior' column)"
    return "line 1: not a BORIS tabular export (it should start with 'Observation id')"


def read_boris_export(path: Path | str, coder: str = "") -> CodingData:
    """Read a BORIS tabular (events) or aggregated export.

    Raises:
        InterchangeError: not a BORIS export, a missing column, or a bad time or status; the
            message names the line.
    """
    path = Path(path)
    rows = _rows(path)
    if not rows or not rows[0] or rows[0][0] != "Observation id":
        raise InterchangeError(_why_not_an_export(rows), path)
    if len(rows[0]) > 2 and "Start (s)" in rows[0]:
        return _read_aggregated(path, rows, coder)
    return _read_events(path, rows, coder)
