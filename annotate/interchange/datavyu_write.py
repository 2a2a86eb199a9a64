"""Coding records to a Datavyu project (.opf) that Datavyu opens.

The db is written in the current format (`#4`): a project read by
annotate.interchange.datavyu keeps its columns (order, types, visibility, arguments, empty
columns) and its project file. Datavyu has no coders: with several, each coder's tiers become
columns of their own, `TIER__CODER`. Other data gets one MATRIX column per tier, with a `code`
argument, one argument per modifier set (or `value`), and `note` where any annotation has a
note, so nothing a coder wrote is dropped. Times are written to the millisecond.
"""

from __future__ import annotations

import dataclasses
import io
import json
import zipfile
from pathlib import Path

from annotate.coding.records import Annotation, CodingData
from annotate.coding.schemes import MODIFIER_SEPARATOR
from annotate.errors import InterchangeError
from annotate.interchange.datavyu import ARGS_ATTR, MATRIX, Column, media_of_project, parse_project
from annotate.io.atomic import write_bytes

_HOUR_MS = 3_600_000


def clock(ms: int) -> str:
    """Milliseconds as Datavyu's HH:MM:SS:mmm."""
    hours, rest = divmod(ms, _HOUR_MS)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}:{millis:03d}"


def escape(text: str, matrix: bool) -> str:
    """A value with backslash, comma (and in a MATRIX, parentheses) escaped."""
    specials = "\\,()" if matrix else "\\,"
    return "".join(f"\\{c}" if c in specials else c for c in text)


def _columns(data: CodingData) -> list[tuple[Column, bool]]:
    """The columns to write, each with whether its last argument holds the coder's note.

    A column read from Datavyu keeps its arguments; if a note was added to one of its cells
    since, a `note` argument is added (a TEXT or other single-value column cannot hold one).
    """
    meta = data.scheme.meta.get("datavyu") or {}
    noted = {a.tier for a in data.annotations if a.note}
    known: list[tuple[Column, bool]] = []
    for raw in meta.get("columns", ()):
        column = Column.from_meta(raw)
        if column.name in noted and column.type == MATRIX:
            column = Column(column.name, MATRIX, column.visible, (*column.args, ("note", "TEXT")))
        known.append((column, column.name in noted and column.type == MATRIX))
    names = {c.name for c, _ in known}
    tiers = [t.name for t in data.scheme.tiers] + [a.tier for a in data.annotations]
    for tier in dict.fromkeys(tiers):
        if tier in names:
            continue
        own = [a for a in data.annotations if a.tier == tier]
        scheme_tier = data.scheme.tier(tier)
        sets = next(
            (c.modifiers for c in (scheme_tier.codes if scheme_tier else ()) if c.modifiers), ()
        )
        widest = max((len(a.value.split(MODIFIER_SEPARATOR)) for a in own if a.value), default=0)
        args = [("code", "NOMINAL")]
        if sets and len(sets) >= widest:
            args += [(s.name, "NOMINAL") for s in sets]
        elif widest == 1:
            args.append(("value", "NOMINAL"))
        else:
            args += [(f"value{k + 1}", "NOMINAL") for k in range(widest)]
        if tier in noted:
            args.append(("note", "TEXT"))
        known.append((Column(tier, MATRIX, True, tuple(args)), tier in noted))
        names.add(tier)
    return known


def _values(column: Column, a: Annotation, note_slot: bool, number: int) -> list[str]:
    if column.type != MATRIX:
        if a.note:
            raise InterchangeError(
                f"annotation {number} (tier '{a.tier}'): a {column.type} column of Datavyu "
                "cannot hold the coder's note"
            )
        return [a.code]
    slots = len(column.args) - 1 - (1 if note_slot else 0)
    stored = a.attr(ARGS_ATTR)
    values = [str(v) for v in json.loads(stored)] if stored else []
    if not (
        len(values) == slots + 1
        and values[0] == a.code
        and MODIFIER_SEPARATOR.join(values[1:]) == a.value
    ):
        rest = a.value.split(MODIFIER_SEPARATOR) if a.value else []
        if len(rest) > slots:
            if not slots:
                raise InterchangeError(
                    f"annotation {number} (tier '{a.tier}'): the Datavyu column has no "
                    f"argument to hold the value '{a.value:.40}'"
                )
            rest = [*rest[: slots - 1], MODIFIER_SEPARATOR.join(rest[slots - 1 :])]
        values = [a.code, *rest] + [""] * (slots - len(rest))
    if note_slot:
        values.append(a.note)
    return values


def split_by_coder(data: CodingData) -> CodingData:
    """Data of several coders with each coder's tiers apart (`TIER__CODER`): Datavyu has no
    coders, and one column must not mix two people's cells."""
    coders = sorted({a.coder for a in data.annotations})
    if len(coders) < 2:
        return data
    meta = dict(data.scheme.meta.get("datavyu") or {})
    columns = []
    for column in meta.get("columns", ()):
        used = [
            c
            for c in coders
            if any(a.tier == column["name"] and a.coder == c for a in data.annotations)
        ]
        columns += [{**column, "name": f"{column['name']}__{c}"} for c in used]
    tiers = tuple(
        dataclasses.replace(t, name=f"{t.name}__{c}")
        for t in data.scheme.tiers
        for c in coders
        if any(a.tier == t.name and a.coder == c for a in data.annotations)
    )
    scheme = dataclasses.replace(
        data.scheme, tiers=tiers, meta={**data.scheme.meta, "datavyu": {**meta, "columns": columns}}
    )
    annotations = tuple(a.replace(tier=f"{a.tier}__{a.coder}") for a in data.annotations)
    return dataclasses.replace(data, scheme=scheme, annotations=annotations)


def db_text(data: CodingData) -> str:
    """The `db` member (format #4) for the data.

    Raises:
        InterchangeError: a value holds a line break (a db line cannot), or a time is negative.
    """
    lines = ["#4"]
    data = split_by_coder(data)
    for column, note_slot in _columns(data):
        kind = "TEXT" if column.type == "PREDICATE" else column.type
        header = f"{column.name} ({kind},{'true' if column.visible else 'false'},)"
        if column.type == MATRIX:
            header += "-" + ",".join(f"{n}|{t}" for n, t in column.args)
        lines.append(header)
        for number, a in enumerate(data.annotations, start=1):
            if a.tier != column.name:
                continue
            values = _values(column, a, note_slot, number)
            if any("\n" in v or "\r" in v for v in values):
                raise InterchangeError(
                    f"annotation {number} (tier '{a.tier}'): a line break cannot be written "
                    "to a Datavyu cell",
                    data.source or None,
                )
            onset, offset = round(a.start_s * 1000), round(a.end_s * 1000)
            if onset < 0:
                raise InterchangeError(
                    f"annotation {number} (tier '{a.tier}'): starts before 0", data.source or None
                )
            matrix = column.type == MATRIX
            text = ",".join(escape(v, matrix) for v in values)
            lines.append(f"{clock(onset)},{clock(offset)},{f'({text})' if matrix else text}")
    return "\r\n".join(lines) + "\r\n"


def _quoted(text: str) -> str:
    """A YAML single-quoted scalar."""
    return "'" + text.replace("'", "''") + "'"


def project_text(data: CodingData, name: str) -> str:
    """The `project` member: the one read with the data when its media are unchanged, else a
    new one naming each media file with its offset."""
    meta = data.scheme.meta.get("datavyu") or {}
    kept = str(meta.get("project") or "")
    if kept and media_of_project(parse_project(kept), Path(name)) == data.media:
        return kept
    lines = ["!project", "dbFile: null", f"name: {_quoted(name)}", "origpath: ''", "version: 5"]
    if not data.media:
        lines.append("viewerSettings: []")
    else:
        lines.append("viewerSettings:")
        for media in data.media:
            offset = round(-media.time_origin_s * 1000)
            # Datavyu reads the offset as text (milliseconds); no plugin or settings file is
            # named (the source gave none)
            lines += [
                "- !vs",
                f"  feed: {_quoted(media.url)}",
                f"  offset: '{offset}'",
                "  version: 3",
            ]
    return "\n".join(lines) + "\n"


def write_datavyu(data: CodingData, path: Path | str, *, force: bool = False) -> Path:
    """Write a Datavyu project (.opf): a zip of `db` and `project`.

    Raises:
        InterchangeError: data a Datavyu cell cannot hold.
        OutputError: the file exists (without force) or cannot be written.
    """
    path = Path(path)
    db = db_text(data)
    project = project_text(data, path.stem)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project", project.encode("utf-8"))
        archive.writestr("db", db.encode("utf-8"))
    return write_bytes(path, buffer.getvalue(), force=force)
