"""Reliability straight from files: two folders of codings, paired by file name.

`compare_files(DIR_A, DIR_B)` pairs the files of the two folders by name (the name without its
format suffix is the clip: `s01.eaf` with `s01.eaf`, or `s01.opf` with `s01.txt`), reads each with
annotate.interchange.convert.read_any (any format the project reads, with the same reading
options, e.g. VCode states and exclusions), compares every pair frame by frame
(annotate.coding.reliability_frames) and gives the long table of
annotate.coding.reliability_pooled. No video and no store are needed; the grid step is one frame
at `fps`. A file found in one folder only is reported in the notes, not compared.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from annotate import budgets
from annotate.coding.records import Annotation, CodingData
from annotate.coding.reliability_frames import FrameOptions, TierFigures, compare_codings
from annotate.coding.reliability_pooled import (
    REPS,
    SEED,
    AgreementRow,
    agreement_rows,
    scale_rows,
)
from annotate.coding.schemes import ATTRIBUTES_TIER
from annotate.errors import InterchangeError
from annotate.interchange.convert import INPUT_FORMATS, file_format, read_any
from annotate.interchange.vcode import STATE_TIER, VcodeOptions
from annotate.io.csv_errors import csv_problem
from annotate.io.file_bytes import read_limited

DEFAULT_FPS = 30.0


@dataclass(frozen=True)
class AgreementTable:
    """What a comparison gives: the long table, the figures it came from, and notes.

    Attributes:
        rows: the long table (annotate.coding.reliability_pooled).
        figures: per clip and tier, the compared steps and events.
        coder_a, coder_b: names for the report (folders, coders or 'automatic').
        notes: things to know (unpaired files, reader warnings).
    """

    rows: tuple[AgreementRow, ...]
    figures: tuple[TierFigures, ...]
    coder_a: str
    coder_b: str
    notes: tuple[str, ...] = field(default=())


def clip_name(path: Path) -> str:
    """The clip a file codes: its name without the format suffix."""
    kind = file_format(path)
    return path.name[: -len(kind)] if kind and path.name.lower().endswith(kind) else path.stem


def pair_files(dir_a: Path, dir_b: Path) -> tuple[list[tuple[str, Path, Path]], list[str]]:
    """(clip, file in A, file in B) for every clip both folders hold, and notes on the rest.

    Raises:
        InterchangeError: a folder is missing, or no clip is in both.
    """
    found: list[dict[str, Path]] = []
    for folder in (dir_a, dir_b):
        if not folder.is_dir():
            raise InterchangeError("is not a folder of coding files", folder)
        files = sorted(
            p for p in folder.iterdir() if p.is_file() and file_format(p) in INPUT_FORMATS
        )
        by_clip: dict[str, Path] = {}
        for p in files:
            if clip_name(p) in by_clip:
                raise InterchangeError(
                    f"two files code the clip '{clip_name(p)}': {by_clip[clip_name(p)].name} "
                    f"and {p.name}",
                    folder,
                )
            by_clip[clip_name(p)] = p
        found.append(by_clip)
    a, b = found
    pairs = [(clip, a[clip], b[clip]) for clip in sorted(a) if clip in b]
    notes = [f"{a[c].name} has no partner in {dir_b}" for c in sorted(a) if c not in b]
    notes += [f"{b[c].name} has no partner in {dir_a}" for c in sorted(b) if c not in a]
    if not pairs:
        raise InterchangeError(f"no file name is in both {dir_a} and this folder", dir_b)
    return pairs, notes


def read_dyads(path: Path) -> dict[str, str]:
    """clip -> dyad from a CSV with columns `clip` and `dyad` (any others are ignored).

    Raises:
        InterchangeError: `line N: ...` for a missing column, an empty cell or a clip given twice.
    """
    try:
        text = read_limited(path, budgets.TEXT_MAX_BYTES).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InterchangeError("not UTF-8 text", path) from None
    reader = csv.DictReader(text.splitlines())
    if not reader.fieldnames or not {"clip", "dyad"} <= set(reader.fieldnames):
        raise InterchangeError("line 1: needs the columns clip and dyad", path)
    dyads: dict[str, str] = {}
    try:
        for number, row in enumerate(reader, start=2):
            clip, dyad = (row.get("clip") or "").strip(), (row.get("dyad") or "").strip()
            if not clip or not dyad:
                raise InterchangeError(f"line {number}: clip and dyad must not be empty", path)
            if clip in dyads:
                raise InterchangeError(f"line {number}: clip '{clip}' given twice", path)
            dyads[clip] = dyad
    except csv.Error as exc:
        raise InterchangeError(f"line {reader.line_num}: {csv_problem(exc)}", path) from None
    return dyads


def scale_scores(a: CodingData, b: CodingData) -> dict[str, tuple[float, float]]:
    """Numeric clip attributes both codings give (e.g. CARE-Index totals): name -> (A, B)."""

    def numbers(data: CodingData) -> dict[str, float]:
        values: dict[str, float] = {}
        for x in data.annotations:
            if x.tier == ATTRIBUTES_TIER:
                try:
                    values[x.code] = float(x.value)
                except ValueError:
                    continue
        return values

    first, second = numbers(a), numbers(b)
    return {name: (first[name], second[name]) for name in first if name in second}


def _frame_annotations(data: CodingData) -> list[Annotation]:
    return [x for x in data.annotations if x.tier != ATTRIBUTES_TIER]


def compare_files(
    dir_a: Path | str,
    dir_b: Path | str,
    *,
    fps: float = DEFAULT_FPS,
    step_s: float | None = None,
    tolerance_s: float = 0.5,
    vcode: VcodeOptions | None = None,
    dyads: Mapping[str, str] | None = None,
    reps: int = REPS,
    seed: int = SEED,
) -> AgreementTable:
    """Compare every pair of files of two folders (see the module docstring).

    Args:
        dir_a, dir_b: the reference coder's folder and the other's.
        fps: the videos' frame rate: the grid step is 1/fps unless `step_s` is given.
        step_s: a grid step in seconds instead of one frame.
        tolerance_s: onsets this close match.
        vcode: how to read VCode files; its states make the state tier exhaustive and its
            exclusions leave their spans out.
        dyads: clip -> dyad for the bootstrap (default: each clip is its own dyad).
        reps, seed: bootstrap draws and seed.

    Raises:
        InterchangeError: a folder or file that cannot be read (naming it and its line).
    """
    dir_a, dir_b = Path(dir_a), Path(dir_b)
    pairs, notes = pair_files(dir_a, dir_b)
    vcode = vcode or VcodeOptions()
    options = FrameOptions(
        step_s=step_s or 1.0 / fps,
        tolerance_s=tolerance_s,
        exclude=vcode.exclude,
        exhaustive=(STATE_TIER,) if vcode.states else (),
    )
    figures: list[TierFigures] = []
    scales: dict[str, dict[str, tuple[float, float]]] = {}
    for clip, path_a, path_b in pairs:
        data_a = read_any(path_a, "A", vcode=vcode, fps=fps)
        data_b = read_any(path_b, "B", vcode=vcode, fps=fps)
        notes += [f"{path_a.name} (A): {w}" for w in data_a.warnings]
        notes += [f"{path_b.name} (B): {w}" for w in data_b.warnings]
        figures += compare_codings(
            clip, _frame_annotations(data_a), _frame_annotations(data_b), options
        )
        if scores := scale_scores(data_a, data_b):
            scales[clip] = scores
    rows = agreement_rows(figures, dyads, reps=reps, seed=seed)
    rows += scale_rows(scales, dyads or {}, reps=reps, seed=seed)
    return AgreementTable(tuple(rows), tuple(figures), str(dir_a), str(dir_b), tuple(notes))
