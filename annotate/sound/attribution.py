"""Who vocalises, frame by frame: the voice's pitch (an infant's sits far above an adult's)
together with the faces (whose mouth moves while the sound is heard).

Vocal roles: mother, infant, other_adult, unknown. A face role adult_2, adult_3 ... is an
other_adult here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.ndimage import median_filter

from annotate.config import SoundConfig

MOTHER, INFANT, OTHER_ADULT, UNKNOWN = "mother", "infant", "other_adult", "unknown"
VOCAL_ROLES = (MOTHER, INFANT, OTHER_ADULT)


def vocal_role(face_role: str) -> str:
    """The vocal role of a face role: mother; infant, infant_NN -> infant; others -> other_adult."""
    if face_role == MOTHER:
        return MOTHER
    return INFANT if face_role.startswith(INFANT) else OTHER_ADULT


def mouth_motion(faces: pd.DataFrame | None, t: np.ndarray) -> dict[str, np.ndarray]:
    """Per vocal role, how much its mouth moves around each time `t` (spread of mouth_open, or
    of the jawOpen blendshape, over half a second; NaN where its face is not seen)."""
    if faces is None or faces.empty or "role" not in faces:
        return {}
    column = "mouth_open" if "mouth_open" in faces else "bs_jawOpen"
    if column not in faces:
        return {}
    out: dict[str, np.ndarray] = {}
    for face_role, part in faces.groupby("role"):
        if not isinstance(face_role, str) or not face_role:
            continue
        part = part.sort_values("t")
        times = part["t"].to_numpy(dtype=np.float64)
        values = pd.Series(
            part[column].to_numpy(dtype=np.float64), index=pd.to_timedelta(times, "s")
        )
        spread = values.rolling("500ms", min_periods=2).std().to_numpy()
        # centre the window: the sample half a window later describes this moment
        shifted = np.interp(t + 0.25, times, spread, left=np.nan, right=np.nan)
        near = np.interp(t, times, np.arange(times.size), left=-1, right=-1)
        gap = np.abs(times[np.clip(np.round(near).astype(int), 0, times.size - 1)] - t)
        shifted[(near < 0) | (gap > 0.3)] = np.nan
        role = vocal_role(face_role)
        out[role] = shifted if role not in out else np.fmax(out[role], shifted)
    return out


def attribute(
    voiced: np.ndarray,
    f0_hz: np.ndarray,
    pitched: np.ndarray,
    mouths: dict[str, np.ndarray],
    config: SoundConfig,
) -> tuple[np.ndarray, np.ndarray]:
    """Each voiced frame's role and the confidence of that guess (0-1); '' where no voice."""
    n = voiced.size
    f0 = np.where(pitched, f0_hz, np.nan)
    # a voiced frame without a pitch of its own takes the nearest pitch within 0.1 s
    s = pd.Series(f0)
    f0 = s.ffill(limit=6).bfill(limit=6).to_numpy()
    f0 = np.where(np.isnan(f0), np.nan, median_filter(np.nan_to_num(f0), size=7))
    roles = np.full(n, "", dtype=object)
    conf = np.zeros(n)
    moving = {r: np.nan_to_num(m, nan=-1.0) >= config.mouth_moving_min for r, m in mouths.items()}
    seen = {r: ~np.isnan(m) for r, m in mouths.items()}
    none = np.zeros(n, dtype=bool)
    mother_moves = moving.get(MOTHER, none)
    infant_moves = moving.get(INFANT, none)
    other_moves = moving.get(OTHER_ADULT, none)
    infant_seen = seen.get(INFANT, none)
    has_pitch = ~np.isnan(f0)
    clear_infant = has_pitch & (f0 >= config.infant_clear_hz)
    middle = has_pitch & (f0 >= config.infant_min_hz) & ~clear_infant
    adult = has_pitch & (f0 < config.infant_min_hz)

    roles[clear_infant] = INFANT
    conf[clear_infant] = np.minimum(0.99, 0.75 + (f0[clear_infant] - config.infant_clear_hz) / 800)
    boost = clear_infant & infant_moves
    conf[boost] = np.minimum(0.99, conf[boost] + 0.1)

    # between the ranges: infant-directed speech or a low infant voice; the mouths decide
    mother_there = middle & mother_moves & ~(infant_moves & infant_seen)
    roles[mother_there] = MOTHER
    conf[mother_there] = 0.7
    rest = middle & ~mother_there
    roles[rest] = INFANT
    conf[rest] = np.where(infant_moves[rest], 0.8, 0.55)

    # adult pitch: whose adult mouth moves; else the pitch alone
    by_mother = adult & mother_moves & ~other_moves
    by_other = adult & other_moves & ~mother_moves
    roles[by_mother], conf[by_mother] = MOTHER, 0.9
    roles[by_other], conf[by_other] = OTHER_ADULT, 0.85
    undecided = adult & ~by_mother & ~by_other
    low = undecided & (f0 <= config.male_max_hz)
    roles[low], conf[low] = OTHER_ADULT, 0.6
    high = undecided & ~low
    roles[high], conf[high] = MOTHER, 0.65

    no_pitch = voiced & ~has_pitch
    roles[no_pitch], conf[no_pitch] = UNKNOWN, 0.0
    roles[~voiced], conf[~voiced] = "", 0.0
    return roles, conf


def second_voice_roles(
    roles: np.ndarray, f0_2_hz: np.ndarray, present: np.ndarray, config: SoundConfig
) -> np.ndarray:
    """The role of a second voice heard under the first ('' where none): infant if pitched in
    the infant's range, else an adult other than the first voice's role."""
    out = np.full(roles.size, "", dtype=object)
    infant_pitch = f0_2_hz >= config.infant_min_hz
    second_infant = present & infant_pitch & (roles != INFANT)
    second_adult = present & ~infant_pitch & (roles == INFANT)
    out[second_infant] = INFANT
    out[second_adult] = MOTHER
    return out
