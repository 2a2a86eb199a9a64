"""Builders for the coding tests: clips without video files, a store, the shipped schemes."""

from __future__ import annotations

from pathlib import Path

from annotate.coding.clips import ClipRef
from annotate.coding.records import Annotation
from annotate.coding.scheme_files import find_scheme
from annotate.coding.schemes import Scheme

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / ".." / "shared" / "fixtures"
VIDEO = FIXTURES / "faces" / "single_face.mp4"  # 640x360, 30 fps, 2.4 s

assert FIXTURES.is_dir(), f"the shared test fixtures are missing at {FIXTURES}"


def clip(n: int = 1, duration_s: float | None = 180.0, fps: float | None = 25.0) -> ClipRef:
    """A clip as the store sees it (no video file needed)."""
    return ClipRef(sha256=f"{n:064x}", name=f"clip{n:02d}.mp4", duration_s=duration_s, fps=fps)


def care_scheme() -> Scheme:
    """The shipped scheme for the three-minute clips."""
    return find_scheme("care_clip")


def note(
    tier: str, code: str, start: float, end: float | None = None, coder: str = "ana", **more: str
) -> Annotation:
    """An annotation on no particular clip (the store sets it)."""
    return Annotation("", coder, tier, code, start, start if end is None else end, **more)
