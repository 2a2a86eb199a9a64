"""Rendering a face mesh at a pose onto a frame: per-triangle affine warps, far to near."""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np

from annotate.faces.geometry import pose_from_rotation, rotation_from_pose
from annotate.faces.landmarker import RawFace
from annotate.samples.face_mesh import FaceMesh

# Heads turn about a point behind the face, as a neck does (a share of the face's width).
PIVOT_DEPTH = 0.6
# Calibrated angles are kept to this many decimals of a degree: the pose read back goes through
# LAPACK (an SVD), whose last bits depend on the BLAS kernel the machine picks (OPENBLAS_CORETYPE),
# and a last-bit change moves a triangle's rounded corner and so the whole clip. A millionth of a
# degree is far below what the landmarker can read.
CALIBRATION_DECIMALS = 6


def project(
    mesh: FaceMesh,
    yaw: float,
    pitch: float,
    roll: float,
    centre_px: tuple[float, float],
    width_px: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Screen positions (N, 2) and depths (N,) of the mesh's points at a pose (orthographic).

    `centre_px` is where the face oval's centre lands and `width_px` the oval's width when facing
    the camera. Pose angles follow annotate.faces.geometry's conventions.
    """
    scale = width_px / mesh.face_width_px
    yaw, pitch = yaw + mesh.neutral_deg[0], pitch + mesh.neutral_deg[1]
    camera = mesh.points_px * np.array([1.0, -1.0, 1.0])  # to camera axes: y up
    pivot = np.array([0.0, 0.0, -PIVOT_DEPTH * mesh.face_width_px])
    rotation = rotation_from_pose(yaw, pitch, roll)
    turned = np.einsum("nk,jk->nj", camera - pivot, rotation) + pivot
    screen = np.stack(
        [centre_px[0] + turned[:, 0] * scale, centre_px[1] - turned[:, 1] * scale], axis=1
    )
    return screen, turned[:, 2]


def _affines(destination: np.ndarray, source: np.ndarray) -> np.ndarray:
    """(T, 2, 3) affine maps from each destination triangle to its source triangle.

    Solved in closed form, corner by corner, with no BLAS or LAPACK call: their kernels differ
    between processors in the last bits, which moves rounded pixels and so the clip.
    """
    (x0, y0), (x1, y1), (x2, y2) = (destination[:, k].T for k in range(3))
    det = (x1 - x0) * (y2 - y0) - (x2 - x0) * (y1 - y0)  # twice the signed area
    # rows of the inverse of [[x0, y0, 1], [x1, y1, 1], [x2, y2, 1]], as weights of the corners
    wx = np.stack([y1 - y2, y2 - y0, y0 - y1], axis=1) / det[:, None]
    wy = np.stack([x2 - x1, x0 - x2, x1 - x0], axis=1) / det[:, None]
    w1 = np.stack([x1 * y2 - x2 * y1, x2 * y0 - x0 * y2, x0 * y1 - x1 * y0], axis=1) / det[:, None]
    weights = np.stack([wx, wy, w1], axis=1)  # (T, 3 terms, 3 corners)
    return np.einsum("tkc,tcj->tjk", weights, source)


def render_face(
    canvas: np.ndarray,
    mesh: FaceMesh,
    yaw: float,
    pitch: float,
    roll: float,
    centre_px: tuple[float, float],
    width_px: float,
) -> None:
    """Draw the face onto `canvas` (RGB uint8, in place); hidden triangles are culled."""
    height, width = canvas.shape[:2]
    screen, depth = project(mesh, yaw, pitch, roll, centre_px, width_px)
    tri = mesh.triangles
    dest = screen[tri]  # (T, 3, 2)
    a, b, c = dest[:, 0], dest[:, 1], dest[:, 2]
    area = (b[:, 0] - a[:, 0]) * (c[:, 1] - a[:, 1]) - (c[:, 0] - a[:, 0]) * (b[:, 1] - a[:, 1])
    front = np.flatnonzero(area > 0.05)  # counter-clockwise still: facing the viewer
    if front.size == 0:
        return
    order = front[np.argsort(depth[tri[front]].mean(axis=1))]  # far first, near paints over
    ids = np.full((height, width), -1, dtype=np.int32)
    for k in order:
        cv2.fillConvexPoly(ids, np.round(dest[k] * 16).astype(np.int32), int(k), cv2.LINE_8, 4)
    ys, xs = np.nonzero(ids >= 0)
    if ys.size == 0:
        return
    maps = np.zeros((len(tri), 2, 3))
    maps[front] = _affines(dest[front], mesh.source_px[tri[front]])
    which = ids[ys, xs]  # einsum: no BLAS (see _affines)
    src = np.einsum("nij,nj->ni", maps[which], np.stack([xs, ys, np.ones_like(xs)], 1))
    map_x = np.full((height, width), -1.0, dtype=np.float32)
    map_y = np.full((height, width), -1.0, dtype=np.float32)
    map_x[ys, xs], map_y[ys, xs] = src[:, 0], src[:, 1]
    warped = cv2.remap(
        mesh.texture, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )
    inside = (ids >= 0).astype(np.float32)
    alpha = (cv2.GaussianBlur(inside, (0, 0), 1.5) * inside)[..., None]  # soft edge, inward only
    canvas[:] = (canvas * (1.0 - alpha) + warped * alpha).astype(np.uint8)


def calibrated(
    mesh: FaceMesh, width_px: float, detect: Callable[[np.ndarray], list[RawFace]], rounds: int = 3
) -> FaceMesh:
    """The mesh with `neutral_deg` set so that the landmarker reads pose 0, 0, 0 as 0, 0, 0.

    Renders the face facing the camera at `width_px` on a plain frame, reads its pose with
    `detect` (a still-image landmarker) and corrects by what it reads, a few rounds. The angles
    are rounded (CALIBRATION_DECIMALS) so that the same inputs render the same clip on every
    machine.
    """
    size = int(width_px * 3)
    for _ in range(rounds):
        canvas = np.full((size, size, 3), 128, dtype=np.uint8)
        render_face(canvas, mesh, 0.0, 0.0, 0.0, (size / 2, size / 2), width_px)
        faces = detect(canvas)
        if not faces:
            break
        pose = pose_from_rotation(faces[0].matrix)
        yaw, pitch = mesh.neutral_deg
        mesh = mesh.with_neutral(
            round(yaw - pose.yaw_deg, CALIBRATION_DECIMALS),
            round(pitch - pose.pitch_deg, CALIBRATION_DECIMALS),
        )
    return mesh
