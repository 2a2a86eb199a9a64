"""timeline.png: a clip's shape at a glance, one lane per role and feature over the clip's time."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only; never a window
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from annotate import columns as C
from annotate.faces.episodes import clip_flags, role_flags, sample_grid
from annotate.faces.roles import DYAD, INFANT, MOTHER
from annotate.timeline.episodes import episodes_from_flags

LANE_COLOURS = {
    C.FACE_ABSENT: "#9e9e9e",
    C.LOOKING_AT_PARTNER: "#1f77b4",
    C.MUTUAL_GAZE_KIND: "#d62728",
    C.INFANT_GAZE_AVERSION: "#ff7f0e",
    C.SMILE_KIND: "#2ca02c",
    C.GAZE_UNKNOWN: "#c7b8dd",
}
LANE_NAMES = {
    C.FACE_ABSENT: "visible",
    C.LOOKING_AT_PARTNER: "looks at partner",
    C.MUTUAL_GAZE_KIND: "mutual gaze",
    C.INFANT_GAZE_AVERSION: "gaze aversion",
    C.SMILE_KIND: "smile",
    C.GAZE_UNKNOWN: "gaze unknown",
}


def _role_order(roles: list[str]) -> list[str]:
    first = [r for r in (MOTHER, INFANT) if r in roles]
    return first + sorted(r for r in roles if r not in first)


def timeline_lanes(table: pd.DataFrame, smile_min: float) -> list[tuple[str, str, np.ndarray]]:
    """(label, kind, per-sample flags) for every lane, top to bottom."""
    flags = clip_flags(table, smile_min)
    roles = _role_order([r for r in pd.unique(table[C.ROLE].dropna())])
    lanes: list[tuple[str, str, np.ndarray]] = []
    if (C.MUTUAL_GAZE_KIND, DYAD) in flags:
        lanes.append(("dyad: mutual gaze", C.MUTUAL_GAZE_KIND, flags[(C.MUTUAL_GAZE_KIND, DYAD)]))
        lanes.append(("dyad: mutual gaze unknown", C.GAZE_UNKNOWN, flags[(C.GAZE_UNKNOWN, DYAD)]))
    for role in roles:
        kinds = (
            C.FACE_ABSENT,
            C.LOOKING_AT_PARTNER,
            C.GAZE_UNKNOWN,
            C.INFANT_GAZE_AVERSION,
            C.SMILE_KIND,
        )
        for kind in kinds:
            if kind == C.GAZE_UNKNOWN and role not in (MOTHER, INFANT):
                continue  # many faces of a group session: their lanes stay few
            if (kind, role) in flags:
                flag = flags[(kind, role)]
                lanes.append(
                    (f"{role}: {LANE_NAMES[kind]}", kind, ~flag if kind == C.FACE_ABSENT else flag)
                )
    return lanes


def plot_timeline(
    table: pd.DataFrame, path: Path, title: str, duration_s: float, smile_min: float
) -> None:
    """Draw the lanes (runs of each flag) and, below, each role's head yaw and gaze yaw."""
    if table.empty:
        figure, axis = plt.subplots(figsize=(12, 1.6))
        axis.text(0.5, 0.5, "no face found", ha="center", va="center", transform=axis.transAxes)
        axis.set_xlim(0, max(duration_s, 1.0))
        axis.set_yticks([])
        axis.set_title(title)
        figure.savefig(path, dpi=100)
        plt.close(figure)
        return
    frames, times = sample_grid(table)
    lanes = timeline_lanes(table, smile_min)
    roles = _role_order([r for r in pd.unique(table[C.ROLE].dropna())])
    figure, (top, bottom) = plt.subplots(
        2,
        1,
        figsize=(12, 1.2 + 0.32 * len(lanes) + 2.0),
        sharex=True,
        gridspec_kw={"height_ratios": [max(len(lanes), 1) * 0.32, 2.0]},
    )
    for row, (label, kind, flag) in enumerate(reversed(lanes)):
        runs = episodes_from_flags(kind, label, times, frames, flag, 0.0, 0.0)
        top.broken_barh(
            [(e.start_s, e.duration_s) for e in runs],
            (row + 0.15, 0.7),
            facecolors=LANE_COLOURS[kind],
        )
    top.set_yticks(np.arange(len(lanes)) + 0.5, [label for label, _, _ in reversed(lanes)])
    top.set_ylim(0, len(lanes))
    top.set_title(title)
    top.grid(axis="x", alpha=0.3)
    for role in roles:
        part = role_flags(table, role, frames)
        line = bottom.plot(times, part[C.YAW], label=f"{role} head yaw")[0]
        bottom.plot(
            times, part[C.GAZE_YAW], linestyle=":", color=line.get_color(), label=f"{role} gaze yaw"
        )
    bottom.axhline(0, color="black", linewidth=0.5)
    bottom.set_ylabel("degrees\n(+ = toward right)")
    bottom.set_xlabel("time (s)")
    bottom.set_xlim(0, max(duration_s, float(times[-1]) if times.size else 1.0))
    bottom.legend(loc="upper right", fontsize=7, ncol=2)
    bottom.grid(alpha=0.3)
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
