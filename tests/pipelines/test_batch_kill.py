"""kill -9 of a batch: its workers and the resource tracker end with it, and the output folder
stays locked while any worker of it lives."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from annotate.errors import OutputError
from pipelines.cache import WORKER_LOCK_NAME, batch_lock
from pipelines.records import BatchOptions
from pipelines.runner import run_batch
from tests.conftest import REPO
from tests.pipelines.fakes import FakeFactory, grey_clip
from tests.pipelines.test_runner import manifest_of

GONE_WITHIN_S = 5.0  # what the README promises; the test prints what it took


def children_of(pid: int) -> list[int]:
    """Processes whose parent is `pid`."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    """Running (a zombie, ended but not reaped by its new parent, is not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def wait_for(check: object, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return True
        time.sleep(0.05)
    return False


def python(code: str, **kwargs: object) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=REPO,
        env=env,
        text=True,
        **kwargs,  # type: ignore[call-overload]
    )


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_kill_9_of_a_batch_leaves_no_process_behind(tmp_path: Path) -> None:
    clips = [grey_clip(tmp_path / "a.mp4", 8.0), grey_clip(tmp_path / "b.mp4", 8.0)]
    out, calls = tmp_path / "out", tmp_path / "calls"
    code = (
        "from pathlib import Path\n"
        "from pipelines.records import BatchOptions\n"
        "from pipelines.runner import run_batch\n"
        "from tests.pipelines.fakes import FakeFactory\n"
        "from tests.pipelines.test_runner import manifest_of\n"
        f"clips = [Path(c) for c in {[str(c) for c in clips]!r}]\n"
        f"run_batch(manifest_of(*clips), Path({str(out)!r}), BatchOptions(workers=2),\n"
        f"          factory=FakeFactory(Path({str(calls)!r}), delay_s=0.2))\n"
    )
    batch = python(code)
    family: list[int] = []
    try:
        # both workers started their landmarkers: they are mid-way through a chunk each
        assert wait_for(lambda: calls.is_dir() and len(list(calls.iterdir())) >= 2, 60), (
            "the workers did not start"
        )
        family = children_of(batch.pid)
        assert len(family) >= 3  # two workers and the resource tracker
        workers = {int(p) for p in (out / WORKER_LOCK_NAME).read_text().split()}
        assert len(workers) == 2 and workers <= set(family)
        with pytest.raises(OutputError, match="another batch is running"), batch_lock(out):
            pass
        killed_at = time.monotonic()
        os.kill(batch.pid, signal.SIGKILL)  # the batch only, as `kill -9 PID` does
        batch.wait(timeout=10)
        assert wait_for(lambda: not any(alive(p) for p in family), GONE_WITHIN_S), [
            p for p in family if alive(p)
        ]
        print(f"workers and tracker gone {time.monotonic() - killed_at:.2f} s after kill -9")
    finally:
        if batch.poll() is None:
            batch.kill()
        for pid in family or children_of(batch.pid):
            if alive(pid):  # a failed run: leave no worker of this test behind
                os.kill(pid, signal.SIGKILL)
    # nothing of the first batch holds the folder now: a second batch runs and finishes it
    again = run_batch(manifest_of(*clips), out, BatchOptions(workers=1), factory=FakeFactory())
    assert sorted(o.status for o in again.outcomes) == ["computed", "computed"]


def test_the_lock_refuses_a_second_batch_while_workers_live(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    # a worker whose batch is gone but which still runs (before its end reached it)
    worker = python(
        "import sys, time\n"
        "from pathlib import Path\n"
        "from annotate.workers import hold_worker_lock\n"
        f"assert hold_worker_lock(Path({str(out / WORKER_LOCK_NAME)!r}))\n"
        "print('held', flush=True)\n"
        "time.sleep(60)\n",
        stdout=subprocess.PIPE,
    )
    try:
        assert worker.stdout is not None and worker.stdout.readline().strip() == "held"
        message = (
            rf"worker processes of an earlier batch .* still running \(processes {worker.pid}\)"
        )
        with pytest.raises(OutputError, match=message), batch_lock(out, worker_grace_s=0):
            pass
        with pytest.raises(OutputError, match="still running"):
            run_batch(manifest_of(grey_clip(tmp_path / "a.mp4", 1.0)), out, BatchOptions(workers=1))
    finally:
        worker.kill()
        worker.wait()
    with batch_lock(out):  # the worker is gone: the folder is free
        assert (out / WORKER_LOCK_NAME).read_text() == ""


def test_a_worker_without_pdeathsig_ends_by_its_watchdog(tmp_path: Path) -> None:
    # the portable fallback: a batch (here a bare parent) killed, its worker notices the new
    # parent id and ends within the watchdog's period
    worker = tmp_path / "worker.py"
    worker.write_text(
        "import os, sys, time\n"
        "from pathlib import Path\n"
        "import annotate.workers as life\n"
        "life.die_with_parent = lambda: False  # as where there is no PR_SET_PDEATHSIG\n"
        f"life.bind_to_parent(int(sys.argv[1]), Path({str(tmp_path / WORKER_LOCK_NAME)!r}))\n"
        "print(os.getpid(), flush=True)\n"
        "time.sleep(60)\n"
    )
    parent = python(
        "import os, subprocess, sys, time\n"
        f"subprocess.Popen([sys.executable, {str(worker)!r}, str(os.getpid())])\n"
        "time.sleep(60)\n",
        stdout=subprocess.PIPE,
    )
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    try:
        assert alive(child)
        with pytest.raises(OutputError, match="still running"), batch_lock(tmp_path, 0):
            pass
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait()
        assert wait_for(lambda: not alive(child), 3.0)
    finally:
        if alive(child):
            os.kill(child, signal.SIGKILL)
