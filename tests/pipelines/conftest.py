"""Fixtures of the batch tests: generated clips (made once per session) and the real model."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest

from annotate.faces.landmarker import FaceLandmarker
from annotate.samples.face_mesh import FaceMesh, astronaut_mesh


@pytest.fixture(scope="session")
def still_mesh(face_model: Path) -> Iterator[tuple[FaceMesh, FaceLandmarker]]:
    """The astronaut mesh and a still-image landmarker to calibrate renders with."""
    with FaceLandmarker(face_model, 1, video=False) as still:
        yield astronaut_mesh(still.detect), still


@pytest.fixture(scope="session")
def long_clip(
    tmp_path_factory: pytest.TempPathFactory, still_mesh: tuple[FaceMesh, FaceLandmarker]
) -> Path:
    """A 30-second two-face play clip at 640x360, 10 frames per second (long_dyad's script)."""
    from annotate.samples.make import make_clip
    from annotate.samples.presets import long_dyad

    mesh, still = still_mesh
    script = dataclasses.replace(long_dyad(30.0, seed=4), fps=10.0, _timeline={})
    video, _ = make_clip(script, mesh, tmp_path_factory.mktemp("long"), detect=still.detect)
    return video


@pytest.fixture(scope="session")
def group_clip(
    tmp_path_factory: pytest.TempPathFactory, still_mesh: tuple[FaceMesh, FaceLandmarker]
) -> Path:
    """A 4-second group session, 8 pairs and a facilitator at 1280x720 (two pictures a second)."""
    from annotate.samples.group import group_session, make_group_clip

    mesh, still = still_mesh
    script = group_session(8, 4.0, seed=5, fps=10.0)
    video, _ = make_group_clip(
        script, mesh, tmp_path_factory.mktemp("group"), render_fps=2.0, detect=still.detect
    )
    return video
