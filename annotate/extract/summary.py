"""summary.json: the figures a researcher reads first, per role and for the dyad."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from annotate import columns as C
from annotate.faces.episodes import clip_flags, role_flags, sample_grid
from annotate.faces.roles import DYAD, INFANT, RoleAssignment
from annotate.timeline.episodes import Episode, sample_ends


def _share(flag: np.ndarray, weights: np.ndarray) -> float:
    total = float(weights.sum())
    return round(float(weights[flag].sum()) / total, 4) if total > 0 else 0.0


def _episode_figures(episodes: list[Episode], kind: str, role: str) -> dict[str, float | int]:
    chosen = [e for e in episodes if e.kind == kind and e.role == role]
    return {
        "episodes": len(chosen),
        "longest_s": round(max((e.duration_s for e in chosen), default=0.0), 3),
        "total_s": round(sum(e.duration_s for e in chosen), 3),
    }


def clip_summary(
    table: pd.DataFrame,
    episodes: list[Episode],
    roles: dict[int, RoleAssignment],
    sample_fps: float,
    smile_min: float,
) -> dict[str, Any]:
    """Per role: share of time visible, looking at the partner, looking elsewhere, where it
    looks unknown (the three add up to 1), smiling, mean |yaw|; for the dyad: mutual gaze, no
    mutual gaze and unknown shares (adding up to 1), mutual gaze episodes and longest; infant
    gaze aversion count and longest.

    Shares are of the analysed time (each sample weighted by the time until the next one).
    """
    summary: dict[str, Any] = {
        "sample_fps": round(sample_fps, 4),
        "frames_analysed": 0,
        "roles": {},
    }
    if table.empty:
        return summary
    frames, times = sample_grid(table)
    weights = sample_ends(times) - times
    summary["frames_analysed"] = int(frames.size)
    summary["analysed_s"] = round(float(weights.sum()), 3)
    flags = clip_flags(table, smile_min)
    for assignment in sorted(roles.values(), key=lambda a: a.track_id):
        role = assignment.role
        part = role_flags(table, role, frames)
        visible = ~flags[(C.FACE_ABSENT, role)]
        looking = flags.get((C.LOOKING_AT_PARTNER, role))
        unknown = flags[(C.GAZE_UNKNOWN, role)]
        elsewhere = ~unknown if looking is None else ~unknown & ~looking
        yaw = part[C.YAW].to_numpy(dtype=np.float64)
        summary["roles"][role] = {
            "track": assignment.track_id,
            "role_confidence": assignment.confidence,
            "role_source": assignment.source,
            "visible_share": _share(visible, weights),
            "looking_at_partner_share": None if looking is None else _share(looking, weights),
            "looking_elsewhere_share": _share(elsewhere, weights),
            "gaze_unknown_share": _share(unknown, weights),
            "smiling_share": _share(flags[(C.SMILE_KIND, role)], weights),
            "mean_abs_yaw_deg": None
            if not visible.any()
            else round(float(np.nanmean(np.abs(yaw))), 2),
            "face_absent": _episode_figures(episodes, C.FACE_ABSENT, role),
            "gaze_unknown": _episode_figures(episodes, C.GAZE_UNKNOWN, role),
        }
    mutual = flags.get((C.MUTUAL_GAZE_KIND, DYAD))
    if mutual is not None:
        mutual_unknown = flags[(C.GAZE_UNKNOWN, DYAD)]
        summary["dyad"] = {
            "mutual_gaze_share": _share(mutual, weights),
            "no_mutual_gaze_share": _share(~mutual & ~mutual_unknown, weights),
            "mutual_gaze_unknown_share": _share(mutual_unknown, weights),
            "gaze_unknown": _episode_figures(episodes, C.GAZE_UNKNOWN, DYAD),
            "mutual_gaze": _episode_figures(episodes, C.MUTUAL_GAZE_KIND, DYAD),
            "infant_gaze_aversion": _episode_figures(episodes, C.INFANT_GAZE_AVERSION, INFANT),
        }
    return summary
