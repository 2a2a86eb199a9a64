"""Extraction speed and memory, run by hand (not in CI): `python benchmarks/extract.py`.

Prints, for the generated three-minute 640x360 two-face clip at the default rate (10/s):
frames per second and wall time of the pipeline (one process, two processes over time
chunks, and one process without the second look of annotate.faces.second_look), of a plain
loop that feeds the same sampled frames to the landmarker the way a script would, their ratio,
and the peak memory of each (every run in a fresh process, so peaks do not mix); peak memory
for a one-minute clip beside it (flat in length); and the time for the three-minute 1280x720
clip with a small infant face. Clips are generated on first use into
--clips (default ~/.cache/annotate/bench).
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

CLIPS: dict[str, tuple[str, float]] = {
    "long_dyad_180s": ("long_dyad", 180.0),
    "long_dyad_60s": ("long_dyad", 60.0),
    "hd_small_infant_180s": ("hd_small_infant", 180.0),
}


def ensure_clip(folder: Path, name: str) -> Path:
    """Render a benchmark clip once (the project's own generator, fixed seed)."""
    path = folder / f"{name}.mp4"
    if path.exists():
        return path
    from annotate.faces.landmarker import FaceLandmarker
    from annotate.models import resolve_face_model
    from annotate.samples.face_mesh import astronaut_mesh
    from annotate.samples.make import make_clip
    from annotate.samples.presets import PRESETS

    preset, duration = CLIPS[name]
    print(f"rendering {name} (once) ...", flush=True)
    with FaceLandmarker(resolve_face_model(), 1, video=False) as still:
        make_clip(
            PRESETS[preset](duration), astronaut_mesh(still.detect), folder, detect=still.detect
        )
    return path


def pipeline(clip: str, workers: int, second_look: bool = True) -> dict[str, Any]:
    from dataclasses import replace

    from annotate.config import load_feature_config
    from annotate.extract.chunks import MediapipeFactory, extract_clip_parallel
    from annotate.media.video import probe
    from annotate.models import resolve_face_model

    config = load_feature_config()
    config = replace(config, search=replace(config.search, second_look=second_look))
    started = time.perf_counter()
    features = extract_clip_parallel(
        probe(clip), config, MediapipeFactory(resolve_face_model()), workers=workers
    )
    elapsed = time.perf_counter() - started
    visible = features.table[features.table["visible"]]
    return {
        "seconds": elapsed,
        "frames": features.summary.frames_analysed,
        "faces_per_frame": len(visible) / max(features.summary.frames_analysed, 1),
    }


def plain_loop(clip: str) -> dict[str, Any]:
    """What a script would do: decode, sample, landmarker in VIDEO mode, nothing else."""
    import cv2
    import mediapipe as mp
    from mediapipe.tasks.python import BaseOptions, vision

    from annotate.media.video import FrameSampler
    from annotate.models import resolve_face_model

    options = vision.FaceLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=str(resolve_face_model())),
        running_mode=vision.RunningMode.VIDEO,
        num_faces=2,
        output_face_blendshapes=True,
        output_facial_transformation_matrixes=True,
    )
    landmarker = vision.FaceLandmarker.create_from_options(options)
    capture = cv2.VideoCapture(clip)
    sampler = FrameSampler(10.0, capture.get(cv2.CAP_PROP_FPS))
    frames = faces = 0
    started = time.perf_counter()
    while capture.grab():
        t = capture.get(cv2.CAP_PROP_POS_MSEC) / 1000.0
        if not sampler.keep(t):
            continue
        _, bgr = capture.retrieve()
        image = mp.Image(
            image_format=mp.ImageFormat.SRGB, data=cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
        )
        faces += len(landmarker.detect_for_video(image, round(t * 1000)).face_landmarks)
        frames += 1
    elapsed = time.perf_counter() - started
    landmarker.close()
    return {"seconds": elapsed, "frames": frames, "faces_per_frame": faces / max(frames, 1)}


def _measured(job: Callable[..., dict[str, Any]], args: tuple[Any, ...], out: Any) -> None:
    result = job(*args)
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    result["peak_mb"] = own / 1024
    result["peak_child_mb"] = children / 1024
    out.put(result)


def in_fresh_process(job: Callable[..., dict[str, Any]], *args: Any) -> dict[str, Any]:
    context = multiprocessing.get_context("spawn")
    out = context.Queue()
    process = context.Process(target=_measured, args=(job, args, out))
    process.start()
    result: dict[str, Any] = out.get()
    process.join()
    return result


def line(name: str, r: dict[str, Any], base: float | None = None) -> str:
    fps = r["frames"] / r["seconds"]
    ratio = f"  {r['seconds'] / base:4.2f}x plain loop" if base else ""
    peak = max(r["peak_mb"], r["peak_child_mb"])
    return (
        f"{name:38s} {r['seconds']:7.1f} s  {fps:6.1f} frames/s  "
        f"{r['faces_per_frame']:4.2f} faces/frame  peak {peak:6.0f} MB{ratio}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clips", type=Path, default=Path.home() / ".cache/annotate/bench")
    parser.add_argument("--skip-hd", action="store_true", help="skip the 1280x720 clip")
    args = parser.parse_args()
    args.clips.mkdir(parents=True, exist_ok=True)
    long_clip = str(ensure_clip(args.clips, "long_dyad_180s"))
    short_clip = str(ensure_clip(args.clips, "long_dyad_60s"))
    import platform

    print(
        f"machine: {platform.machine()}, {multiprocessing.cpu_count()} cores, {platform.platform()}"
    )
    base = in_fresh_process(plain_loop, long_clip)
    print(line("plain loop, 180 s 640x360", base))
    for workers in (1, 2):
        result = in_fresh_process(pipeline, long_clip, workers)
        print(line(f"pipeline, {workers} process(es), 180 s", result, base["seconds"]))
    result = in_fresh_process(pipeline, long_clip, 1, False)
    print(line("pipeline, 1 process, no second look", result, base["seconds"]))
    result = in_fresh_process(pipeline, short_clip, 2)
    print(line("pipeline, 2 processes, 60 s (memory)", result))
    if not args.skip_hd:
        hd = str(ensure_clip(args.clips, "hd_small_infant_180s"))
        print(line("plain loop, 180 s 1280x720 small face", in_fresh_process(plain_loop, hd)))
        print(line("pipeline, 2 processes, 180 s 1280x720", in_fresh_process(pipeline, hd, 2)))


if __name__ == "__main__":
    main()
