"""The same inputs render the same clip on every machine, whichever BLAS kernel numpy picks.

The group session test once failed only on machines whose processor makes OpenBLAS pick another
kernel (OPENBLAS_CORETYPE): the renderer's affine solves and the calibration's pose read-back
went through BLAS and LAPACK, whose last bits differ between kernels; a last-bit change moved a
triangle's rounded corner, the landmarker read another calibration, and every frame changed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from annotate.faces.landmarker import FaceLandmarker
from annotate.samples.face_mesh import astronaut_mesh
from annotate.samples.render import _affines, calibrated

# Renders the calibrated astronaut at three sizes and a turned pose; prints a hash of the pixels.
RENDER = """
import hashlib, sys
import numpy as np
from pathlib import Path
from annotate.faces.landmarker import FaceLandmarker
from annotate.samples.face_mesh import astronaut_mesh
from annotate.samples.render import calibrated, render_face
digest = hashlib.sha256()
with FaceLandmarker(Path(sys.argv[1]), 1, video=False) as still:
    base = astronaut_mesh(still.detect)
    for width in (60.0, 120.0, 200.0):
        mesh = calibrated(base, width, still.detect)
        digest.update(repr(mesh.neutral_deg).encode())
        canvas = np.full((400, 600, 3), 128, np.uint8)
        render_face(canvas, mesh, 35.0, -8.0, 12.0, (300.0, 200.0), width)
        digest.update(canvas.tobytes())
print(digest.hexdigest())
"""


def _render_hash(face_model: Path, **env: str) -> str:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("OPENBLAS_")}
    result = subprocess.run(
        [sys.executable, "-c", RENDER, str(face_model)],
        env={**environment, **env},
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return result.stdout.strip().splitlines()[-1]


@pytest.mark.slow
def test_a_render_is_the_same_with_every_blas_kernel(face_model: Path) -> None:
    plain = _render_hash(face_model)
    assert _render_hash(face_model, OPENBLAS_CORETYPE="Haswell") == plain
    assert _render_hash(face_model, OPENBLAS_CORETYPE="Prescott") == plain


def test_the_affine_maps_solve_each_triangle() -> None:
    rng = np.random.default_rng(3)
    destination = rng.uniform(0, 100, (40, 3, 2))
    source = rng.uniform(0, 100, (40, 3, 2))
    maps = _affines(destination, source)
    corners = np.concatenate([destination, np.ones((40, 3, 1))], axis=2)  # (T, 3 corners, 3)
    mapped = np.einsum("tjk,tck->tcj", maps, corners)
    assert np.allclose(mapped, source, atol=1e-6)


def test_calibrated_angles_are_rounded(face_model: Path) -> None:
    with FaceLandmarker(face_model, 1, video=False) as still:
        mesh = calibrated(astronaut_mesh(still.detect), 90.0, still.detect)
    assert all(round(a, 6) == a for a in mesh.neutral_deg)
    assert mesh.neutral_deg != (0.0, 0.0)  # the landmarker's reading was applied
