"""`annotate extract --workers` runs its chunks on annotate.workers' pool, the batch's: a worker
that dies is replaced and its chunk tracked again, and kill -9 of `annotate extract` leaves no
worker behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from annotate.config import FeatureConfig
from annotate.errors import WorkerDiedError
from annotate.extract.chunks import extract_clip_parallel
from annotate.extract.features import extract_clip
from annotate.media.video import probe
from tests.conftest import REPO
from tests.pipelines.fakes import FakeFactory, grey_clip
from tests.pipelines.test_batch_kill import GONE_WITHIN_S, alive, children_of, wait_for

CONFIG = FeatureConfig().with_overrides(fps=5.0)


def test_a_chunk_whose_worker_died_is_tracked_again(tmp_path: Path) -> None:
    info = probe(grey_clip(tmp_path / "a.mp4", 12.0))
    marker = tmp_path / "died"
    factory = FakeFactory(fail="die_once", from_s=7.0, marker=marker)
    chunked = extract_clip_parallel(info, CONFIG, factory, workers=2, min_chunk_s=5.0)
    assert marker.exists()  # the second chunk's worker did die once
    clean = extract_clip_parallel(info, CONFIG, FakeFactory(), workers=2, min_chunk_s=5.0)
    assert chunked.table.equals(clean.table)  # as if no worker had died
    assert len(chunked.table) == len(extract_clip(info, CONFIG, FakeFactory()).table)


def test_a_chunk_that_always_kills_its_worker_is_given_up_naming_the_clip(
    tmp_path: Path,
) -> None:
    info = probe(grey_clip(tmp_path / "a.mp4", 12.0))
    with pytest.raises(WorkerDiedError, match=r"a\.mp4: a worker process died .* after 3 tries"):
        extract_clip_parallel(
            info, CONFIG, FakeFactory(fail="die", from_s=7.0), workers=2, min_chunk_s=5.0
        )


def _spawned_workers(pid: int) -> list[int]:
    """The pool's workers among `pid`'s children (not the resource tracker)."""
    found = []
    for child in children_of(pid):
        try:
            command = Path(f"/proc/{child}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if any(part.startswith(b"from multiprocessing.spawn import") for part in command):
            found.append(child)
    return found


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_kill_9_of_annotate_extract_workers_2_leaves_no_process_behind(tmp_path: Path) -> None:
    # two chunks (MIN_CHUNK_S is 20 s) of a plain clip, the real CLI and the real model
    clip = grey_clip(tmp_path / "a.mp4", 45.0)
    out = tmp_path / "out"
    command = "import sys\nfrom annotate.cli import main\nsys.argv[0] = 'annotate'\nmain()\n"
    extract = subprocess.Popen(
        [
            sys.executable,
            "-c",
            command,
            "extract",
            str(clip),
            "-o",
            str(out),
            "-q",
            "--workers",
            "2",
        ],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    family: list[int] = []
    try:
        assert wait_for(lambda: len(_spawned_workers(extract.pid)) >= 2, 60), (
            "the workers did not start"
        )
        assert extract.poll() is None, "extract ended before it could be killed"
        family = children_of(extract.pid)
        assert len(family) >= 3  # two workers and the resource tracker
        killed_at = time.monotonic()
        os.kill(extract.pid, signal.SIGKILL)
        extract.wait(timeout=10)
        assert wait_for(lambda: not any(alive(p) for p in family), GONE_WITHIN_S), [
            p for p in family if alive(p)
        ]
        print(
            f"extract's workers and tracker gone {time.monotonic() - killed_at:.2f} s after kill -9"
        )
    finally:
        if extract.poll() is None:
            extract.kill()
        for pid in family or children_of(extract.pid):
            if alive(pid):  # a failed run: leave no worker of this test behind
                os.kill(pid, signal.SIGKILL)
    assert not (out / "provenance.json").exists()  # nothing left looking complete
