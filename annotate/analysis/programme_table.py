"""The programme mechanism table: each programme's rating (Y, N, V) of each mechanism.

Input is one CSV, or a folder of CSVs (all `*.csv` in it, read in name order), each in one of two
shapes (other columns, such as a note or a coder, are ignored):

- `programme, session, mechanism, present`: present is 1 or 0 (mechanism ids in any case: m4 is M4);
- `programme, session, mechanism, start, end`: timed segments on the session's recording (seconds
  or clock times; an empty end runs to the recording's end). A session with any segment of a
  mechanism has it.

A programme's sessions are those named in any row for it. Its rating of a mechanism is Y when the
mechanism is present in every session, N when in none (also when never recorded), V when in some.
A row with an empty session (present format only) holds for the programme as a whole, as for
M1 (personal invitations): present gives Y, absent N.

Rows are refused, naming the file and line, when a mechanism id is unknown, a value is malformed,
or two rows contradict each other (present in one, absent in another, for the same session).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from annotate import budgets
from annotate.analysis.csv_reading import reading_csv
from annotate.errors import AnnotateError, InterchangeError
from annotate.study.mechanisms import Mechanism, MechanismCatalogue, load_mechanisms
from annotate.timeline.timebase import parse_seconds

KEY_COLUMNS = ("programme", "session", "mechanism")
PRESENT_COLUMN = "present"
SEGMENT_COLUMNS = ("start", "end")
TOTAL_ROW = "total"


class Rating(StrEnum):
    """A programme's rating of a mechanism."""

    Y = "Y"  # present in every session
    N = "N"  # present in none
    V = "V"  # variable: present in some sessions


@dataclass(frozen=True)
class MechanismRecord:
    """One input row: whether a mechanism was present in a session of a programme.

    Attributes:
        programme: Programme name, e.g. "A1".
        session: Session name within the programme, e.g. "2"; "" for the programme as a whole.
        mechanism: Mechanism id, e.g. "M4".
        present: Whether it was present.
        path: The file the row came from.
        line: The row's line number in that file (the header is line 1).
        start_s: Segment start in seconds on the session's recording (timed rows only).
        end_s: Segment end in seconds; None for a present/absent row or an open end.
    """

    programme: str
    session: str
    mechanism: str
    present: bool
    path: str
    line: int
    start_s: float | None = None
    end_s: float | None = None

    @property
    def place(self) -> str:
        """Where the row is, as `line N of FILE`."""
        return f"line {self.line} of {self.path}"


@dataclass(frozen=True)
class ProgrammeTable:
    """Ratings of every mechanism by every programme.

    Attributes:
        mechanisms: Rows of the table, in id order.
        programmes: Columns, in order of first appearance in the input.
        sessions: Each programme's sessions, in order of first appearance.
        ratings: Rating by (mechanism id, programme).
    """

    mechanisms: tuple[Mechanism, ...]
    programmes: tuple[str, ...]
    sessions: Mapping[str, tuple[str, ...]]
    ratings: Mapping[tuple[str, str], Rating]

    def rating(self, mechanism_id: str, programme: str) -> Rating:
        """The rating of one mechanism by one programme."""
        return self.ratings[(mechanism_id, programme)]

    def total(self, programme: str) -> int:
        """The programme's count of Y over the counted mechanisms (M1-M14)."""
        return sum(self.rating(m.id, programme) is Rating.Y for m in self.mechanisms if m.counted)

    @property
    def counted_label(self) -> str:
        """Which mechanisms the total counts, e.g. `M1-M14`."""
        counted = [m for m in self.mechanisms if m.counted]
        return MechanismCatalogue(tuple(counted)).describe_ids() if counted else "none"

    def rows(self) -> list[list[str]]:
        """The table as text cells: header, one row per mechanism, then the `total` row."""
        header = ["mechanism", *self.programmes]
        body = [
            [m.id, *(self.rating(m.id, p).value for p in self.programmes)] for m in self.mechanisms
        ]
        total = [TOTAL_ROW, *(str(self.total(p)) for p in self.programmes)]
        return [header, *body, total]


def build_programme_table(
    source: Path, catalogue: MechanismCatalogue | None = None, exclude: Iterable[Path] = ()
) -> ProgrammeTable:
    """Read a CSV or a folder of CSVs and derive the programme table.

    Args:
        source: A CSV file or a folder of them.
        catalogue: The mechanisms; by default configs/mechanisms.yaml.
        exclude: Files to skip when reading a folder (e.g. the table being written into it).

    Raises:
        InterchangeError: the input cannot be read, or a row is refused (file and line named).
    """
    catalogue = load_mechanisms() if catalogue is None else catalogue
    records = read_mechanism_records(source, catalogue, exclude)
    if not records:
        raise InterchangeError("no mechanism rows found", source)
    return derive_programme_table(records, catalogue)


def read_mechanism_records(
    source: Path, catalogue: MechanismCatalogue, exclude: Iterable[Path] = ()
) -> list[MechanismRecord]:
    """Rows of one CSV, or of every `*.csv` in a folder (in name order, skipping `exclude`)."""
    if source.is_dir():
        skip = {p.resolve() for p in exclude}
        files = sorted(
            p
            for p in source.iterdir()
            if p.suffix.lower() == ".csv" and p.is_file() and p.resolve() not in skip
        )
        if not files:
            raise InterchangeError("no .csv files in this folder", source)
        records = []
        for path in files:
            records += read_mechanism_csv(path, catalogue)
            if len(records) > budgets.MECHANISM_MAX_ROWS:
                raise InterchangeError(
                    f"the folder's files hold more than {budgets.MECHANISM_MAX_ROWS:,} rows, the "
                    "most one mechanism table reads",
                    source,
                )
        return records
    return read_mechanism_csv(source, catalogue)


def read_mechanism_csv(path: Path, catalogue: MechanismCatalogue) -> list[MechanismRecord]:
    """Rows of one CSV in either shape (see the module's docstring).

    Raises:
        InterchangeError: naming the file (and line), when it cannot be read, lacks columns, or
            holds a refused row.
    """
    with reading_csv(path), path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = [name.strip().lower() for name in next(reader, [])]
        timed = _check_header(header, path)
        records: list[MechanismRecord] = []
        for row in reader:
            if len(records) >= budgets.MECHANISM_MAX_ROWS:
                raise InterchangeError(
                    f"line {reader.line_num}: more than {budgets.MECHANISM_MAX_ROWS:,} rows, the "
                    "most one mechanism table reads",
                    path,
                )
            if any(cell.strip() for cell in row):
                cells = dict(zip(header, (cell.strip() for cell in row), strict=False))
                records.append(_record(cells, timed, catalogue, path, reader.line_num))
        return records


def _check_header(header: Sequence[str], path: Path) -> bool:
    """Whether the file holds timed segments (else present/absent rows)."""
    missing = [c for c in KEY_COLUMNS if c not in header]
    timed = PRESENT_COLUMN not in header
    if timed:
        lacking = [c for c in SEGMENT_COLUMNS if c not in header]
        missing += ["present (or start and end)"] if len(lacking) == 2 else lacking
    if missing:
        raise InterchangeError(
            f"missing column(s) {', '.join(missing)}; expected programme, session, mechanism "
            f"and either present (1/0) or start and end (found: {', '.join(header) or 'nothing'})",
            path,
        )
    return timed


def _record(
    cells: Mapping[str, str], timed: bool, catalogue: MechanismCatalogue, path: Path, line: int
) -> MechanismRecord:
    programme, session = cells.get("programme", ""), cells.get("session", "")
    mechanism = cells.get("mechanism", "").upper()

    def refuse(what: str) -> InterchangeError:
        return InterchangeError(f"line {line}: {what}", path)

    if not programme:
        raise refuse("the programme is empty")
    if max(len(programme), len(session)) > budgets.MECHANISM_MAX_NAME_CHARS:
        raise refuse(
            f"a programme or session name is longer than {budgets.MECHANISM_MAX_NAME_CHARS} "
            "characters"
        )
    if mechanism not in catalogue:
        shown = cells.get("mechanism", "")
        raise refuse(f"unknown mechanism {shown!r} (known: {catalogue.describe_ids()})")
    if not timed:
        present = cells.get(PRESENT_COLUMN, "")
        if present not in ("1", "0"):
            raise refuse(f"'present' must be 1 or 0, got {present!r}")
        return MechanismRecord(programme, session, mechanism, present == "1", str(path), line)
    if not session:
        raise refuse("a timed segment needs a session")
    try:
        start_s = parse_seconds(cells.get("start", ""))
        end_text = cells.get("end", "")
        end_s = parse_seconds(end_text) if end_text else None
    except AnnotateError as exc:
        raise refuse(exc.message) from None
    if end_s is not None and end_s < start_s:
        raise refuse(f"segment ends ({end_s:g} s) before it starts ({start_s:g} s)")
    return MechanismRecord(programme, session, mechanism, True, str(path), line, start_s, end_s)


def derive_programme_table(
    records: Sequence[MechanismRecord], catalogue: MechanismCatalogue
) -> ProgrammeTable:
    """Rate each mechanism for each programme from the session records (Y all, N none, V some).

    Raises:
        InterchangeError: two records contradict each other, naming both places.
    """
    programmes: dict[str, dict[str, None]] = {}  # programme -> its sessions, in order
    presence: dict[tuple[str, str, str], MechanismRecord] = {}
    level: dict[tuple[str, str], MechanismRecord] = {}  # first record of a programme's mechanism
    session_count = 0
    for record in records:
        if (
            record.programme not in programmes
            and len(programmes) >= budgets.MECHANISM_MAX_PROGRAMMES
        ):
            raise InterchangeError(
                f"line {record.line}: more than {budgets.MECHANISM_MAX_PROGRAMMES} programmes, "
                "the most one table (and its heat map) holds; split the input",
                record.path,
            )
        sessions = programmes.setdefault(record.programme, {})
        if record.session and record.session not in sessions:
            session_count += 1
            if session_count > budgets.MECHANISM_MAX_SESSIONS:
                raise InterchangeError(
                    f"line {record.line}: more than {budgets.MECHANISM_MAX_SESSIONS:,} sessions, "
                    "the most one table holds",
                    record.path,
                )
            sessions[record.session] = None
        key = (record.programme, record.session, record.mechanism)
        per_programme = (record.programme, record.mechanism)
        _check_consistent(record, presence.get(key), level.get(per_programme))
        presence.setdefault(key, record)
        level.setdefault(per_programme, record)
    ratings: dict[tuple[str, str], Rating] = {}
    for programme, sessions in programmes.items():
        for mechanism in catalogue:
            whole = presence.get((programme, "", mechanism.id))
            if whole is not None:
                ratings[(mechanism.id, programme)] = Rating.Y if whole.present else Rating.N
                continue
            found = [presence.get((programme, s, mechanism.id)) for s in sessions]
            ratings[(mechanism.id, programme)] = _rating(
                sum(r is not None and r.present for r in found), len(sessions)
            )
    return ProgrammeTable(
        mechanisms=tuple(catalogue),
        programmes=tuple(programmes),
        sessions={p: tuple(s) for p, s in programmes.items()},
        ratings=ratings,
    )


def _rating(present_in: int, sessions: int) -> Rating:
    if present_in == 0:
        return Rating.N
    return Rating.Y if present_in == sessions else Rating.V


def _check_consistent(
    record: MechanismRecord, same: MechanismRecord | None, first: MechanismRecord | None
) -> None:
    """Refuse a record that contradicts `same` (an earlier record of its session) or that mixes
    programme and session level with `first` (the first record of its programme's mechanism)."""
    what = f"{record.mechanism} in programme {record.programme}"
    if same is not None and same.present != record.present:
        state = "present" if record.present else "absent"
        raise InterchangeError(
            f"line {record.line}: {what}, session {record.session or '(whole programme)'}, "
            f"is {state} here but {'present' if same.present else 'absent'} on {same.place}",
            record.path,
        )
    if first is not None and bool(first.session) != bool(record.session):
        raise InterchangeError(
            f"line {record.line}: {what} is given for the whole programme (empty session) and "
            f"per session ({first.place}); give one or the other",
            record.path,
        )
