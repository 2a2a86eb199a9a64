"""Builders for the coding tool's tests: projects, quick videos, synthetic features, a server."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import av
import cv2
import numpy as np
import pandas as pd

from annotate import columns as C
from annotate.app.features import features_folder
from annotate.app.project import CACHE_FOLDER
from annotate.extract.folder import EPISODES_CSV, FEATURES_PARQUET, PROVENANCE_JSON
from annotate.media.video import probe

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "sample_clips"
HEVC_CLIP = REPO.parent / "shared" / "fixtures" / "faces" / "face_noface.mov"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = REPO / "test-artifacts"


def project_with(folder: Path, *clips: Path) -> Path:
    """A project folder holding copies of `clips`."""
    folder.mkdir(parents=True, exist_ok=True)
    for clip in clips:
        shutil.copy2(clip, folder / clip.name)
    return folder


def quick_h264(
    path: Path, seconds: float, fps: int = 25, size: tuple[int, int] = (160, 90)
) -> Path:
    """A small H.264 clip with a moving bar, encoded fast (x264 ultrafast)."""
    width, height = size
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.options = {"preset": "ultrafast", "tune": "zerolatency"}
        for k in range(round(seconds * fps)):
            rgb = np.full((height, width, 3), 70, dtype=np.uint8)
            rgb[:, (k * 2) % width : (k * 2) % width + 4] = 220
            for packet in stream.encode(av.VideoFrame.from_ndarray(rgb, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return path


def mp4v_clip(path: Path, frames: int = 30, fps: float = 15.0) -> Path:
    """An MPEG-4 Part 2 clip from OpenCV's mp4v writer: browsers do not play it."""
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, (160, 120))
    for k in range(frames):
        bgr = np.full((120, 160, 3), 60, dtype=np.uint8)
        bgr[:, (k * 4) % 160 : (k * 4) % 160 + 6] = 230
        writer.write(bgr)
    writer.release()
    return path


def synthetic_features(clip: Path, project: Path, *, sample_fps: float = 10.0) -> Path:
    """Write a finished feature folder for `clip` into the project's cache: a mother on the left
    and an infant on the right who look at each other in the first half of every 10 s, and an
    infant who is out of view for a second every 20 s."""
    info = probe(clip)
    folder = features_folder(project / CACHE_FOLDER, info.sha256)
    folder.mkdir(parents=True, exist_ok=True)
    times = np.arange(0.0, info.duration_s, 1.0 / sample_fps)
    rows = []
    for t in times:
        frame = round(t * info.fps)
        mutual = (t % 10.0) < 5.0
        infant_visible = (t % 20.0) >= 1.0
        for track, (role, x, gaze) in enumerate((("mother", 0.15, 1.0), ("infant", 0.6, -1.0))):
            shown = role == "mother" or infant_visible
            partner = "infant" if role == "mother" else "mother"
            rows.append(
                {
                    C.CLIP_ID: clip.stem,
                    C.FRAME: frame,
                    C.T: round(float(t), 4),
                    C.TRACK: track,
                    C.ROLE: role,
                    C.VISIBLE: shown,
                    **{k: np.nan for k in C.FACE_VALUE_COLUMNS},
                    **(
                        {
                            C.X: x,
                            C.Y: 0.3,
                            C.W: 0.25,
                            C.H: 0.4,
                            C.YAW: 30.0 * gaze,
                            C.PITCH: 0.0,
                            C.GAZE_DX: gaze if mutual else 0.0,
                            C.GAZE_DY: 0.0 if mutual else 0.9,
                            C.EYES_X: x + 0.125,
                            C.EYES_Y: 0.45,
                            C.SMILE: 0.7,
                        }
                        if shown
                        else {}
                    ),
                    C.LOOKING_AT: partner if shown and mutual else None,
                    C.MUTUAL_GAZE: bool(shown and mutual and infant_visible),
                }
            )
    table = pd.DataFrame(rows)
    table.to_parquet(folder / FEATURES_PARQUET, index=False)
    episodes = []
    for start in np.arange(0.0, info.duration_s, 10.0):
        end = min(start + 5.0, info.duration_s)
        episodes.append((clip.stem, C.MUTUAL_GAZE_KIND, "dyad", start, end))
        episodes.append(
            (clip.stem, C.INFANT_GAZE_AVERSION, "infant", end, min(end + 2, info.duration_s))
        )
    for start in np.arange(0.0, info.duration_s, 20.0):
        episodes.append((clip.stem, C.FACE_ABSENT, "infant", start, start + 1.0))
    frame_table = pd.DataFrame(episodes, columns=[C.CLIP_ID, "kind", C.ROLE, "start", "end"])
    frame_table["duration"] = frame_table["end"] - frame_table["start"]
    frame_table["start_frame"] = (frame_table["start"] * info.fps).round().astype(int)
    frame_table["end_frame"] = (frame_table["end"] * info.fps).round().astype(int)
    frame_table.to_csv(folder / EPISODES_CSV, index=False)
    (folder / "summary.json").write_text("{}", encoding="utf-8")
    provenance = {"video": {"sha256": info.sha256, "path": str(clip)}, "synthetic": True}
    (folder / PROVENANCE_JSON).write_text(json.dumps(provenance), encoding="utf-8")
    return folder


class Server:
    """`python -m annotate code` in a process of its own, as a coder would start it."""

    def __init__(
        self, target: Path, *, coder: str = "ana", port: int = 0, extra: list[str] | None = None
    ) -> None:
        command = [sys.executable, "-m", "annotate", "code", str(target), "--coder", coder]
        command += ["--port", str(port), "--no-browser", *(extra or [])]
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.process = subprocess.Popen(
            command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env
        )
        self.url = self._wait_for_address()
        self.port = int(re.search(r":(\d+)/", self.url).group(1))  # type: ignore[union-attr]

    def _wait_for_address(self, timeout_s: float = 30.0) -> str:
        deadline = time.monotonic() + timeout_s
        seen = []
        assert self.process.stdout is not None
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line and self.process.poll() is not None:
                break
            seen.append(line)
            found = re.search(r"open (http://\S+)", line)
            if found:
                return found.group(1)
        self.process.kill()
        raise RuntimeError(f"the server did not start: {''.join(seen)}")

    def stop(self, sig: signal.Signals = signal.SIGTERM) -> int:
        """Stop it with `sig` (SIGKILL: no clean-up at all) and return its exit code."""
        if self.process.poll() is None:
            self.process.send_signal(sig)
        return self.process.wait(timeout=15)
