"""Episodes from per-frame flags: runs, gap filling, minimum duration."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotate.timeline.episodes import episodes_from_flags, sample_ends

TIMES = np.arange(20) * 0.1
FRAMES = np.arange(20) * 3


def spans(flags: list[int], min_s: float = 0.0, gap_s: float = 0.0) -> list[tuple[float, float]]:
    found = episodes_from_flags("k", "r", TIMES, FRAMES, flags, min_s, gap_s)
    return [(round(e.start_s, 3), round(e.end_s, 3)) for e in found]


@pytest.mark.parametrize(
    ("flags", "min_s", "gap_s", "expected"),
    [
        ([0] * 20, 0.0, 0.0, []),
        ([1] * 20, 0.0, 0.0, [(0.0, 2.0)]),
        ([0] * 5 + [1] * 5 + [0] * 10, 0.0, 0.0, [(0.5, 1.0)]),
        ([1, 1, 0, 1, 1] + [0] * 15, 0.0, 0.0, [(0.0, 0.2), (0.3, 0.5)]),
        ([1, 1, 0, 1, 1] + [0] * 15, 0.0, 0.1, [(0.0, 0.5)]),
        ([1, 1, 0, 0, 1] + [0] * 15, 0.0, 0.1, [(0.0, 0.2), (0.4, 0.5)]),
        ([1, 0, 0, 0, 1, 1, 1] + [0] * 13, 0.25, 0.0, [(0.4, 0.7)]),
        ([0] * 19 + [1], 0.0, 0.0, [(1.9, 2.0)]),
    ],
)
def test_runs_gaps_and_minimum(
    flags: list[int], min_s: float, gap_s: float, expected: list[tuple[float, float]]
) -> None:
    assert spans(flags, min_s, gap_s) == expected


def test_frames_are_the_first_and_last_sampled_frames() -> None:
    flags = [0, 0, 1, 1, 1] + [0] * 15
    (episode,) = episodes_from_flags("k", "r", TIMES, FRAMES, flags, 0.0, 0.0)
    assert (episode.start_frame, episode.end_frame) == (6, 12)


def test_missing_values_count_as_false() -> None:
    flags = [1.0, float("nan"), 1.0] + [0.0] * 17
    assert spans(flags) == [(0.0, 0.1), (0.2, 0.3)]  # type: ignore[arg-type]


def test_lengths_must_agree() -> None:
    with pytest.raises(ValueError, match="differ in length"):
        episodes_from_flags("k", "r", TIMES, FRAMES, [1, 0], 0.0, 0.0)


def test_sample_ends_use_the_next_time_and_the_median_step() -> None:
    assert sample_ends(np.array([0.0, 0.1, 0.3])).tolist() == pytest.approx([0.1, 0.3, 0.45])
    assert sample_ends(np.array([])).size == 0


@given(st.lists(st.booleans(), min_size=1, max_size=60), st.floats(0, 0.5), st.floats(0, 0.5))
def test_episodes_are_ordered_disjoint_and_inside_the_clip(
    flags: list[bool], min_s: float, gap_s: float
) -> None:
    times = np.arange(len(flags)) * 0.1
    found = episodes_from_flags("k", "r", times, np.arange(len(flags)), flags, min_s, gap_s)
    for a, b in itertools.pairwise(found):
        assert a.end_s < b.start_s
        assert b.start_s - a.end_s > gap_s - 1e-9
    for episode in found:
        assert 0.0 <= episode.start_s <= episode.end_s <= len(flags) * 0.1 + 1e-9
        assert episode.duration_s >= min_s - 1e-9
    if not any(flags):
        assert found == []
