"""Automatic episodes against a human coder: the same figures as coder against coder.

For each comparison of a mapping (annotate.analysis.agreement_map) the coder (A, the reference)
has the comparison's label where any of its codes is active on its tier, and the automatic side
(B) where an episode of its kind and role is; both are '(none)' elsewhere. Steps (one video
frame by default) where the automatic side cannot tell (its unknown episodes: no face, or gaze
unknown) are left out of agreement and disagreement alike and reported as `unknown_s`. The
frames, events, bias and bootstrap by dyad are those of annotate.coding.reliability_frames and
annotate.coding.reliability_pooled.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from annotate.analysis.agreement_map import Comparison
from annotate.analysis.clip_features import read_episodes
from annotate.coding.records import Annotation
from annotate.coding.reliability_frames import (
    FrameOptions,
    TierFigures,
    compare_tier,
    spans_mask,
    step_count,
)
from annotate.coding.reliability_pooled import REPS, SEED, AgreementRow, agreement_rows
from annotate.errors import InterchangeError
from annotate.extract.folder import EPISODES_CSV
from annotate.timeline.episodes import Episode

AUTO = "automatic"


@dataclass(frozen=True)
class AutoClip:
    """One clip to compare: its name, dyad, automatic episodes, the coder's annotations, and
    its grid (frame rate and duration)."""

    clip: str
    dyad: str
    episodes: tuple[Episode, ...]
    coded: tuple[Annotation, ...]
    fps: float
    duration_s: float


def episodes_of(folder: Path) -> tuple[Episode, ...]:
    """The automatic episodes of an extraction output folder (its episodes.csv).

    Raises:
        InterchangeError: the folder holds no episodes.csv, or it is malformed.
    """
    path = folder / EPISODES_CSV
    if not path.is_file():
        raise InterchangeError(
            f"holds no {EPISODES_CSV}; give the folder `annotate extract` wrote", folder
        )
    return read_episodes(path)


def _as_annotations(
    episodes: Sequence[Episode], kind: str, role: str, label: str
) -> list[Annotation]:
    return [
        Annotation("", AUTO, label, label, e.start_s, e.end_s)
        for e in episodes
        if e.kind == kind and e.role == role and e.end_s > e.start_s
    ]


def compare_clip(
    item: AutoClip,
    comparisons: Sequence[Comparison],
    *,
    step_s: float | None = None,
    tolerance_s: float = 0.5,
) -> list[TierFigures]:
    """Each comparison of one clip (see the module docstring)."""
    step = step_s or 1.0 / item.fps
    options = FrameOptions(step_s=step, tolerance_s=tolerance_s)
    present = {(e.kind, e.role) for e in item.episodes}
    count = step_count(item.duration_s, step)
    figures = []
    for c in comparisons:
        coded = [
            Annotation("", a.coder, c.name, c.name, a.start_s, a.end_s)
            for a in item.coded
            if a.tier == c.tier and a.code in c.codes and a.end_s > a.start_s
        ]
        automatic = _as_annotations(item.episodes, c.kind, c.role, c.name)
        spans = [
            (e.start_s, e.end_s)
            for kind, role in c.unknown_sources(present)
            for e in item.episodes
            if e.kind == kind and e.role == role
        ]
        unknown = spans_mask(spans, count, step)
        figures.append(
            compare_tier(
                item.clip, c.name, coded, automatic, item.duration_s, options, unknown_b=unknown
            )
        )
    return figures


def missing_tiers(items: Sequence[AutoClip], comparisons: Sequence[Comparison]) -> list[str]:
    """Notes for comparisons whose tier the coder never used (their figures compare nothing
    the coder marked, which is worth knowing before reading a kappa of 0)."""
    used = {a.tier for item in items for a in item.coded}
    return [
        f"comparison '{c.name}': the coder used no tier '{c.tier}' on any clip"
        for c in comparisons
        if c.tier not in used
    ]


def compare_auto(
    items: Sequence[AutoClip],
    comparisons: Sequence[Comparison],
    *,
    step_s: float | None = None,
    tolerance_s: float = 0.5,
    reps: int = REPS,
    seed: int = SEED,
) -> tuple[list[AgreementRow], list[TierFigures]]:
    """The long table and its figures over clips (pooled and bootstrapped by dyad)."""
    figures = [
        f
        for item in items
        for f in compare_clip(item, comparisons, step_s=step_s, tolerance_s=tolerance_s)
    ]
    dyads: Mapping[str, str] = {item.clip: item.dyad for item in items}
    return agreement_rows(figures, dyads, reps=reps, seed=seed), figures
