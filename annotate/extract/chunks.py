"""One clip on several cores: time chunks tracked in separate processes, stitched, finished.

The processes are annotate.workers' pool (the batch's too): they end with this process, even by
kill -9. Each chunk has its own landmarker in its own process (MediaPipe's VIDEO mode keeps
state and is not shared); chunk edges sit half a frame before a sampling grid time, so chunked
and unchunked runs sample the same frames; tracks are joined at the edges
(annotate.faces.stitching).
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from annotate.config import FeatureConfig
from annotate.errors import WorkerDiedError
from annotate.extract.features import (
    ClipFeatures,
    FaceSource,
    LandmarkerFactory,
    TrackedStretch,
    finish_clip,
    mediapipe_factory,
    track_faces,
)
from annotate.faces.landmarker import Device
from annotate.faces.stitching import stitch_tracks
from annotate.media.video import ClipInfo, ProgressHook
from annotate.workers import MAX_TRIES, WorkerPool

MIN_CHUNK_S = 20.0  # shorter chunks spend more on start-up than they save


@dataclass(frozen=True)
class MediapipeFactory:
    """A picklable landmarker factory (what worker processes receive)."""

    model_path: Path
    device: Device = "cpu"

    def __call__(self, config: FeatureConfig) -> FaceSource:
        return mediapipe_factory(self.model_path, self.device)(config)


def plan_chunks(
    info: ClipInfo,
    sample_fps: float | None,
    parts: int,
    chunk_s: float | None = None,
    min_chunk_s: float = MIN_CHUNK_S,
) -> list[tuple[float, float | None]]:
    """Cut a clip into time chunks: `parts` equal ones, or chunks of about `chunk_s` seconds.

    Edges sit half a frame before a sampling grid time (or before a frame, at every-frame
    sampling), so each sampled frame falls in exactly one chunk, the one it would be sampled in
    by an unchunked run. The last chunk is open-ended.
    """
    duration = info.duration_s
    count = max(1, math.ceil(duration / chunk_s)) if chunk_s else max(1, parts)
    count = min(count, max(1, int(duration // min_chunk_s)))
    if count == 1:
        return [(0.0, None)]
    step = 1.0 / sample_fps if sample_fps and sample_fps < info.fps else 1.0 / info.fps
    half_frame = 0.5 / info.fps
    edges = [round(duration * k / count / step) * step - half_frame for k in range(1, count)]
    starts = [0.0, *edges]
    ends: list[float | None] = [*edges, None]
    return list(zip(starts, ends, strict=True))


_updates: Any = None  # in a worker: the pool's queue of (chunk index, frames done, frames expected)


def _take_updates(updates: Any) -> None:
    """A worker's setup (annotate.workers): where its chunks' progress goes."""
    global _updates
    _updates = updates


def _track_chunk(
    info: ClipInfo,
    config: FeatureConfig,
    factory: LandmarkerFactory,
    start_s: float,
    end_s: float | None,
    index: int,
) -> TrackedStretch:
    last = [0.0]

    def report(done: int, total: int) -> None:
        now = time.monotonic()
        if _updates is not None and (now - last[0] > 0.2 or done >= total):
            last[0] = now
            _updates.put((index, done, total))

    return track_faces(info, config, factory, start_s=start_s, end_s=end_s, progress=report)


def extract_clip_parallel(
    info: ClipInfo,
    config: FeatureConfig,
    factory: LandmarkerFactory,
    *,
    workers: int = 2,
    chunk_s: float | None = None,
    min_chunk_s: float = MIN_CHUNK_S,
    role_overrides: dict[int, str] | None = None,
    progress: ProgressHook | None = None,
) -> ClipFeatures:
    """Extract one clip's features with `workers` processes over time chunks.

    `info` is the clip probed once by the caller (annotate.media.video.probe); the chunks' processes
    receive it and never probe again. The factory must be picklable (MediapipeFactory). With one
    chunk (a short clip, or one worker) the work runs in this process. The workers are
    annotate.workers' pool, the batch's too: they end with this process (even by kill -9), and
    the chunks of a worker that died are tracked again (up to MAX_TRIES times).

    Raises:
        WorkerDiedError: a chunk's worker died MAX_TRIES times.
    """
    chunks = plan_chunks(info, config.sampling.fps, workers, chunk_s, min_chunk_s)
    if len(chunks) == 1 or workers <= 1:
        from annotate.extract.features import extract_clip

        return extract_clip(info, config, factory, role_overrides=role_overrides, progress=progress)
    started = time.perf_counter()
    with WorkerPool(min(workers, len(chunks)), setup=_take_updates) as pool:
        stretches = _track_chunks(pool, info, config, factory, chunks, progress or _ignore)
    whole = join_stretches(
        stretches, config, (info.width, info.height), time.perf_counter() - started
    )
    return finish_clip(info, config, whole, role_overrides)


def _track_chunks(
    pool: WorkerPool,
    info: ClipInfo,
    config: FeatureConfig,
    factory: LandmarkerFactory,
    chunks: Sequence[tuple[float, float | None]],
    progress: ProgressHook,
) -> list[TrackedStretch]:
    """Every chunk tracked on the pool, in time order; a dead worker's pool is started again and
    the chunks not yet done go again."""
    done: dict[int, TrackedStretch] = {}
    frames, totals = [0] * len(chunks), [0] * len(chunks)
    tries = 1
    while len(done) < len(chunks):
        running = {
            pool.submit(_track_chunk, info, config, factory, start, end, k): k
            for k, (start, end) in enumerate(chunks)
            if k not in done
        }
        try:
            while running:
                for future in pool.wait(running, 0.2):
                    done[running.pop(future)] = pool.result(future)
                updates = pool.drain()
                for index, count, total in updates:
                    frames[index], totals[index] = count, total
                if updates:
                    progress(sum(frames), sum(totals))
        except WorkerDiedError as exc:
            if tries >= MAX_TRIES:
                raise WorkerDiedError(f"{exc}; gave up after {tries} tries", info.path) from None
            tries += 1
            pool.restart()
    return [done[k] for k in range(len(chunks))]


def join_stretches(
    stretches: Sequence[TrackedStretch],
    config: FeatureConfig,
    frame_size: tuple[int, int],
    elapsed_s: float | None = None,
) -> TrackedStretch:
    """One stretch over the whole clip from its time chunks, in time order: tracks stitched at
    the edges (annotate.faces.stitching), samples and head marks concatenated, frames summed.

    The one stitch of the project: `extract_clip_parallel` here and the batch's finish job
    (pipelines.jobs) both use it.

    Args:
        stretches: the chunks' tracked stretches, in time order.
        config: the clip's feature settings (tracking, faces per frame).
        frame_size: (width, height) of the clip's upright frames.
        elapsed_s: the time the whole took (default: the chunks' times summed).
    """
    if len(stretches) == 1:
        only = stretches[0]
        return only if elapsed_s is None else dataclasses.replace(only, elapsed_s=elapsed_s)
    tracks = stitch_tracks(
        [s.tracks for s in stretches], config.tracking, config.faces.max_faces, frame_size
    )
    return TrackedStretch(
        start_s=0.0,
        end_s=None,
        samples=[sample for part in stretches for sample in part.samples],
        tracks=tracks,
        frames_decoded=sum(s.frames_decoded for s in stretches),
        device=stretches[0].device,
        elapsed_s=sum(s.elapsed_s for s in stretches) if elapsed_s is None else elapsed_s,
        heads=[mark for part in stretches for mark in part.heads],
    )


def _ignore(done: int, total: int) -> None:
    return None
