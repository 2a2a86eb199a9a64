"""Per-second counts of a group session from a hand-made feature table."""

from __future__ import annotations

import pandas as pd
import pytest

from pipelines.sessions import (
    PAIR_COLUMNS,
    SECOND_COLUMNS,
    session_figures,
    session_pairs,
    session_seconds,
)


def table(rows: list[tuple[int, float, str, bool, str | None, bool]]) -> pd.DataFrame:
    return pd.DataFrame(
        rows, columns=["frame", "t", "role", "visible", "looking_at", "mutual_gaze"]
    )


def test_empty() -> None:
    empty = table([])
    assert list(session_seconds(empty, "s").columns) == list(SECOND_COLUMNS)
    assert list(session_pairs(empty, "s").columns) == list(PAIR_COLUMNS)
    assert session_figures(session_seconds(empty, "s"), session_pairs(empty, "s")) == {"seconds": 0}


def test_counts_per_second_take_the_most_seen_at_once() -> None:
    rows = []
    for frame, t in [(0, 0.0), (12, 0.5), (25, 1.0), (37, 1.5)]:
        for k in range(5):
            seen = not (t == 0.5 and k == 4) and not (t >= 1.0 and k >= 3)
            rows.append((frame, t, f"adult_0{k + 1}", seen, None, False))
            rows.append((frame, t, f"infant_0{k + 1}", seen and k < 4, None, False))
    rows.append((0, 0.0, "adult_06", False, None, False))
    seconds = session_seconds(table(rows), "s")
    assert seconds[["second", "samples", "adults", "infants", "dyads"]].values.tolist() == [
        [0, 2, 5, 4, 4],
        [1, 2, 3, 3, 3],
    ]
    assert seconds["m7"].tolist() == [True, False]


def test_pairs_in_mutual_gaze_once_per_pair() -> None:
    rows = [
        (0, 0.0, "adult_01", True, "infant_01", True),
        (0, 0.0, "infant_01", True, "adult_01", True),
        (0, 0.0, "adult_02", True, "adult_03", False),  # looks, not looked back at
        (5, 0.5, "adult_01", True, "infant_01", True),
        (5, 0.5, "infant_01", True, "adult_01", True),
        (10, 1.0, "adult_02", True, "adult_03", True),
        (10, 1.0, "adult_03", True, "adult_02", True),
    ]
    pairs = session_pairs(table(rows), "s")
    assert pairs[["second", "face_a", "face_b", "pair_kind", "samples"]].values.tolist() == [
        [0, "adult_01", "infant_01", "adult-infant", 2],
        [1, "adult_02", "adult_03", "adult-adult", 1],
    ]
    seconds = session_seconds(table(rows), "s")
    assert seconds["mutual_pairs"].tolist() == [1, 1]
    figures = session_figures(seconds, pairs)
    assert figures["adult_infant_mutual_share"] == pytest.approx(0.5)
    assert figures["seconds"] == 2 and figures["m7_hint"] is False
