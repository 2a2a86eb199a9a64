"""Where jobs run: in this process, on a local spawn process pool, or on a dask.distributed cluster.

All three take the same job function (pipelines.jobs.run_job) and give back futures with
`done()`, `exception()` and `result()`; the runner does not care which it has. A worker that
dies (killed, out of memory) is reported as WorkerDiedError, so the runner can retry its jobs.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os
import queue
import time
from collections.abc import Iterable
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any, Protocol

from annotate.errors import ConfigError
from pipelines.jobs import FinishJob, Job, JobReport, init_worker, run_job

FINISH_PRIORITY = 10  # a clip's finish goes before more chunks: finished clips free memory and disk


class WorkerDiedError(Exception):
    """The worker running a job died (killed, out of memory, crashed) before it answered."""


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
        init_worker(self._updates, ignore_interrupt=False)

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
        init_worker(None, ignore_interrupt=False)


class LocalPool:
    """A process pool of `workers` spawned processes (MediaPipe's threads do not survive fork).

    Each worker ends when this process ends, even by SIGKILL, and holds `worker_lock` (the
    output folder's, pipelines.cache) while it lives (pipelines.lifeline).
    """

    def __init__(self, workers: int, worker_lock: Path | None = None) -> None:
        self.slots = workers
        self._worker_lock = worker_lock
        self.description = f"{workers} local worker processes"
        self._context = multiprocessing.get_context("spawn")
        self._start()

    def _start(self) -> None:
        self._updates = self._context.Queue()
        self._executor = cf.ProcessPoolExecutor(
            max_workers=self.slots,
            mp_context=self._context,
            initializer=init_worker,
            initargs=(self._updates, True, os.getpid(), self._worker_lock),
        )

    def submit(self, job: Job) -> cf.Future[JobReport]:
        return self._executor.submit(run_job, job)

    def wait(self, futures: Iterable[Any], timeout_s: float) -> set[Any]:
        done, _ = cf.wait(list(futures), timeout=timeout_s, return_when=cf.FIRST_COMPLETED)
        return set(done)

    def result(self, future: Any) -> JobReport:
        try:
            report: JobReport = future.result()
        except BrokenProcessPool as exc:
            raise WorkerDiedError(f"a worker process died ({exc})") from None
        return report

    def progress(self) -> list[tuple[str, int, int, int]]:
        return _drain(self._updates)

    def restart(self) -> None:
        """A new pool after a worker died (a broken pool takes no more work)."""
        self.close(cancel=True)
        self._start()

    def close(self, cancel: bool = False) -> None:
        if cancel:
            # stop what runs now, not only what waits (Ctrl-C, or a broken pool)
            processes = list(getattr(self._executor, "_processes", {}).values() or [])
            self._executor.shutdown(wait=False, cancel_futures=True)
            for process in processes:
                if process.is_alive():
                    process.terminate()
            for process in processes:
                process.join(timeout=5)
        else:
            self._executor.shutdown(wait=True)
        self._updates.close()


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
