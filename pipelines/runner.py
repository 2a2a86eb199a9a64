"""A batch from start to end: plan every clip, run what is not done yet, build the dataset.

`run_batch` is the library call behind `annotate batch`:

1. Lock the output folder (a second batch on it, or on workers of a killed one, is refused;
   workers end with the batch, annotate.workers) and clear what a killed run left
   half-written.
2. Probe every clip (a missing or unreadable one is recorded and the rest goes on), take its
   sha256 (remembered by size and time, annotate.io.file_hash) and its settings (by kind); a clip
   whose folder holds a finished result for this video, config and model is not computed again.
3. Cut each clip to compute into time chunks (`chunk_s`, edges on the sampling grid); chunks
   kept by an interrupted run are not tracked again. Chunks go to the pool; when a clip's chunks
   are all done, its finish job (stitch, roles, table, outputs) goes ahead of further chunks.
4. Build the dataset and the reports (pipelines.dataset).

Progress goes through hooks (frames across the batch, and each clip's outcome), never print.
A clip's AnnotateError (OpenCV's, PyAV's, MediaPipe's and the file system's errors are translated
into these where the library calls them) is recorded in errors.csv and the batch goes on; any
other exception is a bug in this code and stops the batch with its traceback (what is finished
stays finished; the next run resumes).
"""

from __future__ import annotations

import shutil
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from annotate.config import FeatureConfig, load_feature_config
from annotate.errors import AnnotateError, WorkerDiedError
from annotate.extract.chunks import MIN_CHUNK_S, plan_chunks
from annotate.extract.features import LandmarkerFactory
from annotate.extract.folder import SUMMARY_JSON
from annotate.extract.summary import ClipSummary
from annotate.io.file_hash import HashCache
from annotate.media.video import ClipInfo, probe
from annotate.models import FACE_MODEL_SHA256, extraction_models, resolve_face_model
from pipelines.cache import (
    CLIPS_DIR,
    WORK_DIR,
    WORKER_LOCK_NAME,
    batch_lock,
    clean_leftovers,
    result_key,
    result_state,
)
from pipelines.jobs import ChunkJob, ClipPlan, FinishJob, Job, JobReport
from pipelines.manifest import Manifest, ManifestEntry
from pipelines.pools import Pool, open_pool
from pipelines.records import (
    CACHED,
    COMPUTED,
    ERROR,
    MAX_ATTEMPTS,
    BatchHooks,
    BatchOptions,
    BatchResult,
    ClipOutcome,
    check_options,
    clip_config,
)


class _Progress:
    """Frames done across the batch, from chunk reports and finished jobs."""

    def __init__(self, hook: Callable[[int, int], None] | None) -> None:
        self.hook = hook
        self.total = 0
        self.done: dict[tuple[str, int], int] = {}
        self.final: set[tuple[str, int]] = set()  # chunks done: later reports are stale
        self.clip_total: dict[str, int] = {}

    def add_clip(self, clip_id: str, frames: int) -> None:
        self.clip_total[clip_id] = frames
        self.total += frames

    def set(self, clip_id: str, index: int, frames: int, final: bool = False) -> None:
        if (clip_id, index) in self.final:
            return
        self.done[(clip_id, index)] = frames
        if final:
            self.final.add((clip_id, index))

    def finish_clip(self, clip_id: str) -> None:
        for key in [k for k in self.done if k[0] == clip_id]:
            del self.done[key]
            self.final.add(key)
        self.done[(clip_id, -1)] = self.clip_total.get(clip_id, 0)

    def show(self) -> None:
        if self.hook is not None:
            self.hook(min(sum(self.done.values()), self.total), self.total)


@dataclass
class _ClipRun:
    """A clip being computed: its plan, its chunks still to do, what its jobs reported."""

    plan: ClipPlan
    missing: set[int]
    reports: list[JobReport] = field(default_factory=list)
    failed: bool = False


def _plan_entry(
    entry: ManifestEntry,
    info: ClipInfo,
    config: FeatureConfig,
    out: Path,
    options: BatchOptions,
    model: Path,
) -> ClipPlan:
    chunk_s = max(options.chunk_s, 1.0)
    chunks = plan_chunks(
        info, config.sampling.fps, 1, chunk_s=chunk_s, min_chunk_s=min(MIN_CHUNK_S, chunk_s)
    )
    return ClipPlan(
        entry=entry,
        info=info,
        config=config,
        chunks=tuple(chunks),
        out_dir=out / CLIPS_DIR / entry.clip_id,
        work_dir=out / WORK_DIR / entry.clip_id,
        key=result_key(info.sha256, config.digest(), _models_of(config)),
        model_path=model,
        model_sha256=FACE_MODEL_SHA256,
        device=options.device,
    )


def _models_of(config: FeatureConfig) -> dict[str, str]:
    """Every model file this clip's extraction uses, name -> sha256 (the cache key holds it)."""
    return extraction_models(FACE_MODEL_SHA256, config.search.second_look)


class _Batch:
    """One run's state: the plans, the pool, the outcomes."""

    def __init__(
        self,
        manifest: Manifest,
        out: Path,
        options: BatchOptions,
        hooks: BatchHooks,
        factory: LandmarkerFactory | None,
    ) -> None:
        self.manifest, self.out, self.options, self.hooks = manifest, out, options, hooks
        self.factory = factory
        self.outcomes: dict[str, ClipOutcome] = {}
        self.runs: dict[str, _ClipRun] = {}
        self.progress = _Progress(hooks.frames)
        self.peaks: dict[int, float] = {}

    def _record(self, outcome: ClipOutcome) -> None:
        self.outcomes[outcome.clip_id] = outcome
        if self.hooks.clip is not None:
            self.hooks.clip(outcome)

    def _note(self, text: str) -> None:
        if self.hooks.note is not None:
            self.hooks.note(text)

    # -- planning --------------------------------------------------------------------------
    def plan(self) -> None:
        """Probe, hash and plan every clip; record errors and cached results at once."""
        base = load_feature_config(self.options.config_path)
        model = resolve_face_model() if self.factory is None else Path("unused-by-fakes")
        hashes = HashCache()
        for entry in self.manifest.entries:
            try:
                config = clip_config(base, entry, self.options)
                info = probe(entry.path, hashes=hashes)
            except AnnotateError as exc:  # the library names the file (VideoError, ConfigError)
                outcome = ClipOutcome(
                    entry, ERROR, stage="probe", error_kind=type(exc).__name__, message=str(exc)
                )
                self._record(outcome)
                continue
            plan = _plan_entry(entry, info, config, self.out, self.options, model)
            state = result_state(plan.out_dir, info.sha256, config.digest(), _models_of(config))
            if state == "finished" and not self.options.force:
                self._record(
                    ClipOutcome(entry, CACHED, chunks=len(plan.chunks), **_cached_figures(plan))
                )
                continue
            if self.options.force and plan.work_dir.exists():
                shutil.rmtree(plan.work_dir)
            _drop_other_chunks(plan)
            missing = {k for k in range(len(plan.chunks)) if not plan.chunk_path(k).is_file()}
            self.runs[entry.clip_id] = _ClipRun(plan, missing)
            self.progress.add_clip(entry.clip_id, info.frame_count)
            for k in set(range(len(plan.chunks))) - missing:
                start, end = plan.chunks[k]
                frames = round(((end or info.duration_s) - start) * info.fps)
                self.progress.set(entry.clip_id, k, frames, final=True)
        hashes.save()

    # -- running ---------------------------------------------------------------------------
    def _first_jobs(self) -> deque[Job]:
        ready: deque[Job] = deque()
        for run in self.runs.values():
            if not run.missing:
                ready.appendleft(FinishJob(run.plan))
            for index in sorted(run.missing):
                ready.append(ChunkJob(run.plan, index, self.factory))
        return ready

    def execute(self, pool: Pool) -> None:
        """Feed the pool (finish jobs first) until every clip is computed or failed."""
        ready = self._first_jobs()
        running: dict[Any, Job] = {}
        capacity = pool.slots + 1  # one waiting per pool, so no worker idles between jobs
        self.progress.show()
        while ready or running:
            while ready and len(running) < capacity:
                job = ready.popleft()
                if not self.runs[job.plan.entry.clip_id].failed:
                    running[pool.submit(job)] = job
            done = pool.wait(running, 0.25) if running else set()
            for clip_id, index, frames, _ in pool.progress():
                self.progress.set(clip_id, index, frames)
            for future in done:
                job = running.pop(future)
                try:
                    report = pool.result(future)
                except WorkerDiedError as exc:
                    self._retry_all(pool, job, running, ready, str(exc))
                    break
                except AnnotateError as exc:  # (jobs mostly report their own); anything else: a bug
                    self._fail(job, _report_of(job, exc))
                    continue
                self._take(report, ready)
            self.progress.show()

    def _retry_all(
        self, pool: Pool, job: Job, running: dict[Any, Job], ready: deque[Job], why: str
    ) -> None:
        """A worker died: a local pool is broken as a whole, so every running job goes again
        (a job that kills its worker MAX_ATTEMPTS times is recorded as an error)."""
        again = [job, *running.values()]
        running.clear()
        pool.restart()
        for lost in reversed(again):
            if lost.attempt >= MAX_ATTEMPTS:
                report = _report_of(
                    lost, WorkerDiedError(f"{why}; gave up after {lost.attempt} tries")
                )
                self._fail(lost, report)
                continue
            self._note(f"{lost.name}: {why}; trying again")
            ready.appendleft(replace(lost, attempt=lost.attempt + 1))

    def _take(self, report: JobReport, ready: deque[Job]) -> None:
        run = self.runs[report.clip_id]
        if report.pid:
            self.peaks[report.pid] = max(self.peaks.get(report.pid, 0.0), report.peak_rss_mb)
        if not report.ok:
            self._fail_run(run, report)
            return
        run.reports.append(report)
        if run.failed:
            return
        if report.stage == "chunk":
            run.missing.discard(report.index)
            self.progress.set(report.clip_id, report.index, report.frames_decoded, final=True)
            if not run.missing:
                ready.appendleft(FinishJob(run.plan))
            return
        self.progress.finish_clip(report.clip_id)
        self._record(
            ClipOutcome(
                run.plan.entry,
                COMPUTED,
                frames_decoded=sum(r.frames_decoded for r in run.reports if r.stage == "chunk"),
                frames_analysed=report.frames_analysed,
                compute_s=round(sum(r.elapsed_s for r in run.reports), 3),
                chunks=len(run.plan.chunks),
                peak_rss_mb=max(r.peak_rss_mb for r in run.reports),
                warnings=report.warnings,
            )
        )

    def _fail(self, job: Job, report: JobReport) -> None:
        self._fail_run(self.runs[job.plan.entry.clip_id], report)

    def _fail_run(self, run: _ClipRun, report: JobReport) -> None:
        if run.failed:
            return
        run.failed = True
        self.progress.finish_clip(report.clip_id)
        self._record(
            ClipOutcome(
                run.plan.entry,
                ERROR,
                frames_decoded=sum(r.frames_decoded for r in run.reports),
                chunks=len(run.plan.chunks),
                stage=report.stage,
                error_kind=report.error_kind,
                message=report.message,
            )
        )

    def ordered_outcomes(self) -> tuple[ClipOutcome, ...]:
        return tuple(
            self.outcomes[e.clip_id] for e in self.manifest.entries if e.clip_id in self.outcomes
        )


def _drop_other_chunks(plan: ClipPlan) -> None:
    """Kept chunks of another video, config or chunk length than this plan's are of no use."""
    if not plan.work_dir.is_dir():
        return
    wanted = {plan.chunk_path(k) for k in range(len(plan.chunks))}
    for kept in plan.work_dir.glob("chunk-*.pkl"):
        if kept not in wanted:
            kept.unlink()


def _report_of(job: Job, exc: BaseException) -> JobReport:
    stage = "chunk" if isinstance(job, ChunkJob) else "finish"
    if isinstance(exc, WorkerDiedError):
        stage = "worker"
    return JobReport(
        clip_id=job.plan.entry.clip_id,
        stage=stage,
        index=job.index if isinstance(job, ChunkJob) else -1,
        ok=False,
        error_kind=type(exc).__name__,
        message=f"{job.plan.entry.path}: {exc}",
    )


def _cached_figures(plan: ClipPlan) -> dict[str, Any]:
    summary = ClipSummary.from_json(plan.out_dir / SUMMARY_JSON)
    return {"frames_analysed": summary.frames_analysed}


def run_batch(
    manifest: Manifest,
    out: Path,
    options: BatchOptions | None = None,
    *,
    hooks: BatchHooks | None = None,
    factory: LandmarkerFactory | None = None,
) -> BatchResult:
    """Run a batch into `out` (see the module docstring) and build its dataset.

    Args:
        manifest: the clips (pipelines.manifest).
        out: the output folder.
        options: workers, chunk length, scheduler, settings.
        hooks: progress and per-clip outcomes.
        factory: a picklable landmarker factory (tests); None: MediaPipe with the verified
            face model.

    Worker processes are spawned: a script that calls this must guard its top level with
    `if __name__ == "__main__":` (as any multiprocessing program must).

    Raises:
        OutputError: another batch holds `out`.
        ConfigError: bad settings, or the scheduler cannot be reached.
        ModelError: no face model.
        KeyboardInterrupt: after stopping the workers; what is finished stays finished.
    """
    from pipelines.dataset import build_dataset

    options = options or BatchOptions()
    hooks = hooks or BatchHooks()
    check_options(options)
    started = time.perf_counter()
    out = out.resolve()
    with batch_lock(out):
        clean_leftovers(out)
        batch = _Batch(manifest, out, options, hooks, factory)
        batch.plan()
        pool_name = "nothing to compute"
        if batch.runs:
            pool = open_pool(options.workers, options.scheduler, out / WORKER_LOCK_NAME)
            pool_name = pool.description
            try:
                batch.execute(pool)
            except BaseException:
                pool.close(cancel=True)
                raise
            pool.close()
        outcomes = batch.ordered_outcomes()
        wall_s = round(time.perf_counter() - started, 3)
        files = build_dataset(out, manifest, outcomes, options, wall_s, pool_name)
    return BatchResult(out, outcomes, wall_s, pool_name, dict(batch.peaks), files)
