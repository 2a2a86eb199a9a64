"""Batch benchmark (run by hand, not in CI): throughput, memory, and a long group recording.

    python benchmarks/batch.py                      # the figures of the README
    python benchmarks/batch.py --clips 2 --clip-s 20 --group-s 60   # a quick look

1. Throughput: the same generated two-face clips (long_dyad, 640x360, 25 fps) run as a batch
   with 1 worker (in the batch's own process) and with 2 worker processes, each into a fresh
   output folder; prints video frames decoded per second of wall time, sampled frames per
   second, the speed-up, and the peak resident memory of the busiest worker.
2. A generated group recording (annotate.samples.group, 1280x720, 25 fps container, two new
   pictures a second) run as kind session (2 samples per second, 40 faces) with 2 workers and
   5-minute chunks: the wall time, and the recall of faces against the script (share of the
   faces in each sampled frame that a visible track covers), by face size, and the share of
   tracks whose adult/infant class matches the script.

Generated clips are kept in --work (default out/bench) and reused by later runs.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import platform
import time
from pathlib import Path

import numpy as np
import pandas as pd

from annotate.faces.group_roles import role_class
from annotate.faces.landmarker import FaceLandmarker
from annotate.models import resolve_face_model
from annotate.samples.face_mesh import FaceMesh, astronaut_mesh
from annotate.samples.script import Script
from pipelines.dataset import read_features
from pipelines.manifest import SESSION, Manifest, ManifestEntry
from pipelines.records import BatchOptions, BatchResult
from pipelines.runner import run_batch


def _clips(
    work: Path, count: int, seconds: float, mesh: FaceMesh, still: FaceLandmarker
) -> list[Path]:
    from annotate.samples.make import make_clip
    from annotate.samples.presets import long_dyad

    paths = []
    for k in range(count):
        script = dataclasses.replace(
            long_dyad(seconds, seed=20 + k), name=f"bench_dyad_{k}_{int(seconds)}s", _timeline={}
        )
        video = work / f"{script.name}.mp4"
        if not video.is_file():
            make_clip(script, mesh, work, detect=still.detect)
        paths.append(video)
    return paths


def _run(manifest: Manifest, out: Path, options: BatchOptions) -> BatchResult:
    if out.exists():
        import shutil

        shutil.rmtree(out)
    return run_batch(manifest, out, options)


def throughput(clips: list[Path], work: Path, worker_counts: tuple[int, ...] = (1, 2)) -> None:
    manifest = Manifest(work, tuple(ManifestEntry(p.stem, p) for p in clips))
    print(f"\n1. throughput: {len(clips)} clips, 640x360, 25 fps, sampled at 10 per second")
    base = 0.0
    for workers in worker_counts:
        result = _run(manifest, work / f"out_{workers}w", BatchOptions(workers=workers))
        decoded = result.frames_decoded
        sampled = sum(o.frames_analysed for o in result.outcomes)
        rate = decoded / result.wall_s
        base = base or rate
        peak = max(result.worker_peak_rss_mb.values(), default=0.0)
        print(
            f"   {workers} worker{'s' if workers > 1 else ' '}: {result.wall_s:6.1f} s, "
            f"{rate:6.1f} video frames/s, {sampled / result.wall_s:5.1f} sampled frames/s, "
            f"speed-up {rate / base:4.2f}x, peak memory per worker {peak:5.0f} MiB"
        )


def _recall(script: Script, features: pd.DataFrame) -> tuple[pd.DataFrame, float]:
    """Per truth face and sampled frame: found or not; and the share of tracks whose class is
    the script's (by the nearest scripted face to the track's median position)."""
    from annotate.samples.group import truth_faces

    visible = features[features["visible"]]
    rows = []
    for t, part in visible.groupby("t"):
        cx = ((part["x"] + part["w"] / 2) * script.width).to_numpy()
        cy = ((part["y"] + part["h"] / 2) * script.height).to_numpy()
        for face in truth_faces(script, float(t)):
            distance = np.hypot(cx - face.centre_px[0], cy - face.centre_px[1])
            found = bool(distance.size and distance.min() <= 0.5 * face.width_px)
            rows.append((face.role_class, face.width_px, found))
    hits = pd.DataFrame(rows, columns=["kind", "width_px", "found"])
    right = total = 0
    final = truth_faces(script, 0.0)
    for role, part in visible.groupby("role"):
        x = float(np.median(part["x"] + part["w"] / 2)) * script.width
        y = float(np.median(part["y"] + part["h"] / 2)) * script.height
        nearest = min(final, key=lambda f: (f.centre_px[0] - x) ** 2 + (f.centre_px[1] - y) ** 2)
        right += role_class(str(role)) == nearest.role_class
        total += 1
    return hits, right / max(total, 1)


def tracks_per_person(script: Script, features: pd.DataFrame) -> pd.Series:
    """For each scripted face, how many tracks (feature-table tracks) were seen on it: each
    visible row goes to the nearest scripted face within half its width."""
    from annotate.samples.group import truth_faces

    visible = features[features["visible"]]
    seen: dict[str, set[int]] = {}
    for t, part in visible.groupby("t"):
        cx = ((part["x"] + part["w"] / 2) * script.width).to_numpy()
        cy = ((part["y"] + part["h"] / 2) * script.height).to_numpy()
        faces = truth_faces(script, float(t))
        for x, y, track in zip(cx, cy, part["track"].to_numpy(), strict=True):
            nearest = min(
                faces, key=lambda f: (f.centre_px[0] - x) ** 2 + (f.centre_px[1] - y) ** 2
            )
            if (
                np.hypot(nearest.centre_px[0] - x, nearest.centre_px[1] - y)
                <= 0.5 * nearest.width_px
            ):
                seen.setdefault(nearest.role, set()).add(int(track))
    names = [face.role for face in truth_faces(script, 0.0)]
    return pd.Series({name: len(seen.get(name, set())) for name in names}, dtype="int64")


def group(work: Path, seconds: float, pairs: int, mesh: FaceMesh, still: FaceLandmarker) -> None:
    from annotate.samples.group import group_session, make_group_clip

    script = group_session(pairs, seconds, seed=9, fps=25.0)
    video = work / f"{script.name}.mp4"
    if not video.is_file():
        started = time.perf_counter()
        make_group_clip(script, mesh, work, render_fps=2.0, detect=still.detect)
        print(f"   (rendered {video.name} in {time.perf_counter() - started:.0f} s)")
    manifest = Manifest(work, (ManifestEntry(script.name, video, SESSION),))
    out = work / "out_group"
    result = _run(manifest, out, BatchOptions(workers=2, chunk_s=300.0))
    outcome = result.outcomes[0]
    print(
        f"\n2. group recording: {seconds / 60:.1f} min, {pairs} pairs + a facilitator, 1280x720, "
        f"2 samples/s, 2 workers, {outcome.chunks} chunks: {outcome.status} in "
        f"{result.wall_s:.0f} s wall ({result.wall_s / seconds:.2f} s per second of video), "
        f"peak memory per worker {max(result.worker_peak_rss_mb.values(), default=0):.0f} MiB"
    )
    hits, class_share = _recall(script, read_features(out))
    print(f"   faces found (share of faces x sampled frames): all {hits['found'].mean():.1%}")
    for kind in ("adult", "infant"):
        part = hits[hits["kind"] == kind]
        low, high = part["width_px"].min(), part["width_px"].max()
        print(f"     {kind}s: {part['found'].mean():.1%} ({low:.0f}-{high:.0f} px wide)")
    bins = pd.cut(hits["width_px"], [0, 45, 60, 80, 200], labels=["<45", "45-60", "60-80", ">=80"])
    for label, part in hits.groupby(bins, observed=True):
        print(f"     faces {label} px: {part['found'].mean():.1%} of {len(part)}")
    print(f"   tracks whose adult/infant class matches the script: {class_share:.1%}")
    features = read_features(out)
    per_person = tracks_per_person(script, features)
    print(
        f"   tracks: {features['track'].nunique()} for {len(per_person)} faces; per face: "
        f"mean {per_person.mean():.2f}, max {per_person.max()}, faces with more than one "
        f"track {int((per_person > 1).sum())}, faces never tracked {int((per_person == 0).sum())}"
    )
    seconds_table = pd.read_csv(out / "sessions.csv")
    print(
        f"   per second: adults median {seconds_table['adults'].median():.0f} (truth {pairs + 1}), "
        f"infants median {seconds_table['infants'].median():.0f} (truth {pairs}), "
        f"M7 range in {seconds_table['m7'].mean():.0%} of seconds"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=Path("out/bench"))
    parser.add_argument("--clips", type=int, default=4)
    parser.add_argument("--clip-s", type=float, default=45.0)
    parser.add_argument("--group-s", type=float, default=1200.0)
    parser.add_argument("--pairs", type=int, default=12)
    parser.add_argument("--skip-group", action="store_true")
    parser.add_argument("--skip-throughput", action="store_true")
    parser.add_argument("--workers", default="1,2", help="worker counts to compare, e.g. 1,16")
    parser.add_argument(
        "--existing", type=Path, help="use the .mp4 clips in this folder (render nothing)"
    )
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    machine = platform.processor() or platform.machine()
    print(f"machine: {machine}, {os.cpu_count()} cores, {platform.platform()}")
    worker_counts = tuple(int(w) for w in args.workers.split(","))
    if args.existing:
        throughput(sorted(args.existing.glob("*.mp4")), args.work, worker_counts)
        return
    with FaceLandmarker(resolve_face_model(), 1, video=False) as still:
        mesh = astronaut_mesh(still.detect)
        if not args.skip_throughput:
            clips = _clips(args.work, args.clips, args.clip_s, mesh, still)
            throughput(clips, args.work, worker_counts)
        if not args.skip_group:
            group(args.work, args.group_s, args.pairs, mesh, still)


if __name__ == "__main__":
    main()
