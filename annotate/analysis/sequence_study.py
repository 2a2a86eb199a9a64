"""`annotate sequence`: lag sequential analysis (annotate.analysis.sequence) of every clip of a
source, each dyad, the pool and the change from pre to post, with the state transition matrices,
their flow diagram and the sequences in SDIS.

Outputs, beside the long table OUT (`s.csv`): `s_dyads.csv` (per dyad, for `annotate export
prepost --covariates`), `s.md` (the report), `s_transitions.csv` (the lag-1 transition matrix of
the merged sequence and of each tier alone, pooled over clips: `sequence, given, target, count,
transitional_probability, adjusted_residual`), `s.png` or `s.svg` (the flow diagram of those
matrices) and `s.sds` (the sequences in SDIS, one session per clip).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import reduce
from pathlib import Path

import numpy as np
import pandas as pd

from annotate.analysis.interaction_sources import (
    ClipEvents,
    ClipSource,
    check_episodes,
    load_clips,
    parse_side,
)
from annotate.analysis.interaction_tables import (
    check_outputs,
    dyad_table,
    level_label,
    levels,
    long_table,
    output_paths,
    plot_path,
    write_results,
)
from annotate.analysis.sdis import sdis_codes, write_sdis
from annotate.analysis.sequence import (
    LagTables,
    adjusted_residuals,
    clip_sequence,
    lag_counts,
    lag_tables,
    transitional_probabilities,
)
from annotate.analysis.sequence_plot import flow_diagram
from annotate.analysis.table_files import beside, table_bytes
from annotate.errors import ConfigError

ANALYSIS = "sequence"
MERGED = "all tiers"


@dataclass(frozen=True)
class SequenceResult:
    """The long table, per dyad, the transition matrices, the clips' sequences and notes."""

    table: pd.DataFrame
    dyads: pd.DataFrame
    transitions: pd.DataFrame
    sequences: tuple[tuple[str, tuple[str, ...]], ...]
    codes: tuple[str, ...]
    notes: tuple[str, ...]


def _transition_rows(
    name: str, codes: Sequence[str], counts: np.ndarray
) -> list[dict[str, object]]:
    probability, residual = transitional_probabilities(counts), adjusted_residuals(counts)
    return [
        {
            "sequence": name,
            "given": given,
            "target": target,
            "count": int(counts[i, j]),
            "transitional_probability": float(probability[i, j]),
            "adjusted_residual": float(residual[i, j]),
        }
        for i, given in enumerate(codes)
        for j, target in enumerate(codes)
    ]


def transition_panels(
    sequences: Sequence[Sequence[str]], codes: Sequence[str], tiers: Sequence[str]
) -> list[tuple[str, tuple[str, ...], np.ndarray]]:
    """(name, codes, pooled lag-1 counts): the merged sequence, then each tier's own (tiers with
    more than one code)."""
    merged = sum((lag_counts(s, codes, 1) for s in sequences), np.zeros((len(codes),) * 2, int))
    panels = [(MERGED, tuple(codes), merged)]
    if len(tiers) < 2:
        return panels
    for tier in tiers:
        own = tuple(c for c in codes if c == tier or c.startswith(f"{tier}:"))
        if len(own) < 2:
            continue
        alone = [[c for c in s if c in own] for s in sequences]
        counts = sum((lag_counts(s, own, 1) for s in alone), np.zeros((len(own),) * 2, int))
        panels.append((tier, own, counts))
    return panels


def sequence_results(
    clips: Sequence[ClipEvents], tiers: Sequence[str], lags: Sequence[int]
) -> SequenceResult:
    """The lag tables over clips, dyads and the pool; the transition matrices; the sequences."""
    sequences = [clip_sequence(clip, tiers) for clip in clips]
    codes = tuple(sorted(set().union(*map(set, sequences)))) if sequences else ()
    if not codes:
        raise ConfigError(
            f"no clip holds an event on the tiers {', '.join(tiers)} (check the tier names, "
            "and --coder)"
        )
    tables = [lag_tables(s, codes, lags) for s in sequences]
    rows = []
    for level in levels(clips):
        pooled: LagTables = reduce(lambda x, y: x + y, (tables[i] for i in level.members))
        for given, target, measure, value in pooled.rows():
            rows.append(
                {
                    "clip": level.clip,
                    "dyad": level.dyad,
                    "phase": level.phase,
                    "given": given,
                    "target": target,
                    "window_s": math.nan,
                    "measure": measure,
                    "value": value,
                }
            )
    table = long_table(rows)
    panels = transition_panels(sequences, codes, tiers)
    transitions = pd.DataFrame([r for p in panels for r in _transition_rows(*p)])
    notes = [
        f"clip {c.clip_id} holds no event on these tiers"
        for c, s in zip(clips, sequences, strict=True)
        if not s
    ]
    return SequenceResult(
        table,
        dyad_table(table, ANALYSIS),
        transitions,
        tuple((c.clip_id, tuple(s)) for c, s in zip(clips, sequences, strict=True)),
        codes,
        tuple(notes),
    )


def _matrix_lines(transitions: pd.DataFrame, name: str, value: str) -> list[str]:
    part = transitions[transitions["sequence"] == name]
    codes = list(dict.fromkeys(part["given"]))
    lines = ["| given \\ target | " + " | ".join(codes) + " |", "|---|" + "---|" * len(codes)]
    for given in codes:
        cells = part[part["given"] == given].set_index("target")[value]
        shown = ["" if math.isnan(float(cells[t])) else f"{float(cells[t]):.2f}" for t in codes]
        lines.append(f"| {given} | " + " | ".join(shown) + " |")
    return lines


def sequence_report(result: SequenceResult, tiers: Sequence[str], lags: Sequence[int]) -> str:
    """The Markdown report: definitions, frequencies, the lag-1 matrices, the SDIS codes."""
    lines = [
        f"# Lag sequential analysis: {', '.join(tiers)}, lags {', '.join(map(str, lags))}",
        "",
        "Event-based: each clip's onsets on these tiers in time order. For each lag L, x_ij "
        "counts code i followed L events later by code j in the same clip. Transitional "
        "probability x_ij / x_i+; adjusted residual (x_ij - e_ij) / sqrt(e_ij (1 - x_i+/N) "
        "(1 - x_+j/N)), e_ij = x_i+ x_+j / N. Every level's values are in the long table.",
        "",
        "## Events per clip",
        "",
        "| clip | events |",
        "|---|---|",
        *(f"| {clip} | {len(seq)} |" for clip, seq in result.sequences),
    ]
    pooled = result.table[(result.table["clip"] == "") & (result.table["dyad"] == "")]
    label = level_label("", "", "") if not pooled.empty else "the clip"
    for name in dict.fromkeys(result.transitions["sequence"]):
        lines += [
            "",
            f"## Lag-1 transitional probabilities, {name} ({label}, all clips)",
            "",
            *_matrix_lines(result.transitions, name, "transitional_probability"),
            "",
            "Adjusted residuals:",
            "",
            *_matrix_lines(result.transitions, name, "adjusted_residual"),
        ]
    codes = sdis_codes(result.codes)
    lines += ["", "## SDIS codes", "", "| label | SDIS code |", "|---|---|"]
    lines += [f"| {label} | {code} |" for label, code in codes.items()]
    if result.notes:
        lines += ["", "Notes:", *(f"- {note}" for note in result.notes)]
    return "\n".join(lines) + "\n"


def sequence_outputs(out: Path, plot_format: str) -> tuple[Path, ...]:
    """Every output: the long table, per dyad, report, transitions, diagram, SDIS.

    Raises:
        ConfigError: an unknown diagram format.
    """
    return (
        *output_paths(out),
        beside(out, "transitions").with_suffix(".csv"),
        plot_path(out, plot_format),
        out.with_suffix(".sds"),
    )


def run_sequence(
    source: ClipSource,
    tiers: Sequence[str],
    lags: Sequence[int],
    out: Path,
    *,
    plot_format: str = "png",
    min_p: float = 0.1,
    force: bool = False,
) -> tuple[list[Path], SequenceResult]:
    """Compute and write (see the module docstring); the paths written and the result.

    Raises:
        OutputError: an output exists (checked before any work, unless force).
        ConfigError, InterchangeError, VideoError, StoreError: bad settings or input.
    """
    paths = sequence_outputs(out, plot_format)
    check_outputs(paths, force)
    check_episodes(source, [parse_side(t) for t in tiers if t.lower().startswith("auto:")])
    result = sequence_results(load_clips(source), tiers, lags)
    panels = transition_panels([s for _, s in result.sequences], result.codes, tiers)
    extra: dict[Path, bytes | str] = {
        paths[3]: table_bytes(result.transitions, paths[3]),
        paths[4]: flow_diagram(panels, plot_format, min_p),
        paths[5]: write_sdis(result.sequences, result.codes),
    }
    report = sequence_report(result, tiers, lags)
    return write_results(out, result.table, result.dyads, report, extra, force=force), result
