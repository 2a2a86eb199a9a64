"""Share of frames in which faces of each size are found, run by hand (not in CI).

`python benchmarks/faces_at_every_size.py` renders (once) a 1280x720 clip with six faces from
300 down to 50 pixels wide (the project's generator), extracts it at 10 frames per second with
the full finder (whole frame, crops, tiles, turned frames) and with the whole frame only, and
prints, per face size, the share of sampled frames in which a face was found where the script
puts it, and the time each took.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd

from annotate.config import FeatureConfig, load_feature_config
from annotate.extract.features import LandmarkerFactory, extract_clip, mediapipe_factory
from annotate.faces.finder import FaceFinder
from annotate.faces.landmarker import FaceLandmarker
from annotate.media.video import probe
from annotate.models import resolve_face_model
from annotate.samples.presets import FACE_SIZES_PX, faces_at_every_size
from annotate.samples.script import Script


def whole_frame_only(model: Path) -> LandmarkerFactory:
    def make(config: FeatureConfig) -> FaceFinder:
        return FaceFinder(
            FaceLandmarker(model, config.faces.max_faces, video=True),
            None,
            None,
            config.faces.max_faces,
        )

    return make


def found_shares(table: pd.DataFrame, script: Script) -> dict[str, float]:
    """Per scripted face: share of sampled frames with a visible face at its place."""
    visible = table[table["visible"]]
    times = np.sort(table["t"].unique())
    shares = {}
    for role in script.faces:
        hits = 0
        for t in times:
            pose = script.pose(role, float(t))
            rows = visible[np.isclose(visible["t"], t)]
            cx = (rows["x"] + rows["w"] / 2) * script.width
            cy = (rows["y"] + rows["h"] / 2) * script.height
            near = np.hypot(cx - pose.centre_px[0], cy - pose.centre_px[1]) < 0.5 * pose.width_px
            hits += bool(near.any())
        shares[role] = hits / len(times) if len(times) else 0.0
    return shares


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clips", type=Path, default=Path.home() / ".cache/annotate/bench")
    parser.add_argument("--duration", type=float, default=10.0)
    args = parser.parse_args()
    script = faces_at_every_size(args.duration)
    clip = args.clips / f"{script.name}.mp4"
    model = resolve_face_model()
    if not clip.exists():
        from annotate.samples.face_mesh import astronaut_mesh
        from annotate.samples.make import make_clip

        with FaceLandmarker(model, 1, video=False) as still:
            make_clip(script, astronaut_mesh(still.detect), args.clips, detect=still.detect)
    config = load_feature_config().with_overrides(max_faces=len(FACE_SIZES_PX))
    results = {}
    for name, factory in (
        ("whole frame only", whole_frame_only(model)),
        ("full finder", mediapipe_factory(model)),
    ):
        started = time.perf_counter()
        features = extract_clip(probe(clip), config, factory)
        results[name] = (found_shares(features.table, script), time.perf_counter() - started)
    print(f"{script.name}: 1280x720, {args.duration:g} s at 10 frames/s, 6 faces")
    print(f"{'face width':>12s}" + "".join(f"{n:>20s}" for n in results))
    for role in script.faces:
        print(f"{role[5:]:>12s}" + "".join(f"{r[0][role]:>20.1%}" for r in results.values()))
    print(f"{'time':>12s}" + "".join(f"{r[1]:>19.1f}s" for r in results.values()))


if __name__ == "__main__":
    main()
