"""What a batch keeps between runs, and the lock that keeps two batches apart.

The output folder of a batch:

    OUT/.batch.lock                 held (fcntl) by the batch running on OUT
    OUT/.batch.workers.lock         held (shared) by that batch and each of its local workers
    OUT/.work/<clip>/chunk-*.pkl    finished time chunks of a clip not finished yet
    OUT/clips/<clip>/               the clip's outputs (annotate extract's), provenance.json last

A clip's result is finished when its provenance.json exists and names the video's sha256, the
config hash and the model's sha256 of this run: nothing else is taken as done. Every file here
is written under a temporary name and renamed into place when complete (a rename is atomic), so
a run killed at any moment leaves either the old file or the new one, never half of one.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import pickle
import shutil
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Literal

from annotate.errors import OutputError
from annotate.extract.features import TrackedStretch
from annotate.extract.folder import PROVENANCE_JSON
from annotate.io.atomic import write_bytes

LOCK_NAME = ".batch.lock"
WORKER_LOCK_NAME = ".batch.workers.lock"
WORKER_GRACE_S = 3.0  # how long a new batch waits for the workers of a killed one to end
WORK_DIR = ".work"
CLIPS_DIR = "clips"

ResultState = Literal["finished", "stale", "missing"]
_UMASK = os.umask(0)
os.umask(_UMASK)


@contextmanager
def batch_lock(out: Path, worker_grace_s: float = WORKER_GRACE_S) -> Iterator[Path]:
    """Hold OUT/.batch.lock for the block: a second batch on the same folder is refused, and so
    is a batch while workers of an earlier one still live.

    The locks are the operating system's (flock), so they are released when the processes end in
    any way (kill -9 included), and a batch that died leaves nothing to clean up by hand. The
    batch's own lock ends with the batch; OUT/.batch.workers.lock is held shared by the batch and
    by each of its local workers (annotate.workers), so it is free only once none of them lives;
    a batch started right after one was killed waits up to `worker_grace_s` for its workers to end
    (they end with their batch within a fraction of a second).

    Raises:
        OutputError: another batch holds the folder, or workers of one still run.
    """
    out.mkdir(parents=True, exist_ok=True)
    path = out / LOCK_NAME
    handle = path.open("a+")
    workers: int | None = None
    try:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            raise OutputError(
                f"another batch is running on this folder (process {holder}); wait for it to "
                "end, or use another --out",
                out,
            ) from None
        workers = _take_worker_lock(out, worker_grace_s)
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        yield path
    finally:
        if workers is not None:
            os.close(workers)
        handle.close()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _take_worker_lock(out: Path, grace_s: float) -> int:
    """The worker lock, checked free (no worker of an earlier batch lives, waiting up to
    `grace_s` for them to end), then held shared (this batch's workers share it); returns its
    descriptor."""
    path = out / WORKER_LOCK_NAME
    handle = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o666)
    deadline = time.monotonic() + grace_s
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            if time.monotonic() < deadline:
                time.sleep(0.05)
                continue
        noted = path.read_text(encoding="utf-8", errors="replace").split()
        living = [p for p in noted if p.isdigit() and _alive(int(p))]
        os.close(handle)
        raise OutputError(
            "worker processes of an earlier batch on this folder are still running "
            f"(processes {', '.join(living) or 'unknown'}); wait for them to end, or use "
            "another --out",
            out,
        )
    os.ftruncate(handle, 0)
    fcntl.flock(handle, fcntl.LOCK_SH)  # shared from now on: this batch's workers join it
    return handle


def result_key(video_sha256: str, config_hash: str, models: Mapping[str, str]) -> str:
    """16 hex digits naming one (video, config, models): the key of kept chunks and partitions.

    `models` is every model file the extraction used, name -> sha256
    (annotate.models.extraction_models): a changed second-look model changes the key too.
    """
    used = ":".join(f"{name}={sha}" for name, sha in sorted(models.items()))
    blob = f"{video_sha256}:{config_hash}:{used}".encode()
    return hashlib.sha256(blob).hexdigest()[:16]


def result_state(
    out_dir: Path, video_sha256: str, config_hash: str, models: Mapping[str, str]
) -> ResultState:
    """Whether a clip folder holds this run's finished result, another one, or none (a
    provenance.json that does not list the models used, from before they were recorded, is
    another)."""
    provenance = out_dir / PROVENANCE_JSON
    if not provenance.is_file():
        return "missing"
    try:
        facts = json.loads(provenance.read_text(encoding="utf-8"))
        same = (
            facts["video"]["sha256"] == video_sha256
            and facts["config_hash"] == config_hash
            and facts["models"] == dict(models)
        )
    except (json.JSONDecodeError, UnicodeDecodeError, KeyError, TypeError):
        return "stale"
    return "finished" if same else "stale"


def chunk_file(work_dir: Path, key: str, start_s: float, end_s: float | None) -> Path:
    """Where a finished time chunk of a clip is kept until the clip is finished.

    `key` ties it to the video, the config and the model (see runner.result_key); the chunk's
    edges are in the name, so a run with other chunk lengths never takes it for its own.
    """
    end = "end" if end_s is None else f"{round(end_s * 1000)}"
    return work_dir / f"chunk-{key}-{round(start_s * 1000)}-{end}.pkl"


def save_chunk(path: Path, stretch: TrackedStretch) -> None:
    """Keep a tracked chunk (atomically)."""
    write_bytes(path, pickle.dumps(stretch, protocol=pickle.HIGHEST_PROTOCOL), force=True)


def load_chunk(path: Path) -> TrackedStretch:
    """A chunk this batch kept (only ever files it wrote itself under OUT/.work).

    Raises:
        OutputError: the file cannot be read back.
    """
    try:
        with path.open("rb") as handle:
            stretch = pickle.load(handle)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError) as exc:
        raise OutputError(
            f"a kept chunk cannot be read ({exc}); delete it to redo it", path
        ) from None
    if not isinstance(stretch, TrackedStretch):
        raise OutputError("a kept chunk holds something else; delete it to redo it", path)
    return stretch


def clean_leftovers(out: Path) -> list[Path]:
    """Remove what a killed run left half-written: staging folders of clip outputs and
    temporary files. Returns what was removed."""
    removed: list[Path] = []
    clips = out / CLIPS_DIR
    if clips.is_dir():
        for stage in clips.glob(".*.partial-*"):
            shutil.rmtree(stage, ignore_errors=True)
            removed.append(stage)
    for temporary in out.rglob(".*.tmp"):
        temporary.unlink(missing_ok=True)
        removed.append(temporary)
    return removed
