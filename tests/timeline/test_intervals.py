"""Interval algebra: table-driven cases for the conventions, hypothesis properties for the rest."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotate.errors import AlignmentError
from annotate.timeline.intervals import (
    Event,
    Interval,
    covered_share,
    gaps,
    grid_coverage,
    intersect,
    total_duration_s,
    union,
)

I = Interval  # noqa: E741 - short builder for the tables below
RECORDING = I(0.0, 100.0)

# Times on a millisecond grid keep the arithmetic exact enough to compare with a small tolerance.
times = st.integers(min_value=0, max_value=200_000).map(lambda ms: ms / 1000)


@st.composite
def intervals(draw: st.DrawFn, max_length_s: float = 50.0) -> Interval:
    start = draw(times)
    length = draw(st.one_of(st.just(0.0), st.floats(0.0, max_length_s)))
    return Interval(start, round(start + length, 3))


interval_lists = st.lists(intervals(), max_size=12)


def covered_by(items: list[Interval], t_s: float) -> bool:
    return any(item.contains(t_s) for item in items)


# --- single intervals ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end"),
    [(1.0, 0.0), (math.nan, 1.0), (0.0, math.inf), (-math.inf, 0.0)],
)
def test_malformed_interval_is_refused(start: float, end: float) -> None:
    with pytest.raises(AlignmentError):
        Interval(start, end)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (I(0, 1), I(1, 2), None),  # touching ends share no time
        (I(0, 2), I(1, 3), I(1, 2)),
        (I(0, 5), I(1, 2), I(1, 2)),
        (I(0, 1), I(2, 3), None),
        (I.point(1), I(0, 1), I.point(1)),  # a point at an end is inside (closed ends)
        (I.point(1), I(1, 2), I.point(1)),
        (I.point(1), I.point(1), I.point(1)),
        (I.point(1), I.point(2), None),
        (I.point(3), I(0, 2), None),
    ],
)
def test_intersection_and_overlap(a: Interval, b: Interval, expected: Interval | None) -> None:
    assert a.intersection(b) == expected
    assert b.intersection(a) == expected
    assert a.overlaps(b) is (expected is not None)


def test_point_window() -> None:
    assert I.point(61.0).expand(5.0) == I(56.0, 66.0)
    assert I(10, 12).expand(1.0, 3.0) == I(9.0, 15.0)
    with pytest.raises(AlignmentError, match="negative"):
        I.point(1.0).expand(-1.0)


@given(intervals(), intervals())
def test_intersection_lies_in_both(a: Interval, b: Interval) -> None:
    common = a.intersection(b)
    assert a.overlaps(b) == b.overlaps(a) == (common is not None)
    if common is not None:
        assert a.contains(common.start_s) and a.contains(common.end_s)
        assert b.contains(common.start_s) and b.contains(common.end_s)
        assert common.duration_s <= min(a.duration_s, b.duration_s)


# --- collections -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        ([], []),
        ([I(0, 1), I(1, 2)], [I(0, 2)]),  # touching intervals merge
        ([I(2, 3), I(0, 1)], [I(0, 1), I(2, 3)]),
        ([I(0, 5), I(1, 2), I.point(5)], [I(0, 5)]),  # points inside or at an edge are absorbed
        ([I.point(7), I(0, 5)], [I(0, 5), I.point(7)]),  # an isolated point is kept
    ],
)
def test_union_table(items: list[Interval], expected: list[Interval]) -> None:
    assert union(items) == expected


@given(interval_lists, times)
def test_union_is_sorted_disjoint_and_covers_the_same_time(items: list[Interval], t: float) -> None:
    merged = union(items)
    for before, after in itertools.pairwise(merged):
        assert before.end_s < after.start_s
    assert covered_by(merged, t) == covered_by(items, t)
    assert union(merged) == merged
    assert total_duration_s(items) <= sum(item.duration_s for item in items) + 1e-9


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        ([], [I(0, 1)], []),
        ([I(0, 1)], [I(1, 2)], []),
        ([I(0, 10)], [I(1, 2), I(5, 6), I.point(8)], [I(1, 2), I(5, 6), I.point(8)]),
        ([I(0, 3), I(4, 8)], [I(2, 5)], [I(2, 3), I(4, 5)]),
    ],
)
def test_intersect_table(
    first: list[Interval], second: list[Interval], expected: list[Interval]
) -> None:
    assert intersect(first, second) == expected
    assert intersect(second, first) == expected


@given(interval_lists, interval_lists)
def test_intersect_is_pairwise_and_inclusion_exclusion_holds(
    first: list[Interval], second: list[Interval]
) -> None:
    common = intersect(first, second)
    pairwise = [c for a in first for b in second if (c := a.intersection(b)) is not None]
    assert common == union(pairwise)
    both = total_duration_s(first + second)
    expected = total_duration_s(first) + total_duration_s(second) - total_duration_s(common)
    assert both == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        ([], [I(0, 100)]),
        ([I(0, 100)], []),
        ([I(-5, 10), I(90, 120)], [I(10, 90)]),
        ([I(10, 20), I(15, 30), I.point(50)], [I(0, 10), I(30, 100)]),  # points cover nothing
        ([I(200, 300)], [I(0, 100)]),
    ],
)
def test_gaps_table(items: list[Interval], expected: list[Interval]) -> None:
    assert gaps(items, RECORDING) == expected


@given(interval_lists, intervals(max_length_s=150.0))
def test_gaps_and_cover_fill_the_span(items: list[Interval], span: Interval) -> None:
    holes = gaps(items, span)
    inside = intersect(items, [span])
    assert total_duration_s(holes) + total_duration_s(inside) == pytest.approx(
        span.duration_s, abs=1e-6
    )
    assert intersect(holes, [i for i in items if not i.is_point]) == []
    assert all(span.contains(h.start_s) and span.contains(h.end_s) for h in holes)


def test_covered_share() -> None:
    assert covered_share([], RECORDING) == 0.0
    assert covered_share([I(0, 25), I(20, 50), I(150, 160)], RECORDING) == pytest.approx(0.5)
    assert covered_share([I(0, 1)], I.point(0.5)) == 0.0


# --- grid ------------------------------------------------------------------------------------


def test_grid_coverage_known_shares() -> None:
    grid = grid_coverage([I(0.5, 1.0), I(1.0, 1.25), I.point(2.5)], I(0.0, 3.5), step_s=1.0)
    np.testing.assert_allclose(grid.start_s, [0.0, 1.0, 2.0, 3.0])
    np.testing.assert_allclose(grid.end_s, [1.0, 2.0, 3.0, 3.5])  # last bin cut at the span's end
    np.testing.assert_allclose(grid.share, [0.5, 0.25, 0.0, 0.0])


def test_grid_bin_count_is_not_fooled_by_rounding() -> None:
    assert len(grid_coverage([], I(0.0, 10.0), step_s=0.1).share) == 100
    assert len(grid_coverage([], I.point(3.0), step_s=1.0).share) == 0


@pytest.mark.parametrize("step", [0.0, -1.0, math.nan])
def test_grid_step_must_be_positive(step: float) -> None:
    with pytest.raises(AlignmentError, match="grid step"):
        grid_coverage([], RECORDING, step_s=step)


@given(interval_lists, intervals(max_length_s=150.0), st.sampled_from([0.1, 0.5, 1.0, 7.0]))
def test_grid_shares_add_up_to_the_covered_time(
    items: list[Interval], span: Interval, step: float
) -> None:
    grid = grid_coverage(items, span, step)
    assert np.all((grid.share >= 0.0) & (grid.share <= 1.0))
    covered = float(np.sum(grid.share * (grid.end_s - grid.start_s)))
    assert covered == pytest.approx(total_duration_s(intersect(items, [span])), abs=1e-6)


# --- events against a recording --------------------------------------------------------------


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        (Event("M14 singing", 10.0, 20.0), I(10.0, 20.0)),
        (Event("M15 wondering", 42.0, 42.0), I.point(42.0)),
        (Event("M6 strokes", 80.0, None), I(80.0, 100.0)),  # open end: until the recording's end
        (Event("M6 strokes", 100.0, None), I.point(100.0)),
    ],
)
def test_event_resolves_inside_the_recording(event: Event, expected: Interval) -> None:
    assert event.resolve(RECORDING) == expected


@pytest.mark.parametrize(
    ("event", "message"),
    [
        (Event("M14 singing", 120.0, 130.0), "lies outside"),
        (Event("M14 singing", -30.0, -10.0), "lies outside"),
        (Event("M11 doll", 90.0, 105.0), "ends 5 s after"),
        (Event("M11 doll", -2.0, 5.0), "starts 2 s before"),
        (Event("M11 doll", 5.0, 2.0), "at or after the start"),
        (Event("M11 doll", 150.0, None), "lies outside"),
        (Event("M11 doll", math.nan, 5.0), "finite"),
    ],
)
def test_event_outside_the_recording_is_refused_by_name(event: Event, message: str) -> None:
    with pytest.raises(AlignmentError, match=message) as caught:
        event.resolve(RECORDING)
    assert f"'{event.name}'" in str(caught.value)


def test_event_trimmed_within_tolerance_or_when_clipping() -> None:
    assert Event("M8 tea", 95.0, 100.4).resolve(RECORDING, tolerance_s=0.5) == I(95.0, 100.0)
    assert Event("M8 tea", -3.0, 10.0).resolve(RECORDING, clip=True) == I(0.0, 10.0)
    with pytest.raises(AlignmentError, match="lies outside"):
        Event("M8 tea", 101.0, 110.0).resolve(RECORDING, clip=True)
    with pytest.raises(AlignmentError, match="tolerance"):
        Event("M8 tea", 1.0, 2.0).resolve(RECORDING, tolerance_s=-1.0)


@given(times, st.one_of(st.none(), times))
def test_resolved_event_lies_in_the_recording_or_is_refused(
    start: float, end: float | None
) -> None:
    event = Event("E", start, end)
    try:
        resolved = event.resolve(RECORDING)
    except AlignmentError:
        inside = RECORDING.contains(start) and (end is None or start <= end <= RECORDING.end_s)
        assert not inside
    else:
        assert RECORDING.contains(resolved.start_s) and RECORDING.contains(resolved.end_s)
        assert resolved.start_s == start
