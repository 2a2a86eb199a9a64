"""The running tool: the open project, the coding service, background jobs, and what a clip needs
before the page can show it (frame times, a playable video, features).

Features and proxies are made in the background when the page asks to prepare a clip; until they
are there the page codes on without overlays (or waits for the proxy) and shows the progress.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotate.app.blinding import Blinding
from annotate.app.clip_media import Playability, frame_times, playability, proxy_path
from annotate.app.coding import CodingService
from annotate.app.consensus import ConsensusSetup
from annotate.app.features import (
    extract_features,
    features_document,
    features_folder,
    has_features,
)
from annotate.app.jobs import Jobs, JobState
from annotate.app.project import Project
from annotate.app.proxy import make_proxy
from annotate.errors import AnnotateError
from annotate.media.video import ClipInfo


@dataclass
class Tool:
    """Everything the endpoints share.

    Attributes:
        project: the open project.
        coding: the coder's view of the store.
        jobs: feature extraction and proxies in the background.
        token: the token requests must carry (None: loopback without --token).
        consensus: the consensus view's settings (`annotate code --consensus A,B`).
        blinding: whether clips show by alias, with the phase hidden (annotate.app.blinding).
    """

    project: Project
    coding: CodingService
    jobs: Jobs = field(default_factory=Jobs)
    token: str | None = None
    consensus: ConsensusSetup | None = None
    blinding: Blinding = field(default_factory=Blinding)
    _times: dict[str, list[float]] = field(default_factory=dict, repr=False)
    _playable: dict[str, Playability] = field(default_factory=dict, repr=False)
    _features: dict[str, dict[str, Any]] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    # the video --------------------------------------------------------------------------------

    def frame_times(self, info: ClipInfo) -> list[float]:
        """The clip's frame times (seconds), read once per clip."""
        with self._lock:
            known = self._times.get(info.sha256)
        if known is None:
            known = frame_times(info.path)
            with self._lock:
                self._times[info.sha256] = known
        return known

    def playability(self, info: ClipInfo) -> Playability:
        """Whether the browser plays the clip itself, found once per clip."""
        with self._lock:
            known = self._playable.get(info.sha256)
        if known is None:
            known = playability(info.path)
            with self._lock:
                self._playable[info.sha256] = known
        return known

    def video_file(self, info: ClipInfo) -> Path | None:
        """The file the page plays: the clip, else its finished proxy, else None (not yet)."""
        if self.playability(info).playable:
            return info.path
        proxy = proxy_path(self.project.cache, info.sha256)
        return proxy if proxy.is_file() else None

    def _video_state(self, info: ClipInfo) -> dict[str, Any]:
        ready = self.video_file(info) is not None
        job = self.jobs.state(f"proxy:{info.sha256}")
        state = JobState("done") if ready else job or JobState("queued")
        reason = self.playability(info).reason
        return {**state.to_json(), "proxy": bool(reason), "reason": reason}

    # features ---------------------------------------------------------------------------------

    def features_folder(self, info: ClipInfo) -> Path:
        """Where the clip's features are (or will be) kept."""
        return features_folder(self.project.cache, info.sha256)

    def features(self, info: ClipInfo) -> dict[str, Any] | None:
        """The page's features document of the clip (read once), or None while there is none.

        Raises:
            OSError, ValueError: the feature files cannot be read.
        """
        with self._lock:
            known = self._features.get(info.sha256)
        folder = self.features_folder(info)
        if known is None and has_features(folder):
            known = features_document(folder, info.duration_s)
            with self._lock:
                self._features[info.sha256] = known
        return known

    def _features_state(self, info: ClipInfo) -> dict[str, Any]:
        if has_features(self.features_folder(info)):
            return JobState("done").to_json()
        job = self.jobs.state(f"features:{info.sha256}")
        if job is None:
            return {"state": "missing", "progress": 0.0, "message": ""}
        return job.to_json()

    # both -------------------------------------------------------------------------------------

    def warm_up(self) -> None:
        """Do before the first request what the page's first requests would wait for: load the
        parquet reader and probe (hash, frame times, playability) the clip opened at start."""
        import pyarrow.parquet  # noqa: F401 - imported for its side effect: the first read is quick

        name = self.project.first_clip
        if name is None:
            return
        try:
            info = self.project.clip_info(name)
            self.frame_times(info)
            self.playability(info)
            self.features(info)
        except (AnnotateError, OSError, ValueError):
            return  # the page's own request reports it

    def status(self, info: ClipInfo) -> dict[str, Any]:
        """Where the clip's video and features are: ready, being made (with progress), failed."""
        return {"video": self._video_state(info), "features": self._features_state(info)}

    def prepare(self, info: ClipInfo) -> dict[str, Any]:
        """Start what the clip lacks (proxy, features) in the background; returns `status`."""
        if self.video_file(info) is None:
            self.jobs.start(
                f"proxy:{info.sha256}",
                lambda hook: make_proxy(
                    info.path,
                    proxy_path(self.project.cache, info.sha256),
                    rotation=info.rotation_deg,
                    total_frames=info.frame_count,
                    progress=hook,
                ),
            )
        folder = self.features_folder(info)
        if not has_features(folder):
            self.jobs.start(
                f"features:{info.sha256}",
                lambda hook: extract_features(info, folder, progress=hook),
            )
        return self.status(info)
