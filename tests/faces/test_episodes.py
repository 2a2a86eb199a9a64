"""A clip's flags, episodes and summary keep unknown gaze apart from looking elsewhere."""

from __future__ import annotations

import numpy as np
import pandas as pd

from annotate import columns as C
from annotate.config import EpisodeConfig, ExpressionConfig
from annotate.extract.summary import clip_summary
from annotate.faces.episodes import clip_episodes, clip_flags
from annotate.faces.roles import RoleAssignment

N = 40  # 4 s at 10 samples per second


def table() -> pd.DataFrame:
    """The mother looks at the infant throughout; the infant looks back (0-1 s), elsewhere
    (1-2 s), cannot be read (2-3 s), and is not found (3-4 s)."""
    infant_looks: list[str | None] = (
        ["mother"] * 10 + [None] * 10 + [C.GAZE_UNKNOWN_VALUE] * 10 + [C.GAZE_UNKNOWN_VALUE] * 10
    )
    rows = []
    for k in range(N):
        for track, role, looks, visible in (
            (0, "mother", "infant", True),
            (1, "infant", infant_looks[k], k < 30),
        ):
            rows.append(
                {
                    C.CLIP_ID: "c",
                    C.FRAME: k,
                    C.T: k / 10,
                    C.TRACK: track,
                    C.ROLE: role,
                    C.VISIBLE: visible,
                    C.YAW: 10.0 if visible else np.nan,
                    C.SMILE: 0.0 if visible else np.nan,
                    C.LOOKING_AT: looks,
                    C.MUTUAL_GAZE: None,
                }
            )
    frame = pd.DataFrame(rows)
    frame[C.LOOKING_AT] = frame[C.LOOKING_AT].astype("string")
    return frame


def test_unknown_gaze_is_neither_aversion_nor_no_mutual_gaze() -> None:
    flags = clip_flags(table(), 0.5)
    seconds = np.arange(N) // 10
    assert (flags[(C.MUTUAL_GAZE_KIND, "dyad")] == (seconds == 0)).all()
    assert (flags[(C.INFANT_GAZE_AVERSION, "infant")] == (seconds == 1)).all()
    assert (flags[(C.GAZE_UNKNOWN, "infant")] == (seconds >= 2)).all()
    assert (flags[(C.GAZE_UNKNOWN, "dyad")] == (seconds >= 2)).all()
    assert not flags[(C.GAZE_UNKNOWN, "mother")].any()


def test_unknown_time_has_its_episodes_and_shares() -> None:
    episodes = clip_episodes(table(), EpisodeConfig(), ExpressionConfig())
    unknown = [(e.role, e.start_s, e.end_s) for e in episodes if e.kind == C.GAZE_UNKNOWN]
    assert unknown == [("dyad", 2.0, 4.0), ("infant", 2.0, 4.0)]
    roles = {
        0: RoleAssignment(0, "mother", 1.0, "override"),
        1: RoleAssignment(1, "infant", 1.0, "override"),
    }
    summary = clip_summary(table(), episodes, roles, 10.0, 0.5).to_json()
    infant = summary["roles"]["infant"]
    assert infant["looking_at_partner_share"] == 0.25
    assert infant["looking_elsewhere_share"] == 0.25
    assert infant["gaze_unknown_share"] == 0.5
    dyad = summary["dyad"]
    assert (dyad["mutual_gaze_share"], dyad["no_mutual_gaze_share"]) == (0.25, 0.25)
    assert dyad["mutual_gaze_unknown_share"] == 0.5
    assert dyad["gaze_unknown"]["total_s"] == 2.0
