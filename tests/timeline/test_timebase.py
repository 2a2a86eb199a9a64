"""Time-base mapping: known offsets and drifts recovered, noise tolerated, bad fits refused."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotate.errors import AlignmentError
from annotate.timeline.timebase import SyncPoint, TimeMap, fit_time_map, parse_seconds

offsets = st.floats(min_value=-40_000.0, max_value=40_000.0)
drifts = st.floats(min_value=-0.05, max_value=0.05)
times_a = st.lists(
    st.floats(min_value=0.0, max_value=20_000.0), min_size=2, max_size=10, unique=True
).filter(lambda a: max(a) - min(a) > 1.0)


def points_on(time_map: TimeMap, a: list[float]) -> list[SyncPoint]:
    return [SyncPoint(t, time_map.a_to_b(t)) for t in a]


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("0", 0.0),
        ("754.2", 754.2),
        ("-3.5", -3.5),
        ("12:34.2", 754.2),
        ("75:00", 4500.0),
        ("1:02:03.5", 3723.5),
        (" 10:00:00 ", 36000.0),
        ("-0:01.5", -1.5),
    ],
)
def test_parse_seconds(text: str, seconds: float) -> None:
    assert parse_seconds(text) == pytest.approx(seconds)


@pytest.mark.parametrize("text", ["", "abc", "nan", "inf", "1:60", "1:60:00", "1::2"])
def test_parse_seconds_refuses_what_is_not_a_time(text: str) -> None:
    with pytest.raises(AlignmentError, match="time"):
        parse_seconds(text)


def test_fixed_offset_maps_both_ways() -> None:
    time_map = TimeMap.fixed(-12.5)
    assert time_map.a_to_b(100.0) == 87.5
    assert time_map.b_to_a(87.5) == 100.0
    assert time_map.residuals == ()
    assert time_map.max_residual_s == 0.0
    np.testing.assert_allclose(time_map.a_to_b(np.array([0.0, 10.0])), [-12.5, -2.5])


def test_known_offset_and_drift_are_recovered() -> None:
    # The session log's clock: the video starts at 10:03:05; the camera runs 0.36 s/hour fast.
    truth = TimeMap(offset_s=-36185.0 * 1.0001, drift=1e-4)
    a = [parse_seconds(t) for t in ["10:03:05", "10:30:00", "11:15:30", "11:33:05"]]
    fitted = fit_time_map(points_on(truth, a))
    assert fitted.offset_s == pytest.approx(truth.offset_s, abs=1e-6)
    assert fitted.drift == pytest.approx(1e-4, abs=1e-10)
    assert fitted.drift_s_per_hour == pytest.approx(0.36)
    assert fitted.a_to_b(a[0]) == pytest.approx(0.0, abs=1e-6)
    assert fitted.max_residual_s < 1e-6
    assert fitted.check(0.1) is fitted


@given(offsets, drifts, times_a)
def test_fit_recovers_any_offset_and_drift(offset: float, drift: float, a: list[float]) -> None:
    truth = TimeMap(offset, drift)
    fitted = fit_time_map(points_on(truth, a))
    assert fitted.drift == pytest.approx(drift, abs=1e-8)
    for t in a:
        assert fitted.a_to_b(t) == pytest.approx(truth.a_to_b(t), abs=1e-5)
    assert fitted.max_residual_s < 1e-5


@given(offsets, drifts, st.floats(min_value=-1e5, max_value=1e5))
def test_mapping_round_trips(offset: float, drift: float, t: float) -> None:
    time_map = TimeMap(offset, drift)
    assert time_map.b_to_a(time_map.a_to_b(t)) == pytest.approx(t, abs=1e-6)


def test_noise_within_tolerance_is_accepted_and_reported_per_point() -> None:
    rng = np.random.default_rng(7)
    truth = TimeMap(offset_s=4.2, drift=-2e-5)
    a = np.linspace(0.0, 5400.0, 12)
    noise = rng.normal(0.0, 0.02, a.size)  # a coder marking claps by eye: about a frame
    points = [
        SyncPoint(float(t), truth.a_to_b(float(t)) + e, f"clap {i}")
        for i, (t, e) in enumerate(zip(a, noise, strict=True))
    ]
    fitted = fit_time_map(points).check(0.1)
    assert fitted.offset_s == pytest.approx(4.2, abs=0.05)
    assert [r.point.label for r in fitted.residuals] == [f"clap {i}" for i in range(12)]
    assert sum(r.residual_s for r in fitted.residuals) == pytest.approx(0.0, abs=1e-9)


def test_a_point_off_the_line_is_refused_by_name() -> None:
    truth = TimeMap(offset_s=4.2)
    points = [SyncPoint(t, truth.a_to_b(t), f"clap {t:g}") for t in (0.0, 600.0, 1200.0, 1800.0)]
    points[2] = SyncPoint(1200.0, truth.a_to_b(1200.0) + 2.0, "clap 1200")  # mistyped by 2 s
    fitted = fit_time_map(points)
    assert fitted.max_residual_s > 0.5
    with pytest.raises(AlignmentError, match=r"worst clap 1200 by \+1\.4") as caught:
        fitted.check(0.1)
    assert "tolerance 0.1 s" in str(caught.value)
    assert fitted.check(2.0) is fitted


def test_offset_only_fit_keeps_residuals() -> None:
    points = [SyncPoint(10.0, 15.0), SyncPoint(20.0, 25.2), SyncPoint(30.0, 34.8)]
    fitted = fit_time_map(points, drift=False)
    assert fitted.drift == 0.0
    assert fitted.offset_s == pytest.approx(5.0)
    assert [round(r.residual_s, 6) for r in fitted.residuals] == [0.0, 0.2, -0.2]
    assert fit_time_map(points[:1], drift=False).offset_s == 5.0


@pytest.mark.parametrize(
    ("points", "message"),
    [
        ([], "no sync points"),
        ([SyncPoint(1.0, 2.0)], "two or more"),
        ([SyncPoint(5.0, 2.0), SyncPoint(5.0, 3.0)], "same time in base A"),
        ([SyncPoint(0.0, 10.0), SyncPoint(10.0, 0.0)], "runs backwards"),
    ],
)
def test_fit_refuses_what_cannot_be_fitted(points: list[SyncPoint], message: str) -> None:
    with pytest.raises(AlignmentError, match=message):
        fit_time_map(points)


@pytest.mark.parametrize("tolerance", [-0.1, float("nan")])
def test_tolerance_must_be_a_non_negative_number(tolerance: float) -> None:
    with pytest.raises(AlignmentError, match="tolerance"):
        TimeMap.fixed(0.0).check(tolerance)


def test_time_map_record_lists_each_point() -> None:
    fitted = fit_time_map([SyncPoint(0.0, 1.0, "start"), SyncPoint(10.0, 11.0, "end")])
    record = fitted.as_dict()
    assert record["offset_s"] == pytest.approx(1.0)
    assert record["drift"] == pytest.approx(0.0)
    assert [p["label"] for p in record["points"]] == ["start", "end"]  # type: ignore[attr-defined]
