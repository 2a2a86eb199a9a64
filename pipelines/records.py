"""A batch's options and what it reports: per clip (ClipOutcome), as it runs (BatchHooks), and
at the end (BatchResult); the settings each kind of clip gets."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from annotate.config import FeatureConfig
from annotate.errors import ConfigError
from annotate.faces.landmarker import Device
from annotate.workers import MAX_TRIES
from pipelines.manifest import SESSION, ManifestEntry

SESSION_FPS = 2.0
SESSION_MAX_FACES = 40
DEFAULT_CHUNK_S = 300.0
MAX_ATTEMPTS = MAX_TRIES  # a job whose worker dies this many times is recorded as an error
COMPUTED, CACHED, ERROR = "computed", "cached", "error"


def default_workers() -> int:
    """The cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class BatchOptions:
    """How a batch runs (the command line's options).

    Attributes:
        workers: local worker processes (1: this process).
        chunk_s: length of the time chunks a long clip is cut into, in seconds.
        scheduler: a dask.distributed scheduler's address (tcp://HOST:PORT), or None.
        fps: samples per second for every clip ("all", a number as text), or None for the
            kind's default (clip: configs/features.yaml; session: 2).
        max_faces: faces per frame for every clip, or None for the kind's default (clip:
            configs/features.yaml; session: 40).
        force: compute every clip again.
        config_path: a features.yaml to use instead of configs/features.yaml.
        device: cpu or gpu.
    """

    workers: int = field(default_factory=default_workers)
    chunk_s: float = DEFAULT_CHUNK_S
    scheduler: str | None = None
    fps: str | None = None
    max_faces: int | None = None
    force: bool = False
    config_path: Path | None = None
    device: Device = "cpu"


@dataclass(frozen=True)
class ClipOutcome:
    """What became of one clip in this run.

    Attributes:
        entry: the manifest's row.
        status: "computed", "cached" (a finished result existed) or "error".
        frames_decoded: video frames decoded in this run.
        frames_analysed: sampled frames in the clip's table.
        compute_s: seconds of worker time spent on it in this run (chunks and finish).
        chunks: how many time chunks it was cut into.
        peak_rss_mb: the largest peak memory of a worker that ran one of its jobs, MiB.
        stage: where it failed (probe, chunk, finish, worker).
        error_kind, message: the error, for errors.csv.
        warnings: the clip's warnings.
    """

    entry: ManifestEntry
    status: str
    frames_decoded: int = 0
    frames_analysed: int = 0
    compute_s: float = 0.0
    chunks: int = 0
    peak_rss_mb: float = 0.0
    stage: str = ""
    error_kind: str = ""
    message: str = ""
    warnings: tuple[str, ...] = ()

    @property
    def clip_id(self) -> str:
        return self.entry.clip_id


@dataclass(frozen=True)
class BatchHooks:
    """Where a batch reports while it runs (the CLI draws; tests record).

    Attributes:
        frames: called with (frames done, frames to do) across the clips computed this run.
        clip: called once per clip when its outcome is known.
        note: called with a line worth telling (a worker died, a retry).
    """

    frames: Callable[[int, int], None] | None = None
    clip: Callable[[ClipOutcome], None] | None = None
    note: Callable[[str], None] | None = None


@dataclass(frozen=True)
class BatchResult:
    """What a batch did and where its outputs are.

    Attributes:
        out: the output folder.
        outcomes: one per manifest row, in the manifest's order.
        wall_s: the run's wall time, in seconds.
        pool: where the jobs ran.
        worker_peak_rss_mb: each worker process's peak resident memory (MiB), by process id.
        files: the dataset's files, by name (pipelines.dataset).
    """

    out: Path
    outcomes: tuple[ClipOutcome, ...]
    wall_s: float
    pool: str
    worker_peak_rss_mb: dict[int, float]
    files: dict[str, Path]

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def frames_decoded(self) -> int:
        return sum(o.frames_decoded for o in self.outcomes)


def clip_config(base: FeatureConfig, entry: ManifestEntry, options: BatchOptions) -> FeatureConfig:
    """A clip's settings: the kind's defaults, then the command line's, then the manifest row's."""
    config = base
    if entry.kind == SESSION:
        config = config.with_overrides(fps=SESSION_FPS, max_faces=SESSION_MAX_FACES)
    config = config.with_overrides(fps=options.fps or "keep", max_faces=options.max_faces)
    return config.with_overrides(fps=entry.fps or "keep", max_faces=entry.max_faces)


def check_options(options: BatchOptions) -> None:
    """Refuse bad options before any work.

    Raises:
        ConfigError: naming the option, its value and what is allowed.
    """
    if options.chunk_s <= 0:
        raise ConfigError(f"--chunk-s must be above 0, got {options.chunk_s}")
    if options.workers < 1 and not options.scheduler:
        raise ConfigError(f"--workers must be 1 or more, got {options.workers}")
    FeatureConfig().with_overrides(fps=options.fps or "keep", max_faces=options.max_faces)
