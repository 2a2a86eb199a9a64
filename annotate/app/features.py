"""A clip's features as the page draws them: per-role tracks for the overlays, episode lanes.

Features live in the project's `.annotate/features/<sha256>/` (annotate extract's outputs: a
folder with provenance.json is a finished result). The page gets them as one JSON document:

    {"t": [...], "roles": [{"role": "mother", "visible": [...], "x": [...], ...}],
     "lanes": [{"id": "mutual_gaze/dyad", "label": "mutual gaze", "intervals": [[s, e], ...]}]}

The face lanes come first, then the vocal lanes (annotate.app.sound_lanes).

`t` holds the sampled frames' times (seconds, the clip's time base); each role's columns run
along it (null where the face is not visible), so the page finds a time's sample by bisection.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from annotate import columns as C
from annotate.app.sound_lanes import SOUND_SOURCE, vocal_lanes
from annotate.coding.clip_roles import swapped_kind, swapped_role
from annotate.config import load_feature_config
from annotate.extract.folder import EPISODES_CSV, FEATURES_PARQUET, PROVENANCE_JSON
from annotate.extract.job import extract_to_folder
from annotate.media.video import ClipInfo, ProgressHook
from annotate.timeline.intervals import Interval, gaps

FEATURES_FOLDER = "features"
ROLE_COLUMNS = (
    C.X,
    C.Y,
    C.W,
    C.H,
    C.YAW,
    C.PITCH,
    C.GAZE_DX,
    C.GAZE_DY,
    C.EYES_X,
    C.EYES_Y,
    C.SMILE,
)
_LANE_KINDS = (
    (C.MUTUAL_GAZE_KIND, "mutual gaze"),
    (C.INFANT_GAZE_AVERSION, "gaze aversion"),
    (C.GAZE_UNKNOWN, "gaze unknown"),
    ("visible", "visible"),
    (C.LOOKING_AT_PARTNER, "looks at partner"),
    (C.SMILE_KIND, "smile"),
)
_ROLE_ORDER = ("dyad", "mother", "infant")


def features_folder(cache: Path, sha256: str) -> Path:
    """Where the features of the clip with this sha256 are kept."""
    return cache / FEATURES_FOLDER / sha256


def has_features(folder: Path) -> bool:
    """Whether `folder` holds a finished extraction (provenance.json is written last)."""
    return (folder / PROVENANCE_JSON).is_file() and (folder / FEATURES_PARQUET).is_file()


def extract_features(clip: ClipInfo, folder: Path, progress: ProgressHook | None = None) -> Path:
    """Extract a clip's features into `folder` with the configured settings (configs/); `clip` is
    the project's probe of it (made once per version of the file, annotate.app.project).

    Raises:
        AnnotateError: the clip cannot be read, or the face model cannot be found.
    """
    extract_to_folder(clip, folder, load_feature_config(), force=True, progress=progress)
    return folder


def _column(values: pd.Series, visible: np.ndarray) -> list[float | None]:
    numbers = np.round(pd.to_numeric(values, errors="coerce").to_numpy(dtype=np.float64), 4)
    shown = visible & np.isfinite(numbers)
    return [v if ok else None for v, ok in zip(numbers.tolist(), shown.tolist(), strict=True)]


def _roles(table: pd.DataFrame, frames: np.ndarray) -> list[dict[str, Any]]:
    roles = sorted(
        pd.unique(table[C.ROLE].dropna()),
        key=lambda r: (_ROLE_ORDER.index(r) if r in _ROLE_ORDER else 9, str(r)),
    )
    result = []
    for role in roles:
        part = table[table[C.ROLE] == role].drop_duplicates(C.FRAME).set_index(C.FRAME)
        part = part.reindex(frames)
        visible = part[C.VISIBLE].fillna(False).to_numpy(dtype=bool)
        entry: dict[str, Any] = {"role": str(role), "visible": [int(v) for v in visible]}
        readable = visible & (part[C.LOOKING_AT].fillna("") != C.GAZE_UNKNOWN_VALUE).to_numpy()
        for name in ROLE_COLUMNS:
            # no gaze arrow where the tool cannot tell where the face looks
            shown = readable if name in (C.GAZE_DX, C.GAZE_DY) else visible
            entry[name] = _column(part[name], shown) if name in part else None
        entry["looking_at"] = [
            str(v) if shown and isinstance(v, str) and v else ""
            for v, shown in zip(part[C.LOOKING_AT], visible, strict=True)
        ]
        entry["mutual"] = [
            int(bool(v) and shown) if not pd.isna(v) else 0
            for v, shown in zip(part[C.MUTUAL_GAZE], visible, strict=True)
        ]
        result.append(entry)
    return result


def episode_lanes(
    episodes: pd.DataFrame, roles: list[str], duration_s: float
) -> list[dict[str, Any]]:
    """Timeline lanes from episodes.csv: mutual gaze, aversion, gaze unknown (dyad, mother,
    infant: where the tool cannot tell), then per role visible, looks at partner and smile
    ('visible' is the complement of the role's face_absent episodes)."""
    lanes = []
    for kind, label in _LANE_KINDS:
        for role in ("dyad", *roles):
            if kind == "visible":
                if role == "dyad":
                    continue
                absent = episodes[(episodes["kind"] == C.FACE_ABSENT) & (episodes[C.ROLE] == role)]
                spans = [
                    Interval(float(s), float(e))
                    for s, e in zip(absent.start, absent.end, strict=True)
                ]
                found = [(i.start_s, i.end_s) for i in gaps(spans, Interval(0.0, duration_s))]
            else:
                if kind == C.GAZE_UNKNOWN and role not in _ROLE_ORDER:
                    continue  # the many faces of a group session keep their lanes few
                rows = episodes[(episodes["kind"] == kind) & (episodes[C.ROLE] == role)]
                if rows.empty:
                    continue
                found = [(float(s), float(e)) for s, e in zip(rows.start, rows.end, strict=True)]
            lanes.append(
                {
                    "id": f"{kind}/{role}",
                    "label": label if role == "dyad" else f"{role} {label}",
                    "kind": kind,
                    "role": role,
                    "intervals": [[round(s, 4), round(e, 4)] for s, e in found],
                }
            )
    return lanes


def features_document(folder: Path, duration_s: float) -> dict[str, Any]:
    """The page's JSON document of a finished extraction (see the module's docstring).

    Raises:
        OSError, ValueError: the files cannot be read (the caller reports it).
    """
    table = pd.read_parquet(
        folder / FEATURES_PARQUET,
        columns=[C.FRAME, C.T, C.ROLE, C.VISIBLE, *ROLE_COLUMNS, C.LOOKING_AT, C.MUTUAL_GAZE],
    )
    grid = table[[C.FRAME, C.T]].drop_duplicates(C.FRAME).sort_values(C.FRAME)
    frames = grid[C.FRAME].to_numpy()
    roles = _roles(table, frames)
    episodes_file = folder / EPISODES_CSV
    episodes = (
        pd.read_csv(episodes_file)
        if episodes_file.is_file() and episodes_file.stat().st_size
        else pd.DataFrame(columns=list(C.EPISODE_COLUMNS))
    )
    return {
        "t": [round(float(t), 4) for t in grid[C.T]],
        "roles": roles,
        "lanes": [
            *episode_lanes(episodes, [r["role"] for r in roles], duration_s),
            *vocal_lanes(episodes),
        ],
    }


def swap_roles(document: dict[str, Any]) -> dict[str, Any]:
    """The page's document with mother and infant swapped (a coder's correction of the clip's
    roles, annotate.coding.clip_roles): the overlays' tracks, what each looks at, and the lanes
    (their ids, labels, roles and role-named kinds); lanes stay in the usual order."""
    roles = []
    for track in document["roles"]:
        changed = {**track, "role": swapped_role(track["role"])}
        changed["looking_at"] = [swapped_role(v) for v in track["looking_at"]]
        roles.append(changed)
    roles.sort(key=lambda r: _ROLE_ORDER.index(r["role"]) if r["role"] in _ROLE_ORDER else 9)
    lanes, heard = [], []
    for lane in document["lanes"]:
        if lane.get("source") == SOUND_SOURCE:
            heard.append(lane)  # voices are told apart by ear, not by the faces' roles
            continue
        kind, role = swapped_kind(lane["kind"]), swapped_role(lane["role"])
        label = dict(_LANE_KINDS).get(lane["kind"], kind.replace("_", " "))
        if kind != lane["kind"]:
            label = kind.replace("_", " ")
        lanes.append(
            {
                **lane,
                "id": f"{kind}/{role}",
                "kind": kind,
                "role": role,
                "label": label if role == "dyad" else f"{role} {label}",
            }
        )
    order = {role: k for k, role in enumerate(_ROLE_ORDER)}
    kinds = {kind: k for k, (kind, _) in enumerate(_LANE_KINDS)}
    lanes.sort(
        key=lambda x: (
            kinds.get(x["kind"], kinds.get(swapped_kind(x["kind"]), 99)),
            order.get(x["role"], 9),
        )
    )
    return {**document, "roles": roles, "lanes": [*lanes, *heard], "roles_swapped": True}
