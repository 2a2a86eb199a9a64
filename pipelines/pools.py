"""Where jobs run: in this process, on a local spawn process pool, or on a dask.distributed cluster.

All three take the same job function (pipelines.jobs.run_job) and give back futures with
`done()`, `exception()` and `result()`; the runner does not care which it has. A worker that
dies (killed, out of memory) is reported as WorkerDiedError (annotate.errors), so the runner
can retry its jobs. The local pool is annotate.workers' WorkerPool, the one `annotate extract
--workers` uses too.
"""

from __future__ import annotations

import concurrent.futures as cf
import queue
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Protocol

from annotate.errors import ConfigError, WorkerDiedError
from annotate.workers import WorkerPool
from pipelines.jobs import FinishJob, Job, JobReport, init_worker, run_job

__all__ = ["DaskPool", "InlinePool", "LocalPool", "Pool", "WorkerDiedError", "open_pool"]

FINISH_PRIORITY = 10  # a clip's finish goes before more chunks: finished clips free memory and disk


class Pool(Protocol):
    """What the runner needs of a place to run jobs."""

    slots: int
    description: str

    def submit(self, job: Job) -> Any: ...

    def wait(self, futures: Iterable[Any], timeout_s: float) -> set[Any]: ...

    def result(self, future: Any) -> JobReport: ...

    def progress(self) -> list[tuple[str, int, int, int]]: ...

    def restart(self) -> None: ...

    def close(self, cancel: bool = False) -> None: ...


def _drain(source: Any) -> list[tuple[str, int, int, int]]:
    updates = []
    while True:
        try:
            updates.append(source.get_nowait())
        except (queue.Empty, OSError, EOFError, ValueError):
            return updates


class InlinePool:
    """Runs each job in this process when it is submitted (one worker: no start-up, no copies)."""

    description = "this process"

    def __init__(self) -> None:
        self.slots = 1
        self._updates: queue.Queue[tuple[str, int, int, int]] = queue.Queue()
        init_worker(self._updates)

    def submit(self, job: Job) -> cf.Future[JobReport]:
        future: cf.Future[JobReport] = cf.Future()
        try:
            future.set_result(run_job(job))
        except Exception as exc:  # carried in the future, as a process pool does; the runner sorts
            future.set_exception(exc)
        return future

    def wait(self, futures: Iterable[Any], timeout_s: float) -> set[Any]:
        return {f for f in futures if f.done()}

    def result(self, future: Any) -> JobReport:
        report: JobReport = future.result()
        return report

    def progress(self) -> list[tuple[str, int, int, int]]:
        return _drain(self._updates)

    def restart(self) -> None:
        return None

    def close(self, cancel: bool = False) -> None:
        init_worker(None)


class LocalPool:
    """`workers` local processes: annotate.workers' pool, whose workers end with this process
    (even by SIGKILL) and hold `worker_lock` (the output folder's, pipelines.cache) while they
    live; a dead worker's pool is started again by `restart`."""

    def __init__(self, workers: int, worker_lock: Path | None = None) -> None:
        self.slots = workers
        self.description = f"{workers} local worker processes"
        self._workers = WorkerPool(workers, setup=init_worker, worker_lock=worker_lock)

    def submit(self, job: Job) -> cf.Future[JobReport]:
        return self._workers.submit(run_job, job)

    def wait(self, futures: Iterable[Any], timeout_s: float) -> set[Any]:
        return self._workers.wait(futures, timeout_s)

    def result(self, future: Any) -> JobReport:
        report: JobReport = self._workers.result(future)
        return report

    def progress(self) -> list[tuple[str, int, int, int]]:
        return self._workers.drain()

    def restart(self) -> None:
        """A new pool after a worker died (a broken pool takes no more work)."""
        self._workers.restart()

    def close(self, cancel: bool = False) -> None:
        self._workers.close(cancel)


class DaskPool:
    """Jobs submitted to an existing dask.distributed scheduler (tcp://HOST:PORT).

    A job whose worker dies is run again on another worker by the scheduler (up to its
    `allowed-failures`, then KilledWorker); a job that raises is retried `retries` times.
    Progress is reported per finished chunk (not per frame).
    """

    def __init__(self, address: str, retries: int = 2) -> None:
        try:
            from distributed import Client
        except ImportError:
            raise ConfigError(
                "--scheduler needs dask.distributed: pip install 'dask[distributed]'"
            ) from None
        try:
            self._client = Client(address, timeout="20s")
        except (OSError, TimeoutError, ValueError) as exc:
            raise ConfigError(
                f"--scheduler {address}: cannot reach the scheduler ({exc})"
            ) from None
        self.slots = max(1, sum(self._client.nthreads().values()))
        self.description = f"the dask cluster at {address} ({self.slots} worker threads)"
        self._retries = retries

    def submit(self, job: Job) -> Any:
        priority = FINISH_PRIORITY if isinstance(job, FinishJob) else 0
        return self._client.submit(
            run_job, job, pure=False, retries=self._retries, priority=priority
        )

    def wait(self, futures: Iterable[Any], timeout_s: float) -> set[Any]:
        pending = list(futures)
        deadline = time.monotonic() + timeout_s
        while True:
            done = {f for f in pending if f.done()}
            if done or time.monotonic() >= deadline:
                return done
            time.sleep(0.05)

    def result(self, future: Any) -> JobReport:
        from distributed import KilledWorker

        try:
            report: JobReport = future.result()
        except KilledWorker as exc:
            raise WorkerDiedError(f"workers died running it ({exc})") from None
        return report

    def progress(self) -> list[tuple[str, int, int, int]]:
        return []

    def restart(self) -> None:
        return None

    def close(self, cancel: bool = False) -> None:
        self._client.close()


def open_pool(workers: int, scheduler: str | None, worker_lock: Path | None = None) -> Pool:
    """The pool for a batch: the dask cluster if a scheduler is given, else `workers` local
    processes (one: this process), which hold `worker_lock` while they live."""
    if scheduler:
        return DaskPool(scheduler)
    if workers < 1:
        raise ConfigError(f"--workers must be 1 or more, got {workers}")
    return InlinePool() if workers == 1 else LocalPool(workers, worker_lock)
