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
from annotate.timeline.episodes import Episode, episodes_from_flags

LANE_COLOURS = {
    C.FACE_ABSENT: "#9e9e9e",
    C.LOOKING_AT_PARTNER: "#1f77b4",
    C.MUTUAL_GAZE_KIND: "#d62728",
    C.INFANT_GAZE_AVERSION: "#ff7f0e",
    C.SMILE_KIND: "#2ca02c",
    C.GAZE_UNKNOWN: "#c7b8dd",
    C.VOCALISATION: "#8c564b",
    C.CRY: "#e377c2",
    C.OVERLAP: "#17becf",
    C.SINGING_HINT: "#bcbd22",
}
VOCAL_LANES = (C.VOCALISATION, C.CRY, C.OVERLAP, C.SINGING_HINT)
LANE_NAMES = {
    C.FACE_ABSENT: "visible",
    C.LOOKING_AT_PARTNER: "looks at partner",
    C.MUTUAL_GAZE_KIND: "mutual gaze",
    C.INFANT_GAZE_AVERSION: "gaze aversion",
    C.SMILE_KIND: "smile",
    C.GAZE_UNKNOWN: "gaze unknown",
    C.VOCALISATION: "vocalises",
    C.CRY: "cries",
    C.OVERLAP: "voices overlap",
    C.SINGING_HINT: "singing (hint)",
}

Runs = list[tuple[float, float]]


def vocal_lanes(episodes: list[Episode]) -> list[tuple[str, str, Runs]]:
    """(label, kind, (start, duration) runs) of the vocal channel's episodes, top to bottom."""
    found: dict[tuple[str, str], Runs] = {}
    for e in episodes:
        if e.kind in VOCAL_LANES:
            found.setdefault((e.kind, e.role), []).append((e.start_s, e.duration_s))
    order = {kind: k for k, kind in enumerate(VOCAL_LANES)}
    first = {MOTHER: 0, INFANT: 1}
    keys = sorted(found, key=lambda k: (order[k[0]], first.get(k[1], 2), k[1]))
    return [(f"{role}: {LANE_NAMES[kind]}", kind, found[(kind, role)]) for kind, role in keys]


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
    table: pd.DataFrame,
    path: Path,
    title: str,
    duration_s: float,
    smile_min: float,
    vocal: list[Episode] | None = None,
    level: tuple[np.ndarray, np.ndarray] | None = None,
) -> None:
    """Draw the lanes (runs of each flag, then the vocal channel's episodes) and, below, each
    role's head yaw and gaze yaw, and the sound's level when there is sound."""
    sound_lanes = vocal_lanes(vocal or [])
    if table.empty and not sound_lanes and level is None:
        figure, axis = plt.subplots(figsize=(12, 1.6))
        axis.text(0.5, 0.5, "no face found", ha="center", va="center", transform=axis.transAxes)
        axis.set_xlim(0, max(duration_s, 1.0))
        axis.set_yticks([])
        axis.set_title(title)
        figure.savefig(path, dpi=100)
        plt.close(figure)
        return
    lanes: list[tuple[str, str, Runs]] = []
    roles: list[str] = []
    times = np.zeros(0)
    if not table.empty:
        frames, times = sample_grid(table)
        for label, kind, flag in timeline_lanes(table, smile_min):
            found = episodes_from_flags(kind, label, times, frames, flag, 0.0, 0.0)
            lanes.append((label, kind, [(e.start_s, e.duration_s) for e in found]))
        roles = _role_order([r for r in pd.unique(table[C.ROLE].dropna())])
    lanes += sound_lanes
    heights = [max(len(lanes), 1) * 0.32, 2.0 if roles else 0.0, 1.0 if level is not None else 0.0]
    shown = [h for h in heights if h > 0]
    figure, axes = plt.subplots(
        len(shown),
        1,
        figsize=(12, 1.2 + sum(shown)),
        sharex=True,
        gridspec_kw={"height_ratios": shown},
        squeeze=False,
    )
    column = list(axes[:, 0])
    top = column.pop(0)
    for row, (_label, kind, runs) in enumerate(reversed(lanes)):
        top.broken_barh(runs, (row + 0.15, 0.7), facecolors=LANE_COLOURS[kind])
    top.set_yticks(np.arange(len(lanes)) + 0.5, [label for label, _, _ in reversed(lanes)])
    top.set_ylim(0, max(len(lanes), 1))
    top.set_title(title if roles else f"{title}: no face found")
    top.grid(axis="x", alpha=0.3)
    end = max(duration_s, float(times[-1]) if times.size else 1.0)
    if roles:
        bottom = column.pop(0)
        for role in roles:
            part = role_flags(table, role, frames)
            line = bottom.plot(times, part[C.YAW], label=f"{role} head yaw")[0]
            bottom.plot(
                times,
                part[C.GAZE_YAW],
                linestyle=":",
                color=line.get_color(),
                label=f"{role} gaze yaw",
            )
        bottom.axhline(0, color="black", linewidth=0.5)
        bottom.set_ylabel("degrees\n(+ = toward right)")
        bottom.legend(loc="upper right", fontsize=7, ncol=2)
        bottom.grid(alpha=0.3)
    if level is not None:
        sound = column.pop(0)
        t, db = level
        step = max(1, t.size // 4000)  # the loudest frame of each bin: a few thousand points
        usable = t.size // step * step
        if usable:
            sound.fill_between(
                t[:usable:step], -90, db[:usable].reshape(-1, step).max(axis=1), color="#7f7f7f"
            )
        sound.set_ylim(-90, 0)
        sound.set_ylabel("sound\n(dBFS)")
        sound.grid(alpha=0.3)
    axes[-1, 0].set_xlabel("time (s)")
    axes[-1, 0].set_xlim(0, end)
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
