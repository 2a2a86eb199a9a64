"""Faces on real footage and on renders turned to the side, run by hand (not in CI).

`python benchmarks/real_footage.py` prints:

1. Per real clip (every frame, `--fps all`), with the second look and without it:
   - faces found per frame against a person's count: the share of frames where the two agree,
     recall and precision of the count (faces matched = the smaller of found and counted), and
     the confusion (counted x found);
   - each track's role and confidence (whatever annotate.faces.roles reports), the share of
     visible face rows that look at someone, the share whose looking_at is `unknown` (when the
     roles code reports it), the share of head-only rows, and the time per frame.
   Counts: fd_video.mp4 has a person's count per frame (its CSV's second line); for
   single_face.mp4 and WolfgangLanger_Pexels.mp4 one person is in view in every frame (the
   fixtures' README), so the count is 1; face_noface.mov has no count (found per frame only).
2. On renders of one face turning from 0 to 90 degrees of yaw both sides and back
   (annotate.samples.yaw_sweep), the share of frames in which the face is found, by yaw, for the
   whole-frame landmarker alone, the finder before the second look, and the full finder; and the
   median yaw the full finder reads (how far the renderer and the reading stay faithful); then
   each yaw as a single frame with no track (a face first seen turned): the landmarker alone
   against the second look's proposals and mesh fits.

`--clips` limits part 1 to some clips (file names), `--no-renders` skips part 2.
"""

from __future__ import annotations

import argparse
import csv
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from annotate import columns as C
from annotate.config import FeatureConfig, load_feature_config
from annotate.extract.features import FaceSource, LandmarkerFactory, extract_clip, mediapipe_factory
from annotate.faces.finder import FaceFinder
from annotate.faces.landmarker import FaceLandmarker
from annotate.faces.observation import FaceObservation
from annotate.faces.second_look import MeshSecondLook
from annotate.faces.tracking import FaceTracker, real_tracks
from annotate.media.video import probe
from annotate.models import FACE_MESH, FULL_RANGE_DETECTOR, resolve_face_model, resolve_wheel_model
from annotate.samples.yaw_sweep import HEIGHT, WIDTH, yaw_sweep

FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures"
REAL_CLIPS = {
    "fd_video.mp4": FIXTURES / "real" / "fd_video.mp4",
    "single_face.mp4": FIXTURES / "faces" / "single_face.mp4",
    "WolfgangLanger_Pexels.mp4": FIXTURES / "faces" / "WolfgangLanger_Pexels.mp4",
    "face_noface.mov": FIXTURES / "faces" / "face_noface.mov",
}
ONE_PERSON = {"single_face.mp4", "WolfgangLanger_Pexels.mp4"}
YAW_BINS = ((0, 0), (3, 15), (15, 30), (30, 45), (45, 60), (60, 75), (75, 90))


def person_count(name: str, frames: int) -> np.ndarray | None:
    """A person's count of faces per frame, where there is one."""
    if name == "fd_video.mp4":
        with (FIXTURES / "real" / "test_video_manual_annotation.csv").open() as handle:
            rows = list(csv.reader(handle))
        return np.array([int(v) for v in rows[1]], dtype=int)
    if name in ONE_PERSON:
        return np.ones(frames, dtype=int)
    return None


def count_figures(found: np.ndarray, counted: np.ndarray) -> str:
    """Agreement, recall and precision of the count, and the confusion (counted x found)."""
    n = min(len(found), len(counted))
    found, counted = found[:n], counted[:n]
    matched = np.minimum(found, counted).sum()
    recall = matched / max(counted.sum(), 1)
    precision = matched / max(found.sum(), 1)
    lines = [
        f"    count agrees in {np.mean(found == counted):.1%} of {n} frames; "
        f"recall {recall:.1%}, precision {precision:.1%}",
        "    confusion (rows: counted 0/1/2+, columns: found 0/1/2+):",
    ]
    for want in range(3):
        row = [
            int(np.sum((np.minimum(counted, 2) == want) & (np.minimum(found, 2) == got)))
            for got in range(3)
        ]
        lines.append(f"      {want}: {row}")
    return "\n".join(lines)


def clip_report(name: str, path: Path, config: FeatureConfig, factory: LandmarkerFactory) -> str:
    made: list[FaceSource] = []

    def keep(chosen: FeatureConfig) -> FaceSource:
        made.append(factory(chosen))
        return made[-1]

    started = time.perf_counter()
    features = extract_clip(probe(path), config, keep)
    elapsed = time.perf_counter() - started
    table = features.table
    samples = int(table[C.FRAME].nunique()) if len(table) else 0
    frames = max(features.frames_decoded, samples)
    per_frame = np.zeros(frames, dtype=int)
    if len(table):
        seen = table[table[C.VISIBLE]].groupby(C.FRAME).size()
        for frame, count in seen.items():
            if 0 <= int(frame) < frames:
                per_frame[int(frame)] = int(count)
    lines = [f"  {name}: {samples} frames, {elapsed / max(samples, 1) * 1000:.1f} ms per frame"]
    calls = getattr(made[0], "calls", None) if made else None
    if calls is not None:
        per = {k: v / max(samples, 1) for k, v in calls.items()}
        lines.append(
            "    per frame: "
            + ", ".join(f"{k} {v:.2f}" for k, v in per.items())
            + " (landmarker calls; mesh fits; full-range detector runs)"
        )
    counted = person_count(name, frames)
    if counted is not None:
        lines.append(count_figures(per_frame, counted))
    else:
        lines.append(f"    faces per frame (no count): {np.bincount(per_frame).tolist()}")
    for track, role in sorted(features.roles.items()):
        rows = table[table[C.TRACK] == track]
        lines.append(
            f"    track {track}: {role.role} (confidence {role.confidence:.2f}, {role.source}), "
            f"visible {rows[C.VISIBLE].mean():.0%}, head-only {rows[C.HEAD_ONLY].mean():.0%}"
        )
    visible = table[table[C.VISIBLE]] if len(table) else table
    if len(visible):
        looking = visible[C.LOOKING_AT].fillna("")
        lines.append(
            f"    looking at someone {np.mean(looking.ne('') & looking.ne('unknown')):.0%} of "
            f"visible face rows, unknown {np.mean(looking.eq('unknown')):.0%}"
        )
    return "\n".join(lines)


def whole_frame_only(model: Path) -> LandmarkerFactory:
    def make(config: FeatureConfig) -> FaceFinder:
        video = FaceLandmarker(model, config.faces.max_faces, video=True)
        return FaceFinder(video, None, None, config.faces.max_faces)

    return make


def sweep_rows(frames: list, config: FeatureConfig, factory: LandmarkerFactory) -> pd.DataFrame:
    finder = factory(config)
    tracker = FaceTracker(config.tracking, config.faces.max_faces, (WIDTH, HEIGHT))
    rows = []
    try:
        for k, frame in enumerate(frames):
            faces = finder.find(frame.rgb, frame.t, tracker.expected_faces(frame.t))
            seen = [
                FaceObservation.from_landmarker(f, k, frame.t, WIDTH, HEIGHT, config.gaze)
                for f in faces
            ]
            tracker.update(seen)
            rows.append(
                {
                    "yaw": frame.yaw_deg,
                    "found": bool(seen),
                    "read": seen[0].yaw_deg if seen else np.nan,
                }
            )
    finally:
        finder.close()
    table = pd.DataFrame(rows)
    table.attrs["tracks"] = len(real_tracks(tracker.tracks, config.tracking.min_track_s))
    return table


def single_frames_report(model: Path) -> str:
    """Each yaw as a single frame with no track to follow (a face first seen turned): the
    landmarker alone (still-image mode) against the second look's proposals and mesh fits."""
    second = MeshSecondLook.from_files(
        resolve_wheel_model(FULL_RANGE_DETECTOR), resolve_wheel_model(FACE_MESH)
    )
    yaws = [float(y) for y in range(-90, 91, 10)]
    lines = ["  single frames, no track:  yaw  landmarker  second look (proposal + mesh)"]
    with FaceLandmarker(model, 2, video=False) as still:
        for frame in yaw_sweep(still.detect, yaws):
            alone = bool(still.detect(frame.rgb))
            fitted = any(
                second.fit_near(frame.rgb, centre, side, roll)[0] is not None
                for centre, side, roll in second.propose(frame.rgb)
            )
            lines.append(
                f"  {frame.yaw_deg:+31.0f}  {'found' if alone else '-':>10}  "
                f"{'found' if fitted else '-':>10}"
            )
    rgb = frame.rgb
    costs = []
    for step in (
        lambda: second.propose(rgb),
        lambda: second.fitter.fit(rgb, (WIDTH / 2, HEIGHT / 2), 150.0, 0.0),
    ):
        step()
        started = time.perf_counter()
        for _ in range(20):
            step()
        costs.append((time.perf_counter() - started) / 20 * 1000)
    lines.append(
        f"  cost: {costs[0]:.1f} ms per full-range detection, {costs[1]:.1f} ms per mesh fit"
    )
    return "\n".join(lines)


def render_report(config: FeatureConfig, model: Path) -> str:
    with FaceLandmarker(model, 1, video=False) as still:
        frames = list(yaw_sweep(still.detect))
    config = replace(config, sampling=replace(config.sampling, fps=None))
    before = replace(config, search=replace(config.search, second_look=False))
    runs = {
        "whole frame only": sweep_rows(frames, config, whole_frame_only(model)),
        "finder, no second look": sweep_rows(frames, before, mediapipe_factory(model)),
        "full finder": sweep_rows(frames, config, mediapipe_factory(model)),
    }
    head = "  yaw (deg)      " + "".join(f"{name:>24}" for name in runs) + "   read yaw (full)"
    lines = [f"  {len(frames)} rendered frames, one face 150 px wide at 640x360", head]
    for side in (1, -1):
        for low, high in YAW_BINS:
            if low == 0 and side < 0:
                continue
            cells = []
            for table in runs.values():
                yaw = table["yaw"] * side
                inside = (yaw >= low) & (yaw <= high)
                cells.append(f"{table['found'][inside].mean():>24.0%}")
            full = runs["full finder"]
            yaw = full["yaw"] * side
            inside = (yaw >= low) & (yaw <= high)
            read = full["read"][inside & full["found"]]
            label = "0" if low == 0 else f"{side * low:+d}..{side * high:+d}"
            read_text = f"{read.median():+.0f}" if len(read) else "-"
            lines.append(f"  {label:<15}" + "".join(cells) + f"   {read_text:>8}")
    lines.append(
        "  tracks (of at least min_track_s): "
        + ", ".join(f"{name} {t.attrs['tracks']}" for name, t in runs.items())
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clips", nargs="*", default=list(REAL_CLIPS))
    parser.add_argument("--no-renders", action="store_true")
    args = parser.parse_args()
    model = resolve_face_model()
    config = load_feature_config()
    every_frame = replace(config, sampling=replace(config.sampling, fps=None))
    before = replace(every_frame, search=replace(every_frame.search, second_look=False))
    for name in args.clips:
        path = REAL_CLIPS[name]
        if not path.is_file():
            print(f"{name}: not found at {path}, skipped")
            continue
        for label, chosen in (("full finder", every_frame), ("no second look", before)):
            print(f"[{label}]")
            print(clip_report(name, path, chosen, mediapipe_factory(model)))
    if not args.no_renders:
        print("[renders turned to the side]")
        print(render_report(config, model))
        print(single_frames_report(model))


if __name__ == "__main__":
    main()
