"""`annotate synchrony`: partners' synchrony (annotate.analysis.synchrony) on every clip with
features, each dyad, the pool and the change from pre to post.

Clips: with a manifest, each row's extraction folder under FEATURES (`FEATURES/<id>/`), with its
dyad and phase; without, FEATURES itself when it holds a features.parquet, else each of its
sub-folders that holds one. Dyad and pooled rows are the means of their clips' values (`windows`:
the sum).

Outputs, beside the long table OUT (`y.csv`): `y_dyads.csv` (per dyad, for `annotate export
prepost --covariates`), `y.md` (the report), `y_windows.csv` (each window's peak: `clip, dyad,
phase, series, start_s, end_s, peak_lag_s, peak_r`) and `y.png` or `y.svg`: for each clip and
series, r over windows (across) and lags (up), the peaks marked.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from annotate.analysis.interaction_tables import (
    check_outputs,
    dyad_table,
    figure_bytes,
    levels,
    long_table,
    markdown_table,
    output_paths,
    plot_path,
    write_results,
)
from annotate.analysis.study_manifest import outputs_folder, read_study_manifest
from annotate.analysis.synchrony import (
    SeriesSynchrony,
    check_settings,
    peak,
    read_partner_series,
    synchrony,
)
from annotate.analysis.table_files import beside, table_bytes
from annotate.errors import ConfigError, InterchangeError
from annotate.extract.folder import FEATURES_PARQUET

ANALYSIS = "synchrony"
MEASURES = (
    "peak_lag_s",
    "peak_r",
    "zero_lag_r",
    "windows",
    "mean_window_peak_r",
    "median_window_peak_lag_s",
)
MAX_PLOT_ROWS = 12


@dataclass(frozen=True)
class FeatureClip:
    """A clip's extraction folder and its place in the study."""

    clip_id: str
    dyad: str
    phase: str
    folder: Path


def feature_clips(features: Path, manifest: Path | None = None) -> list[FeatureClip]:
    """The clips (see the module docstring).

    Raises:
        ConfigError: no clip has a features.parquet.
    """
    if manifest is not None:
        found = []
        for row in read_study_manifest(manifest).rows:
            folder = outputs_folder(features, row.clip_id, row.path.stem)
            if folder is None or not (folder / FEATURES_PARQUET).is_file():
                raise InterchangeError(
                    f"{row.line}: no {FEATURES_PARQUET} for {row.clip_id} under {features}",
                    manifest,
                )
            found.append(FeatureClip(row.clip_id, row.dyad, row.phase, folder))
        return found
    if (features / FEATURES_PARQUET).is_file():
        return [FeatureClip(features.name, "", "", features)]
    found = [
        FeatureClip(p.name, "", "", p)
        for p in sorted(features.iterdir() if features.is_dir() else [])
        if (p / FEATURES_PARQUET).is_file()
    ]
    if not found:
        raise ConfigError(
            f"{features}: holds no {FEATURES_PARQUET}, nor folders that do (give the folder "
            "`annotate extract` wrote, or one holding such folders)"
        )
    return found


@dataclass(frozen=True)
class SynchronyResult:
    """The long table, per dyad, each window's peak, each clip's curves, and notes."""

    table: pd.DataFrame
    dyads: pd.DataFrame
    windows: pd.DataFrame
    curves: tuple[tuple[str, SeriesSynchrony, float], ...]
    notes: tuple[str, ...]


def _window_rows(
    clip: FeatureClip, found: SeriesSynchrony, step_s: float, window_s: float
) -> list[dict[str, object]]:
    rows = []
    for start, r in zip(found.window_starts_s, found.windows, strict=True):
        lag, strength = peak(r, step_s)
        rows.append(
            {
                "clip": clip.clip_id,
                "dyad": clip.dyad,
                "phase": clip.phase,
                "series": found.name,
                "start_s": float(start),
                "end_s": float(start) + window_s,
                "peak_lag_s": lag,
                "peak_r": strength,
            }
        )
    return rows


def synchrony_results(
    clips: Sequence[FeatureClip],
    roles: tuple[str, str],
    *,
    window_s: float = 10.0,
    step_s: float = 5.0,
    max_lag_s: float = 3.0,
) -> SynchronyResult:
    """Every clip's synchrony, the dyads' and the pool's means."""
    check_settings(window_s, step_s, max_lag_s)
    per_clip: list[dict[str, dict[str, float]]] = []
    windows: list[dict[str, object]] = []
    curves = []
    for clip in clips:
        series = read_partner_series(clip.folder / FEATURES_PARQUET, *roles)
        found = synchrony(series, window_s, step_s, max_lag_s)
        per_clip.append({s.name: s.measures(series.step_s) for s in found})
        for s in found:
            windows += _window_rows(clip, s, series.step_s, window_s)
            curves.append((clip.clip_id, s, series.step_s))
    rows = []
    for level in levels(clips):
        names = list(dict.fromkeys(n for i in level.members for n in per_clip[i]))
        for name in names:
            for measure in MEASURES:
                values = [per_clip[i][name][measure] for i in level.members if name in per_clip[i]]
                finite = [v for v in values if not math.isnan(v)]
                value = (
                    (sum(finite) if measure == "windows" else float(np.mean(finite)))
                    if finite
                    else math.nan
                )
                rows.append(
                    {
                        "clip": level.clip,
                        "dyad": level.dyad,
                        "phase": level.phase,
                        "given": f"{roles[0]}:{name}",
                        "target": f"{roles[1]}:{name}",
                        "window_s": window_s,
                        "measure": measure,
                        "value": value,
                    }
                )
    table = long_table(rows)
    notes = [
        f"clip {clip.clip_id}: no window with enough samples of both faces"
        for clip, measures in zip(clips, per_clip, strict=True)
        if all(m["windows"] == 0 for m in measures.values())
    ]
    window_table = pd.DataFrame(
        windows,
        columns=["clip", "dyad", "phase", "series", "start_s", "end_s", "peak_lag_s", "peak_r"],
    )
    return SynchronyResult(
        table, dyad_table(table, ANALYSIS), window_table, tuple(curves), tuple(notes)
    )


def synchrony_plot(result: SynchronyResult, fmt: str, roles: tuple[str, str]) -> bytes:
    """For each clip and series (at most 12), r over windows and lags, peaks marked."""
    shown = result.curves[:MAX_PLOT_ROWS]
    figure = Figure(figsize=(8.0, 1.0 + 2.0 * max(1, len(shown))), layout="constrained")
    for index, (clip_id, found, step_s) in enumerate(shown):
        axes = figure.add_subplot(max(1, len(shown)), 1, index + 1)
        if found.windows.size:
            starts = found.window_starts_s
            hop = float(starts[1] - starts[0]) if starts.size > 1 else step_s
            extent = (  # cells centred on their window's start and their lag
                float(starts[0]) - hop / 2,
                float(starts[-1]) + hop / 2,
                float(found.lags_s[0]) - step_s / 2,
                float(found.lags_s[-1]) + step_s / 2,
            )
            image = axes.imshow(
                found.windows.T,
                aspect="auto",
                origin="lower",
                cmap="RdBu_r",
                vmin=-1,
                vmax=1,
                extent=extent,
                interpolation="nearest",
            )
            peaks = [peak(r, step_s) for r in found.windows]
            axes.plot(found.window_starts_s, [p[0] for p in peaks], "k.", markersize=4)
            figure.colorbar(image, ax=axes, label="r")
        axes.axhline(0.0, color="#555555", linewidth=0.5)
        axes.set_title(f"{clip_id}: {found.name}", fontsize=9)
        axes.set_ylabel("lag, s")
        axes.set_xlabel("window start, s")
    figure.suptitle(
        f"windowed cross-correlation; lag > 0: {roles[1]} follows {roles[0]}; dots: peaks",
        fontsize=9,
    )
    return figure_bytes(figure, fmt, 100)


def synchrony_report(
    result: SynchronyResult,
    roles: tuple[str, str],
    window_s: float,
    step_s: float,
    max_lag_s: float,
) -> str:
    """The Markdown report: definitions, the table of every level, notes."""
    lines = [
        f"# Synchrony: {roles[0]} and {roles[1]}",
        "",
        f"Windowed cross-correlation: windows of {window_s:g} s every {step_s:g} s, lags up to "
        f"{max_lag_s:g} s each way; lag > 0: {roles[1]} follows {roles[0]}. peak_lag_s, peak_r: "
        "the lag of the largest |r| over the whole clip and that r; zero_lag_r: r at lag 0; "
        "windows: windows with a peak; mean_window_peak_r, median_window_peak_lag_s: over them. "
        "Dyad and pooled rows are means of their clips.",
        "",
        *markdown_table(result.table, MEASURES),
    ]
    if len(result.curves) > MAX_PLOT_ROWS:
        lines += ["", f"The plot shows the first {MAX_PLOT_ROWS} of {len(result.curves)} curves."]
    if result.notes:
        lines += ["", "Notes:", *(f"- {note}" for note in result.notes)]
    return "\n".join(lines) + "\n"


def synchrony_outputs(out: Path, plot_format: str) -> tuple[Path, ...]:
    """Every output: long table, per dyad, report, windows, plot.

    Raises:
        ConfigError: an unknown plot format.
    """
    return (
        *output_paths(out),
        beside(out, "windows").with_suffix(out.suffix),
        plot_path(out, plot_format),
    )


def run_synchrony(
    features: Path,
    out: Path,
    *,
    manifest: Path | None = None,
    roles: tuple[str, str] = ("mother", "infant"),
    window_s: float = 10.0,
    step_s: float = 5.0,
    max_lag_s: float = 3.0,
    plot_format: str = "png",
    force: bool = False,
) -> tuple[list[Path], SynchronyResult]:
    """Compute and write (see the module docstring); the paths written and the result.

    Raises:
        OutputError: an output exists (checked before any work, unless force).
        ConfigError, InterchangeError: bad settings or input.
    """
    check_settings(window_s, step_s, max_lag_s)
    if roles[0] == roles[1]:
        raise ConfigError(f"--roles: give two different roles, got {roles[0]} twice")
    paths = synchrony_outputs(out, plot_format)
    check_outputs(paths, force)
    result = synchrony_results(
        feature_clips(features, manifest),
        roles,
        window_s=window_s,
        step_s=step_s,
        max_lag_s=max_lag_s,
    )
    extra: dict[Path, bytes | str] = {
        paths[3]: table_bytes(result.windows, paths[3]),
        paths[4]: synchrony_plot(result, plot_format, roles),
    }
    report = synchrony_report(result, roles, window_s, step_s, max_lag_s)
    return write_results(out, result.table, result.dyads, report, extra, force=force), result
