"""Worker processes that end with their batch, and keep its output folder locked while they live.

A batch killed with SIGKILL cannot stop its workers itself. So each local worker, when it starts
(`bind_to_batch`, in the pool's initializer):

1. asks Linux to send it SIGKILL when its parent ends (prctl PR_SET_PDEATHSIG), then checks that
   the parent is still the one it was started by (it may have died before the request was made);
2. takes a shared lock on OUT/.batch.workers.lock (see pipelines.cache.batch_lock), held until
   the worker ends, so no second batch starts on OUT while a worker of the first still writes;
3. starts a thread that watches the parent's id and ends the worker within WATCH_S when it
   changes: the fallback where there is no PR_SET_PDEATHSIG (macOS), or it was not honoured.

The multiprocessing resource tracker, the batch's other child, ends by itself once the batch and
every worker holding its pipe are gone.

PR_SET_PDEATHSIG fires when the *thread* that started the worker ends; the runner submits jobs
(and so starts workers) from its main thread, which lives as long as the batch.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import fcntl
import os
import signal
import sys
import threading
import time
from pathlib import Path

PR_SET_PDEATHSIG = 1
WATCH_S = 0.5
_held: list[int] = []  # the worker lock's descriptor: open (and locked) until the process ends


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
            os._exit(1)  # the batch is gone: stop at once, whatever this worker was writing
        time.sleep(WATCH_S)


def hold_worker_lock(path: Path) -> bool:
    """Take a shared lock on the batch's worker lock for the rest of this process's life, and
    note this process's id in it; False when a new batch holds the folder (exclusively)."""
    handle = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o666)
    try:
        fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(handle)
        return False
    os.write(handle, f"{os.getpid()}\n".encode())
    _held.append(handle)
    return True


def bind_to_batch(parent_pid: int, worker_lock: Path | None) -> None:
    """Tie this worker process to the batch process `parent_pid` (see the module's docstring):
    it ends when the batch ends, and holds `worker_lock` while it lives."""
    die_with_parent()
    if os.getppid() != parent_pid:
        os._exit(1)  # the batch died while this worker was starting
    if worker_lock is not None and not hold_worker_lock(worker_lock):
        os._exit(1)  # another batch owns the folder now
    threading.Thread(target=_watch, args=(parent_pid,), name="batch-lifeline", daemon=True).start()
