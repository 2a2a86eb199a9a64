"""The CARE-Index sheet: the structure in config, the arithmetic in code, the sheet in the store."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotate.coding.care_index import CareSheet, load_care_index, score_aspect
from annotate.coding.care_store import all_sheets, load_sheet, set_aspect
from annotate.coding.store import AnnotationStore
from annotate.errors import ConfigError, StoreError

from .helpers import clip

CONFIG = load_care_index()
FULL = {"adult": {"sensitive": 1.5, "controlling": 0.5}, "infant": {"cooperative": 2.0}}


def test_config_holds_seven_aspects_and_both_partners() -> None:
    assert len(CONFIG.aspects) == 7
    assert CONFIG.partners == {
        "adult": ("sensitive", "controlling", "unresponsive"),
        "infant": ("cooperative", "difficult", "compulsive", "passive"),
    }
    assert (CONFIG.points_per_aspect, CONFIG.step, CONFIG.max_total) == (2.0, 0.5, 14.0)
    assert CONFIG.synchrony == ("adult", "sensitive")


@pytest.mark.parametrize(
    ("points", "message"),
    [
        (FULL, None),
        ({"adult": {"sensitive": 2}}, None),  # the infant not scored yet
        (
            {"adult": {"sensitive": 1, "controlling": 0.5}},
            "the adult's points add up to 1.5, not 2",
        ),
        ({"adult": {"sensitive": 2.5, "controlling": -0.5}}, "points must be 0 or more"),
        ({"adult": {"sensitive": 1.7, "controlling": 0.3}}, "in steps of 0.5"),
        ({"adult": {"warm": 2}}, "unknown adult pattern 'warm'"),
        ({"father": {"sensitive": 2}}, "unknown partner 'father'"),
    ],
)
def test_an_aspect_must_add_up(points: dict[str, dict[str, float]], message: str | None) -> None:
    if message is None:
        score = score_aspect(CONFIG, "control", points)
        assert sum(score.partner("adult").values()) == 2.0
        return
    with pytest.raises(StoreError, match=message):
        score_aspect(CONFIG, "control", points)


def test_unknown_aspect_lists_the_aspects() -> None:
    with pytest.raises(StoreError, match=r"unknown CARE-Index aspect 'smell'.*facial_expression"):
        score_aspect(CONFIG, "smell", FULL)


_halves = st.integers(0, 4).map(lambda n: n / 2)


def _split(draw: st.DrawFn, patterns: tuple[str, ...]) -> dict[str, float]:
    left, points = 4, {}
    for pattern in patterns[:-1]:
        take = draw(st.integers(0, left))
        points[pattern], left = take / 2, left - take
    points[patterns[-1]] = left / 2
    return points


@st.composite
def _sheets(draw: st.DrawFn) -> tuple[CareSheet, int]:
    filled = draw(st.integers(0, 7))
    scores = tuple(
        score_aspect(CONFIG, aspect, {p: _split(draw, pats) for p, pats in CONFIG.partners.items()})
        for aspect, _ in CONFIG.aspects[:filled]
    )
    return CareSheet("x" * 64, "ana", scores), filled


@given(_sheets())
def test_totals_run_0_to_14_and_a_sheet_is_complete_only_when_filled(
    sample: tuple[CareSheet, int],
) -> None:
    sheet, filled = sample
    totals = sheet.totals(CONFIG)
    for patterns in totals.values():
        assert sum(patterns.values()) == 2.0 * filled
        assert all(0 <= v <= 14 for v in patterns.values())
    assert sheet.is_complete(CONFIG) == (filled == 7)
    assert (sheet.synchrony(CONFIG) is None) == (filled < 7)
    if filled == 7:
        assert sheet.synchrony(CONFIG) == totals["adult"]["sensitive"]


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (0, "high risk"),
        (4.5, "high risk"),
        (5, "inept"),
        (6.5, "inept"),
        (7, "adequate"),
        (11, "sensitive"),
        (14, "sensitive"),
    ],
)
def test_synchrony_bands(score: float, band: str) -> None:
    assert CONFIG.band(score) == band


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("aspects: []\npartners: {adult: [a]}\n", "line 1: 'aspects' must be a list"),
        (
            "aspects: [{id: a}]\npartners: {adult: [a, a]}\n",
            "line 2: 'adult' needs a list of distinct patterns",
        ),
        (
            "aspects: [{id: a}]\npartners: {adult: [a]}\npoints_per_aspect: 0\n",
            "line 3: 'points_per_aspect' must be a number above 0",
        ),
        (
            "aspects: [{id: a}]\npartners: {adult: [a]}\nsynchrony: {partner: adult, pattern: b}\n",
            "line 3: 'synchrony' must name",
        ),
    ],
)
def test_bad_config_names_the_line(text: str, message: str, tmp_path: Path) -> None:
    path = tmp_path / "care.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message):
        load_care_index(path)


def test_sheet_is_stored_with_history_and_undo(tmp_path: Path) -> None:
    with AnnotationStore(tmp_path / "p.sqlite") as store:
        for aspect, _ in CONFIG.aspects:
            sheet = set_aspect(store, CONFIG, clip(), "ana", aspect, FULL, note=f"on {aspect}")
        assert sheet.is_complete(CONFIG) and sheet.synchrony(CONFIG) == 10.5
        assert CONFIG.band(10.5) == "adequate"
        changed = {"adult": {"sensitive": 2.0}, "infant": {"passive": 2.0}}
        set_aspect(store, CONFIG, clip(), "ana", "control", changed)
        assert load_sheet(store, clip().sha256, "ana").synchrony(CONFIG) == 11.0
        assert store.history(limit=1)[0].action == "update"
        store.undo(who="ana")
        again = load_sheet(store, clip().sha256, "ana")
        assert again.synchrony(CONFIG) == 10.5 and again.aspect("control").note == "on control"  # type: ignore[union-attr]
        assert [s.coder for s in all_sheets(store)] == ["ana"]


def test_a_refused_aspect_changes_nothing(tmp_path: Path) -> None:
    with AnnotationStore(tmp_path / "p.sqlite") as store:
        set_aspect(store, CONFIG, clip(), "ana", "control", FULL)
        with pytest.raises(StoreError, match="add up to 1"):
            set_aspect(store, CONFIG, clip(), "ana", "control", {"adult": {"sensitive": 1}})
        assert (
            load_sheet(store, clip().sha256, "ana").aspect("control").partner("adult")["sensitive"]
            == 1.5
        )  # type: ignore[union-attr]


def test_an_aspect_with_no_points_and_no_note_is_cleared_and_undo_brings_it_back(
    tmp_path: Path,
) -> None:
    with AnnotationStore(tmp_path / "p.sqlite") as store:
        set_aspect(store, CONFIG, clip(), "ana", "control", FULL, note="kept")
        noted = set_aspect(store, CONFIG, clip(), "ana", "affection", {}, note="only a note")
        assert noted.aspect("affection").note == "only a note"  # type: ignore[union-attr]
        cleared = set_aspect(store, CONFIG, clip(), "ana", "control", {})
        assert cleared.aspect("control") is None
        assert store.history(limit=1)[0].action == "delete"
        store.undo(who="ana")
        back = load_sheet(store, clip().sha256, "ana")
        assert back.aspect("control").note == "kept"  # type: ignore[union-attr]
