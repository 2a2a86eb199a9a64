"""The disagreement list of two coders and the consensus built from it, on hand-worked cases.

The grid is 0.1 s (10 frames a second) over a 10-s clip, the tolerance for points 0.5 s.
"""

from __future__ import annotations

import math

import pytest

from annotate.coding.consensus import (
    TAKE_A,
    TAKE_B,
    Disagreement,
    agreed,
    compare_coders,
    plan_changes,
    take,
    take_agreed,
)
from annotate.coding.records import Annotation

STEP, DURATION, TOLERANCE = 0.1, 10.0, 0.5


def state(coder: str, code: str, start: float, end: float, tier: str = "infant_gaze") -> Annotation:
    return Annotation("c" * 64, coder, tier, code, start, end)


def point(coder: str, code: str, t: float, tier: str = "mother") -> Annotation:
    return Annotation("c" * 64, coder, tier, code, t, t)


def compare(a: list[Annotation], b: list[Annotation]):  # type: ignore[no-untyped-def]
    return compare_coders(a, b, duration_s=DURATION, step_s=STEP, tolerance_s=TOLERANCE)


def spans(annotations: list[Annotation]) -> list[tuple[str, str, float, float]]:
    return sorted((x.tier, x.code, round(x.start_s, 6), round(x.end_s, 6)) for x in annotations)


def test_an_agreed_state_is_no_disagreement_and_its_kappa_is_one() -> None:
    a = [state("ana", "at_mother", 1.0, 3.0)]
    b = [state("ben", "at_mother", 1.0, 3.0)]
    result = compare(a, b)
    assert result.disagreements == ()
    figure = result.tiers["infant_gaze"]
    assert figure.kappa is not None and figure.kappa.kappa == pytest.approx(1.0)
    assert figure.kappa.agreement == 1.0 and figure.kappa.n == 100
    assert spans(agreed(a, b, result, "consensus")) == [("infant_gaze", "at_mother", 1.0, 3.0)]


def test_a_boundary_off_by_less_than_half_a_frame_is_not_a_disagreement() -> None:
    result = compare([state("ana", "away", 1.0, 3.0)], [state("ben", "away", 1.02, 3.04)])
    assert result.disagreements == ()


def test_a_boundary_off_gives_one_stretch_at_the_coders_own_times() -> None:
    a = [state("ana", "at_mother", 1.0, 3.03)]
    b = [state("ben", "at_mother", 1.0, 3.57)]
    result = compare(a, b)
    (d,) = result.disagreements
    assert (d.tier, d.kind, d.label_a, d.label_b) == ("infant_gaze", "state", "(none)", "at_mother")
    # the grid says frames 30-35 ([3.0, 3.6)); the stretch snaps to the coders' own boundaries
    assert (d.start_s, d.end_s) == (3.03, 3.57)
    # kappa by hand: A 20 of 100 frames, B 26; 94 agree; p_e = (20*26 + 80*74) / 100^2 = 0.644
    figure = result.tiers["infant_gaze"].kappa
    assert figure is not None
    assert figure.agreement == pytest.approx(0.94)
    assert figure.kappa == pytest.approx((0.94 - 0.644) / (1 - 0.644))


def test_two_codes_disagreeing_split_where_the_pair_changes() -> None:
    a = [state("ana", "at_mother", 0.0, 5.0)]
    b = [state("ben", "away", 0.0, 3.0), state("ben", "at_object", 3.0, 5.0)]
    result = compare(a, b)
    assert [(d.start_s, d.end_s, d.label_a, d.label_b) for d in result.disagreements] == [
        (0.0, 3.0, "at_mother", "away"),
        (3.0, 5.0, "at_mother", "at_object"),
    ]


def test_a_point_one_coder_missed_and_points_within_the_tolerance() -> None:
    a = [point("ana", "kisses", 2.0), point("ana", "kisses", 6.0), point("ana", "kisses", 8.0)]
    b = [point("ben", "kisses", 2.4), point("ben", "kisses", 8.7)]
    result = compare(a, b)
    # 2.0 and 2.4 match (0.4 s <= 0.5 s); 6.0 is A's alone; 8.0 and 8.7 are 0.7 s apart: two
    assert [(d.kind, d.start_s, d.label_a, d.label_b) for d in result.disagreements] == [
        ("point", 6.0, "kisses", "(none)"),
        ("point", 8.0, "kisses", "(none)"),
        ("point", 8.7, "(none)", "kisses"),
    ]
    events = result.tiers["mother"].events
    assert events is not None and (events.n_a, events.n_b, events.matched) == (3, 2, 1)
    assert result.tiers["mother"].kappa is None
    # agreed: the matched pair, at A's time
    assert spans(agreed(a, b, result, "consensus")) == [("mother", "kisses", 2.0, 2.0)]


def test_take_a_or_b_for_a_stretch_joins_the_agreed_part() -> None:
    a = [state("ana", "at_mother", 1.0, 3.0)]
    b = [state("ben", "at_mother", 1.0, 3.6)]
    result = compare(a, b)
    (d,) = result.disagreements
    base = agreed(a, b, result, "consensus")
    assert spans(base) == [("infant_gaze", "at_mother", 1.0, 3.0)]
    assert spans(take(base, a, b, d, TAKE_A, "consensus")) == [
        ("infant_gaze", "at_mother", 1.0, 3.0)
    ]
    taken_b = take(base, a, b, d, TAKE_B, "consensus")
    assert spans(taken_b) == [("infant_gaze", "at_mother", 1.0, 3.6)]
    assert {x.coder for x in taken_b} == {"consensus"}


def test_take_for_points_adds_or_leaves_out_the_point() -> None:
    a = [point("ana", "vocalises", 5.0, tier="infant")]
    b: list[Annotation] = []
    (d,) = compare(a, b).disagreements
    with_it = take([], a, b, d, TAKE_A, "consensus")
    assert spans(with_it) == [("infant", "vocalises", 5.0, 5.0)]
    assert take(with_it, a, b, d, TAKE_B, "consensus") == []


def test_take_agreed_keeps_decisions_inside_the_stretches() -> None:
    a = [state("ana", "at_mother", 1.0, 3.0), state("ana", "away", 4.0, 6.0)]
    b = [state("ben", "at_mother", 1.0, 3.6), state("ben", "away", 4.0, 6.0)]
    result = compare(a, b)
    (d,) = result.disagreements
    decided = take([], a, b, d, TAKE_B, "consensus")  # only the stretch 3.0-3.6 so far
    assert spans(decided) == [("infant_gaze", "at_mother", 3.0, 3.6)]
    both = take_agreed(decided, agreed(a, b, result, "consensus"), result)
    assert spans(both) == [
        ("infant_gaze", "at_mother", 1.0, 3.6),
        ("infant_gaze", "away", 4.0, 6.0),
    ]


def test_plan_changes_deletes_and_adds_only_what_differs() -> None:
    keep = state("consensus", "away", 4.0, 6.0)
    old = state("consensus", "at_mother", 1.0, 3.0)
    new = state("consensus", "at_mother", 1.0, 3.6)
    plan = plan_changes([(7, keep), (8, old)], [keep, new])
    assert plan.delete == (8,) and plan.add == (new,)
    assert not plan_changes([(7, keep)], [keep])


def test_disagreement_key_is_stable() -> None:
    d = Disagreement("infant_gaze", "state", 3.03, 3.57, "(none)", "at_mother")
    assert Disagreement.from_key(d.key) == d
    assert not math.isnan(d.start_s)
