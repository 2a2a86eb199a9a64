"""The face episodes of one clip (mutual gaze, aversion, absence, smiles), from its feature table.

Kinds (annotate.columns): mutual_gaze (role 'dyad'): mother and infant look at each other;
looking_at_partner (mother, infant): one looks at the other; infant_gaze_aversion (infant): the
infant is visible and does not look at the mother while the mother looks at the infant;
face_absent (every role): the track's face is not visible; smile (every role): the smile score
reaches the threshold; gaze_unknown (every role): the tool cannot tell where the role looks (its
face is not found, or looking_at is `unknown`); gaze_unknown (role 'dyad'): whether mother and
infant look at each other cannot be told (neither is known to look elsewhere, and not both are
known to look at the other). Infant gaze aversion needs the infant known to look elsewhere, so
time the tool could not read is never counted as no mutual gaze or as aversion.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from annotate import columns as C
from annotate.config import EpisodeConfig, ExpressionConfig
from annotate.faces.roles import DYAD, INFANT, MOTHER
from annotate.timeline.episodes import Episode, episodes_from_flags


def sample_grid(table: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """The sampled frames' indices and times (seconds), in order."""
    grid = table[[C.FRAME, C.T]].drop_duplicates(C.FRAME).sort_values(C.FRAME)
    return grid[C.FRAME].to_numpy(), grid[C.T].to_numpy(dtype=np.float64)


def role_flags(table: pd.DataFrame, role: str, frames: np.ndarray) -> pd.DataFrame:
    """One role's rows aligned on the sampled frames (empty rows where the role has none)."""
    part = table[table[C.ROLE] == role].drop_duplicates(C.FRAME).set_index(C.FRAME)
    return part.reindex(frames)


def _looks_at(part: pd.DataFrame, target: str) -> np.ndarray:
    return (part[C.LOOKING_AT].fillna("") == target).to_numpy(dtype=bool)


def gaze_unknown(part: pd.DataFrame) -> np.ndarray:
    """Per sample: the role's gaze cannot be told (no row, not visible, or looking_at unknown)."""
    visible = part[C.VISIBLE].fillna(False).to_numpy(dtype=bool)
    unknown = (part[C.LOOKING_AT].fillna("") == C.GAZE_UNKNOWN_VALUE).to_numpy(dtype=bool)
    return ~visible | unknown


def clip_flags(table: pd.DataFrame, smile_min: float) -> dict[tuple[str, str], np.ndarray]:
    """Per-sample flags for every (kind, role) that the clip's roles allow."""
    frames, _ = sample_grid(table)
    roles = [r for r in pd.unique(table[C.ROLE].dropna())]
    flags: dict[tuple[str, str], np.ndarray] = {}
    parts = {role: role_flags(table, role, frames) for role in roles}
    for role, part in parts.items():
        visible = part[C.VISIBLE].fillna(False).to_numpy(dtype=bool)
        flags[(C.FACE_ABSENT, role)] = ~visible
        flags[(C.SMILE_KIND, role)] = (part[C.SMILE].fillna(0.0) >= smile_min).to_numpy(dtype=bool)
        flags[(C.GAZE_UNKNOWN, role)] = gaze_unknown(part)
    if MOTHER in parts and INFANT in parts:
        mother_looks = _looks_at(parts[MOTHER], INFANT)
        infant_looks = _looks_at(parts[INFANT], MOTHER)
        mother_elsewhere = ~mother_looks & ~flags[(C.GAZE_UNKNOWN, MOTHER)]
        infant_elsewhere = ~infant_looks & ~flags[(C.GAZE_UNKNOWN, INFANT)]
        mutual = mother_looks & infant_looks
        flags[(C.LOOKING_AT_PARTNER, MOTHER)] = mother_looks
        flags[(C.LOOKING_AT_PARTNER, INFANT)] = infant_looks
        flags[(C.MUTUAL_GAZE_KIND, DYAD)] = mutual
        flags[(C.GAZE_UNKNOWN, DYAD)] = ~mutual & ~mother_elsewhere & ~infant_elsewhere
        flags[(C.INFANT_GAZE_AVERSION, INFANT)] = mother_looks & infant_elsewhere
    return flags


def clip_episodes(
    table: pd.DataFrame, episodes: EpisodeConfig, expressions: ExpressionConfig
) -> list[Episode]:
    """All episodes of a clip, ordered by kind, role and start."""
    if table.empty:
        return []
    frames, times = sample_grid(table)
    found: list[Episode] = []
    for (kind, role), flag in clip_flags(table, expressions.smile_min).items():
        found.extend(
            episodes_from_flags(
                kind, role, times, frames, flag, episodes.min_duration_s, episodes.max_gap_s
            )
        )
    order = {kind: k for k, kind in enumerate(C.EPISODE_KINDS)}
    return sorted(found, key=lambda e: (order.get(e.kind, 99), e.role, e.start_s))


def episode_table(clip_id: str, episodes: list[Episode]) -> pd.DataFrame:
    """Episodes as the table of design.md (episodes.csv)."""
    rows = [
        {
            C.CLIP_ID: clip_id,
            "kind": e.kind,
            C.ROLE: e.role,
            "start": round(e.start_s, 4),
            "end": round(e.end_s, 4),
            "duration": round(e.duration_s, 4),
            "start_frame": e.start_frame,
            "end_frame": e.end_frame,
            "value": None if e.value is None else round(e.value, 4),
        }
        for e in episodes
    ]
    return pd.DataFrame(rows, columns=list(C.EPISODE_COLUMNS))
