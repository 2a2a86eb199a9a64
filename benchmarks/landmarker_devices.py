"""The face landmarker on the CPU and on the GPU delegate, run by hand on a machine with a GPU.

`python benchmarks/landmarker_devices.py CLIP [--seconds 60]` feeds the same sampled frames
(10 per second) of CLIP to MediaPipe's landmarker (VIDEO mode, two faces) with the CPU delegate
and with the GPU delegate, and prints milliseconds per frame and faces per frame for each; then
runs the whole pipeline (`extract_clip`) on the CPU and with `device="gpu"`, and prints which
device it ended on (the GPU falls back to the CPU, with a warning, where it cannot be used).
"""

from __future__ import annotations

import argparse
import time
import warnings
from pathlib import Path

from annotate.config import load_feature_config
from annotate.extract.features import extract_clip, mediapipe_factory
from annotate.faces.landmarker import Device, FaceLandmarker
from annotate.media.video import iter_frames, probe
from annotate.models import resolve_face_model


def landmarker_ms(clip: Path, device: Device, seconds: float) -> tuple[float, float, str]:
    """(ms per frame, faces per frame, device used) over the clip's first `seconds`."""
    info = probe(clip, with_hash=False)
    frames = list(iter_frames(info, 10.0, end_s=seconds))
    with FaceLandmarker(resolve_face_model(), 2, video=True, device=device) as landmarker:
        landmarker.detect(frames[0].rgb, frames[0].t)  # start-up outside the timing
        started = time.perf_counter()
        faces = sum(len(landmarker.detect(f.rgb, f.t)) for f in frames[1:])
        elapsed = time.perf_counter() - started
        used = landmarker.device
    count = len(frames) - 1
    return 1000 * elapsed / count, faces / count, used


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("clip", type=Path)
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()
    for device in ("cpu", "gpu"):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            ms, faces, used = landmarker_ms(args.clip, device, args.seconds)  # type: ignore[arg-type]
        note = f" ({caught[0].message})" if caught else ""
        print(
            f"landmarker, asked {device}, ran on {used}: {ms:.1f} ms/frame, "
            f"{faces:.2f} faces/frame{note}"[:300],
            flush=True,
        )
    config = load_feature_config()
    for device in ("cpu", "gpu"):
        started = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            features = extract_clip(
                probe(args.clip), config, mediapipe_factory(resolve_face_model(), device)
            )  # type: ignore[arg-type]
        elapsed = time.perf_counter() - started
        frames = features.summary.frames_analysed
        print(
            f"pipeline, asked {device}, ran on {features.device}: {elapsed:.1f} s for "
            f"{frames} frames ({frames / elapsed:.1f} frames/s)",
            flush=True,
        )


if __name__ == "__main__":
    main()
