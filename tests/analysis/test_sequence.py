"""Lag sequential analysis: a small example worked out by hand, SDIS, levels."""

from __future__ import annotations

import math

import numpy as np
import pytest

from annotate.analysis.interaction_sources import ClipEvents
from annotate.analysis.sdis import sdis_codes, write_sdis
from annotate.analysis.sequence import (
    adjusted_residuals,
    clip_sequence,
    lag_counts,
    lag_tables,
    parse_lags,
    parse_tiers,
    transitional_probabilities,
)
from annotate.analysis.sequence_study import sequence_results
from annotate.errors import AnnotateError, ConfigError
from tests.analysis.builders import note

# A B A C B A B C A B: lag-1 pairs AB BA AC CB BA AB BC CA AB
SEQUENCE = list("ABACBABCAB")
CODES = ["A", "B", "C"]


def test_lag1_counts_probabilities_and_residuals_by_hand() -> None:
    counts = lag_counts(SEQUENCE, CODES, 1)
    assert counts.tolist() == [[0, 3, 1], [2, 0, 1], [1, 1, 0]]
    p = transitional_probabilities(counts)
    assert p[0].tolist() == pytest.approx([0, 3 / 4, 1 / 4])
    assert p[1].tolist() == pytest.approx([2 / 3, 0, 1 / 3])
    z = adjusted_residuals(counts)
    # A -> B: rows A = 4, columns B = 4, N = 9
    e = 4 * 4 / 9
    assert z[0, 1] == pytest.approx((3 - e) / math.sqrt(e * (1 - 4 / 9) * (1 - 4 / 9)))
    # B -> A: row B = 3, column A = 3
    e = 3 * 3 / 9
    assert z[1, 0] == pytest.approx((2 - e) / math.sqrt(e * (1 - 3 / 9) * (1 - 3 / 9)))
    # C -> C: never, expected 2 * 2 / 9
    e = 2 * 2 / 9
    assert z[2, 2] == pytest.approx((0 - e) / math.sqrt(e * (1 - 2 / 9) * (1 - 2 / 9)))


def test_lag2_by_hand() -> None:
    # lag-2 pairs: AA BC AB CA BB AC BA CB
    counts = lag_counts(SEQUENCE, CODES, 2)
    assert counts.tolist() == [[1, 1, 1], [1, 1, 1], [1, 1, 0]]
    assert adjusted_residuals(counts)[0, 0] == pytest.approx(
        (1 - 3 * 3 / 8) / math.sqrt(3 * 3 / 8 * (1 - 3 / 8) * (1 - 3 / 8))
    )


def test_tables_rows_and_sums() -> None:
    tables = lag_tables(SEQUENCE, CODES, (1, 2))
    assert tables.frequencies.tolist() == [4, 4, 2]
    rows = {(g, t, m): v for g, t, m, v in tables.rows()}
    assert rows[("A", "B", "lag1_count")] == 3
    assert rows[("A", "B", "lag1_transitional_probability")] == pytest.approx(0.75)
    assert rows[("A", "", "frequency")] == 4
    doubled = tables + tables
    assert doubled.counts[0].tolist() == (2 * np.array([[0, 3, 1], [2, 0, 1], [1, 1, 0]])).tolist()


@pytest.mark.parametrize(("text", "lags"), [("1-3", (1, 2, 3)), ("2", (2,)), ("1,4, 2", (1, 2, 4))])
def test_parse_lags(text: str, lags: tuple[int, ...]) -> None:
    assert parse_lags(text) == lags


@pytest.mark.parametrize("text", ["", "0", "3-1", "a", "1-30"])
def test_parse_lags_refuses(text: str) -> None:
    with pytest.raises(ConfigError, match="--lags"):
        parse_lags(text)


def test_parse_tiers_refuses_repeats() -> None:
    with pytest.raises(ConfigError, match="twice"):
        parse_tiers("mother,mother")


def _clip(clip_id: str, codes: str, dyad: str = "", phase: str = "") -> ClipEvents:
    notes = [
        note("mother" if c.isupper() else "infant", c.lower(), float(k))
        for k, c in enumerate(codes)
    ]
    return ClipEvents(clip_id, dyad, phase, 25.0, float(len(codes) + 1), tuple(notes))


def test_clip_sequence_orders_onsets_and_refuses_two_coders() -> None:
    clip = ClipEvents(
        "c",
        "",
        "",
        25.0,
        10.0,
        (note("infant", "smile", 2.0), note("mother", "touch", 1.0), note("mother", "talk", 2.0)),
    )
    assert clip_sequence(clip, ["mother", "infant"]) == [
        "mother:touch",
        "mother:talk",
        "infant:smile",
    ]
    two = ClipEvents(
        "c", "", "", 25.0, 10.0, (note("mother", "a", 1), note("mother", "b", 2, coder="ben"))
    )
    with pytest.raises(AnnotateError, match="ana, ben; choose one with --coder"):
        clip_sequence(two, ["mother"])


def test_levels_do_not_join_clips() -> None:
    # mother:a then infant:b within each clip; across clips b is never followed by a
    clips = [_clip("c1", "Ab", "d1", "pre"), _clip("c2", "Ab", "d1", "post")]
    result = sequence_results(clips, ["mother", "infant"], (1,))
    t = result.table
    pooled = t[(t["clip"] == "") & (t["dyad"] == "") & (t["phase"] == "all")]
    counts = pooled[pooled["measure"] == "lag1_count"].set_index(["given", "target"])["value"]
    assert counts[("mother:a", "infant:b")] == 2
    assert counts[("infant:b", "mother:a")] == 0
    merged = result.transitions[result.transitions["sequence"] == "all tiers"]
    assert merged["count"].sum() == 2


def test_sdis_event_file() -> None:
    text = write_sdis(
        [("d01 pre", ["mother:touch", "infant:smile"]), ("x/y", ["mother:touch"])],
        ["infant:smile", "mother:touch"],
    )
    assert text == (
        "Event\ninfant_smile mother_touch ;\n<d01_pre> mother_touch infant_smile /\n"
        "<x_y> mother_touch /\n"
    )
    assert sdis_codes(["a:b", "a_b", "1x"]) == {"a:b": "a_b", "a_b": "a_b_2", "1x": "c_1x"}
