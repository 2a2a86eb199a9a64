"""What happens within a stretch of a recording: manual annotations and automatic features.

A stretch is a set of intervals (one event, all events of a mechanism, or the time outside them).
`tally` adds up what can be added (counts, seconds, weighted sums), so that tallies of several
stretches or sessions can be pooled (`Tally.plus`) before the measures are derived (`measures`):

| source    | tier     | label                | who           | measures    |
|-----------|----------|----------------------|---------------|-------------|
| manual    | a tier   | a code               | the coder     | occurrences |
| automatic | episodes | mutual_gaze          | dyad          | occurrences |
| automatic | episodes | infant_gaze_aversion | infant        | occurrences |
| automatic | episodes | smile                | adult, infant | occurrences |
| automatic | features | analysed             | all           | seconds     |
| automatic | features | mutual_gaze          | dyad          | share       |
| automatic | features | faces_visible        | all           | mean        |
| automatic | features | dyads_present        | all           | mean        |
| automatic | features | smiling              | adult, infant | mean        |

Occurrences give four measures: count, duration_s, share and rate_per_min.
count: annotations (episodes) overlapping the stretch, each once; duration_s: the seconds of the
stretch they cover; share: duration_s / the stretch's seconds; rate_per_min: count per minute of
the stretch. Feature shares and means are of the analysed time within the stretch (each sample
weighted by the time it stands for); `smiling` is the mean number of smiling faces of the class
(for a dyad clip: the share of time the mother, or the infant, smiles). Episode counts of a role
class sum over its faces.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from annotate.analysis.clip_features import ADULT, INFANT, ClipFeatures, role_class
from annotate.coding.records import Annotation
from annotate.timeline.intervals import Interval, intersect, total_duration_s, union

MANUAL, AUTOMATIC = "manual", "automatic"
EPISODES, FEATURES = "episodes", "features"
OCCURRENCES, MEAN = "occurrences", "mean"
EPISODE_LABELS = {"mutual_gaze": "dyad", "infant_gaze_aversion": INFANT, "smile": ""}
"""Episode kinds counted, and the one role they belong to ('' : by role class)."""


@dataclass(frozen=True, order=True)
class Quantity:
    """What is tallied: a tier and label of a source, for whom, and how it is derived.

    Attributes:
        source: `manual` or `automatic`.
        tier: A manual tier, or `episodes` / `features`.
        label: A code, an episode kind or a feature.
        who: The coder, or the role or role class (`dyad`, `adult`, `infant`, `all`).
        kind: `occurrences` (a count and seconds) or `mean` (a weighted sum over analysed time).
        measure: For a mean: the name of what it gives (`share`, `mean`).
    """

    source: str
    tier: str
    label: str
    who: str
    kind: str = OCCURRENCES
    measure: str = ""


@dataclass(frozen=True)
class Tally:
    """Additive figures of one stretch (or of several, pooled).

    Attributes:
        span_s: Seconds in the stretch.
        stretches: How many stretches were pooled (events, or sessions).
        values: Per quantity, (count, seconds) for occurrences or (weighted sum, analysed
            seconds) for means.
        analysed_s: Seconds of the stretch with sampled video (0 without features).
    """

    span_s: float
    stretches: int = 1
    values: Mapping[Quantity, tuple[float, float]] = field(default_factory=dict)
    analysed_s: float = 0.0

    def plus(self, other: Tally) -> Tally:
        """Both tallies pooled: spans, counts, seconds and sums added."""
        values = dict(self.values)
        for key, (a, b) in other.values.items():
            old = values.get(key, (0.0, 0.0))
            values[key] = (old[0] + a, old[1] + b)
        return Tally(
            self.span_s + other.span_s,
            self.stretches + other.stretches,
            values,
            self.analysed_s + other.analysed_s,
        )


EMPTY = Tally(0.0, 0)


@dataclass(frozen=True)
class Measure:
    """One figure derived from a tally: a quantity's measure and its value (NaN: undefined)."""

    quantity: Quantity
    measure: str
    value: float


def _occurrences(intervals: Sequence[Interval], stretch: Sequence[Interval]) -> tuple[float, float]:
    count = sum(any(i.overlaps(s) for s in stretch) for i in intervals)
    return float(count), total_duration_s(intersect(intervals, stretch))


def manual_quantities(annotations: Iterable[Annotation]) -> dict[Quantity, list[Interval]]:
    """Manual annotations grouped by (tier, code, coder), as intervals."""
    grouped: dict[Quantity, list[Interval]] = {}
    for a in annotations:
        key = Quantity(MANUAL, a.tier, a.code, a.coder)
        grouped.setdefault(key, []).append(Interval(a.start_s, a.end_s))
    return grouped


def episode_quantities(features: ClipFeatures) -> dict[Quantity, list[Interval]]:
    """Episodes grouped by kind and role (class), for the kinds in EPISODE_LABELS."""
    grouped: dict[Quantity, list[Interval]] = {}
    for kind, role in EPISODE_LABELS.items():
        whos = [role] if role else [ADULT, INFANT]
        for who in whos:
            grouped[Quantity(AUTOMATIC, EPISODES, kind, who)] = []
    for e in features.episodes:
        if e.kind not in EPISODE_LABELS:
            continue
        who = EPISODE_LABELS[e.kind] or role_class(e.role)
        key = Quantity(AUTOMATIC, EPISODES, e.kind, who)
        if key in grouped:
            grouped[key].append(Interval(e.start_s, e.end_s))
    return grouped


def _feature_values(
    features: ClipFeatures, stretch: Sequence[Interval]
) -> tuple[float, dict[Quantity, tuple[float, float]]]:
    samples = features.samples
    if samples is None:
        return 0.0, {}
    starts = np.array([s.start_s for s in stretch], dtype=np.float64)
    ends = np.array([s.end_s for s in stretch], dtype=np.float64)
    weights = np.where(samples.inside(starts, ends), samples.dt_s, 0.0)
    analysed = float(weights.sum())
    sums = {
        ("mutual_gaze", "dyad", "share"): samples.mutual.astype(np.float64),
        ("faces_visible", "all", "mean"): samples.faces,
        ("dyads_present", "all", "mean"): samples.dyads,
        ("smiling", ADULT, "mean"): samples.smiling_adults,
        ("smiling", INFANT, "mean"): samples.smiling_infants,
    }
    values = {
        Quantity(AUTOMATIC, FEATURES, label, who, MEAN, measure): (
            float(np.dot(weights, series)),
            analysed,
        )
        for (label, who, measure), series in sums.items()
    }
    values[Quantity(AUTOMATIC, FEATURES, "analysed", "all", MEAN, "seconds")] = (analysed, 1.0)
    return analysed, values


def tally(
    stretch: Iterable[Interval],
    manual: Mapping[Quantity, Sequence[Interval]],
    features: ClipFeatures | None = None,
    episodes: Mapping[Quantity, Sequence[Interval]] | None = None,
) -> Tally:
    """Tally one stretch of a recording.

    Args:
        stretch: The stretch's intervals (seconds; merged here).
        manual: Manual annotations by quantity (`manual_quantities`).
        features: The recording's automatic features, if any.
        episodes: Its episodes by quantity (`episode_quantities`), if any.
    """
    merged = union(stretch)
    values = {key: _occurrences(items, merged) for key, items in manual.items()}
    values.update({key: _occurrences(items, merged) for key, items in (episodes or {}).items()})
    analysed = 0.0
    if features is not None:
        analysed, feature_values = _feature_values(features, merged)
        values.update(feature_values)
    return Tally(total_duration_s(merged), 1, values, analysed)


def _ratio(a: float, b: float) -> float:
    return a / b if b > 0 else math.nan


def measures(result: Tally) -> list[Measure]:
    """The measures of a tally (see the module docstring), in a stable order."""
    found: list[Measure] = []
    for key in sorted(result.values):
        a, b = result.values[key]
        if key.kind == MEAN:
            value = a if key.measure == "seconds" else _ratio(a, b)
            found.append(Measure(key, key.measure, value))
            continue
        found += [
            Measure(key, "count", a),
            Measure(key, "duration_s", b),
            Measure(key, "share", _ratio(b, result.span_s)),
            Measure(key, "rate_per_min", _ratio(a * 60.0, result.span_s)),
        ]
    return found
