"""One overlay frame: faces whose gaze or mutual gaze cannot be told draw no gaze and no line."""

from __future__ import annotations

import numpy as np
import pandas as pd

from annotate import columns as C
from annotate.extract.overlay import GAZE_COLOUR, MUTUAL_COLOUR, draw_faces


def _face(role: str, x: float, looking_at: object, mutual: object) -> dict[str, object]:
    return {
        C.ROLE: role,
        C.VISIBLE: True,
        C.X: x,
        C.Y: 0.3,
        C.W: 0.2,
        C.H: 0.3,
        C.YAW: 0.0,
        C.PITCH: 0.0,
        C.EYES_X: x + 0.1,
        C.EYES_Y: 0.4,
        C.GAZE_DX: 1.0,
        C.GAZE_DY: 0.0,
        C.LOOKING_AT: looking_at,
        C.MUTUAL_GAZE: mutual,
    }


def _drawn(rows: list[dict[str, object]]) -> np.ndarray:
    canvas = np.zeros((360, 640, 3), dtype=np.uint8)
    table = pd.DataFrame(rows).astype({C.MUTUAL_GAZE: "boolean"})
    draw_faces(canvas, table)
    return canvas


def _has(canvas: np.ndarray, colour: tuple[int, int, int]) -> bool:
    return bool((canvas == np.array(colour, dtype=np.uint8)).all(axis=2).any())


def test_a_known_gaze_draws_its_arrow_and_mutual_gaze_its_line() -> None:
    canvas = _drawn([_face("mother", 0.1, "infant", True), _face("infant", 0.6, "mother", True)])
    assert _has(canvas, GAZE_COLOUR) and _has(canvas, MUTUAL_COLOUR)


def test_unknown_gaze_and_unknown_mutual_gaze_draw_neither() -> None:
    rows = [_face("mother", 0.1, C.GAZE_UNKNOWN_VALUE, pd.NA), _face("infant", 0.6, "", pd.NA)]
    canvas = _drawn(rows)
    assert not _has(canvas, MUTUAL_COLOUR)
    # the infant's gaze (known: elsewhere) is drawn, the mother's (unknown) is not
    left, right = canvas[:, :320], canvas[:, 320:]
    assert not _has(left, GAZE_COLOUR) and _has(right, GAZE_COLOUR)


def test_a_face_without_eyes_from_the_mesh_draws_no_gaze() -> None:
    row = _face("infant", 0.3, "", False)
    row[C.EYES_X] = float("nan")
    assert not _has(_drawn([row]), GAZE_COLOUR)
