"""Two codings of one clip compared frame by frame: what every agreement figure is made of.

Coder A is the reference, B the coder (or automatic coder) being checked. For each tier:

- **Frames.** Time is cut into steps of `step_s` (default: one frame of the video, 1/fps); each
  step takes the codes active at its midpoint on the tier ('(none)' when none, 'a+b' when two
  overlap): the same labelling as annotate.coding.reliability.bin_labels. Steps are left out when
  they lie in an excluded span of either coder (an exclusion tier such as VCode's outofframe), or
  when B's label there is unknown (an automatic coder that could not tell: counted apart as
  `unknown_s`, never as agreement or disagreement). On an `exhaustive` tier (states such as
  left/right/away that cover every coded moment), steps that neither coder coded lie outside
  every trial and are left out.
  In files, a tier `T_unknown` (iCatcher+'s `gaze_unknown`: no face found) marks the time
  tier `T` cannot tell, for either coder.
  The confusion of the kept steps gives percent agreement, Cohen's kappa, and per code
  sensitivity (share of A's steps with the code that B also gave it) and specificity (share of
  A's steps without it that B also left without it).
  A tier on which neither coder marked a state (points only) has no frames to compare.
- **Events.** Per code, the onsets of A's and B's annotations are matched one to one within
  `tolerance_s` (annotate.coding.reliability.match_events): precision, recall, F1.
- **Duration and count.** Per code, the seconds and the number of annotations each coder gave
  (within the kept steps for seconds): B - A is the bias.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from annotate.coding.records import Annotation
from annotate.coding.reliability import NONE_LABEL, EventAgreement, bin_labels, match_events

EXCLUDE_ATTR = "exclude"
UNKNOWN_SUFFIX = "_unknown"


@dataclass(frozen=True)
class FrameOptions:
    """How to compare two codings.

    Attributes:
        step_s: the grid step, seconds (one video frame by default at the caller).
        tolerance_s: how far apart two onsets may be and still match, seconds.
        exclude: tiers whose spans are left out of the comparison (either coder's).
        exhaustive: tiers whose steps neither coder coded are left out (outside every trial).
    """

    step_s: float
    tolerance_s: float = 0.5
    exclude: tuple[str, ...] = ()
    exhaustive: tuple[str, ...] = ()


@dataclass(frozen=True)
class CodeFigures:
    """One code of one tier of one clip: steps, seconds, counts and matched onsets."""

    code: str
    both: int  # kept steps where A and B both have the code
    only_a: int
    only_b: int
    neither: int
    seconds_a: float
    seconds_b: float
    count_a: int
    count_b: int
    events: EventAgreement


@dataclass(frozen=True)
class TierFigures:
    """One tier of one clip compared.

    Attributes:
        clip: the clip's name.
        tier: the tier (A's name for it).
        step_s: grid step, seconds.
        confusion: (A's label, B's label) -> kept steps.
        unknown_steps: steps left out because B's label was unknown.
        excluded_steps: steps left out by an exclusion span.
        codes: per code figures, in name order.
    """

    clip: str
    tier: str
    step_s: float
    confusion: dict[tuple[str, str], int]
    unknown_steps: int
    excluded_steps: int
    codes: tuple[CodeFigures, ...] = field(default=())

    @property
    def steps(self) -> int:
        """Steps compared."""
        return sum(self.confusion.values())


def step_count(duration_s: float, step_s: float) -> int:
    """Steps of `step_s` that cover `duration_s` (the last one may run past it)."""
    return max(0, int(np.ceil(duration_s / step_s - 1e-9)))


def _fit(mask: np.ndarray | None, count: int) -> np.ndarray:
    out = np.zeros(count, dtype=bool)
    if mask is not None:
        size = min(count, mask.size)
        out[:size] = mask[:size]
    return out


def spans_mask(spans: Iterable[tuple[float, float]], count: int, step_s: float) -> np.ndarray:
    """Which steps (midpoints (k + 0.5) * step_s) lie in any [start, end) span."""
    mask = np.zeros(count, dtype=bool)
    for start, end in spans:
        first = max(0, int(np.ceil(start / step_s - 0.5 - 1e-9)))
        last = min(count, int(np.ceil(end / step_s - 0.5 - 1e-9)))
        if last > first:
            mask[first:last] = True
    return mask


def _has(labels: np.ndarray, code: str) -> np.ndarray:
    if labels.size == 0:
        return np.zeros(0, dtype=bool)
    names, where = np.unique(labels.astype(str), return_inverse=True)
    return np.array([code in name.split("+") for name in names], dtype=bool)[where]


def compare_tier(
    clip: str,
    tier: str,
    a: Sequence[Annotation],
    b: Sequence[Annotation],
    duration_s: float,
    options: FrameOptions,
    *,
    excluded: np.ndarray | None = None,
    unknown_b: np.ndarray | None = None,
) -> TierFigures:
    """Compare A's and B's annotations of one tier (see the module docstring).

    Args:
        clip, tier: names for the result.
        a, b: each coder's annotations on the tier.
        duration_s: the length of the grid, seconds.
        options: step, tolerance, exhaustive tiers.
        excluded: steps to leave out (an exclusion span of either coder).
        unknown_b: steps where B could not tell (left out, counted apart).
    """
    step = options.step_s
    count = step_count(duration_s, step)
    states_a = [(x.start_s, x.end_s, x.code) for x in a if not x.is_point]
    states_b = [(x.start_s, x.end_s, x.code) for x in b if not x.is_point]
    labels_a = np.array(bin_labels(states_a, count * step, step), dtype=object)
    labels_b = np.array(bin_labels(states_b, count * step, step), dtype=object)
    excluded = _fit(excluded, count)
    unknown = _fit(unknown_b, count) & ~excluded
    keep = ~excluded & ~unknown
    if not states_a and not states_b:
        keep[:] = False  # a tier of points only: no frames to compare, only events
    if tier in options.exhaustive:
        keep &= ~((labels_a == NONE_LABEL) & (labels_b == NONE_LABEL))
    kept_a, kept_b = labels_a[keep], labels_b[keep]
    confusion = dict(Counter(zip(kept_a.tolist(), kept_b.tolist(), strict=True)))
    names = sorted({x.code for x in (*a, *b)})
    figures = []
    for code in names:
        has_a, has_b = _has(kept_a, code), _has(kept_b, code)
        figures.append(
            CodeFigures(
                code=code,
                both=int(np.sum(has_a & has_b)),
                only_a=int(np.sum(has_a & ~has_b)),
                only_b=int(np.sum(~has_a & has_b)),
                neither=int(np.sum(~has_a & ~has_b)),
                seconds_a=float(np.sum(has_a)) * step,
                seconds_b=float(np.sum(has_b)) * step,
                count_a=sum(1 for x in a if x.code == code),
                count_b=sum(1 for x in b if x.code == code),
                events=match_events(
                    [x.start_s for x in a if x.code == code],
                    [x.start_s for x in b if x.code == code],
                    options.tolerance_s,
                ),
            )
        )
    return TierFigures(
        clip,
        tier,
        step,
        confusion,
        int(np.sum(unknown)),
        int(np.sum(excluded)),
        tuple(figures),
    )


def is_excluding(a: Annotation, exclude: Sequence[str]) -> bool:
    """Whether an annotation marks time to leave out (an exclusion tier, or marked so)."""
    return a.tier in exclude or a.attr(EXCLUDE_ATTR) == "1"


def compare_codings(
    clip: str,
    a: Sequence[Annotation],
    b: Sequence[Annotation],
    options: FrameOptions,
    *,
    duration_s: float | None = None,
) -> list[TierFigures]:
    """Compare two coders' annotations of one clip, tier by tier (tiers either coder used,
    less exclusion tiers; the grid runs to `duration_s` or the last end)."""
    spans = [(x.start_s, x.end_s) for x in (*a, *b) if is_excluding(x, options.exclude)]
    kept_a = [x for x in a if not is_excluding(x, options.exclude)]
    kept_b = [x for x in b if not is_excluding(x, options.exclude)]
    end = duration_s if duration_s is not None else max((x.end_s for x in (*a, *b)), default=0.0)
    count = step_count(end, options.step_s)
    excluded = spans_mask(spans, count, options.step_s)
    tiers = list(dict.fromkeys(x.tier for x in (*kept_a, *kept_b)))
    unknown_of = {t: t + UNKNOWN_SUFFIX for t in tiers if t + UNKNOWN_SUFFIX in tiers}
    figures = []
    for tier in tiers:
        if tier.endswith(UNKNOWN_SUFFIX) and tier.removesuffix(UNKNOWN_SUFFIX) in unknown_of:
            continue  # the time another tier cannot tell: left out of that tier, not compared
        unknown = None
        if tier in unknown_of:
            unknown_spans = [
                (x.start_s, x.end_s) for x in (*kept_a, *kept_b) if x.tier == unknown_of[tier]
            ]
            unknown = spans_mask(unknown_spans, count, options.step_s)
        figures.append(
            compare_tier(
                clip,
                tier,
                [x for x in kept_a if x.tier == tier],
                [x for x in kept_b if x.tier == tier],
                end,
                options,
                excluded=excluded,
                unknown_b=unknown,
            )
        )
    return figures
