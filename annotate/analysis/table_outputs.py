"""The programme mechanism table as CSV, Markdown and a heat-map picture (PNG).

The CSV has a first column `mechanism` (M1, M2, ...), one column per programme with Y, N or V,
and a last row `total` with each programme's count of Y over the counted mechanisms. The Markdown
adds each mechanism's name and a legend. The picture colours Y, V and N cells.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from annotate.analysis.programme_table import ProgrammeTable, Rating
from annotate.errors import OutputError
from annotate.io.atomic import write_outputs

# Colour-blind-safe: dark teal for Y, amber for V, light grey for N.
RATING_COLOURS = {Rating.Y: "#1b7f79", Rating.V: "#f2b134", Rating.N: "#e4e4e4"}
_RATING_ORDER = (Rating.N, Rating.V, Rating.Y)


def render_csv(table: ProgrammeTable) -> str:
    """The table as CSV text (see the module's docstring)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(table.rows())
    return buffer.getvalue()


def render_markdown(table: ProgrammeTable) -> str:
    """The table as a Markdown pipe table with mechanism names, a legend and session counts."""
    programmes = [_cell(p) for p in table.programmes]
    lines = [
        "| mechanism | name | " + " | ".join(programmes) + " |",
        "|---|---|" + "".join(":-:|" for _ in programmes),
    ]
    for mechanism in table.mechanisms:
        name = mechanism.name + ("" if mechanism.counted else " (not in total)")
        ratings = [table.rating(mechanism.id, p).value for p in table.programmes]
        lines.append(f"| {mechanism.id} | {_cell(name)} | " + " | ".join(ratings) + " |")
    totals = [f"**{table.total(p)}**" for p in table.programmes]
    lines.append(f"| **total** | Y of {table.counted_label} | " + " | ".join(totals) + " |")
    sessions = ", ".join(f"{p} {len(table.sessions[p])}" for p in table.programmes)
    lines += [
        "",
        "Y: present in every session of the programme; V: in some; N: in none.",
        f"Sessions per programme: {sessions}.",
    ]
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def render_heatmap_png(table: ProgrammeTable) -> bytes:
    """A heat map of the ratings, one row per mechanism, one column per programme, as PNG bytes."""
    n_rows, n_cols = len(table.mechanisms), len(table.programmes)
    codes = [
        [_RATING_ORDER.index(table.rating(m.id, p)) for p in table.programmes]
        for m in table.mechanisms
    ]
    figure = Figure(figsize=(3.2 + 0.55 * n_cols, 1.6 + 0.32 * n_rows), layout="constrained")
    axes = figure.add_subplot()
    colours = ListedColormap([RATING_COLOURS[r] for r in _RATING_ORDER])
    axes.imshow(codes, cmap=colours, vmin=0, vmax=2, aspect="auto")
    for row, mechanism in enumerate(table.mechanisms):
        for col, programme in enumerate(table.programmes):
            rating = table.rating(mechanism.id, programme)
            colour = "white" if rating is Rating.Y else "black"
            axes.text(col, row, rating.value, ha="center", va="center", color=colour, fontsize=8)
    axes.set_xticks(range(n_cols), [f"{p}\n{table.total(p)}" for p in table.programmes])
    axes.set_yticks(
        range(n_rows),
        [f"{m.id} {m.name}" + ("" if m.counted else " *") for m in table.mechanisms],
        fontsize=8,
    )
    axes.tick_params(length=0)
    axes.xaxis.tick_top()
    axes.set_xlabel(
        f"under each programme: its count of Y over {table.counted_label}\n* not in the count",
        fontsize=8,
    )
    axes.legend(
        handles=[
            Patch(color=RATING_COLOURS[r], label=r.value) for r in (Rating.Y, Rating.V, Rating.N)
        ],
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        frameon=False,
        fontsize=8,
    )
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=120, metadata={"Software": None})
    return buffer.getvalue()


def table_output_paths(
    csv_path: Path, markdown_path: Path | None = None, heatmap_path: Path | None = None
) -> tuple[Path, Path, Path]:
    """The three outputs: the CSV, then the Markdown and PNG given, else beside the CSV."""
    return (
        csv_path,
        markdown_path or csv_path.with_suffix(".md"),
        heatmap_path or csv_path.with_suffix(".png"),
    )


def write_programme_table(
    table: ProgrammeTable,
    csv_path: Path,
    markdown_path: Path | None = None,
    heatmap_path: Path | None = None,
    force: bool = False,
) -> list[Path]:
    """Write the table as CSV, Markdown and PNG, each atomically; the paths written, in that order.

    Raises:
        OutputError: an output exists and `force` is False (nothing is written then), two outputs
            share a path, or one cannot be written.
    """
    paths = table_output_paths(csv_path, markdown_path, heatmap_path)
    if len(set(paths)) < len(paths):
        raise OutputError(f"the CSV, Markdown and picture outputs must differ, got {paths}")
    return write_outputs(
        {
            paths[0]: render_csv(table),
            paths[1]: render_markdown(table),
            paths[2]: render_heatmap_png(table),
        },
        force,
    )
