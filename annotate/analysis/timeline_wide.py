"""The wide form of a timeline: one row per step of a regular grid (default one second).

Bin k covers `[k * step, (k + 1) * step)` seconds, the last one cut at the recording's end.
Columns: `clip, dyad, bin, start, end`, then the features (means over the samples whose time lies
in the bin; empty where no sample does):

- `<role>_visible`, `<role>_looking`, `<role>_mutual_gaze`: shares (0-1) of the bin's samples in
  which the role's face is visible, looks at some face, is in mutual gaze;
- `<role>_<feature>` for smile, eyes_open, mouth_open (0-1) and yaw, pitch, roll, gaze_yaw,
  gaze_pitch (degrees): means over the samples in which the face is visible;
- `faces_visible`, `dyads_present`, `mutual_gaze`: the recording's per-sample figures
  (annotate.analysis.clip_features), averaged;

then one column per lane (annotate.analysis.timeline_export) holding the labels active in the bin,
joined by `|` in order of appearance: a state is active in every bin it shares time with, a point
in the bin it falls in.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from annotate import columns as C
from annotate.analysis.clip_features import ClipFeatures
from annotate.analysis.timeline_export import TimelineItem, lane_names
from annotate.errors import AlignmentError, InterchangeError
from annotate.extract.folder import FEATURES_PARQUET
from annotate.timeline.intervals import Interval

SHARE_FEATURES = (C.VISIBLE, "looking", C.MUTUAL_GAZE)
MEAN_FEATURES = (
    C.SMILE,
    C.EYES_OPEN,
    C.MOUTH_OPEN,
    C.YAW,
    C.PITCH,
    C.ROLL,
    C.GAZE_YAW,
    C.GAZE_PITCH,
)
_SLACK = 1e-9
LABEL_SEPARATOR = "|"


def grid_bins(span: Interval, step_s: float) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Bin starts and ends (seconds) of a grid over the span.

    Raises:
        AlignmentError: the step is not a positive number of seconds.
    """
    if not (math.isfinite(step_s) and step_s > 0):
        raise AlignmentError(f"--step must be a positive number of seconds, got {step_s}")
    n = max(1, math.ceil(span.duration_s / step_s - _SLACK))
    starts = span.start_s + step_s * np.arange(n, dtype=np.float64)
    return starts, np.minimum(starts + step_s, span.end_s)


def _bin_of(t_s: NDArray[np.float64], span: Interval, step_s: float, n: int) -> NDArray[np.int64]:
    k = np.floor((t_s - span.start_s) / step_s + _SLACK).astype(np.int64)
    return np.where((t_s >= span.start_s) & (t_s <= span.end_s), np.minimum(k, n - 1), -1)


def _role_features(folder_table: pd.DataFrame, bins: NDArray[np.int64], n: int) -> pd.DataFrame:
    table = folder_table.assign(bin=bins)
    table = table[table["bin"] >= 0]
    visible = table[C.VISIBLE].fillna(False).astype(bool)
    table = table.assign(
        **{
            C.VISIBLE: visible.astype("float64"),
            "looking": (
                ~table[C.LOOKING_AT].astype("string").fillna("").isin(["", C.GAZE_UNKNOWN_VALUE])
            ).astype("float64"),
            C.MUTUAL_GAZE: table[C.MUTUAL_GAZE].fillna(False).astype(bool).astype("float64"),
        }
    )
    for feature in MEAN_FEATURES:
        table[feature] = table[feature].astype("float64").where(visible)
    features = [*SHARE_FEATURES, *MEAN_FEATURES]
    grouped = table.groupby(["bin", C.ROLE])[features].mean()
    roles = list(dict.fromkeys(table[C.ROLE].dropna()))
    columns = {}
    for role in roles:
        part = grouped.xs(role, level=C.ROLE).reindex(range(n))
        for feature in features:
            columns[f"{role}_{feature}"] = part[feature].to_numpy(dtype=np.float64)
    return pd.DataFrame(columns, index=range(n))


def _read_features(features: ClipFeatures) -> pd.DataFrame | None:
    path = features.folder / FEATURES_PARQUET
    if not path.is_file():
        return None
    columns = [C.FRAME, C.T, C.ROLE, C.VISIBLE, C.LOOKING_AT, C.MUTUAL_GAZE, *MEAN_FEATURES]
    try:
        return pd.read_parquet(path, columns=columns)
    except (OSError, ValueError, KeyError) as exc:
        raise InterchangeError(f"cannot be read as a feature table: {exc}", path) from None


def _sample_features(features: ClipFeatures, span: Interval, step_s: float, n: int) -> pd.DataFrame:
    samples = features.samples
    if samples is None:
        return pd.DataFrame(index=range(n))
    frame = pd.DataFrame(
        {
            "bin": _bin_of(samples.t_s, span, step_s, n),
            "faces_visible": samples.faces,
            "dyads_present": samples.dyads,
            "mutual_gaze": samples.mutual.astype(np.float64),
        }
    )
    return frame[frame["bin"] >= 0].groupby("bin").mean().reindex(range(n))


def _lane_labels(
    items: Sequence[TimelineItem], starts: NDArray[np.float64], ends: NDArray[np.float64]
) -> dict[str, list[str]]:
    n = starts.size
    step = float(ends[0] - starts[0]) if n else 1.0
    active: dict[str, list[list[str]]] = {}
    for item, lane in zip(items, lane_names(items), strict=True):
        cells = active.setdefault(lane, [[] for _ in range(n)])
        first = int(np.floor((item.start_s - starts[0]) / step + _SLACK))
        if item.is_point:
            chosen = range(min(max(first, 0), n - 1), min(max(first, 0), n - 1) + 1)
        else:
            last = int(np.ceil((item.end_s - starts[0]) / step - _SLACK)) - 1
            chosen = range(max(first, 0), min(last, n - 1) + 1)
        for k in chosen:
            if item.label not in cells[k]:
                cells[k].append(item.label)
    return {lane: [LABEL_SEPARATOR.join(c) for c in cells] for lane, cells in active.items()}


def wide_timeline(
    items: Sequence[TimelineItem],
    features: ClipFeatures | None,
    span: Interval,
    step_s: float = 1.0,
    clip: str = "",
    dyad: str = "",
) -> pd.DataFrame:
    """The wide form (see the module docstring).

    Args:
        items: The timeline's intervals.
        features: The extraction outputs (None: no feature columns).
        span: The recording's span, seconds.
        step_s: The grid step, seconds.
        clip: The recording's name; dyad: the dyad's id.

    Raises:
        AlignmentError: a step that is not positive.
        InterchangeError: the feature table cannot be read.
    """
    starts, ends = grid_bins(span, step_s)
    n = starts.size
    wide = pd.DataFrame(
        {"clip": clip, "dyad": dyad, "bin": np.arange(n), "start": starts, "end": ends}
    )
    parts = [wide]
    if features is not None:
        table = _read_features(features)
        if table is not None and not table.empty:
            bins = _bin_of(table[C.T].to_numpy(dtype=np.float64), span, step_s, n)
            parts.append(_role_features(table, bins, n).reset_index(drop=True))
        parts.append(_sample_features(features, span, step_s, n).reset_index(drop=True))
    labels = _lane_labels(items, starts, ends)
    parts.append(pd.DataFrame(labels, index=range(n)))
    return pd.concat(parts, axis=1)
