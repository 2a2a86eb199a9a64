"""Who vocalises: the pitch alone, and the faces' mouths where the pitch cannot tell."""

from __future__ import annotations

import numpy as np
import pandas as pd

from annotate.config import SoundConfig
from annotate.sound.attribution import (
    INFANT,
    MOTHER,
    OTHER_ADULT,
    UNKNOWN,
    attribute,
    mouth_motion,
    vocal_role,
)

T = np.arange(0, 4.0, 0.016)


def faces(moving: dict[str, bool]) -> pd.DataFrame:
    """A feature table at 10 samples per second: each role's mouth moves or stays still."""
    rows = []
    rng = np.random.default_rng(0)
    for role, moves in moving.items():
        for k in range(40):
            mouth = 0.3 + (0.25 * np.sin(k * 2.1) if moves else 0.0) + rng.normal(0, 0.002)
            rows.append({"t": k / 10, "role": role, "mouth_open": mouth})
    return pd.DataFrame(rows)


def guess(f0: float, table: pd.DataFrame | None) -> tuple[str, float]:
    voiced = np.ones(T.size, dtype=bool)
    pitch = np.full(T.size, f0)
    roles, conf = attribute(voiced, pitch, voiced, mouth_motion(table, T), SoundConfig())
    middle = slice(T.size // 3, 2 * T.size // 3)
    values, counts = np.unique(roles[middle], return_counts=True)
    return str(values[counts.argmax()]), float(np.median(conf[middle]))


def test_the_pitch_alone() -> None:
    assert guess(450.0, None)[0] == INFANT
    assert guess(220.0, None)[0] == MOTHER
    assert guess(110.0, None)[0] == OTHER_ADULT


def test_a_high_voice_is_the_mothers_when_only_her_mouth_moves() -> None:
    """Infant-directed speech climbs into the infant's range: the mouths decide."""
    assert guess(330.0, None)[0] == INFANT
    role, confidence = guess(330.0, faces({MOTHER: True, INFANT: False}))
    assert role == MOTHER and confidence >= 0.7
    assert guess(330.0, faces({MOTHER: False, INFANT: True}))[0] == INFANT


def test_an_adult_voice_goes_to_the_adult_whose_mouth_moves() -> None:
    assert guess(150.0, faces({MOTHER: True, "adult_2": False}))[0] == MOTHER
    role, confidence = guess(210.0, faces({MOTHER: False, "adult_2": True}))
    assert role == OTHER_ADULT and confidence >= 0.85
    # a face seen moving raises the confidence over the pitch alone
    assert guess(210.0, faces({MOTHER: True}))[1] > guess(210.0, None)[1]


def test_no_pitch_no_role_and_no_voice_no_label() -> None:
    voiced = np.array([True, True, False])
    roles, conf = attribute(
        voiced, np.array([200.0, np.nan, 200.0]), np.array([False] * 3), {}, SoundConfig()
    )
    assert list(roles) == [UNKNOWN, UNKNOWN, ""]
    assert list(conf) == [0.0, 0.0, 0.0]


def test_face_roles_to_vocal_roles() -> None:
    assert [vocal_role(r) for r in ("mother", "infant", "infant_02", "adult_2", "adult_01")] == [
        MOTHER,
        INFANT,
        INFANT,
        OTHER_ADULT,
        OTHER_ADULT,
    ]
