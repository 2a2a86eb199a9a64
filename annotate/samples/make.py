"""Rendering a script into an H.264 clip, with its script saved beside it as ground truth."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np

from annotate.faces.landmarker import RawFace
from annotate.io.atomic import staged_file
from annotate.media.video_writer import H264Writer
from annotate.samples.face_mesh import FaceMesh
from annotate.samples.render import calibrated, render_face
from annotate.samples.script import Script
from annotate.samples.sound_track import mux_sound, script_sound


def room_background(width: int, height: int, seed: int) -> np.ndarray:
    """A soft, seeded 'room': a warm gradient with a few blurred shapes (RGB uint8)."""
    rng = np.random.default_rng(seed)
    ys = np.linspace(0.0, 1.0, height)[:, None, None]
    top, bottom = np.array([176, 164, 150]), np.array([120, 104, 92])
    image: np.ndarray = (top * (1 - ys) + bottom * ys) * np.ones((1, width, 1))
    for _ in range(7):
        colour = rng.integers(60, 200, size=3).tolist()
        x, y = int(rng.integers(0, width)), int(rng.integers(0, height))
        w, h = (
            int(rng.integers(width // 10, width // 3)),
            int(rng.integers(height // 10, height // 3)),
        )
        cv2.rectangle(image, (x, y), (x + w, y + h), colour, -1)
    image = cv2.GaussianBlur(image, (0, 0), width / 80)
    return np.clip(image, 0, 255).astype(np.uint8)


def render_frame(
    script: Script, meshes: dict[str, FaceMesh], background: np.ndarray, t: float
) -> np.ndarray:
    """One frame of the script at time t: the faces drawn back to front (smaller = farther)."""
    frame = background.copy()
    for role in sorted(script.faces, key=lambda r: script.faces[r].width_px):
        pose = script.pose(role, t)
        render_face(
            frame, meshes[role], pose.yaw, pose.pitch, pose.roll, pose.centre_px, pose.width_px
        )
    return frame


def face_meshes(
    script: Script, base: FaceMesh, detect: Callable[[np.ndarray], list[RawFace]] | None = None
) -> dict[str, FaceMesh]:
    """Each role's mesh: the base face, mirrored and brightened as the script says, and
    calibrated at its size with `detect` (a still-image landmarker) when one is given."""
    meshes = {}
    for role, look in script.faces.items():
        mesh = base.mirrored() if look.mirror else base
        if look.brightness != 1.0:
            mesh = mesh.with_texture(
                np.clip(mesh.texture * look.brightness, 0, 255).astype(np.uint8)
            )
        if detect is not None:
            mesh = calibrated(mesh, max(look.width_px, 120.0), detect)
        meshes[role] = mesh
    return meshes


def make_clip(
    script: Script,
    base: FaceMesh,
    out_dir: Path,
    crf: int = 26,
    progress: Callable[[int, int], None] | None = None,
    detect: Callable[[np.ndarray], list[RawFace]] | None = None,
) -> tuple[Path, Path]:
    """Render `script` to OUT_DIR/<name>.mp4 and save OUT_DIR/<name>.script.yaml beside it.

    A script with sounds gets its sound track (annotate.samples.sound_track). Both files are
    written under temporary names first and renamed when complete.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    video = out_dir / f"{script.name}.mp4"
    truth = out_dir / f"{script.name}.script.yaml"
    meshes = face_meshes(script, base, detect)
    background = room_background(script.width, script.height, script.seed)
    total = round(script.duration_s * script.fps)
    with staged_file(video) as partial_video, staged_file(truth) as partial_truth:
        pictures = partial_video.with_name(f"{partial_video.stem}.pictures.mp4")
        silent = pictures if script.sounds else partial_video
        try:
            with H264Writer(silent, script.width, script.height, script.fps, crf=crf) as out:
                for k in range(total):
                    out.write(render_frame(script, meshes, background, k / script.fps))
                    if progress is not None:
                        progress(k + 1, total)
            if script.sounds:
                mux_sound(pictures, script_sound(script), partial_video)
        finally:
            pictures.unlink(missing_ok=True)
        script.save(partial_truth)
    return video, truth
