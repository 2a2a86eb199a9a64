"""Agreement between coders: hand-worked examples, published ICC values, the project report."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotate.coding.care_index import load_care_index
from annotate.coding.care_store import set_aspect
from annotate.coding.reliability import NONE_LABEL, bin_labels, cohen_kappa, icc, match_events
from annotate.coding.reliability_output import markdown, write_reliability
from annotate.coding.reliability_report import compare_coders
from annotate.coding.store import AnnotationStore
from annotate.errors import OutputError, StoreError

from .helpers import care_scheme, clip, note


def test_kappa_worked_example() -> None:
    # 50 items: both yes 20, A yes B no 5, A no B yes 10, both no 15.
    # p_o = 35/50 = 0.7; p_e = 0.5 x 0.6 + 0.5 x 0.4 = 0.5; kappa = (0.7 - 0.5) / (1 - 0.5) = 0.4
    a = ["yes"] * 25 + ["no"] * 25
    b = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
    result = cohen_kappa(a, b)
    assert result.kappa == pytest.approx(0.4)
    assert result.agreement == pytest.approx(0.7)
    assert result.confusion == {
        ("yes", "yes"): 20,
        ("yes", "no"): 5,
        ("no", "yes"): 10,
        ("no", "no"): 15,
    }


def test_kappa_three_labels_by_hand() -> None:
    # A: x x x y y z ; B: x x y y z z
    # agreement 4/6; chance (3/6 x 2/6) + (2/6 x 2/6) + (1/6 x 2/6) = 12/36 = 1/3
    # kappa = (2/3 - 1/3) / (1 - 1/3) = 0.5
    result = cohen_kappa(list("xxxyyz"), list("xxyyzz"))
    assert result.kappa == pytest.approx(0.5)
    assert result.labels == ("x", "y", "z")


@pytest.mark.parametrize(
    ("a", "b", "message"),
    [([], [], "no positions"), (["x"], ["x", "y"], "same number of positions")],
)
def test_kappa_refuses_what_it_cannot_compare(a: list[str], b: list[str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        cohen_kappa(a, b)


def test_kappa_is_undefined_when_chance_agreement_is_certain() -> None:
    assert math.isnan(cohen_kappa(["x"] * 4, ["x"] * 4).kappa)


@given(st.lists(st.tuples(st.sampled_from("abc"), st.sampled_from("abc")), min_size=1, max_size=60))
def test_kappa_properties(pairs: list[tuple[str, str]]) -> None:
    a, b = [p[0] for p in pairs], [p[1] for p in pairs]
    forward, backward = cohen_kappa(a, b), cohen_kappa(b, a)
    if math.isnan(forward.kappa):
        assert math.isnan(backward.kappa)
        return
    assert forward.kappa == pytest.approx(backward.kappa)
    assert -1.0 - 1e-9 <= forward.kappa <= 1.0 + 1e-9
    if len(set(a)) > 1:
        assert cohen_kappa(a, a).kappa == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("intervals", "duration", "expected"),
    [
        ([], 1.0, [NONE_LABEL, NONE_LABEL]),
        ([(0.0, 1.0, "a")], 1.0, ["a", "a"]),
        ([(0.0, 0.25, "a")], 1.0, [NONE_LABEL, NONE_LABEL]),  # misses the first midpoint (0.25)
        ([(0.0, 0.26, "a")], 1.0, ["a", NONE_LABEL]),
        ([(0.0, 1.0, "b"), (0.5, 1.0, "a")], 1.0, ["b", "a+b"]),
        ([(0.6, 0.9, "a")], 1.1, [NONE_LABEL, "a", NONE_LABEL]),  # a last, partial bin counts
    ],
)
def test_bins_take_the_codes_at_their_midpoints(
    intervals: list[tuple[float, float, str]], duration: float, expected: list[str]
) -> None:
    assert bin_labels(intervals, duration, 0.5) == expected


@pytest.mark.parametrize(
    ("a", "b", "tolerance", "matched"),
    [
        ([], [], 1.0, 0),
        ([1.0, 5.0], [1.4, 5.9], 1.0, 2),
        ([1.0, 5.0], [2.1, 5.9], 1.0, 1),
        ([1.0, 1.5], [1.2], 1.0, 1),  # one to one
        ([1.0, 2.0], [1.9, 2.9], 1.0, 2),  # 1.0-1.9 and 2.0-2.9, not 2.0-1.9 alone
        ([3.0], [3.5], 0.5, 1),  # the window is inclusive
    ],
)
def test_points_match_one_to_one_within_the_window(
    a: list[float], b: list[float], tolerance: float, matched: int
) -> None:
    result = match_events(a, b, tolerance)
    assert result.matched == matched


def test_precision_recall_f1() -> None:
    result = match_events([1.0, 2.0, 3.0, 4.0], [1.1, 3.1], 0.5)
    assert (result.recall, result.precision, result.f1) == (0.5, 1.0, pytest.approx(2 * 2 / 6))
    assert math.isnan(match_events([], [], 1.0).f1)


SHROUT_FLEISS = [
    [9, 2, 5, 8],
    [6, 1, 3, 2],
    [8, 4, 6, 8],
    [7, 1, 2, 6],
    [10, 5, 6, 9],
    [6, 2, 4, 7],
]


@pytest.mark.parametrize(("form", "published"), [("1,1", 0.17), ("2,1", 0.29), ("3,1", 0.71)])
def test_icc_matches_shrout_and_fleiss_1979(form: str, published: float) -> None:
    assert round(icc(SHROUT_FLEISS, form), 2) == published


def test_icc_refuses_too_few_ratings() -> None:
    with pytest.raises(ValueError, match="at least 2 targets"):
        icc([[1.0, 2.0]])


def _project(tmp_path: Path) -> AnnotationStore:
    store = AnnotationStore(tmp_path / "p.sqlite")
    scheme, config = care_scheme(), load_care_index()
    two = clip(1, duration_s=4.0), clip(2, duration_s=4.0)
    for coder, shift in (("ana", 0.0), ("ben", 0.5)):
        store.add(
            note("infant_gaze", "at_mother", 0.0, 2.0 + shift, coder=coder), scheme, clip=two[0]
        )
        store.add(note("mother", "kisses", 1.0 + shift, coder=coder), scheme, clip=two[0])
        for c, sensitive in zip(two, (1.0, 1.5) if coder == "ana" else (1.5, 1.5), strict=True):
            for aspect, _ in config.aspects:
                points = {
                    "adult": {"sensitive": sensitive, "controlling": 2 - sensitive},
                    "infant": {"cooperative": 2},
                }
                set_aspect(store, config, c, coder, aspect, points)
    return store


def test_report_over_a_project(tmp_path: Path) -> None:
    with _project(tmp_path) as store:
        report = compare_coders(store, "ana", "ben", load_care_index(), bin_s=0.5)
        by_frame = compare_coders(store, "ana", "ben", load_care_index())
    # the default grid is one frame of the clip: 4 s at 25 fps; ana 50 frames, ben 62
    (frames,) = by_frame.kappas
    assert (frames.bin_s, frames.result.n, frames.result.agreement) == (0.04, 100, 88 / 100)
    (kappa,) = report.kappas
    # ana: at_mother on bins 0-3 of 8; ben on bins 0-4: 7 of 8 agree
    assert (kappa.tier, kappa.result.n, kappa.result.agreement) == ("infant_gaze", 8, 7 / 8)
    assert kappa.result.kappa == pytest.approx(
        cohen_kappa(["a"] * 4 + ["n"] * 4, ["a"] * 5 + ["n"] * 3).kappa
    )
    (events,) = report.events
    assert (events.code, events.result.matched, events.result.f1) == ("kisses", 1, 1.0)
    sync = [r for r in report.care if r.pattern == "sensitive"]
    assert [(r.total_a, r.total_b, r.difference) for r in sync] == [
        (7.0, 10.5, 3.5),
        (10.5, 10.5, 0.0),
    ]
    assert report.care_within == 0.5
    assert report.care_icc["adult.sensitive"] == pytest.approx(
        icc([[7.0, 10.5], [10.5, 10.5]], "2,1")
    )
    assert math.isnan(report.care_icc["infant.cooperative"])  # no variance at all


def test_report_files(tmp_path: Path) -> None:
    with _project(tmp_path) as store:
        report = compare_coders(store, "ana", "ben", load_care_index(), bin_s=1.0)
    table, text = write_reliability(report, tmp_path / "rel.csv")
    rows = pd.read_csv(table, keep_default_na=False)
    kappa = rows[(rows.section == "tier_kappa") & (rows.measure == "bins")]
    assert kappa.value.tolist() == ["4"]  # empty values (undefined) keep the column text
    assert set(rows.section) == {"tier_kappa", "confusion", "events", "care", "care_summary"}
    assert "## CARE-Index" in text.read_text() and text.read_text() == markdown(report)
    with pytest.raises(OutputError, match="exists already"):
        write_reliability(report, tmp_path / "rel.csv")


def test_report_needs_two_coders_with_work(tmp_path: Path) -> None:
    with _project(tmp_path) as store:
        with pytest.raises(StoreError, match="no clip was coded by both ana and carla"):
            compare_coders(store, "ana", "carla", load_care_index())
        with pytest.raises(StoreError, match="two different coders"):
            compare_coders(store, "ana", "ana", load_care_index())
