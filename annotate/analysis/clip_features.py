"""A clip's or session's automatic features as the analysis needs them: one row per sample.

From an extraction output folder (`annotate extract`, `annotate demo`, the batch runner):
features.parquet (one row per sampled frame per face track) and episodes.csv. Faces are counted by
role class: `infant...` roles are infants; `mother`, `father` and `adult...` roles are adults
(a dyad clip's mother is its adult; a group session's roles are `adult_NN` / `infant_NN`).

Per sample (each standing for the time until the next sample, in seconds):

- `faces`, `adults`, `infants`: faces visible, the most seen in any sample of the same whole
  second (a face turned away is missed far more often than one is invented);
- `dyads`: the group-size hint, the smaller of adults and infants (M7: four to eight dyads);
- `mutual`: some face looks at a face that looks back (a dyad clip: mother and infant);
- `smiling_adults`, `smiling_infants`: visible faces of the class whose smile score reaches the
  threshold (configs/features.yaml `smile_min`, or the one recorded in provenance.json).
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from annotate import columns as C
from annotate.coding.clip_roles import swapped_kind, swapped_role
from annotate.config import load_feature_config
from annotate.errors import InterchangeError
from annotate.extract.folder import EPISODES_CSV, FEATURES_PARQUET, PROVENANCE_JSON
from annotate.timeline.episodes import Episode, sample_ends

ADULT, INFANT = "adult", "infant"
_ADULT_ROLES = ("mother", "father", "adult")
_READ_COLUMNS = [C.FRAME, C.T, C.ROLE, C.VISIBLE, C.SMILE, C.MUTUAL_GAZE]


def role_class(role: str) -> str:
    """'adult', 'infant', or '' for a role of neither kind."""
    lowered = role.lower()
    if lowered.startswith(INFANT):
        return INFANT
    if lowered.startswith(_ADULT_ROLES):
        return ADULT
    return ""


@dataclass(frozen=True, eq=False)
class SampleTable:
    """Per-sample figures of a clip, arrays of one length n (see the module docstring).

    Attributes:
        t_s: Sample times, seconds, increasing.
        dt_s: Time each sample stands for, seconds.
        faces, adults, infants, dyads: Counts (per-second maxima, see above).
        mutual: Whether some pair is in mutual gaze.
        smiling_adults, smiling_infants: Counts of smiling visible faces.
    """

    t_s: NDArray[np.float64]
    dt_s: NDArray[np.float64]
    faces: NDArray[np.float64]
    adults: NDArray[np.float64]
    infants: NDArray[np.float64]
    dyads: NDArray[np.float64]
    mutual: NDArray[np.bool_]
    smiling_adults: NDArray[np.float64]
    smiling_infants: NDArray[np.float64]

    @property
    def size(self) -> int:
        """Number of samples."""
        return int(self.t_s.size)

    def inside(
        self, starts_s: NDArray[np.float64], ends_s: NDArray[np.float64]
    ) -> NDArray[np.bool_]:
        """Which samples lie in any of the sorted, disjoint spans `[start, end)` (seconds)."""
        if starts_s.size == 0:
            return np.zeros(self.size, dtype=bool)
        k = np.searchsorted(starts_s, self.t_s, side="right") - 1
        safe = np.maximum(k, 0)
        return (k >= 0) & (self.t_s < ends_s[safe])


@dataclass(frozen=True)
class ClipFeatures:
    """What the analysis reads from one extraction output folder.

    Attributes:
        folder: The folder.
        samples: Per-sample figures (None when the folder has no features.parquet).
        episodes: The episodes of episodes.csv (empty when it has none).
    """

    folder: Path
    samples: SampleTable | None
    episodes: tuple[Episode, ...]


def smile_threshold(folder: Path) -> float:
    """The smile threshold the extraction used (provenance.json), else configs/features.yaml's."""
    try:
        provenance = json.loads((folder / PROVENANCE_JSON).read_text(encoding="utf-8"))
        return float(provenance["config"]["expressions"]["smile_min"])
    except (OSError, ValueError, KeyError, TypeError):
        return load_feature_config().expressions.smile_min


def _per_second_max(second: NDArray[np.int64], counts: NDArray[np.float64]) -> NDArray[np.float64]:
    frame = pd.DataFrame({"second": second, "count": counts})
    return frame.groupby("second")["count"].transform("max").to_numpy(dtype=np.float64)


def sample_table(table: pd.DataFrame, smile_min: float) -> SampleTable:
    """Per-sample figures from a feature table (columns frame, t, role, visible, smile,
    mutual_gaze; other columns are ignored)."""
    grid = table[[C.FRAME, C.T]].drop_duplicates(C.FRAME).sort_values(C.FRAME)
    frames = grid[C.FRAME].to_numpy()
    t_s = grid[C.T].to_numpy(dtype=np.float64)
    visible = table[table[C.VISIBLE].fillna(False).astype(bool)]
    kinds = visible[C.ROLE].astype("string").fillna("").map(role_class)
    smiling = visible[C.SMILE].astype("float64").fillna(0.0) >= smile_min

    def count(mask: pd.Series) -> NDArray[np.float64]:
        counted = visible[mask.to_numpy(dtype=bool)].groupby(C.FRAME).size()
        return np.asarray(counted.reindex(frames, fill_value=0), dtype=np.float64)

    everyone = pd.Series(True, index=visible.index)
    mutual_rows = table[table[C.MUTUAL_GAZE].fillna(False).astype(bool)]
    second = np.floor(t_s).astype(np.int64)
    adults = _per_second_max(second, count(kinds == ADULT))
    infants = _per_second_max(second, count(kinds == INFANT))
    return SampleTable(
        t_s=t_s,
        dt_s=sample_ends(t_s) - t_s,
        faces=_per_second_max(second, count(everyone)),
        adults=adults,
        infants=infants,
        dyads=np.minimum(adults, infants),
        mutual=np.isin(frames, mutual_rows[C.FRAME].to_numpy()),
        smiling_adults=count((kinds == ADULT) & smiling),
        smiling_infants=count((kinds == INFANT) & smiling),
    )


def read_episodes(path: Path) -> tuple[Episode, ...]:
    """The episodes of an episodes.csv.

    Raises:
        InterchangeError: naming the file, when it cannot be read or lacks a column.
    """
    try:
        table = pd.read_csv(path, dtype={"kind": "string", C.ROLE: "string"})
        values = table["value"] if "value" in table else pd.Series([None] * len(table))
        return tuple(
            Episode(
                str(kind),
                str(role),
                float(start),
                float(end),
                int(f0),
                int(f1),
                None if pd.isna(value) else float(value),
            )
            for kind, role, start, end, f0, f1, value in zip(
                table["kind"],
                table[C.ROLE],
                table["start"],
                table["end"],
                table["start_frame"],
                table["end_frame"],
                values,
                strict=True,
            )
        )
    except KeyError as exc:
        raise InterchangeError(f"not an episodes table: no column {exc}", path) from None
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise InterchangeError(f"cannot be read as episodes: {exc}", path) from None


def read_clip_features(folder: Path, *, roles_swapped: bool = False) -> ClipFeatures:
    """Read an extraction output folder (features.parquet and episodes.csv, each if present);
    with `roles_swapped` (a coder's correction, annotate.coding.clip_roles), mother and infant
    are swapped in both, as if the face side had found them that way.

    Raises:
        InterchangeError: naming the file, when the folder holds neither file or one is malformed.
    """
    parquet, episodes_csv = folder / FEATURES_PARQUET, folder / EPISODES_CSV
    if not parquet.is_file() and not episodes_csv.is_file():
        raise InterchangeError(
            f"holds no extraction outputs ({FEATURES_PARQUET}, {EPISODES_CSV}); give the folder "
            "`annotate extract` wrote",
            folder,
        )
    samples = None
    if parquet.is_file():
        try:
            table = pd.read_parquet(parquet, columns=_READ_COLUMNS)
        except (OSError, ValueError, KeyError) as exc:
            raise InterchangeError(f"cannot be read as a feature table: {exc}", parquet) from None
        if roles_swapped:
            table[C.ROLE] = table[C.ROLE].map(
                lambda r: swapped_role(r) if isinstance(r, str) else r
            )
        samples = sample_table(table, smile_threshold(folder)) if not table.empty else None
    episodes = read_episodes(episodes_csv) if episodes_csv.is_file() else ()
    if roles_swapped:
        episodes = tuple(
            dataclasses.replace(e, kind=swapped_kind(e.kind), role=swapped_role(e.role))
            for e in episodes
        )
    return ClipFeatures(folder, samples, episodes)
