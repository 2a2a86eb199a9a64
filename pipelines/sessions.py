"""Group sessions, second by second: who is visible, the M7 group-size hint, who looks at whom.

From a session's feature table (roles `adult_NN` / `infant_NN` from the group heuristic,
annotate.faces.group_roles), for each whole second of the recording (second s covers
[s, s + 1) seconds):

- `adults`, `infants`: the most faces of each kind visible at once in the second's samples (a
  face turned away is missed far more often than a face is invented, so the most, not the mean);
- `dyads`: the group-size hint, the smaller of the two (each dyad is one adult and one infant;
  facilitators are adults without an infant);
- `m7`: whether the hint lies in mechanism M7's optimum of four to eight dyads;
- `mutual_pairs`: how many pairs of faces looked at each other (mutual gaze) in the second,
  listed in the pairs table with the kind of pair (adult-infant, adult-adult, infant-infant).

These are hints for a coder, who decides; the session's figures (medians, the 90th percentile
of the dyads hint, the share of seconds in M7's range) go to clips.csv.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from annotate import columns as C
from annotate.faces.group_roles import ADULT, INFANT, role_class

M7_MIN_DYADS, M7_MAX_DYADS = 4, 8
SECOND_COLUMNS = (
    "clip_id",
    "second",
    "samples",
    "adults",
    "infants",
    "dyads",
    "m7",
    "mutual_pairs",
)
PAIR_COLUMNS = ("clip_id", "second", "face_a", "face_b", "pair_kind", "samples")
SESSION_FIGURES = (
    "seconds",
    "adults_median",
    "infants_median",
    "adults_p90",
    "infants_p90",
    "dyads_median",
    "dyads_p90",
    "m7_hint",
    "m7_share",
    "mutual_pairs_mean",
    "adult_infant_mutual_share",
)
TABLE_COLUMNS = (C.FRAME, C.T, C.ROLE, C.VISIBLE, C.LOOKING_AT, C.MUTUAL_GAZE)
"""The feature table's columns these figures need (read only these from a large session)."""


def _frames(table: pd.DataFrame) -> pd.DataFrame:
    """Every sampled frame with its second and its counts of visible adults and infants."""
    frames = table[[C.FRAME, C.T]].drop_duplicates(C.FRAME).set_index(C.FRAME).sort_index()
    visible = table[table[C.VISIBLE].fillna(False).astype(bool)]
    kinds = visible[C.ROLE].astype("string").fillna("").map(role_class)
    for kind in (ADULT, INFANT):
        counts = visible[kinds == kind].groupby(C.FRAME).size()
        frames[kind] = counts.reindex(frames.index, fill_value=0).astype("int64")
    frames["second"] = np.floor(frames[C.T].to_numpy(dtype=np.float64)).astype("int64")
    return frames


def session_pairs(table: pd.DataFrame, clip_id: str) -> pd.DataFrame:
    """The pairs of faces in mutual gaze, per second: one row per (second, pair), with the
    number of samples of that second in which they looked at each other."""
    if table.empty:
        return pd.DataFrame(columns=list(PAIR_COLUMNS))
    mutual = table[table[C.MUTUAL_GAZE].fillna(False).astype(bool) & table[C.LOOKING_AT].notna()]
    rows = []
    for frame, t, role, target in zip(
        mutual[C.FRAME], mutual[C.T], mutual[C.ROLE], mutual[C.LOOKING_AT], strict=True
    ):
        a, b = sorted((str(role), str(target)))
        rows.append((int(frame), int(np.floor(float(t))), a, b))
    if not rows:
        return pd.DataFrame(columns=list(PAIR_COLUMNS))
    pairs = pd.DataFrame(rows, columns=[C.FRAME, "second", "face_a", "face_b"]).drop_duplicates()
    counted = pairs.groupby(["second", "face_a", "face_b"]).size().rename("samples").reset_index()
    counted["pair_kind"] = [
        "-".join(sorted((role_class(a) or "other", role_class(b) or "other")))
        for a, b in zip(counted["face_a"], counted["face_b"], strict=True)
    ]
    counted.insert(0, "clip_id", clip_id)
    return counted[list(PAIR_COLUMNS)].sort_values(
        ["second", "face_a", "face_b"], ignore_index=True
    )


def session_seconds(table: pd.DataFrame, clip_id: str) -> pd.DataFrame:
    """One row per second of the session (see the module docstring); empty if no face was
    found (no samples to count)."""
    if table.empty:
        return pd.DataFrame(columns=list(SECOND_COLUMNS))
    frames = _frames(table)
    seconds = frames.groupby("second").agg(
        samples=(C.T, "size"), adults=(ADULT, "max"), infants=(INFANT, "max")
    )
    seconds["dyads"] = np.minimum(seconds["adults"], seconds["infants"])
    seconds["m7"] = seconds["dyads"].between(M7_MIN_DYADS, M7_MAX_DYADS)
    pairs = session_pairs(table, clip_id)
    per_second = pairs.groupby("second").size() if not pairs.empty else pd.Series(dtype="int64")
    seconds["mutual_pairs"] = per_second.reindex(seconds.index, fill_value=0).astype("int64")
    seconds = seconds.reset_index()
    seconds.insert(0, "clip_id", clip_id)
    return seconds[list(SECOND_COLUMNS)]


def session_figures(seconds: pd.DataFrame, pairs: pd.DataFrame) -> dict[str, Any]:
    """A session's figures for clips.csv (`group` row), from its seconds and pairs tables."""
    if seconds.empty:
        return {"seconds": 0}
    adults, infants = seconds["adults"].to_numpy(), seconds["infants"].to_numpy()
    dyads = seconds["dyads"].to_numpy()
    dyads_p90 = float(np.percentile(dyads, 90))
    adult_infant = pairs[pairs["pair_kind"] == f"{ADULT}-{INFANT}"]["second"].nunique()
    return {
        "seconds": len(seconds),
        "adults_median": float(np.median(adults)),
        "infants_median": float(np.median(infants)),
        "adults_p90": float(np.percentile(adults, 90)),
        "infants_p90": float(np.percentile(infants, 90)),
        "dyads_median": float(np.median(dyads)),
        "dyads_p90": dyads_p90,
        "m7_hint": bool(M7_MIN_DYADS <= round(dyads_p90) <= M7_MAX_DYADS),
        "m7_share": round(float(seconds["m7"].mean()), 4),
        "mutual_pairs_mean": round(float(seconds["mutual_pairs"].mean()), 4),
        "adult_infant_mutual_share": round(adult_infant / len(seconds), 4),
    }
