"""The work a batch hands out: one function per kind of job, the same on the local process pool
and on a dask.distributed cluster.

- `run_chunk(ChunkJob)`: track the faces of one time chunk of a clip (its own landmarker) and
  keep the result under OUT/.work (atomically);
- `run_finish(FinishJob)`: join a clip's chunks (tracks stitched at the edges), decide roles
  (the dyad heuristic for clips, the group heuristic for sessions), build the feature table,
  episodes and summary, write the clip's outputs (provenance.json last) and drop its chunks.

Jobs take and return small frozen records; the heavy data goes through the output folder, which
workers must therefore see at the same path (a shared file system on a cluster). A problem with
the input (AnnotateError) comes back as a failed JobReport, not as an exception, so that it is
recorded once and not retried; anything else is a bug, raises and stops the batch.
"""

from __future__ import annotations

import contextlib
import os
import queue
import resource
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from annotate.config import FeatureConfig
from annotate.errors import AnnotateError
from annotate.extract.chunks import MediapipeFactory, join_stretches
from annotate.extract.features import (
    ClipFeatures,
    LandmarkerFactory,
    TrackedStretch,
    finish_clip,
    track_faces,
)
from annotate.faces.group_roles import assign_group_roles, group_tracks
from annotate.faces.landmarker import Device
from annotate.faces.roles import RoleAssignment
from annotate.faces.tracking import Track
from annotate.media.video import ClipInfo
from pipelines.cache import chunk_file, load_chunk, save_chunk
from pipelines.manifest import SESSION, ManifestEntry

CHUNK, FINISH = "chunk", "finish"
_PROGRESS_EVERY_S = 0.25
_progress: Any = None  # a queue of (clip_id, chunk index, frames done, frames expected), per worker


def init_worker(progress: Any = None) -> None:
    """Set up a worker (annotate.workers' pool runs it as each worker starts; the inline pool in
    this process): where chunk progress goes."""
    global _progress
    _progress = progress


@dataclass(frozen=True)
class ClipPlan:
    """Everything a worker needs to know about one clip to compute.

    Attributes:
        entry: the manifest's row.
        info: the probed clip (sha256 included).
        config: the feature settings for this clip's kind.
        chunks: (start, end) of each time chunk in seconds (end None: to the clip's end).
        out_dir: the clip's output folder.
        work_dir: where its finished chunks are kept until it is finished.
        key: ties kept chunks to the video, the config and the model.
        model_path: the face model (resolved again on a worker that lacks it).
        model_sha256: recorded in provenance.json.
        device: cpu or gpu.
    """

    entry: ManifestEntry
    info: ClipInfo
    config: FeatureConfig
    chunks: tuple[tuple[float, float | None], ...]
    out_dir: Path
    work_dir: Path
    key: str
    model_path: Path
    model_sha256: str
    device: Device = "cpu"

    def chunk_path(self, index: int) -> Path:
        start, end = self.chunks[index]
        return chunk_file(self.work_dir, self.key, start, end)


@dataclass(frozen=True)
class ChunkJob:
    """Track one time chunk of a clip. `factory` None: MediaPipe with the plan's model."""

    plan: ClipPlan
    index: int
    factory: LandmarkerFactory | None = None
    attempt: int = 1

    @property
    def name(self) -> str:
        return f"{self.plan.entry.clip_id}: chunk {self.index + 1} of {len(self.plan.chunks)}"


@dataclass(frozen=True)
class FinishJob:
    """Join a clip's kept chunks, finish and write it."""

    plan: ClipPlan
    attempt: int = 1

    @property
    def name(self) -> str:
        return f"{self.plan.entry.clip_id}: finish"


Job = ChunkJob | FinishJob


@dataclass(frozen=True)
class JobReport:
    """What a job did, as the runner and the batch report need it.

    Attributes:
        clip_id: the clip.
        stage: "chunk" or "finish".
        index: the chunk's index (-1 for finish).
        ok: whether it succeeded; if not, error_kind and message say why.
        frames_decoded: video frames decoded (chunk).
        frames_analysed: sampled frames in the clip's table (finish).
        elapsed_s: the job's wall time in seconds.
        peak_rss_mb: the worker process's peak resident memory so far, in MiB.
        pid: the worker process.
        warnings: the clip's warnings (finish).
    """

    clip_id: str
    stage: str
    index: int
    ok: bool
    frames_decoded: int = 0
    frames_analysed: int = 0
    elapsed_s: float = 0.0
    peak_rss_mb: float = 0.0
    pid: int = 0
    error_kind: str = ""
    message: str = ""
    warnings: tuple[str, ...] = ()


def peak_rss_mb() -> float:
    """This process's peak resident memory in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _report(job: Job, started: float, ok: bool = True, **values: Any) -> JobReport:
    return JobReport(
        clip_id=job.plan.entry.clip_id,
        stage=CHUNK if isinstance(job, ChunkJob) else FINISH,
        index=job.index if isinstance(job, ChunkJob) else -1,
        ok=ok,
        elapsed_s=round(time.perf_counter() - started, 3),
        peak_rss_mb=round(peak_rss_mb(), 1),
        pid=os.getpid(),
        **values,
    )


def _failed(job: Job, started: float, exc: AnnotateError) -> JobReport:
    return _report(job, started, ok=False, error_kind=type(exc).__name__, message=str(exc))


def _factory(job: ChunkJob) -> LandmarkerFactory:
    if job.factory is not None:
        return job.factory
    model = job.plan.model_path
    if not model.is_file():  # a cluster worker on another machine: its own verified copy
        from annotate.models import resolve_face_model

        model = resolve_face_model()
    return MediapipeFactory(model, job.plan.device)


def _progress_hook(job: ChunkJob) -> Any:
    target = _progress
    if target is None:
        return None
    last = [0.0]
    clip_id = job.plan.entry.clip_id

    def hook(done: int, total: int) -> None:
        now = time.monotonic()
        if now - last[0] >= _PROGRESS_EVERY_S:
            last[0] = now
            with contextlib.suppress(queue.Full):  # progress is a nicety, never worth a wait
                target.put_nowait((clip_id, job.index, done, total))

    return hook


def run_chunk(job: ChunkJob) -> JobReport:
    """Track one chunk and keep it under the plan's work folder (see the module docstring)."""
    started = time.perf_counter()
    plan = job.plan
    start, end = plan.chunks[job.index]
    try:
        stretch = track_faces(
            plan.info,
            plan.config,
            _factory(job),
            start_s=start,
            end_s=end,
            progress=_progress_hook(job),
        )
        save_chunk(plan.chunk_path(job.index), stretch)
    except AnnotateError as exc:
        return _failed(job, started, exc)
    return _report(job, started, frames_decoded=stretch.frames_decoded)


def join_chunks(plan: ClipPlan, stretches: list[TrackedStretch]) -> TrackedStretch:
    """One stretch over the whole clip from its chunks, in time order (tracks stitched by
    annotate.extract.chunks.join_stretches, the stitch `annotate extract` uses too)."""
    return join_stretches(stretches, plan.config, (plan.info.width, plan.info.height))


def finish_features(
    entry: ManifestEntry, info: ClipInfo, config: FeatureConfig, stretch: TrackedStretch
) -> ClipFeatures:
    """A clip's features from its tracked faces: finish_clip, with the group role heuristic
    (annotate.faces.group_roles) for sessions."""
    if entry.kind != SESSION:
        return finish_clip(info, config, stretch)
    return finish_clip(info, config, stretch, role_heuristic=group_roles)


def group_roles(tracks: Sequence[Track], frame_size: tuple[int, int]) -> dict[int, RoleAssignment]:
    """The group sessions' heuristic (annotate.faces.group_roles): adult_NN / infant_NN."""
    return assign_group_roles(group_tracks(tracks, frame_size))


def run_finish(job: FinishJob) -> JobReport:
    """Join, finish and write one clip, then drop its kept chunks."""
    from annotate.extract.sound import with_sound
    from annotate.extract.writer import write_clip_outputs

    started = time.perf_counter()
    plan = job.plan
    try:
        stretches = [load_chunk(plan.chunk_path(k)) for k in range(len(plan.chunks))]
        features = finish_features(plan.entry, plan.info, plan.config, join_chunks(plan, stretches))
        features = with_sound(features)
        write_clip_outputs(features, plan.out_dir, model_sha256=plan.model_sha256, force=True)
    except AnnotateError as exc:
        return _failed(job, started, exc)
    for k in range(len(plan.chunks)):
        plan.chunk_path(k).unlink(missing_ok=True)
    if plan.work_dir.is_dir() and not any(plan.work_dir.iterdir()):
        plan.work_dir.rmdir()
    return _report(
        job,
        started,
        frames_decoded=features.frames_decoded,
        frames_analysed=features.summary.frames_analysed,
        warnings=tuple(features.warnings),
    )


def run_job(job: Job) -> JobReport:
    """Run either kind of job (what the pools submit)."""
    if isinstance(job, ChunkJob):
        return run_chunk(job)
    return run_finish(job)
