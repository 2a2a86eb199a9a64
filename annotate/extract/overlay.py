"""overlay.mp4: the clip with its features drawn on every frame.

Face boxes with role labels, a head-direction arrow (yellow, from the box's centre) and a gaze
arrow (cyan, from between the eyes; none where looking_at is `unknown`), and a red line with
'MUTUAL GAZE' between two faces that look at each other. Each frame shows the latest sampled
frame's features.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pandas as pd

from annotate import columns as C
from annotate.media.video import ClipInfo, ProgressHook, iter_frames
from annotate.media.video_writer import H264Writer

ROLE_COLOURS = {"mother": (255, 90, 200), "infant": (80, 200, 255)}  # RGB
OTHER_COLOUR = (230, 230, 230)
HEAD_COLOUR = (255, 220, 0)
GAZE_COLOUR = (0, 255, 255)
MUTUAL_COLOUR = (255, 40, 40)


def _point(x: float, y: float) -> tuple[int, int]:
    return round(x), round(y)


def _gaze_readable(looking_at: object, values: tuple[float, float, float, float]) -> bool:
    """Whether a face's gaze can be drawn: looking_at is not `unknown` and every value is set."""
    if isinstance(looking_at, str) and looking_at == C.GAZE_UNKNOWN_VALUE:
        return False
    return all(not pd.isna(v) for v in values)


def draw_faces(rgb: np.ndarray, rows: pd.DataFrame) -> None:
    """Draw one frame's visible faces (rows of the feature table) onto `rgb`, in place."""
    height, width = rgb.shape[:2]
    thickness = max(1, round(width / 400))
    visible = rows[rows[C.VISIBLE]]
    centres = {}
    for row in visible.itertuples(index=False):
        role = str(getattr(row, C.ROLE))
        colour = ROLE_COLOURS.get(role, OTHER_COLOUR)
        x, y, w, h = (getattr(row, k) for k in (C.X, C.Y, C.W, C.H))
        x0, y0, x1, y1 = x * width, y * height, (x + w) * width, (y + h) * height
        cv2.rectangle(rgb, _point(x0, y0), _point(x1, y1), colour, thickness)
        label = f"{role} yaw {getattr(row, C.YAW):+.0f}"
        cv2.putText(
            rgb,
            label,
            _point(x0, max(y0 - 4, 10)),
            cv2.FONT_HERSHEY_SIMPLEX,
            0.4 * thickness,
            colour,
            thickness,
            cv2.LINE_AA,
        )
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        centres[role] = (cx, cy)
        length = max(x1 - x0, y1 - y0)
        yaw, pitch = np.radians(getattr(row, C.YAW)), np.radians(getattr(row, C.PITCH))
        head = (np.sin(yaw) * np.cos(pitch), -np.sin(pitch))
        cv2.arrowedLine(
            rgb,
            _point(cx, cy),
            _point(cx + head[0] * length, cy + head[1] * length),
            HEAD_COLOUR,
            thickness,
            cv2.LINE_AA,
            tipLength=0.2,
        )
        ex, ey = getattr(row, C.EYES_X) * width, getattr(row, C.EYES_Y) * height
        gx, gy = getattr(row, C.GAZE_DX), getattr(row, C.GAZE_DY)
        if not _gaze_readable(getattr(row, C.LOOKING_AT), (ex, ey, gx, gy)):
            continue  # where the tool cannot tell where the face looks, it draws no gaze
        cv2.arrowedLine(
            rgb,
            _point(ex, ey),
            _point(ex + gx * 1.5 * length, ey + gy * 1.5 * length),
            GAZE_COLOUR,
            thickness,
            cv2.LINE_AA,
            tipLength=0.15,
        )
    mutual = [
        str(r)
        for r, m in zip(visible[C.ROLE], visible[C.MUTUAL_GAZE], strict=True)
        if not pd.isna(m) and bool(m)  # empty where mutual gaze cannot be told
    ]
    if len(mutual) >= 2 and all(r in centres for r in mutual[:2]):
        a, b = centres[mutual[0]], centres[mutual[1]]
        cv2.line(rgb, _point(*a), _point(*b), MUTUAL_COLOUR, thickness + 1, cv2.LINE_AA)
        cv2.putText(
            rgb,
            "MUTUAL GAZE",
            _point((a[0] + b[0]) / 2 - 50, (a[1] + b[1]) / 2 - 8),
            cv2.FONT_HERSHEY_SIMPLEX,
            0.5 * thickness,
            MUTUAL_COLOUR,
            thickness,
            cv2.LINE_AA,
        )


def write_overlay(
    info: ClipInfo, table: pd.DataFrame, path: Path, progress: ProgressHook | None = None
) -> None:
    """Write the clip, every frame, with the features of the latest sample drawn on it."""
    by_frame: dict[int, pd.DataFrame] = (
        {int(rows[C.FRAME].iloc[0]): rows for _, rows in table.groupby(C.FRAME)}
        if not table.empty
        else {}
    )
    sample_frames = np.array(sorted(by_frame), dtype=np.int64)
    with H264Writer(path, info.width, info.height, info.fps) as writer:
        for frame in iter_frames(info, None, progress):
            k = int(np.searchsorted(sample_frames, frame.index, side="right")) - 1
            rgb = frame.rgb
            if k >= 0:
                draw_faces(rgb, by_frame[int(sample_frames[k])])
            writer.write(rgb)
