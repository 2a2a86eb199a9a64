"""A recording's timeline as a picture (PNG or SVG): one lane per tier, features below.

Lanes, top to bottom: the mechanism events (shaded faintly across every lane too, so that what
happens during them stands out), the coders' tiers, and the extraction's episodes (of the mother,
the infant and the dyad; a group session's many faces are summarised in the panel below instead;
the vocal episodes of every vocal role, other_adult included).
States are bars, points are ticks. Below, when features were extracted: the share of time in
mutual gaze, and for a group session the number of dyads present, per bin of about a 200th of the
recording (at least one second).
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from annotate import columns as C
from annotate.analysis.clip_features import SampleTable
from annotate.analysis.timeline_export import AUTOMATIC, MECHANISM, TimelineItem, lane_names
from annotate.coding.schemes import Scheme
from annotate.timeline.intervals import Interval

EPISODE_COLOURS = {
    "face_absent": "#9e9e9e",
    "looking_at_partner": "#1f77b4",
    "mutual_gaze": "#d62728",
    "infant_gaze_aversion": "#ff7f0e",
    "smile": "#2ca02c",
    C.VOCALISATION: "#8c564b",
    C.CRY: "#e377c2",
    C.OVERLAP: "#7f7f7f",
    C.VOCAL_RESPONSE: "#17becf",
    C.SINGING_HINT: "#bcbd22",
}
PLOTTED_ROLES = ("dyad", "mother", "infant")
VOCAL_KINDS = (C.VOCALISATION, C.CRY, C.OVERLAP, C.VOCAL_RESPONSE, C.SINGING_HINT)
_PALETTE = ("#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#76b7b2", "#edc948", "#ff9da7")


def _colours(items: Sequence[TimelineItem], schemes: Sequence[Scheme]) -> dict[str, str]:
    """A colour per label: the scheme's colour of the code, an episode's colour, or the palette."""
    known = {c.name: c.colour for s in schemes for t in s.tiers for c in t.codes if c.colour}
    known.update(EPISODE_COLOURS)
    spare = itertools.cycle(_PALETTE)
    return {
        label: known.get(label) or next(spare) for label in dict.fromkeys(i.label for i in items)
    }


def plotted_lanes(items: Sequence[TimelineItem]) -> list[tuple[str, list[TimelineItem]]]:
    """The picture's lanes, top to bottom, each with its items (see the module docstring)."""
    lanes: dict[str, list[TimelineItem]] = {}
    for item, lane in zip(items, lane_names(items), strict=True):
        if (
            item.source == AUTOMATIC
            and item.who not in PLOTTED_ROLES
            and item.label not in VOCAL_KINDS
        ):
            continue
        lanes.setdefault(lane, []).append(item)
    return list(lanes.items())


def _draw_lanes(
    axes: Axes,
    lanes: list[tuple[str, list[TimelineItem]]],
    colours: dict[str, str],
    span: Interval,
) -> None:
    n = len(lanes)
    for row, (_, members) in enumerate(lanes):
        y = n - 1 - row
        states = [m for m in members if not m.is_point]
        for label in dict.fromkeys(m.label for m in states):
            bars = [(m.start_s, m.end_s - m.start_s) for m in states if m.label == label]
            axes.broken_barh(bars, (y + 0.15, 0.7), facecolors=colours[label], label=label)
        points = [m for m in members if m.is_point]
        if points:
            axes.scatter(
                [p.start_s for p in points],
                [y + 0.5] * len(points),
                marker="|",
                s=120,
                c=[colours[p.label] for p in points],
            )
        for m in (m for m in members if m.source == MECHANISM):
            end_s = max(m.end_s, m.start_s + span.duration_s / 500.0)  # a point stays visible
            axes.axvspan(m.start_s, end_s, color=colours[m.label], alpha=0.08)
            axes.text(m.start_s, y + 0.5, f" {m.label}", va="center", fontsize=6, clip_on=True)
    axes.set_yticks(np.arange(n) + 0.5, [lane for lane, _ in reversed(lanes)], fontsize=7)
    axes.set_ylim(0, max(n, 1))
    axes.set_xlim(span.start_s, span.end_s)
    axes.grid(axis="x", alpha=0.3)


def _draw_features(axes: Axes, samples: SampleTable, span: Interval) -> None:
    step = max(1.0, span.duration_s / 200.0)
    bins = np.floor(samples.t_s / step).astype(np.int64)
    n = int(bins.max()) + 1 if bins.size else 0
    weights = np.bincount(bins, weights=samples.dt_s, minlength=n)
    with np.errstate(invalid="ignore", divide="ignore"):
        mutual = np.bincount(bins, weights=samples.dt_s * samples.mutual, minlength=n) / weights
        dyads = np.bincount(bins, weights=samples.dt_s * samples.dyads, minlength=n) / weights
    centres = (np.arange(n) + 0.5) * step
    axes.plot(centres, mutual, color=EPISODE_COLOURS["mutual_gaze"], label="mutual gaze (share)")
    axes.set_ylim(0, 1.05)
    axes.set_ylabel("share", fontsize=8)
    if samples.dyads.size and float(samples.dyads.max()) > 1:
        twin = axes.twinx()
        twin.plot(centres, dyads, color="#555555", linestyle=":", label="dyads present")
        twin.set_ylabel("dyads present", fontsize=8)
        twin.legend(loc="upper right", fontsize=7)
    axes.legend(loc="upper left", fontsize=7)
    axes.set_xlim(span.start_s, span.end_s)
    axes.grid(alpha=0.3)


def render_timeline(
    items: Sequence[TimelineItem],
    span: Interval,
    title: str,
    fmt: str,
    samples: SampleTable | None = None,
    schemes: Sequence[Scheme] = (),
) -> bytes:
    """The picture as PNG or SVG bytes (see the module docstring); `fmt` is 'png' or 'svg'."""
    lanes = plotted_lanes(items)
    colours = _colours(items, schemes)
    has_features = samples is not None and samples.size > 0
    height = 1.0 + 0.28 * max(len(lanes), 1) + (1.6 if has_features else 0.0)
    figure = Figure(figsize=(12, height), layout="constrained")
    if has_features:
        top, bottom = figure.subplots(
            2, 1, sharex=True, height_ratios=[max(len(lanes), 1) * 0.28, 1.6]
        )
    else:
        top, bottom = figure.subplots(1, 1), None
    _draw_lanes(top, lanes, colours, span)
    top.set_title(title, fontsize=10)
    if bottom is not None and samples is not None:
        _draw_features(bottom, samples, span)
        bottom.set_xlabel("time (s)")
    else:
        top.set_xlabel("time (s)")
    buffer = io.BytesIO()
    metadata = {"Software": None} if fmt == "png" else {"Date": None}
    figure.savefig(buffer, format=fmt, dpi=110, metadata=metadata)
    return buffer.getvalue()
