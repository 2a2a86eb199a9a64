"""Slow work the page waits for (feature extraction, proxies), one job at a time, with progress.

Each job runs in its own thread, one at a time and in the order asked for (the face landmarker
and the video encoder each fill the machine's cores; a proxy asked for first is made first), and
a job is asked for once per key: asking again
while it is queued or running returns its state. A job that fails keeps its message, shown to the
coder; asking again retries it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from annotate.errors import AnnotateError
from annotate.media.video import ProgressHook

JobWork = Callable[[ProgressHook], object]
State = Literal["queued", "running", "done", "failed"]


@dataclass
class JobState:
    """Where a job is.

    Attributes:
        state: queued, running, done or failed.
        done: units done (frames).
        total: units expected (0 while unknown).
        message: why it failed ('' otherwise).
    """

    state: State = "queued"
    done: int = 0
    total: int = 0
    message: str = ""

    def to_json(self) -> dict[str, object]:
        """The state as the page reads it (progress as a share, 0-1)."""
        share = min(self.done / self.total, 1.0) if self.total else 0.0
        return {"state": self.state, "progress": round(share, 3), "message": self.message}


class Jobs:
    """Background jobs by key, one running at a time."""

    def __init__(self) -> None:
        self._states: dict[str, JobState] = {}
        self._lock = threading.Lock()
        self._turn = threading.Condition()
        self._tickets = 0
        self._serving = 0

    def state(self, key: str) -> JobState | None:
        """The state of the job with this key (a copy), or None when never asked for."""
        with self._lock:
            found = self._states.get(key)
            return None if found is None else JobState(**vars(found))

    def start(self, key: str, work: JobWork) -> JobState:
        """Run `work(progress_hook)` in the background unless it is queued, running or done."""
        with self._lock:
            found = self._states.get(key)
            if found is not None and found.state != "failed":
                return JobState(**vars(found))
            state = self._states[key] = JobState()
            ticket, self._tickets = self._tickets, self._tickets + 1
        thread = threading.Thread(
            target=self._run, args=(state, work, ticket), name=f"annotate-job-{key}", daemon=True
        )
        thread.start()
        return JobState(**vars(state))

    def _run(self, state: JobState, work: JobWork, ticket: int) -> None:
        def hook(done: int, total: int) -> None:
            state.done, state.total = done, total

        with self._turn:
            self._turn.wait_for(lambda: self._serving == ticket)
        state.state = "running"
        try:
            work(hook)
            state.state = "done"
        except (AnnotateError, OSError, ValueError, RuntimeError) as exc:
            state.message = str(exc)
            state.state = "failed"
        finally:
            if state.state == "running":  # anything else escaped: say so, then let it raise
                state.message = "failed unexpectedly; the server's log says why"
                state.state = "failed"
            with self._turn:
                self._serving += 1
                self._turn.notify_all()

    def wait(self, key: str, timeout_s: float) -> JobState | None:
        """Block until the job is done or failed, or the timeout passes (for tests and the CLI)."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            found = self.state(key)
            if found is None or found.state in ("done", "failed"):
                return found
            time.sleep(0.05)
        return self.state(key)
