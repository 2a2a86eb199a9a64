"""The `annotate` command as a user runs it: outputs, refusals, and one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import av
import cv2
import pandas as pd
import pytest

from annotate import columns as C
from tests.conftest import SAMPLES
from tests.helpers import grey_frames, write_video

pytestmark = pytest.mark.slow


def annotate(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from annotate.cli import main; main()", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_extract_writes_every_output_and_refuses_to_overwrite(tmp_path: Path) -> None:
    out = tmp_path / "cross"
    done = annotate(
        "extract", SAMPLES / "dyad_cross.mp4", "--out", out, "--csv", "--overlay", "--quiet"
    )
    assert done.returncode == 0, done.stderr
    names = {p.name for p in out.iterdir()}
    assert names == {
        "features.parquet",
        "features.csv",
        "episodes.csv",
        "audio.parquet",  # the sample clips have a scripted sound track
        "summary.json",
        "provenance.json",
        "timeline.png",
        "overlay.mp4",
    }
    table = pd.read_parquet(out / "features.parquet")
    assert list(table.columns[: len(C.FEATURE_COLUMNS)]) == list(C.FEATURE_COLUMNS)
    assert len(pd.read_csv(out / "features.csv")) == len(table)
    episodes = pd.read_csv(out / "episodes.csv")
    assert list(episodes.columns) == list(C.EPISODE_COLUMNS)
    summary = json.loads((out / "summary.json").read_text())
    assert set(summary["roles"]) == {"mother", "infant"}
    assert summary["vocal"]["sound"] == "read"
    assert {"vocalisation", "overlap"} <= set(episodes["kind"])
    assert summary["sample_fps"] == pytest.approx(10, abs=0.1)
    provenance = json.loads((out / "provenance.json").read_text())
    assert provenance["model_sha256"].startswith("64184e22")
    assert len(provenance["video"]["sha256"]) == 64 and len(provenance["config_hash"]) == 64
    assert provenance["install"]["matches_lock"] is True  # a locked install, the lock's hash
    assert len(provenance["install"]["lock_sha256"]) == 64
    for track in provenance["roles"].values():  # each role with its reasons and evidence
        assert track["reasons"] and track["evidence"]["frames_seen"] > 0
        assert 0 <= track["confidence"] <= 1
    with av.open(str(out / "overlay.mp4")) as overlay:
        stream = overlay.streams.video[0]
        assert stream.codec_context.name == "h264"
        assert sum(1 for _ in overlay.decode(stream)) == 250

    again = annotate("extract", SAMPLES / "dyad_cross.mp4", "--out", out, "--quiet")
    assert again.returncode == 1
    assert again.stderr.strip().startswith("error: ") and "--force" in again.stderr
    assert len(again.stderr.strip().splitlines()) == 1
    forced = annotate(
        "extract",
        SAMPLES / "dyad_cross.mp4",
        "--out",
        out,
        "--quiet",
        "--force",
        "--fps",
        "5",
        "--roles",
        "track0=infant,track1=mother",
    )
    assert forced.returncode == 0, forced.stderr
    assert not (out / "overlay.mp4").exists()  # a stale output does not outlive its run
    assert json.loads((out / "summary.json").read_text())["sample_fps"] == pytest.approx(5, 0.1)
    overridden = json.loads((out / "provenance.json").read_text())["roles"]
    assert overridden["track0"]["source"] == "override"
    assert overridden["track0"]["reasons"][0] == "--roles track0=infant"


def truncated(tmp_path: Path) -> Path:
    data = (SAMPLES / "dyad_play.mp4").read_bytes()
    path = tmp_path / "truncated.mp4"
    path.write_bytes(data[: len(data) // 2])
    return path


def text_file(tmp_path: Path) -> Path:
    path = tmp_path / "notes.mp4"
    path.write_text("not a video\n" * 100)
    return path


def zero_frames(tmp_path: Path) -> Path:
    path = tmp_path / "empty.mp4"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), 25, (64, 64))
    writer.release()  # an MP4 container with no frame in it
    return path


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda tmp: tmp / "missing.mp4", "file not found"),
        (text_file, "not a video file"),
        (truncated, "cannot be opened as a video"),
        (zero_frames, "holds no frames"),
    ],
)
def test_bad_input_gives_one_line_naming_the_file(tmp_path: Path, make, message: str) -> None:
    clip = make(tmp_path)
    done = annotate("extract", clip, "--out", tmp_path / "out", "--quiet")
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(f"error: {clip}") and message in lines[0]
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "out").exists()


def test_a_video_without_faces_gives_empty_tables_and_a_warning(tmp_path: Path) -> None:
    clip = write_video(tmp_path / "wall.mp4", grey_frames(40, 320, 240))
    done = annotate("extract", clip, "--out", tmp_path / "out", "--quiet")
    assert done.returncode == 0, done.stderr
    assert "warning:" in done.stderr and "no face found" in done.stderr
    assert pd.read_parquet(tmp_path / "out" / "features.parquet").empty
    assert pd.read_csv(tmp_path / "out" / "episodes.csv").empty
    assert json.loads((tmp_path / "out" / "summary.json").read_text())["roles"] == {}
