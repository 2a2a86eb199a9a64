"""`annotate contingency`: the contingency of a TARGET on a GIVEN (annotate.analysis.contingency)
for every clip of a source, each dyad, the pool, and the change from pre to post; written as the
long table, a per-dyad table for `annotate export prepost --covariates`, and a Markdown report.

A clip that holds neither a GIVEN onset nor a TARGET onset (most often: not coded on these
tiers) keeps its own rows but is left out of the dyad and pooled tables, with a note: its frames
would only add to d and inflate Q and z there.

Each clip's shuffles are seeded from the seed given and the clip's id, so a clip's p-value does
not depend on which other clips are in the run.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import reduce
from pathlib import Path

import numpy as np
import pandas as pd

from annotate.analysis.contingency import MEASURES, Table, contingency_table
from annotate.analysis.interaction_sources import (
    ClipEvents,
    ClipSource,
    Side,
    check_episodes,
    load_clips,
    sides_found,
)
from annotate.analysis.interaction_tables import (
    check_outputs,
    dyad_table,
    levels,
    long_table,
    markdown_table,
    output_paths,
    write_results,
)
from annotate.errors import ConfigError

ANALYSIS = "contingency"


@dataclass(frozen=True)
class ContingencyResult:
    """The long table (see annotate.analysis.interaction_tables), per dyad, and notes."""

    table: pd.DataFrame
    dyads: pd.DataFrame
    notes: tuple[str, ...]


def clip_rng(seed: int, clip_id: str) -> np.random.Generator:
    """The generator of one clip's shuffles: from the seed and the clip's id."""
    return np.random.default_rng([seed, zlib.crc32(clip_id.encode("utf-8"))])


def check_settings(window_s: float, permutations: int) -> None:
    """Raises ConfigError for a window that is not positive or a negative number of shuffles."""
    if not math.isfinite(window_s) or window_s <= 0:
        raise ConfigError(f"--window must be a positive number of seconds, got {window_s}")
    if permutations < 0:
        raise ConfigError(f"--permutations must be 0 or more, got {permutations}")


def contingency_tables(
    clips: Sequence[ClipEvents],
    given: Side,
    target: Side,
    window_s: float,
    *,
    permutations: int = 1000,
    seed: int = 0,
) -> list[Table]:
    """Each clip's table, in order."""
    return [
        contingency_table(
            clip.onsets(given),
            clip.onsets(target),
            window_s=window_s,
            fps=clip.fps,
            duration_s=clip.duration_s,
            permutations=permutations,
            rng=clip_rng(seed, clip.clip_id),
        )
        for clip in clips
    ]


def contingency_results(
    clips: Sequence[ClipEvents],
    given: Side,
    target: Side,
    window_s: float,
    *,
    permutations: int = 1000,
    seed: int = 0,
) -> ContingencyResult:
    """The long table over clips, dyads and the pool, and the per-dyad table."""
    check_settings(window_s, permutations)
    tables = contingency_tables(
        clips, given, target, window_s, permutations=permutations, seed=seed
    )
    empty = {i for i, t in enumerate(tables) if t.a + t.b + t.c == 0}
    rows = []
    for level in levels(clips):
        members = [i for i in level.members if i not in empty or len(level.members) == 1]
        if not members:
            continue
        pooled = reduce(lambda x, y: x + y, (tables[i] for i in members))
        for measure, value in pooled.measures().items():
            rows.append(
                {
                    "clip": level.clip,
                    "dyad": level.dyad,
                    "phase": level.phase,
                    "given": given.text,
                    "target": target.text,
                    "window_s": window_s,
                    "measure": measure,
                    "value": value,
                }
            )
    table = long_table(rows)
    notes = sides_found(clips, [given, target])
    notes += [
        f"clip {clips[i].clip_id} holds neither {given.text} nor {target.text}: left out of the "
        "dyad and pooled tables (its frames would only add to d)"
        for i in sorted(empty)
    ]
    return ContingencyResult(table, dyad_table(table, ANALYSIS), tuple(notes))


def contingency_report(
    result: ContingencyResult,
    given: Side,
    target: Side,
    window_s: float,
    permutations: int,
    seed: int,
) -> str:
    """The Markdown report: what was computed, the tables, the notes."""
    lines = [
        f"# Contingency: {target.text} after {given.text} within {window_s:g} s",
        "",
        "Frame k spans [k/fps, (k+1)/fps). In window: the frame starts within (0, "
        f"{window_s:g}] s after an onset of {given.text}; has target: an onset of {target.text} "
        "falls in it. a: in window with target, b: in window without, c: target outside windows, "
        "d: neither. p_target_given = a/(a+b); base_rate = (a+c)/N; yules_q = (ad-bc)/(ad+bc); "
        "adjusted_residual: Allison-Liker z; p_permutation: one-sided, the onsets of "
        f"{given.text} placed at random in each clip {permutations} times (seed {seed}); "
        f"median_latency_s: from each onset of {given.text} to the next onset of {target.text}.",
        "",
        *markdown_table(result.table, MEASURES),
    ]
    if result.notes:
        lines += ["", "Notes:", *(f"- {note}" for note in result.notes)]
    return "\n".join(lines) + "\n"


def run_contingency(
    source: ClipSource,
    given: Side,
    target: Side,
    window_s: float,
    out: Path,
    *,
    permutations: int = 1000,
    seed: int = 0,
    force: bool = False,
) -> tuple[list[Path], ContingencyResult]:
    """Compute and write (see the module docstring); the paths written and the result.

    Raises:
        OutputError: an output exists (checked before any work, unless force).
        ConfigError, InterchangeError, VideoError, StoreError: bad settings or input.
    """
    check_settings(window_s, permutations)
    check_outputs(output_paths(out), force)
    check_episodes(source, [given, target])
    clips = load_clips(source)
    result = contingency_results(
        clips, given, target, window_s, permutations=permutations, seed=seed
    )
    report = contingency_report(result, given, target, window_s, permutations, seed)
    return write_results(out, result.table, result.dyads, report, force=force), result
