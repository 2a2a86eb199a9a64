"""The flow diagram of lag-1 transitions: codes on a circle, an arrow from each code to each code
that follows it with a transitional probability of at least `min_p`, as wide as that probability,
dark where the adjusted residual is significant (|z| >= 1.96), grey otherwise. A code's
probability of following itself is written under its name (bold where significant).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch
from numpy.typing import NDArray

from annotate.analysis.interaction_tables import figure_bytes
from annotate.analysis.sequence import (
    adjusted_residuals,
    is_significant,
    transitional_probabilities,
)

SIGNIFICANT, OTHER = "#1b4f72", "#a6a6a6"


def _draw(
    axes: Axes, title: str, codes: Sequence[str], counts: NDArray[np.int64], min_p: float
) -> None:
    k = len(codes)
    angles = np.pi / 2 - 2 * np.pi * np.arange(k) / max(k, 1)
    xs, ys = np.cos(angles), np.sin(angles)
    probability, residual = transitional_probabilities(counts), adjusted_residuals(counts)
    for i in range(k):
        for j in range(k):
            p = probability[i, j]
            if i == j or math.isnan(p) or p < min_p:
                continue
            colour = SIGNIFICANT if is_significant(residual[i, j]) else OTHER
            arrow = FancyArrowPatch(
                (xs[i], ys[i]),
                (xs[j], ys[j]),
                connectionstyle="arc3,rad=0.18",
                arrowstyle="-|>",
                mutation_scale=12,
                linewidth=0.5 + 5 * p,
                color=colour,
                shrinkA=22,
                shrinkB=22,
            )
            axes.add_patch(arrow)
            mx, my = (xs[i] + xs[j]) / 2, (ys[i] + ys[j]) / 2
            nx, ny = -(ys[j] - ys[i]) * 0.12, (xs[j] - xs[i]) * 0.12
            axes.text(mx + nx, my + ny, f"{p:.2f}", fontsize=7, color=colour, ha="center")
    for i, code in enumerate(codes):
        self_p = probability[i, i]
        extra = "" if math.isnan(self_p) else f"\nself {self_p:.2f}"
        weight = "bold" if is_significant(residual[i, i]) else "normal"
        axes.text(
            xs[i],
            ys[i],
            code + extra,
            ha="center",
            va="center",
            fontsize=8,
            fontweight=weight,
            bbox={"boxstyle": "round", "facecolor": "#f4f4f4", "edgecolor": "#555555"},
        )
    axes.set_xlim(-1.5, 1.5)
    axes.set_ylim(-1.4, 1.4)
    axes.set_aspect("equal")
    axes.axis("off")
    axes.set_title(title, fontsize=9)


def flow_diagram(
    panels: Sequence[tuple[str, Sequence[str], NDArray[np.int64]]],
    fmt: str = "png",
    min_p: float = 0.1,
) -> bytes:
    """One panel per (title, codes, lag-1 counts), as PNG or SVG bytes."""
    n = max(1, len(panels))
    columns = min(n, 3)
    rows = math.ceil(n / columns)
    figure = Figure(figsize=(4.6 * columns, 4.4 * rows + 0.4), layout="constrained")
    for index, (title, codes, counts) in enumerate(panels):
        _draw(figure.add_subplot(rows, columns, index + 1), title, codes, counts, min_p)
    figure.suptitle(
        f"lag-1 transitions (p >= {min_p:g}); dark: |adjusted residual| >= 1.96", fontsize=9
    )
    return figure_bytes(figure, fmt, 110)
