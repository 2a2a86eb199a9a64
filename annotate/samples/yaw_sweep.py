"""Frames of one face turning from facing the camera to profile and back, each side.

For measuring how far to the side faces are found (benchmarks/real_footage.py, the finder's
tests). The face is the sample generator's astronaut mesh (annotate.samples), rendered in memory
at 640x360; each frame comes with the yaw it was rendered at.

How far the renderer is faithful: the mesh is the landmarker's 478 points of one frontal
photograph plus two rings for hair and neck, so the side of the head (ear, cheek seen edge-on,
hair behind) is not in it. Up to about 45 degrees the rendered face is a fair head turn; from
about 60 degrees the far half is stretched texture from the frontal photograph, and at 90 the
face is a thin strip of nose and near cheek with no ear and no back of the head. Recall at 75-90
degrees on renders is therefore not recall on real profiles.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from annotate.faces.landmarker import RawFace
from annotate.samples.face_mesh import astronaut_mesh
from annotate.samples.make import room_background
from annotate.samples.render import calibrated, render_face

WIDTH, HEIGHT = 640, 360


@dataclass(frozen=True)
class SweepFrame:
    """One rendered frame: its time (s), the yaw it was rendered at (degrees) and the image."""

    t: float
    yaw_deg: float
    rgb: np.ndarray


def sweep_yaws(max_deg: float = 90.0, step_deg: float = 3.0) -> list[float]:
    """0 up to +max, back to 0, down to -max and back to 0, in steps."""
    up = list(np.arange(0.0, max_deg + 1e-6, step_deg))
    out = up + up[-2::-1]
    return [float(y) for y in out + [-y for y in out[1:]]]


def yaw_sweep(
    detect: Callable[[np.ndarray], list[RawFace]],
    yaws: list[float] | None = None,
    fps: float = 10.0,
    face_width_px: float = 150.0,
    hold_frames: int = 0,
) -> Iterator[SweepFrame]:
    """Render the face turning through `yaws` (default: sweep_yaws()), one frame each (each
    held `hold_frames` more frames), at `fps`. `detect` is a still-image landmarker (it builds
    and calibrates the mesh)."""
    mesh = calibrated(astronaut_mesh(detect), face_width_px, detect)
    background = room_background(WIDTH, HEIGHT, seed=5)
    k = 0
    for yaw in yaws if yaws is not None else sweep_yaws():
        for _ in range(1 + hold_frames):
            frame = background.copy()
            render_face(frame, mesh, yaw, 0.0, 0.0, (WIDTH / 2, HEIGHT / 2), face_width_px)
            yield SweepFrame(k / fps, yaw, frame)
            k += 1
