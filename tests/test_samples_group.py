"""The generated group session: pairs laid out in rows, realistic sizes, every face in frame."""

from __future__ import annotations

import pytest

from annotate.errors import ConfigError
from annotate.samples.group import FACILITATOR, group_session, truth_faces


@pytest.mark.parametrize("pairs", [8, 12, 18])
def test_pairs_in_rows_receding_into_the_room(pairs: int) -> None:
    script = group_session(pairs, 20.0)
    assert (script.width, script.height) == (1280, 720)
    faces = truth_faces(script, 10.0)
    assert len(faces) == 2 * pairs + 1  # every face in the frame, the facilitator too
    widths = {f.role: f.width_px for f in faces}
    for k in range(1, pairs + 1):
        ratio = widths[f"infant_{k:02d}"] / widths[f"adult_{k:02d}"]
        assert 0.6 < ratio < 0.8
    assert min(widths.values()) >= 30 and max(widths.values()) <= 110  # 2.5% to 9% of 1280
    far = min(faces, key=lambda f: f.centre_px[1])
    near = max((f for f in faces if f.role != FACILITATOR), key=lambda f: f.centre_px[1])
    assert far.width_px < near.width_px  # nearer the camera, lower in the picture, larger
    looks = {str(state.get("look")) for s in script.segments for state in s.states.values()}
    assert {"away", "camera"} <= looks and any(look.startswith("infant_") for look in looks)


@pytest.mark.parametrize("pairs", [7, 19])
def test_pairs_out_of_range_are_refused(pairs: int) -> None:
    with pytest.raises(ConfigError, match="8 to 18 pairs"):
        group_session(pairs)
