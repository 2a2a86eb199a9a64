"""Clip feature extraction: video -> faces -> tracks -> roles -> feature table, episodes, summary.

`extract_clip` is the library call behind `annotate extract`; it returns a `ClipFeatures` and
writes nothing (annotate.extract.folder writes). Progress goes to an optional hook, never to print.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np
import pandas as pd

from annotate.config import FeatureConfig
from annotate.errors import VideoError
from annotate.extract.summary import ClipSummary, clip_summary
from annotate.faces.episodes import clip_episodes
from annotate.faces.face_evidence import face_evidence
from annotate.faces.finder import ExpectedFace, FaceFinder
from annotate.faces.frame_table import build_feature_table, empty_feature_table
from annotate.faces.heads import HeadMark, SceneCuts, head_only_flags, heads_without_faces
from annotate.faces.landmarker import Device, FaceLandmarker, RawFace
from annotate.faces.observation import FaceObservation
from annotate.faces.reid import join_tracks
from annotate.faces.roles import (
    RoleAssignment,
    TrackSummary,
    apply_overrides,
    assign_roles,
)
from annotate.faces.second_look import MeshSecondLook
from annotate.faces.tracking import FaceTracker, Track, real_tracks
from annotate.media.video import ClipInfo, ProgressHook, iter_frames
from annotate.models import FACE_MESH, FULL_RANGE_DETECTOR, resolve_wheel_model
from annotate.sound.analysis import SoundResult
from annotate.timeline.episodes import Episode


class FaceSource(Protocol):
    """What extraction needs to find a frame's faces (a FaceFinder, or a test's fake)."""

    device: str

    def find(
        self, rgb: np.ndarray, t_s: float, expected: Sequence[ExpectedFace]
    ) -> list[RawFace]: ...

    def close(self) -> None: ...


LandmarkerFactory = Callable[[FeatureConfig], FaceSource]


@dataclass
class ClipFeatures:
    """Everything extracted from one clip, before it is written."""

    info: ClipInfo
    config: FeatureConfig
    table: pd.DataFrame
    episodes: list[Episode]
    summary: ClipSummary
    roles: dict[int, RoleAssignment]
    sample_fps: float
    frames_decoded: int
    elapsed_s: float
    device: str
    warnings: list[str] = field(default_factory=list)
    sound: SoundResult | None = None  # the vocal channel (annotate.extract.sound adds it)


def mediapipe_factory(model_path: Path, device: Device = "cpu") -> LandmarkerFactory:
    """A factory of face finders: MediaPipe's landmarker on whole frames (VIDEO mode), a second
    (IMAGE mode) for crops around faces the first missed, and a third for whole frames turned
    by a quarter turn when faces are missing (see annotate.faces.finder)."""

    def make(config: FeatureConfig) -> FaceSource:
        faces = config.faces
        thresholds = {
            "min_detection_confidence": faces.min_detection_confidence,
            "min_presence_confidence": faces.min_presence_confidence,
            "min_tracking_confidence": faces.min_tracking_confidence,
        }
        whole = FaceLandmarker(model_path, faces.max_faces, video=True, device=device, **thresholds)
        crops_device: Device = (
            "gpu" if whole.device == "gpu" else "cpu"
        )  # as the first one fell back
        crops = FaceLandmarker(model_path, 1, video=False, device=crops_device, **thresholds)
        searcher = FaceLandmarker(
            model_path, faces.max_faces, video=False, device=crops_device, **thresholds
        )
        second = None
        if config.search.second_look:
            second = MeshSecondLook.from_files(
                resolve_wheel_model(FULL_RANGE_DETECTOR),
                resolve_wheel_model(FACE_MESH),
                config.search.second_look_min_score,
            )
        return FaceFinder(whole, crops, searcher, faces.max_faces, config.search, second)

    return make


def _track_summaries(tracks: list[Track], frame_size: tuple[int, int]) -> list[TrackSummary]:
    width, height = frame_size
    return [
        TrackSummary(
            track_id=track.track_id,
            frames_seen=len(track.observations),
            median_face_px=float(
                np.median(
                    [
                        max(o.box_xywh_norm[2] * width, o.box_xywh_norm[3] * height)
                        for o in track.observations
                    ]
                )
            ),
            evidence=face_evidence(track.observations, frame_size),
        )
        for track in tracks
    ]


@dataclass
class TrackedStretch:
    """The tracked faces of one stretch of a clip (the whole clip, or one time chunk).

    Attributes:
        start_s, end_s: the stretch (end None: to the clip's end).
        samples: (frame index, time in seconds) of each sampled frame, in order.
        tracks: every track (short ones included, so that chunks can be stitched), ids 0..n-1.
        frames_decoded: frames decoded within the stretch.
        device: where the landmarker ran.
        elapsed_s: time taken.
        heads: frames in which a track's person was there without a readable face.
    """

    start_s: float
    end_s: float | None
    samples: list[tuple[int, float]]
    tracks: list[Track]
    frames_decoded: int
    device: str
    elapsed_s: float
    heads: list[HeadMark] = field(default_factory=list)


def track_faces(
    info: ClipInfo,
    config: FeatureConfig,
    landmarker_factory: LandmarkerFactory,
    *,
    start_s: float = 0.0,
    end_s: float | None = None,
    progress: ProgressHook | None = None,
) -> TrackedStretch:
    """Find and track the faces of one stretch of a clip, frame by frame.

    Each call makes its own landmarker (VIDEO mode keeps state), so stretches can run in
    separate processes; `annotate.faces.stitching` joins their tracks.
    """
    started = time.perf_counter()
    frame_size = (info.width, info.height)
    tracker = FaceTracker(config.tracking, config.faces.max_faces, frame_size)
    samples: list[tuple[int, float]] = []
    heads: list[HeadMark] = []
    cuts = SceneCuts()
    landmarker = landmarker_factory(config)
    decoded = 0

    def count(done: int, total: int) -> None:
        nonlocal decoded
        decoded = done
        if progress is not None:
            progress(done, total)

    try:
        for frame in iter_frames(info, config.sampling.fps, count, start_s, end_s):
            faces = landmarker.find(frame.rgb, frame.t, tracker.expected_faces(frame.t))
            observations = [
                FaceObservation.from_landmarker(f, frame.index, frame.t, *frame_size, config.gaze)
                for f in faces
            ]
            tracker.update(observations)
            samples.append((frame.index, frame.t))
            cuts.see(frame.rgb, frame.t)
            heads += heads_without_faces(
                tracker.tracks,
                frame.index,
                frame.t,
                config.tracking.max_dropout_s,
                observations,
                cuts.last_cut_t,
            )
    finally:
        landmarker.close()
    return TrackedStretch(
        start_s=start_s,
        end_s=end_s,
        samples=samples,
        tracks=tracker.tracks,
        frames_decoded=decoded,
        device=landmarker.device,
        elapsed_s=time.perf_counter() - started,
        heads=heads,
    )


RoleHeuristic = Callable[[Sequence[Track], tuple[int, int]], dict[int, RoleAssignment]]
"""Decides each track's role from the tracks and the frame's (width, height)."""


def dyad_roles(tracks: Sequence[Track], frame_size: tuple[int, int]) -> dict[int, RoleAssignment]:
    """The dyad clips' heuristic (annotate.faces.roles): mother, infant, adult_2, ..."""
    return assign_roles(_track_summaries(list(tracks), frame_size))


def finish_clip(
    info: ClipInfo,
    config: FeatureConfig,
    stretch: TrackedStretch,
    role_overrides: dict[int, str] | None = None,
    role_heuristic: RoleHeuristic = dyad_roles,
) -> ClipFeatures:
    """From tracked faces to the clip's features: drop spurious tracks, decide roles (by
    `role_heuristic`, then the coder's overrides), build the feature table, the episodes and
    the summary.

    Raises:
        VideoError: no frame could be decoded.
        ConfigError: a role override names a track that does not exist.
    """
    samples = stretch.samples
    if not samples:
        raise VideoError("no frame could be decoded", info.path)
    frame_size = (info.width, info.height)
    notes: list[str] = []
    expected = info.frame_count - round(stretch.start_s * info.fps)
    if info.frame_count and stretch.end_s is None and stretch.frames_decoded < 0.9 * expected:
        notes.append(
            f"{info.path}: decoded {stretch.frames_decoded} of the {info.frame_count} frames the "
            "container announces; the file may be truncated"
        )
    joined = join_tracks(stretch.tracks, config.tracking, frame_size)
    tracks = real_tracks(joined, config.tracking.min_track_s)
    roles = role_heuristic(tracks, frame_size)
    if role_overrides:
        roles = apply_overrides(roles, role_overrides)
    if not tracks:
        notes.append(f"{info.path}: no face found in {len(samples)} sampled frames")
        table = empty_feature_table()
    else:
        flags = head_only_flags(samples, tracks, stretch.heads)
        table = build_feature_table(
            info.clip_id, samples, tracks, roles, frame_size, config.gaze, flags
        )
        if len(tracks) == 1:
            only = next(iter(roles.values()))
            notes.append(
                f"{info.path}: only one face found; called {only.role} from the face alone "
                f"(confidence {only.confidence:.2f}; use --roles to correct)"
            )
    episodes = clip_episodes(table, config.episodes, config.expressions)
    sample_fps = _effective_rate(samples, info.fps)
    figures = clip_summary(table, episodes, roles, sample_fps, config.expressions.smile_min)
    summary = dataclasses.replace(
        figures, clip=info.clip_id, video_sha256=info.sha256, duration_s=round(info.duration_s, 3)
    )
    return ClipFeatures(
        info=info,
        config=config,
        table=table,
        episodes=episodes,
        summary=summary,
        roles=roles,
        sample_fps=sample_fps,
        frames_decoded=stretch.frames_decoded,
        elapsed_s=stretch.elapsed_s,
        device=stretch.device,
        warnings=notes,
    )


def extract_clip(
    info: ClipInfo,
    config: FeatureConfig,
    landmarker_factory: LandmarkerFactory,
    *,
    role_overrides: dict[int, str] | None = None,
    progress: ProgressHook | None = None,
) -> ClipFeatures:
    """Extract the face, pose and gaze features of one clip, in this process.

    Args:
        info: the clip, probed once by the caller (annotate.media.video.probe).
        config: feature settings (sample rate, thresholds).
        landmarker_factory: makes the face finder (one per clip).
        role_overrides: track id -> role, from `--roles`.
        progress: called with (frames decoded, frames expected).

    Raises:
        VideoError: the clip cannot be read or holds no frames.
        ConfigError: a role override names a track that does not exist.
    """
    stretch = track_faces(info, config, landmarker_factory, progress=progress)
    return finish_clip(info, config, stretch, role_overrides)


def _effective_rate(samples: list[tuple[int, float]], native_fps: float) -> float:
    """Samples per second actually analysed (over the whole span), or the clip's rate."""
    span = samples[-1][1] - samples[0][1] if samples else 0.0
    return (len(samples) - 1) / span if span > 0 else native_fps
