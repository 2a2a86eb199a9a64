"""The one local process pool: spawned workers that end with the process that started them.

`annotate extract --workers N` (annotate.extract.chunks) and the batch's local pool
(pipelines.pools) both run on `WorkerPool`. Its workers are spawned (MediaPipe's threads do not
survive fork), and a process killed with SIGKILL cannot stop them itself, so each worker, when it
starts (`bind_to_parent`):

1. asks Linux to send it SIGKILL when its parent ends (prctl PR_SET_PDEATHSIG), then checks that
   the parent is still the one it was started by (it may have died before the request was made);
2. given a worker lock (the batch's OUT/.batch.workers.lock, pipelines.cache), takes a shared
   lock on it, held until the worker ends, so no second batch starts on OUT while a worker of
   the first still writes;
3. starts a thread that watches the parent's id and ends the worker within WATCH_S when it
   changes: the fallback where there is no PR_SET_PDEATHSIG (macOS), or it was not honoured;
4. leaves Ctrl-C to the parent (which stops the workers itself, `close(cancel=True)`).

A worker that dies (killed, out of memory) breaks the whole pool: `result` raises
WorkerDiedError, and the caller `restart`s the pool and tries its work again (up to MAX_TRIES).
Progress goes from the workers to the parent through the pool's `updates` queue, which each
worker's `setup` receives; the parent reads it with `drain`.

The multiprocessing resource tracker, the parent's other child, ends by itself once the parent
and every worker holding its pipe are gone. PR_SET_PDEATHSIG fires when the *thread* that
started the worker ends: submit work (which starts workers) from a thread that lives as long as
the pool, as the CLI and the batch do from their main thread.
"""

from __future__ import annotations

import concurrent.futures as cf
import ctypes
import ctypes.util
import fcntl
import multiprocessing
import os
import queue
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from types import TracebackType
from typing import Any

from annotate.errors import WorkerDiedError

PR_SET_PDEATHSIG = 1
WATCH_S = 0.5
MAX_TRIES = 3  # a job whose worker dies this many times is given up
_held: list[int] = []  # the worker lock's descriptor: open (and locked) until the process ends

Setup = Callable[[Any], None]  # run in each worker as it starts, given the pool's updates queue

__all__ = [
    "MAX_TRIES",
    "WorkerDiedError",
    "WorkerPool",
    "bind_to_parent",
    "die_with_parent",
    "hold_worker_lock",
]


def die_with_parent() -> bool:
    """Have the kernel SIGKILL this process when its parent ends (Linux); whether it could."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        return int(libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)) == 0
    except (OSError, AttributeError):
        return False


def _watch(parent_pid: int) -> None:
    while True:
        if os.getppid() != parent_pid:
            os._exit(1)  # the parent is gone: stop at once, whatever this worker was writing
        time.sleep(WATCH_S)


def hold_worker_lock(path: Path) -> bool:
    """Take a shared lock on a worker lock for the rest of this process's life, and note this
    process's id in it; False when another holds the file exclusively (a new batch)."""
    handle = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o666)
    try:
        fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(handle)
        return False
    os.write(handle, f"{os.getpid()}\n".encode())
    _held.append(handle)
    return True


def bind_to_parent(parent_pid: int, worker_lock: Path | None = None) -> None:
    """Tie this worker process to the process `parent_pid` (see the module's docstring): it ends
    when the parent ends, and holds `worker_lock` (if given) while it lives."""
    die_with_parent()
    if os.getppid() != parent_pid:
        os._exit(1)  # the parent died while this worker was starting
    if worker_lock is not None and not hold_worker_lock(worker_lock):
        os._exit(1)  # another batch owns the folder now
    threading.Thread(target=_watch, args=(parent_pid,), name="lifeline", daemon=True).start()


def _start_worker(
    parent_pid: int, worker_lock: Path | None, setup: Setup | None, updates: Any
) -> None:
    bind_to_parent(parent_pid, worker_lock)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if setup is not None:
        setup(updates)


class WorkerPool:
    """`workers` spawned processes that end with this process (even by SIGKILL).

    Args:
        workers: how many worker processes.
        setup: a picklable function each worker runs as it starts, given the `updates` queue.
        worker_lock: a file each worker holds a shared lock on while it lives.
    """

    def __init__(
        self, workers: int, setup: Setup | None = None, worker_lock: Path | None = None
    ) -> None:
        self.slots = workers
        self._setup = setup
        self._worker_lock = worker_lock
        self._context = multiprocessing.get_context("spawn")
        self._start()

    def _start(self) -> None:
        self.updates: Any = self._context.Queue()
        self._executor = cf.ProcessPoolExecutor(
            max_workers=self.slots,
            mp_context=self._context,
            initializer=_start_worker,
            initargs=(os.getpid(), self._worker_lock, self._setup, self.updates),
        )

    def submit(self, function: Callable[..., Any], /, *args: Any) -> cf.Future[Any]:
        """Run `function(*args)` on a worker (both picklable)."""
        return self._executor.submit(function, *args)

    def wait(self, futures: Iterable[Any], timeout_s: float) -> set[Any]:
        """The futures done within `timeout_s` (returns at the first one done)."""
        done, _ = cf.wait(list(futures), timeout=timeout_s, return_when=cf.FIRST_COMPLETED)
        return set(done)

    def result(self, future: cf.Future[Any]) -> Any:
        """What the work returned; raises what it raised, or WorkerDiedError if its worker died."""
        try:
            return future.result()
        except BrokenProcessPool as exc:
            raise WorkerDiedError(f"a worker process died ({exc})") from None

    def drain(self) -> list[Any]:
        """What the workers put on `updates` since the last call."""
        found = []
        while True:
            try:
                found.append(self.updates.get_nowait())
            except (queue.Empty, OSError, EOFError, ValueError):
                return found

    def restart(self) -> None:
        """A new pool after a worker died (a broken pool takes no more work)."""
        self.close(cancel=True)
        self._start()

    def close(self, cancel: bool = False) -> None:
        """End the workers: once their work is done, or (`cancel`) at once."""
        if cancel:
            # stop what runs now, not only what waits (Ctrl-C, an error, or a broken pool)
            processes = list(getattr(self._executor, "_processes", {}).values() or [])
            self._executor.shutdown(wait=False, cancel_futures=True)
            for process in processes:
                if process.is_alive():
                    process.terminate()
            for process in processes:
                process.join(timeout=5)
        else:
            self._executor.shutdown(wait=True)
        self.updates.close()

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close(cancel=exc is not None)
