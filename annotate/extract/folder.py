"""Writing a clip's outputs into its folder, atomically.

Everything is first written into a hidden staging folder beside the target; only when every
file is complete is it moved into place (a rename per file, provenance.json last, since a folder
with provenance.json is a finished result). An interrupted run leaves at most a staging folder
that no one takes for a result. An existing result is refused unless `force` is given.
"""

from __future__ import annotations

import json
import os
import platform
import secrets
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from annotate.errors import OutputError

FEATURES_PARQUET = "features.parquet"
FEATURES_CSV = "features.csv"
EPISODES_CSV = "episodes.csv"
SUMMARY_JSON = "summary.json"
PROVENANCE_JSON = "provenance.json"
TIMELINE_PNG = "timeline.png"
OVERLAY_MP4 = "overlay.mp4"
AUDIO_PARQUET = "audio.parquet"
CLIP_OUTPUTS = (
    FEATURES_PARQUET,
    AUDIO_PARQUET,
    FEATURES_CSV,
    EPISODES_CSV,
    SUMMARY_JSON,
    TIMELINE_PNG,
    OVERLAY_MP4,
    PROVENANCE_JSON,
)


def check_output_folder(out_dir: Path, force: bool) -> None:
    """Refuse, before any work, a folder that already holds a result (unless force).

    Raises:
        OutputError: the folder holds outputs and force is off, or it is a file.
    """
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputError("exists and is not a folder", out_dir)
    existing = [name for name in CLIP_OUTPUTS if (out_dir / name).exists()]
    if existing and not force:
        raise OutputError(
            f"already holds a result ({', '.join(existing)}); use --force to replace it", out_dir
        )


def write_json(path: Path, data: dict[str, Any]) -> None:
    """Write JSON (UTF-8, indented, keys in the order given)."""
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


@contextmanager
def staged_output(out_dir: Path, force: bool) -> Iterator[Path]:
    """A staging folder to write into; on success its files replace the target's.

    Yields:
        The staging folder. Files written there appear in `out_dir` when the block ends
        without an exception; on an exception nothing in `out_dir` changes.
    """
    check_output_folder(out_dir, force)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    # mkdir (not mkdtemp, whose 0700 would hide results from colleagues on a shared server)
    stage = out_dir.parent / f".{out_dir.name}.partial-{os.getpid()}-{secrets.token_hex(4)}"
    stage.mkdir()
    try:
        yield stage
        _publish(stage, out_dir, force)
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def _publish(stage: Path, out_dir: Path, force: bool) -> None:
    check_output_folder(out_dir, force)  # a second run may have finished meanwhile
    if not out_dir.exists():
        os.replace(stage, out_dir)
        return
    produced = {p.name for p in stage.iterdir()}
    # the old result stops looking complete first: its provenance.json goes before anything else
    (out_dir / PROVENANCE_JSON).unlink(missing_ok=True)
    for name in CLIP_OUTPUTS:
        if name not in produced:
            (out_dir / name).unlink(missing_ok=True)
    for name in sorted(produced - {PROVENANCE_JSON}):
        os.replace(stage / name, out_dir / name)
    if PROVENANCE_JSON in produced:
        os.replace(stage / PROVENANCE_JSON, out_dir / PROVENANCE_JSON)


def versions() -> dict[str, str]:
    """Versions of the parts that decide the numbers."""
    from importlib.metadata import PackageNotFoundError, version

    found = {"python": platform.python_version()}
    for package in ("annotate", "mediapipe", "opencv-contrib-python", "numpy", "pandas"):
        try:
            found[package] = version(package)
        except PackageNotFoundError:
            found[package] = "not installed"
    return found
