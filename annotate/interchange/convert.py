"""Reading and writing any supported file by its extension, and `convert` between them.

Inputs: .eaf / .eaf.gz (ELAN), .boris (BORIS project), .tsv (BORIS tabular or aggregated export),
.csv (a BORIS export, else our long table), .parquet (our long table), .opf (Datavyu), .txt
(VCode, or iCatcher+'s raw output, told apart by their first lines), .rttm (diarization, e.g.
VTC's voices).
Outputs: .eaf / .eaf.gz, .csv, .parquet, .opf, .rttm.
Everything passes through `CodingData`, the same records the store takes, so a BORIS project
can be opened in ELAN. No database and no media are needed.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from annotate.coding.records import CodingData
from annotate.errors import InterchangeError
from annotate.interchange.boris import read_boris
from annotate.interchange.boris_tabular import is_boris_export, read_boris_export
from annotate.interchange.datavyu import read_datavyu
from annotate.interchange.datavyu_write import write_datavyu
from annotate.interchange.eaf import read_eaf, write_eaf
from annotate.interchange.icatcher import is_icatcher, read_icatcher
from annotate.interchange.rttm import read_rttm, write_rttm
from annotate.interchange.tables import read_csv, read_parquet, write_csv, write_parquet
from annotate.interchange.times import check_coding_data
from annotate.interchange.vcode import VcodeOptions, is_vcode, read_vcode
from annotate.io.atomic import check_output

INPUT_FORMATS = (".eaf", ".eaf.gz", ".boris", ".csv", ".tsv", ".parquet", ".opf", ".txt", ".rttm")
OUTPUT_FORMATS = (".eaf", ".eaf.gz", ".csv", ".parquet", ".opf", ".rttm")


def file_format(path: Path) -> str:
    """The format suffix of a path, lower case ('.eaf.gz' counts as one)."""
    name = path.name.lower()
    return ".eaf.gz" if name.endswith(".eaf.gz") else path.suffix.lower()


def read_any(
    path: Path | str,
    coder: str = "",
    *,
    vcode: VcodeOptions | None = None,
    fps: float | None = None,
) -> CodingData:
    """Read annotations from any supported file, chosen by extension.

    Args:
        path: the file.
        coder: the coder for annotations whose file names none.
        vcode: how to read VCode files (states, exclusions, trial ends).
        fps: the video's frame rate, for files that count frames (iCatcher+; default 30).

    Raises:
        InterchangeError: unknown extension, or the file is malformed (naming the line or element).
    """
    path = Path(path)
    data = _read_by_format(path, coder, vcode, fps)
    check_coding_data(data, path)
    return data


def _read_by_format(
    path: Path, coder: str, vcode: VcodeOptions | None, fps: float | None
) -> CodingData:
    kind = file_format(path)
    if kind == ".opf":
        return read_datavyu(path, coder)
    if kind == ".txt":
        if path.is_file() and is_vcode(path):
            return read_vcode(path, coder, vcode)
        if path.is_file() and is_icatcher(path):
            return read_icatcher(path, coder, fps)
        raise InterchangeError(
            "a .txt file is read as VCode (a 'Time,Duration,TrackName' header) or as iCatcher+ "
            "output ('frame, class, confidence' lines), and this one is neither",
            path,
        )
    if kind in (".eaf", ".eaf.gz"):
        return read_eaf(path, coder)
    if kind == ".rttm":
        return read_rttm(path, coder)
    if kind == ".boris":
        return read_boris(path, coder)
    if kind == ".tsv" or (kind == ".csv" and path.exists() and is_boris_export(path)):
        return read_boris_export(path, coder)  # a .tsv is only ever BORIS's; ours are .csv
    if kind == ".csv":
        data = read_csv(path)
    elif kind == ".parquet":
        data = read_parquet(path)
    else:
        raise InterchangeError(
            f"unknown input format '{kind}' (known: {', '.join(INPUT_FORMATS)})", path
        )
    if coder:
        data = dataclasses.replace(
            data,
            annotations=tuple(a if a.coder else a.replace(coder=coder) for a in data.annotations),
        )
    return data


def write_any(
    data: CodingData, path: Path | str, *, fps: float | None = None, force: bool = False
) -> Path:
    """Write annotations to a file whose extension says the format.

    Args:
        data: what to write.
        path: .eaf, .eaf.gz, .csv, .parquet, .opf or .rttm.
        fps: the clip's frame rate, for the tables' frame columns (None leaves them empty).
        force: replace an existing file.

    Raises:
        InterchangeError: unknown extension, or data the format cannot hold.
        OutputError: the file exists (without force) or cannot be written.
    """
    path = Path(path)
    kind = file_format(path)
    if kind in (".eaf", ".eaf.gz"):
        return write_eaf(data, path, force=force)
    if kind == ".csv":
        return write_csv(data, path, fps=fps, force=force)
    if kind == ".parquet":
        return write_parquet(data, path, fps=fps, force=force)
    if kind == ".opf":
        return write_datavyu(data, path, force=force)
    if kind == ".rttm":
        return write_rttm(data, path, force=force)
    raise InterchangeError(
        f"unknown output format '{kind}' (known: {', '.join(OUTPUT_FORMATS)})", path
    )


def parts(data: CodingData) -> list[str]:
    """The parts (BORIS observations) the data holds, in order ([''] when it has none)."""
    return list(dict.fromkeys(a.attr("part") for a in data.annotations)) or [""]


def select_part(data: CodingData, part: str) -> CodingData:
    """Only one part (a BORIS observation) of the data, with its media.

    Raises:
        InterchangeError: no such part (the message lists those there are).
    """
    known = parts(data)
    if part not in known:
        shown = ", ".join(repr(p) for p in known)
        raise InterchangeError(
            f"no observation '{part}' (observations: {shown})", data.source or None
        )
    annotations = tuple(a for a in data.annotations if a.attr("part") == part)
    media = tuple(m for m in data.media if m.part == part or m.part.startswith(f"{part}#"))
    others = [f"observation '{p}'" for p in known if p != part]
    warnings = tuple(w for w in data.warnings if not w.startswith(tuple(others)))
    return dataclasses.replace(data, annotations=annotations, media=media, warnings=warnings)


@dataclass(frozen=True)
class ConvertResult:
    """What `convert` did: the file written, how many annotations, and reader warnings."""

    path: Path
    count: int
    warnings: tuple[str, ...]


def convert(
    source: Path | str,
    target: Path | str,
    *,
    part: str | None = None,
    coder: str = "",
    force: bool = False,
) -> ConvertResult:
    """Convert an annotation file to another format (by the extensions).

    Args:
        source: .eaf, .eaf.gz, .boris, .csv, .tsv, .parquet, .opf or .txt (VCode, iCatcher+).
        target: .eaf, .eaf.gz, .csv, .parquet or .opf.
        part: the BORIS observation to take (needed for ELAN when a project holds several).
        coder: the coder for annotations whose source names none.
        force: replace an existing target.

    Raises:
        InterchangeError: unreadable source, or a target that cannot hold the data.
        OutputError: the target exists (without force).
    """
    source, target = Path(source), Path(target)
    if file_format(target) not in OUTPUT_FORMATS:
        raise InterchangeError(
            f"unknown output format '{file_format(target)}' (known: {', '.join(OUTPUT_FORMATS)})",
            target,
        )
    check_output(target, force)  # before reading: a large source need not be parsed in vain
    data = read_any(source, coder)
    if part is not None:
        data = select_part(data, part)
    written = write_any(data, target, force=force)
    return ConvertResult(written, len(data.annotations), data.warnings)
