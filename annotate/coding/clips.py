"""Which clip annotations belong to, and where a clip's project database lives.

Annotations are keyed by the video's sha256, so a renamed or moved file keeps them. The project
database defaults to a file `annotate.sqlite` in the clip's folder (beside the clips); `--db`
overrides it.
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from pathlib import Path

DB_NAME = "annotate.sqlite"


@dataclass(frozen=True)
class ClipRef:
    """A clip as the coding side needs it.

    Attributes:
        sha256: sha256 of the video file.
        name: the file name (how people recognise it).
        duration_s: length in seconds, None when unknown.
        fps: frames per second, None when unknown.
        path: where it was last seen ('' if unknown).
    """

    sha256: str
    name: str
    duration_s: float | None = None
    fps: float | None = None
    path: str = ""

    @classmethod
    def from_video(cls, path: Path | str) -> ClipRef:
        """Probe a video file: its sha256, duration and frame rate.

        Raises:
            VideoError: the file is missing or not a readable video.
        """
        from annotate.media.video import probe  # OpenCV only when a real video is asked for

        info = probe(Path(path))
        return cls(
            sha256=info.sha256,
            name=info.path.name,
            duration_s=info.duration_s or None,
            fps=info.fps,
            path=str(info.path.resolve()),
        )

    @property
    def mime_type(self) -> str:
        """The clip's MIME type from its file name ('video/mp4'), '' if unknown."""
        return mimetypes.guess_type(self.name)[0] or ""


def default_db_path(clip: Path | str) -> Path:
    """The project database beside a clip: `annotate.sqlite` in the clip's folder."""
    return Path(clip).resolve().parent / DB_NAME
