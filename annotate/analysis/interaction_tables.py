"""The long tables the interaction analyses write, the study levels they report, and writing them.

Every result is a row of `clip, dyad, phase, given, target, window_s, measure, value`:

- a clip's own row has its clip id (and its dyad and phase, where known);
- a dyad's row has an empty clip: the dyad's clips of one phase together;
- a pooled row has an empty clip and dyad: every clip of a phase together (`all`: every clip,
  when the clips have more than one phase);
- where a dyad (or the pool) has both a `pre` and a `post` row, a `change` row holds post - pre
  for each measure but p-values.

`dyad_table` turns the dyads' rows into one row per dyad (`dyad`, then `<name>_pre`, `_post`,
`_change`), which `annotate export prepost --covariates` joins to the features and CARE-Index
figures. Outputs are written whole or not at all (annotate.io.atomic).
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import pandas as pd
from matplotlib.figure import Figure

from annotate.analysis.table_files import beside, table_bytes, table_suffix
from annotate.errors import ConfigError, OutputError
from annotate.io.atomic import check_writable, write_outputs

LONG_COLUMNS = ("clip", "dyad", "phase", "given", "target", "window_s", "measure", "value")
PRE, POST, CHANGE, ALL = "pre", "post", "change", "all"
NO_CHANGE = ("p_permutation",)
PLOT_FORMATS = ("png", "svg")


class Labelled(Protocol):
    """A clip as `levels` needs it: its id, dyad and phase."""

    @property
    def clip_id(self) -> str: ...
    @property
    def dyad(self) -> str: ...
    @property
    def phase(self) -> str: ...


@dataclass(frozen=True)
class Level:
    """A group of clips reported together (see the module docstring).

    Attributes:
        clip, dyad, phase: The row's labels.
        members: Indexes of its clips in the list given to `levels`.
    """

    clip: str
    dyad: str
    phase: str
    members: tuple[int, ...]


def levels(clips: Sequence[Labelled]) -> list[Level]:
    """Each clip, each dyad's clips per phase, and the pool per phase (and `all` across phases),
    the pool only where there are two clips or more."""
    found = [Level(c.clip_id, c.dyad, c.phase, (i,)) for i, c in enumerate(clips)]
    phases = list(dict.fromkeys(c.phase for c in clips))
    for dyad in dict.fromkeys(c.dyad for c in clips if c.dyad):
        for phase in phases:
            members = tuple(i for i, c in enumerate(clips) if c.dyad == dyad and c.phase == phase)
            if members:
                found.append(Level("", dyad, phase, members))
    if len(clips) < 2:
        return found
    for phase in phases:
        found.append(
            Level("", "", phase, tuple(i for i, c in enumerate(clips) if c.phase == phase))
        )
    if len(phases) > 1:
        found.append(Level("", "", ALL, tuple(range(len(clips)))))
    return found


def change_rows(table: pd.DataFrame) -> pd.DataFrame:
    """`change` rows (post - pre) of the dyads and the pool that have both phases."""
    grouped = table[(table["clip"] == "") & ~table["measure"].isin(NO_CHANGE)]
    keys = ["dyad", "given", "target", "window_s", "measure"]
    pre = grouped[grouped["phase"] == PRE].set_index(keys)["value"]
    post = grouped[grouped["phase"] == POST].set_index(keys)["value"]
    both = pre.index.intersection(post.index)
    if both.empty:
        return pd.DataFrame(columns=list(LONG_COLUMNS))
    change = (post.loc[both] - pre.loc[both]).reset_index()
    change["clip"], change["phase"] = "", CHANGE
    return change[list(LONG_COLUMNS)]


def long_table(rows: Sequence[Mapping[str, object]]) -> pd.DataFrame:
    """The rows as the long table, with the change rows added."""
    table = pd.DataFrame(list(rows), columns=list(LONG_COLUMNS))
    table["value"] = table["value"].astype("float64")
    changes = change_rows(table)
    return pd.concat([table, changes], ignore_index=True) if len(changes) else table


def _name(text: str) -> str:
    return re.sub(r"[^0-9A-Za-z]+", "_", text).strip("_").lower()


def dyad_table(table: pd.DataFrame, analysis: str) -> pd.DataFrame:
    """One row per dyad: `<analysis>_<given>__<target>[_<W>s]_<measure>_<phase>` columns."""
    rows = table[(table["clip"] == "") & (table["dyad"] != "")]
    rows = rows[rows["phase"].isin([PRE, POST, CHANGE])]
    if rows.empty:
        return pd.DataFrame(columns=["dyad"])

    def column(row: pd.Series) -> str:
        window = f"_{row['window_s']:g}s" if _is_number(row["window_s"]) else ""
        pair = f"{_name(str(row['given']))}__{_name(str(row['target']))}"
        return f"{analysis}_{pair}{window}_{_name(str(row['measure']))}_{row['phase']}"

    named = rows.assign(column=rows.apply(column, axis=1))
    wide = named.pivot_table(
        index="dyad", columns="column", values="value", aggfunc="first", dropna=False
    )
    wide = wide.reindex(columns=list(dict.fromkeys(named["column"])))
    return wide.reset_index().rename_axis(columns=None)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not (isinstance(value, float) and math.isnan(value))


def level_label(clip: str, dyad: str, phase: str) -> str:
    """How a row's level reads in a report: `clip c1`, `dyad d01 pre`, `pooled all`."""
    if clip:
        return f"clip {clip}" + (f" ({dyad} {phase})".replace(" )", ")") if dyad or phase else "")
    if dyad:
        return f"dyad {dyad} {phase}".strip()
    return f"pooled {phase}".strip()


def _number(value: float) -> str:
    if math.isnan(value):
        return ""
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.3f}"


def markdown_table(table: pd.DataFrame, measures: Sequence[str]) -> list[str]:
    """A pipe table, one line per level and pair, one column per measure."""
    head = ["level", "given", "target", *measures]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    keys = ["clip", "dyad", "phase", "given", "target", "window_s"]
    for key, group in table.groupby(keys, sort=False, dropna=False):
        values = dict(zip(group["measure"], group["value"], strict=True))
        cells = [level_label(str(key[0]), str(key[1]), str(key[2])), str(key[3]), str(key[4])]
        cells += [_number(float(values.get(m, math.nan))) for m in measures]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return lines


def output_paths(out: Path) -> tuple[Path, Path, Path]:
    """The long table, its per-dyad table and the Markdown report: `c.csv`, `c_dyads.csv`,
    `c.md`.

    Raises:
        OutputError: `out` does not end in .csv or .parquet.
    """
    table_suffix(out)
    return out, beside(out, "dyads"), out.with_suffix(".md")


def check_outputs(paths: Sequence[Path], force: bool) -> None:
    """Refuse before any work: an output exists (without force), or two outputs share a path.

    Raises:
        OutputError: naming the output.
    """
    if len(set(paths)) < len(paths):
        raise OutputError(f"two outputs would share a path: {', '.join(map(str, paths))}")
    check_writable(paths, force)


def write_results(
    out: Path,
    table: pd.DataFrame,
    dyads: pd.DataFrame,
    report: str,
    extra: Mapping[Path, bytes | str] | None = None,
    *,
    force: bool = False,
) -> list[Path]:
    """Write the long table, the per-dyad table, the report and any extra outputs, whole or not
    at all; the paths written.

    Raises:
        OutputError: an output exists (without force) or cannot be written; nothing changes then.
    """
    long_path, dyads_path, report_path = output_paths(out)
    outputs: dict[Path, bytes | str] = {
        long_path: table_bytes(table, long_path),
        dyads_path: table_bytes(dyads, dyads_path),
        report_path: report,
        **(extra or {}),
    }
    check_outputs(list(outputs), force)
    return write_outputs(outputs, force)


def plot_path(out: Path, plot_format: str) -> Path:
    """The picture beside the long table: `c.png` or `c.svg`.

    Raises:
        ConfigError: another format.
    """
    if plot_format not in PLOT_FORMATS:
        raise ConfigError(f"--plot-format must be png or svg, got {plot_format!r}")
    return out.with_suffix(f".{plot_format}")


def figure_bytes(figure: Figure, fmt: str, dpi: int = 100) -> bytes:
    """A figure as PNG or SVG bytes, without the dates and versions that would make two runs
    differ."""
    buffer = io.BytesIO()
    metadata = {"Software": None} if fmt == "png" else {"Creator": None, "Date": None}
    figure.savefig(buffer, format=fmt, dpi=dpi, metadata=metadata)
    return buffer.getvalue()
