"""A generated group session: 8 to 18 mother-infant pairs and a facilitator in a wide room shot.

Built like annotate.samples.presets (a Script, rendered from the astronaut mesh), for the batch
issue's group checks: faces of realistic sizes at 1280x720, in rows that recede into the room
(far rows higher in the picture and smaller), each infant beside and a little in front of its
mother, its face about 0.7 times the width of hers. Every few seconds each face changes where it
looks (its partner, away, the camera, the facilitator), so that pairs look at each other at
times. Faces are named `adult_NN` / `infant_NN` (pair NN) and `adult_f1` (the facilitator): the
role class is the part before the underscore, the ground truth of the group role heuristic.

Rendering many faces on a large frame is costly, so each face is drawn in a window around it
(not on the whole frame), and `make_group_clip` can render fewer pictures than the container's
frame rate and repeat each (a picture twice a second is enough for sampling at 1-2 per second).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from annotate.errors import ConfigError
from annotate.faces.landmarker import RawFace
from annotate.io.atomic import staged_file
from annotate.media.video_writer import H264Writer
from annotate.samples.face_mesh import FaceMesh
from annotate.samples.make import room_background
from annotate.samples.render import calibrated, render_face
from annotate.samples.script import FaceLook, Script, Segment

WIDTH, HEIGHT = 1280, 720
INFANT_SCALE = 0.7  # infant face width / its mother's at the same distance
MIN_PAIRS, MAX_PAIRS = 8, 18
FACILITATOR = "adult_f1"
# Rows of pairs recede from the nearest (low in the picture, a mother's face oval this wide in
# pixels) to the farthest; the whole head with hair is about 1.6 face widths.
_NEAR = (620.0, 98.0)
_FAR = (200.0, 54.0)
_WINDOW = 1.5  # a face is drawn in a square window of this many face widths on each side


@dataclass(frozen=True)
class TruthFace:
    """Where the script puts one face at one instant (pixels)."""

    role: str
    centre_px: tuple[float, float]
    width_px: float

    @property
    def role_class(self) -> str:
        """'adult' or 'infant'."""
        return self.role.split("_", 1)[0]


def _rows(pairs: int) -> list[tuple[float, float, int]]:
    """(y, a mother's face width, pairs) of each row, far to near: far rows hold more pairs."""
    count = 2 if pairs <= 9 else 3 if pairs <= 13 else 4
    rows = []
    for k in range(count):
        share = k / (count - 1)
        rows.append(
            (_FAR[0] + share * (_NEAR[0] - _FAR[0]), _FAR[1] + share * (_NEAR[1] - _FAR[1]))
        )
    weights = [1.0 / w for _, w in rows]
    wanted = [pairs * w / sum(weights) for w in weights]
    counts = [int(x) for x in wanted]
    for k in sorted(range(count), key=lambda k: counts[k] - wanted[k])[: pairs - sum(counts)]:
        counts[k] += 1
    return [(y, w, n) for (y, w), n in zip(rows, counts, strict=True)]


def _layout(pairs: int, rng: random.Random) -> dict[str, tuple[tuple[float, float], float]]:
    """Each face's position (pixels) and width (pixels)."""
    places: dict[str, tuple[tuple[float, float], float]] = {}
    number = 0
    for row_y, adult_w, count in _rows(pairs):
        slot = WIDTH / count
        for k in range(count):
            number += 1
            jitter_x, jitter_y = rng.uniform(-0.12, 0.12), rng.uniform(-0.1, 0.1)
            x = slot * (k + 0.5) - 0.65 * adult_w + jitter_x * adult_w
            y = row_y + jitter_y * adult_w
            width = adult_w * rng.uniform(0.93, 1.07)
            places[f"adult_{number:02d}"] = ((x, y), width)
            infant_w = width * INFANT_SCALE * rng.uniform(0.95, 1.05)
            places[f"infant_{number:02d}"] = ((x + 1.3 * width, y + 0.3 * width), infant_w)
    places[FACILITATOR] = ((WIDTH - 90.0, 95.0), 60.0)
    return places


def _looks(role: str, pair: str, rng: random.Random) -> str:
    if role == FACILITATOR:
        return rng.choice(["camera", "away", pair])
    if role.startswith("adult"):
        return rng.choices([pair, "away", "camera", FACILITATOR], [6, 2, 1, 1])[0]
    return rng.choices([pair, "away", "camera"], [5, 3, 2])[0]


def group_session(
    pairs: int = 12, duration_s: float = 60.0, seed: int = 21, fps: float = 25.0
) -> Script:
    """A group session script: `pairs` mother-infant pairs and a facilitator at 1280x720.

    Args:
        pairs: how many pairs (8 to 18).
        duration_s: length in seconds.
        seed: for positions, sizes and the timing of looks.
        fps: the container's frame rate.

    Raises:
        ConfigError: pairs out of range.
    """
    if not MIN_PAIRS <= pairs <= MAX_PAIRS:
        raise ConfigError(f"a group session has {MIN_PAIRS} to {MAX_PAIRS} pairs, got {pairs}")
    rng = random.Random(seed)
    places = _layout(pairs, rng)
    faces: dict[str, FaceLook] = {}
    partner: dict[str, str] = {FACILITATOR: "adult_01"}
    for role, (_, width) in places.items():
        infant = role.startswith("infant")
        brightness = rng.uniform(1.02, 1.14) if infant else rng.uniform(0.88, 1.08)
        faces[role] = FaceLook(
            round(width, 1), mirror=infant != (rng.random() < 0.3), brightness=round(brightness, 3)
        )
        number = role.split("_", 1)[1]
        if role != FACILITATOR:
            partner[role] = f"{'adult' if infant else 'infant'}_{number}"
    first: dict[str, dict[str, object]] = {}
    for role, (at, _) in places.items():
        state: dict[str, object] = {"at": [round(at[0], 1), round(at[1], 1)]}
        state["look"] = partner[role] if role != FACILITATOR else "camera"
        if role.startswith("infant") and rng.random() < 0.2:
            state["roll"] = rng.choice([-25.0, 25.0])
        first[role] = state
    segments = [Segment(0.0, first)]
    changes: list[tuple[float, str, str]] = []
    for role in places:
        t = rng.uniform(0.5, 4.0)
        while t < duration_s - 0.5:
            changes.append((round(t, 2), role, _looks(role, partner[role], rng)))
            t += rng.uniform(2.0, 6.0)
    changes.sort()
    for t, role, look in changes:
        if segments[-1].start == t:
            segments[-1].states[role] = {"look": look}
        else:
            segments.append(Segment(t, {role: {"look": look}}))
    return Script(
        name=f"group_{pairs}pairs_{int(duration_s)}s",
        width=WIDTH,
        height=HEIGHT,
        fps=fps,
        duration_s=duration_s,
        faces=faces,
        segments=segments,
        seed=seed,
        notes="Generated group session (batch issue): adult_NN / infant_NN pairs, adult_f1 "
        "the facilitator.",
    )


def truth_faces(script: Script, t: float) -> list[TruthFace]:
    """The faces in the frame at time t (centre at least half a face inside the frame)."""
    return [
        TruthFace(role, script.position(role, t), script.faces[role].width_px)
        for role in script.faces
        if script.in_frame(role, t)
    ]


def group_meshes(
    script: Script, base: FaceMesh, detect: Callable[[np.ndarray], list[RawFace]] | None = None
) -> dict[str, FaceMesh]:
    """Each face's mesh (mirrored, brightened, calibrated as annotate.samples.make does), with
    faces that look alike sharing one mesh (calibration costs landmarker calls)."""
    made: dict[tuple[bool, float, float], FaceMesh] = {}
    meshes = {}
    for role, look in script.faces.items():
        key = (look.mirror, look.brightness, max(look.width_px, 120.0))
        if key not in made:
            mesh = base.mirrored() if look.mirror else base
            if look.brightness != 1.0:
                texture = np.clip(mesh.texture * look.brightness, 0, 255).astype(np.uint8)
                mesh = mesh.with_texture(texture)
            made[key] = calibrated(mesh, key[2], detect) if detect is not None else mesh
        meshes[role] = made[key]
    return meshes


def render_group_frame(
    script: Script, meshes: dict[str, FaceMesh], background: np.ndarray, t: float
) -> np.ndarray:
    """One frame at time t: faces far (high in the picture) to near, each in a window."""
    frame = background.copy()
    height, width = frame.shape[:2]
    poses = {role: script.pose(role, t) for role in script.faces}
    for role in sorted(poses, key=lambda r: poses[r].centre_px[1]):
        pose = poses[role]
        half = _WINDOW * pose.width_px + 4
        x0, y0 = int(max(0, pose.centre_px[0] - half)), int(max(0, pose.centre_px[1] - half))
        x1, y1 = (
            int(min(width, pose.centre_px[0] + half)),
            int(min(height, pose.centre_px[1] + half)),
        )
        if x1 - x0 < 2 or y1 - y0 < 2:
            continue
        centre = (pose.centre_px[0] - x0, pose.centre_px[1] - y0)
        window = frame[y0:y1, x0:x1]
        render_face(window, meshes[role], pose.yaw, pose.pitch, pose.roll, centre, pose.width_px)
    return frame


def make_group_clip(
    script: Script,
    base: FaceMesh,
    out_dir: Path,
    *,
    render_fps: float | None = None,
    crf: int = 26,
    detect: Callable[[np.ndarray], list[RawFace]] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[Path, Path]:
    """Render a group script to OUT_DIR/<name>.mp4 with OUT_DIR/<name>.script.yaml beside it.

    Args:
        script: from `group_session`.
        base: the face mesh (annotate.samples.face_mesh.astronaut_mesh).
        out_dir: where the two files go (written under temporary names, renamed when complete).
        render_fps: pictures rendered per second (each repeated up to the container's rate);
            None renders every frame.
        crf: x264 quality.
        detect: a still-image landmarker, to calibrate the meshes (None: uncalibrated).
        progress: called with (frames written, frames in the clip).
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    video, truth = out_dir / f"{script.name}.mp4", out_dir / f"{script.name}.script.yaml"
    meshes = group_meshes(script, base, detect)
    background = room_background(script.width, script.height, script.seed)
    total = round(script.duration_s * script.fps)
    every = max(1, round(script.fps / render_fps)) if render_fps else 1
    picture = background
    with staged_file(video) as partial_video, staged_file(truth) as partial_truth:
        with H264Writer(partial_video, script.width, script.height, script.fps, crf=crf) as out:
            for k in range(total):
                if k % every == 0:
                    picture = render_group_frame(script, meshes, background, k / script.fps)
                out.write(picture)
                if progress is not None:
                    progress(k + 1, total)
        script.save(partial_truth)
    return video, truth
