"""Contingency tables on planted annotation sets: values worked out by hand in the test."""

from __future__ import annotations

import math

import numpy as np
import pytest

from annotate.analysis.contingency import Table, contingency_table, latencies, window_mask
from annotate.analysis.contingency_study import contingency_results
from annotate.analysis.interaction_sources import ClipEvents, parse_side
from tests.analysis.builders import note


def test_hand_worked_table() -> None:
    # 10 frames of 1 s; GIVEN at 1 and 5, W = 2: frames starting in (1, 3] and (5, 7] are in
    # window (2, 3, 6, 7); TARGET at 2.5, 6.0, 9.2 falls in frames 2, 6, 9.
    table = contingency_table(
        np.array([1.0, 5.0]),
        np.array([2.5, 6.0, 9.2]),
        window_s=2.0,
        fps=1.0,
        duration_s=10.0,
        permutations=0,
    )
    assert (table.a, table.b, table.c, table.d) == (2, 2, 1, 5)
    m = table.measures()
    assert m["p_target_given"] == pytest.approx(2 / 4)
    assert m["base_rate"] == pytest.approx(3 / 10)
    assert m["yules_q"] == pytest.approx((2 * 5 - 2 * 1) / (2 * 5 + 2 * 1))
    # Allison-Liker: (P(T|G) - P(T)) / sqrt(P(T)(1 - P(T))(1 - P(G)) / n_G)
    z = (0.5 - 0.3) / math.sqrt(0.3 * 0.7 * (1 - 0.4) / 4)
    assert m["adjusted_residual"] == pytest.approx(z)
    assert m["median_latency_s"] == pytest.approx((1.5 + 1.0) / 2)
    assert math.isnan(m["p_permutation"])


def test_window_mask_edges() -> None:
    mask = window_mask(np.array([0.0]), 0.3, 10.0, 10)
    assert mask.tolist() == [False, True, True, True] + [False] * 6  # (0, 0.3]: frames 1-3
    assert not window_mask(np.zeros(0), 1.0, 10.0, 5).any()


def test_latencies_take_the_next_target_only() -> None:
    assert latencies(np.array([1.0, 4.0, 9.0]), np.array([1.0, 2.0, 6.5])) == (1.0, 2.5)


def planted(p_follow: float, seed: int) -> tuple[np.ndarray, np.ndarray, int]:
    """60 GIVEN onsets every 10 s (600 s at 10 fps); with probability p a TARGET 0.5-1.9 s after
    (in window), else one 3-9 s after (outside every window). Returns the onsets and how many
    targets followed."""
    rng = np.random.default_rng(seed)
    given = np.arange(60) * 10.0
    follows = rng.random(60) < p_follow
    delay = np.where(follows, rng.integers(5, 20, 60) / 10, rng.integers(30, 90, 60) / 10)
    return given, given + delay + 0.01, int(follows.sum())


@pytest.mark.parametrize("p_follow", [0.5, 0.8])
def test_planted_contingency_equals_the_hand_count(p_follow: float) -> None:
    given, target, followed = planted(p_follow, seed=4)
    table = contingency_table(given, target, window_s=2.0, fps=10.0, duration_s=600.0)
    # by hand: each onset puts 20 frames in window; every target is in its own frame
    n, in_window, targets = 6000, 60 * 20, 60
    a, b, c = followed, in_window - followed, targets - followed
    d = n - a - b - c
    assert (table.a, table.b, table.c, table.d) == (a, b, c, d)
    m = table.measures()
    assert m["p_target_given"] == pytest.approx(followed / 1200)
    assert m["base_rate"] == pytest.approx(60 / 6000)
    assert m["yules_q"] == pytest.approx((a * d - b * c) / (a * d + b * c))
    p_t, p_g = 60 / 6000, 1200 / 6000
    z = (followed / 1200 - p_t) / math.sqrt(p_t * (1 - p_t) * (1 - p_g) / 1200)
    assert m["adjusted_residual"] == pytest.approx(z)
    assert m["p_permutation"] == pytest.approx(1 / 1001)  # no shuffle comes close


def test_no_contingency_gives_q_near_zero_and_a_large_p() -> None:
    rng = np.random.default_rng(11)
    given, target = np.sort(rng.uniform(0, 600, 60)), np.sort(rng.uniform(0, 600, 60))
    m = contingency_table(given, target, window_s=2.0, fps=10.0, duration_s=600.0).measures()
    assert abs(m["yules_q"]) < 0.3
    assert m["p_permutation"] > 0.2


def test_permutation_is_reproducible_with_its_seed() -> None:
    given, target, _ = planted(0.2, seed=1)

    def p(seed: int) -> float:
        return contingency_table(
            given,
            target,
            window_s=2.0,
            fps=10.0,
            duration_s=600.0,
            rng=np.random.default_rng(seed),
        ).measures()["p_permutation"]

    assert p(7) == p(7)
    first = contingency_table(
        given, target, window_s=2.0, fps=10.0, duration_s=600.0, rng=np.random.default_rng(7)
    )
    other = contingency_table(
        given, target, window_s=2.0, fps=10.0, duration_s=600.0, rng=np.random.default_rng(8)
    )
    assert first.permuted is not None and other.permuted is not None
    assert not np.array_equal(first.permuted, other.permuted)


def test_tables_add_up() -> None:
    one, two = Table(1, 2, 3, 4, (1.0,)), Table(10, 20, 30, 40, (3.0,))
    total = one + two
    assert (total.a, total.b, total.c, total.d) == (11, 22, 33, 44)
    assert total.measures()["median_latency_s"] == 2.0


def _clip(clip_id: str, dyad: str, phase: str, p_follow: float, seed: int) -> ClipEvents:
    given, target, _ = planted(p_follow, seed)
    notes = [note("mother", "touch", float(t)) for t in given]
    notes += [note("infant", "smile", float(t)) for t in target]
    return ClipEvents(clip_id, dyad, phase, 10.0, 600.0, tuple(notes))


def test_levels_pool_tables_and_give_the_change_per_dyad() -> None:
    clips = [
        _clip("d1_pre", "d1", "pre", 0.2, 1),
        _clip("d1_post", "d1", "post", 0.8, 2),
        _clip("d2_pre", "d2", "pre", 0.5, 3),
    ]
    given, target = parse_side("mother:touch"), parse_side("infant:smile")
    result = contingency_results(clips, given, target, 2.0, permutations=50)
    t = result.table

    def value(clip: str, dyad: str, phase: str, measure: str) -> float:
        row = t[
            (t["clip"] == clip)
            & (t["dyad"] == dyad)
            & (t["phase"] == phase)
            & (t["measure"] == measure)
        ]
        assert len(row) == 1
        return float(row["value"].iloc[0])

    pooled_pre_a = value("", "", "pre", "a")
    assert 0 < value("", "", "pre", "p_permutation") <= 1  # shuffled tables summed too
    assert pooled_pre_a == value("d1_pre", "d1", "pre", "a") + value("d2_pre", "d2", "pre", "a")
    change = value("", "d1", "post", "p_target_given") - value("", "d1", "pre", "p_target_given")
    assert value("", "d1", "change", "p_target_given") == pytest.approx(change)
    assert value("", "d1", "change", "p_target_given") > 0
    assert not t[t["phase"] == "change"]["measure"].isin(["p_permutation"]).any()
    assert list(t.columns) == [
        "clip",
        "dyad",
        "phase",
        "given",
        "target",
        "window_s",
        "measure",
        "value",
    ]
    dyads = result.dyads.set_index("dyad")
    name = "contingency_mother_touch__infant_smile_2s_p_target_given_change"
    assert dyads.loc["d1", name] == pytest.approx(change)
    assert math.isnan(dyads.loc["d2", name])
