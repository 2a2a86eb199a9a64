"""Datavyu projects (.opf) to coding records.

An .opf file is a zip holding `db` (the spreadsheet) and `project` (media and viewer settings),
sometimes inside a folder. `db` is line based, in every version Datavyu writes (`#2` to `#4`):

    #4
    childhands (MATRIX,true,)-hand|NOMINAL,look|NOMINAL      a column: name (TYPE[,visible,])
    00:00:28:846,00:02:37:944,(left,)                       a cell: onset,offset,value
    0:test0-float|FLOAT,int|INTEGER                         a predicate (#2 only)

Times are HH:MM:SS:mmm (to the millisecond). A MATRIX cell holds one value per argument in
parentheses; a comma, parenthesis or backslash inside a value is escaped with a backslash.

Each column becomes a tier (its name), each cell an annotation: for a MATRIX column the first
argument is the code and the others are its modifiers (the annotation's value, joined by '|',
one modifier set per argument); for the other types (TEXT, NOMINAL, INTEGER, FLOAT, PREDICATE)
the cell's text is the code. The columns, their types, visibility and arguments travel in the
scheme's meta, so that annotate.interchange.datavyu_write rebuilds the project. A viewer's feed
becomes a media reference; its offset (ms; the media starts that late on the spreadsheet's
timeline) becomes the time origin (media time = spreadsheet time - offset).
"""

from __future__ import annotations

import dataclasses
import json
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from annotate import budgets
from annotate.coding.records import Annotation, CodingData, MediaRef, make_attrs
from annotate.coding.schemes import MODIFIER_SEPARATOR, STATE, Code, ModifierSet, Scheme, Tier
from annotate.errors import InterchangeError

MATRIX = "MATRIX"
COLUMN_TYPES = ("MATRIX", "TEXT", "NOMINAL", "INTEGER", "FLOAT", "PREDICATE")
VERSIONS = (2, 3, 4)
ARGS_ATTR = "datavyu_args"

_TIME = r"(\d{1,4}):(\d\d):(\d\d):(\d\d\d)"
_CELL = re.compile(rf"^{_TIME},{_TIME},(.*)$")
_COLUMN = re.compile(
    r"^(?P<name>.+?) \((?P<type>[A-Z_]+)(?:,(?P<visible>true|false)(?:,(?P<extra>[^)]*))?)?\)"
    r"(?:-(?P<args>.*))?$"
)
_PREDICATE = re.compile(r"^\d+:.+-.*$")


@dataclass(frozen=True)
class Column:
    """One Datavyu column: name, type, whether it is shown, and a MATRIX's (name, type)
    arguments."""

    name: str
    type: str
    visible: bool = True
    args: tuple[tuple[str, str], ...] = ()

    def to_meta(self) -> dict[str, Any]:
        """The column as JSON-safe meta."""
        return {
            "name": self.name,
            "type": self.type,
            "visible": self.visible,
            "args": [list(a) for a in self.args],
        }

    @classmethod
    def from_meta(cls, data: dict[str, Any]) -> Column:
        """The inverse of `to_meta`."""
        return cls(
            str(data["name"]),
            str(data["type"]),
            bool(data.get("visible", True)),
            tuple((str(a[0]), str(a[1])) for a in data.get("args", ())),
        )


def ms_from_clock(hours: str, minutes: str, seconds: str, millis: str) -> int:
    """HH:MM:SS:mmm parts as milliseconds."""
    return ((int(hours) * 60 + int(minutes)) * 60 + int(seconds)) * 1000 + int(millis)


def split_escaped(text: str) -> list[str]:
    """Values separated by unescaped commas, with backslash escapes removed."""
    values, current, escaped = [], [], False
    for char in text:
        if escaped:
            current.append(char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == ",":
            values.append("".join(current))
            current = []
        else:
            current.append(char)
    if escaped:
        current.append("\\")
    values.append("".join(current))
    return values


def unescape(text: str) -> str:
    """A value with backslash escapes removed (commas kept)."""
    return re.sub(r"\\(.)", r"\1", text)


def _member(archive: zipfile.ZipFile, name: str, path: Path) -> zipfile.ZipInfo | None:
    found = [
        info
        for info in archive.infolist()
        if info.filename.rstrip("/").rsplit("/", 1)[-1] == name
        and not info.filename.startswith("__MACOSX/")
        and not info.is_dir()
    ]
    if len(found) > 1:
        raise InterchangeError(f"holds {len(found)} '{name}' files; a project holds one", path)
    if found and found[0].file_size > budgets.TEXT_MAX_BYTES:
        raise InterchangeError(f"its '{name}' is larger than the limit for a text file", path)
    return found[0] if found else None


def _text(archive: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path) -> str:
    with archive.open(info) as handle:
        data = handle.read(budgets.TEXT_MAX_BYTES + 1)
    if len(data) > budgets.TEXT_MAX_BYTES:
        raise InterchangeError(f"its '{info.filename}' is larger than the limit", path)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InterchangeError(f"its '{info.filename}' is not UTF-8 text", path) from None


def read_members(path: Path) -> tuple[str, str, str]:
    """The `db` text, the `project` text ('' if missing) and the folder they sit in.

    Raises:
        InterchangeError: not a zip, no `db`, or members too large or not UTF-8.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            db = _member(archive, "db", path)
            if db is None:
                raise InterchangeError("not a Datavyu project: the zip holds no 'db'", path)
            project = _member(archive, "project", path)
            folder = db.filename[: -len("db")]
            return (
                _text(archive, db, path),
                _text(archive, project, path) if project else "",
                folder,
            )
    except zipfile.BadZipFile:
        raise InterchangeError("not a Datavyu project (.opf is a zip file)", path) from None
    except (zlib.error, EOFError, NotImplementedError, RuntimeError, ValueError) as exc:
        # a damaged member: bad deflate data, an unknown compression, encryption
        raise InterchangeError(f"the zip is damaged ({exc})", path) from None
    except OSError as exc:
        raise InterchangeError(f"cannot be read: {exc.strerror or exc}", path) from None


def _column(match: re.Match[str], line: int, path: Path) -> Column:
    kind = match["type"]
    if kind not in COLUMN_TYPES and kind != "QUOTE_STRING":
        raise InterchangeError(f"line {line}: unknown column type '{kind}'", path)
    args: list[tuple[str, str]] = []
    if match["args"]:
        for item in match["args"].split(","):
            name, _, arg_type = item.partition("|")
            if not name:
                raise InterchangeError(f"line {line}: an argument without a name", path)
            args.append((name, arg_type or "NOMINAL"))
    if kind == MATRIX and not args:
        raise InterchangeError(
            f"line {line}: MATRIX column '{match['name']}' has no arguments", path
        )
    return Column(match["name"], kind, match["visible"] != "false", tuple(args))


def _cell_values(column: Column, text: str, line: int, path: Path) -> list[str]:
    if column.type == MATRIX:
        if not (text.startswith("(") and text.endswith(")")):
            raise InterchangeError(
                f"line {line}: a cell of MATRIX column '{column.name}' must be '(...)', "
                f"got '{text:.40}'",
                path,
            )
        values = split_escaped(text[1:-1])
        if len(values) != len(column.args):
            names = ", ".join(a for a, _ in column.args)
            raise InterchangeError(
                f"line {line}: column '{column.name}' has {len(column.args)} arguments "
                f"({names}), the cell gives {len(values)}",
                path,
            )
        return values
    if column.type == "PREDICATE":
        return [text]
    return [unescape(text)]


def parse_db(
    text: str, path: Path
) -> tuple[int, list[Column], list[str], list[tuple[Column, int, int, list[str]]]]:
    """The db's version, columns, predicate lines and cells (column, onset ms, offset ms,
    values).

    Raises:
        InterchangeError: `line N: ...` for the first malformed line (unknown version, a cell
            before any column, offset before onset, a wrong number of arguments).
    """
    lines = re.split(r"\r?\n", text)
    head = lines[0].strip()
    if not re.fullmatch(r"#\d+", head):
        raise InterchangeError(
            f"line 1: expected the db version (#2 to #4), got '{head:.40}'", path
        )
    version = int(head[1:])
    if version not in VERSIONS:
        raise InterchangeError(
            f"line 1: db version #{version} is not one Datavyu writes (#2-#4)", path
        )
    columns: list[Column] = []
    predicates: list[str] = []
    cells: list[tuple[Column, int, int, list[str]]] = []
    for number, raw in enumerate(lines[1:], start=2):
        line = raw.rstrip("\r")
        if not line.strip():
            continue
        cell = _CELL.match(line)
        if cell:
            if not columns:
                raise InterchangeError(f"line {number}: a cell before any column", path)
            onset = ms_from_clock(*cell.groups()[0:4])
            offset = ms_from_clock(*cell.groups()[4:8])
            if offset < onset:
                raise InterchangeError(
                    f"line {number}: offset {line.split(',')[1]} is before onset "
                    f"{line.split(',')[0]} (column '{columns[-1].name}')",
                    path,
                )
            values = _cell_values(columns[-1], cell.group(9), number, path)
            cells.append((columns[-1], onset, offset, values))
            continue
        column = _COLUMN.match(line)
        if column:
            made = _column(column, number, path)
            if any(c.name == made.name for c in columns):
                raise InterchangeError(f"line {number}: column '{made.name}' given twice", path)
            columns.append(made)
            continue
        if _PREDICATE.match(line) and not columns:
            predicates.append(line)
            continue
        raise InterchangeError(
            f"line {number}: neither a column, a cell nor a predicate: '{line:.60}'", path
        )
    return version, columns, predicates, cells


def parse_project(text: str) -> dict[str, Any]:
    """The project file's top-level values and its viewers (each a dict of its keys).

    The file is YAML with Java tags (`!project`, `!vs`); only plain `key: value` lines are
    needed, so it is read line by line (no YAML tags or aliases to resolve).
    """
    result: dict[str, Any] = {"viewers": []}
    section = ""
    current: dict[str, str] | None = None
    for raw in re.split(r"\r?\n", text):
        if not raw.strip() or raw.startswith("!"):
            continue
        indent = len(raw) - len(raw.lstrip(" "))
        line = raw.strip()
        if indent == 0 and not line.startswith("-"):
            key, _, value = line.partition(":")
            section, current = key.strip(), None
            if value.strip():
                result[section] = _plain(value.strip())
            continue
        if line.startswith("- "):
            current = {}
            if section == "viewerSettings":
                result["viewers"].append(current)
            line = line[2:].strip()
            if line.startswith("!"):
                continue
        if current is not None and ":" in line:
            key, _, value = line.partition(":")
            current[key.strip()] = _plain(value.strip())
    return result


def _plain(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] == "'":
        return value[1:-1].replace("''", "'")
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    return value


def media_of_project(project: dict[str, Any], path: Path) -> tuple[MediaRef, ...]:
    refs = []
    for viewer in project["viewers"]:
        feed = viewer.get("feed", "")
        if not feed:
            continue
        try:
            offset_ms = float(viewer.get("offset", "0") or 0)
        except ValueError:
            raise InterchangeError(
                f"project: viewer '{feed:.60}' has offset '{viewer.get('offset')}', not a number",
                path,
            ) from None
        refs.append(MediaRef(url=feed, time_origin_s=-offset_ms / 1000.0))
    return tuple(refs)


def _tier(column: Column, annotations: list[Annotation]) -> Tier:
    own = [a for a in annotations if a.tier == column.name]
    names = list(dict.fromkeys(a.code for a in own if a.code))
    modifiers: tuple[ModifierSet, ...] = ()
    if column.type == MATRIX and len(column.args) > 1:
        seen: list[list[str]] = [[] for _ in column.args[1:]]
        for a in own:
            for k, part in enumerate(a.value.split(MODIFIER_SEPARATOR)[: len(seen)]):
                if part and part not in seen[k]:
                    seen[k].append(part)
        modifiers = tuple(
            ModifierSet(name, ()) for (name, _), values in zip(column.args[1:], seen, strict=True)
        )
    codes = tuple(Code(name=n, type=STATE, modifiers=modifiers) for n in names)
    description = f"Datavyu {column.type} column"
    if column.args:
        description += " (" + ", ".join(f"{n}: {t}" for n, t in column.args) + ")"
    return Tier(name=column.name, codes=codes, exclusive=False, open=True, description=description)


def annotation_of(column: Column, onset_ms: int, offset_ms: int, values: list[str]) -> Annotation:
    """The annotation of one cell (see the module docstring)."""
    code, rest = values[0], values[1:]
    value = MODIFIER_SEPARATOR.join(rest)
    lossless = len(value.split(MODIFIER_SEPARATOR)) == len(rest) if rest else True
    attrs = make_attrs({ARGS_ATTR: json.dumps(values, ensure_ascii=False)} if not lossless else {})
    return Annotation(
        clip_sha256="",
        coder="",
        tier=column.name,
        code=code,
        start_s=onset_ms / 1000.0,
        end_s=offset_ms / 1000.0,
        value=value,
        attrs=attrs,
    )


def read_datavyu(path: Path | str, coder: str = "") -> CodingData:
    """Read a Datavyu project (.opf).

    Args:
        path: the .opf file.
        coder: the coder of its annotations (Datavyu records none).

    Raises:
        InterchangeError: `FILE: line N: ...` for a malformed db line; nothing is returned then.
    """
    path = Path(path)
    db_text, project_text, folder = read_members(path)
    version, columns, predicates, cells = parse_db(db_text, path)
    project = parse_project(project_text)
    annotations = [
        dataclasses.replace(annotation_of(c, on, off, values), coder=coder)
        for c, on, off, values in cells
    ]
    media = media_of_project(project, path)
    name = str(project.get("name") or path.stem)
    meta = {
        "datavyu": {
            "version": version,
            "columns": [c.to_meta() for c in columns],
            "predicates": predicates,
            "project": project_text,
            "folder": folder,
        }
    }
    draft = Scheme(
        name=f"datavyu:{name}",
        version="0",
        tiers=tuple(_tier(c, annotations) for c in columns),
        description=f"brought by the Datavyu project {path.name}",
        source=f"import:{path}",
        meta=meta,
    )
    scheme = dataclasses.replace(draft, version=draft.digest()[:12])
    annotations = [
        dataclasses.replace(a, scheme=scheme.id, media=media[0].url if media else "")
        for a in annotations
    ]
    return CodingData(scheme, tuple(annotations), media, str(path))
