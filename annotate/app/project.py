"""The project a coding session opens: its folder, its clips, its database and its cache.

`annotate code CLIP` opens the clip's folder with that one clip; `annotate code FOLDER` opens every
video under the folder (hidden folders and the tool's own cache left out). The server serves these
clips and nothing else: a name is looked up in the project's list, never joined onto a path as
given, so `../`, absolute paths and symlinks that lead out of the folder are refused.

Beside the clips, the tool keeps what it makes in `.annotate/` (features per clip, browser
proxies, both by the clip's sha256): participant videos are sensitive data, and what is derived
from them stays with them rather than in a cache in the user's home.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from annotate.coding.clips import DB_NAME, ClipRef
from annotate.errors import AnnotateError
from annotate.extract.job import VIDEO_SUFFIXES
from annotate.media.video import ClipInfo, probe

CACHE_FOLDER = ".annotate"
MAX_CLIPS = 10_000


class NotInProjectError(AnnotateError):
    """A clip name that is not one of the open project's clips."""


def _inside(path: Path, root: Path) -> bool:
    try:
        return path.resolve().is_relative_to(root)
    except OSError:
        return False


def _is_video(path: Path) -> bool:
    return path.suffix.lower() in VIDEO_SUFFIXES and not path.name.startswith(".")


def find_clips(root: Path) -> list[str]:
    """The videos under `root` (relative POSIX names, sorted), hidden folders left out.

    A symlink is listed only when it resolves to a file inside `root`.
    """
    found = []
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if any(part.startswith(".") for part in relative.parts[:-1]):
            continue
        if _is_video(path) and path.is_file() and _inside(path, root):
            found.append(relative.as_posix())
            if len(found) >= MAX_CLIPS:
                break
    return found


def _bad_name(name: str) -> str | None:
    """Why a requested clip name is refused outright, or None."""
    if not name or len(name) > 1000 or "\x00" in name or "\\" in name:
        return "not a clip name"
    pure = PurePosixPath(name)
    if pure.is_absolute() or (len(name) > 1 and name[1] == ":"):
        return "absolute paths are refused"
    if any(part in ("..", ".", "") for part in name.split("/")) or name.startswith("~"):
        return "paths out of the project are refused"
    return None


@dataclass
class Project:
    """An open project.

    Attributes:
        root: the folder of the clips (resolved).
        clips: the clips' names relative to root, POSIX style.
        database: the project database (annotate.sqlite beside the clips, or --db).
        first_clip: the clip to open at once (`annotate code CLIP`), or None.
    """

    root: Path
    clips: tuple[str, ...]
    database: Path
    first_clip: str | None = None
    _infos: dict[str, tuple[tuple[int, float], ClipInfo]] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def rescan(self) -> tuple[str, ...]:
        """Look for clips again (a folder project: files added since the start are seen; a
        one-clip project keeps its clip) and return the clips."""
        if self.first_clip is None:
            found = find_clips(self.root)
            if found:
                with self._lock:
                    self.clips = tuple(found)
        return self.clips

    @property
    def cache(self) -> Path:
        """Where the tool keeps features and proxies: `.annotate/` in the project folder."""
        return self.root / CACHE_FOLDER

    def path_of(self, name: str) -> Path:
        """The file of one of the project's clips.

        Raises:
            NotInProjectError: the name is malformed, leads out of the project, or is not a clip.
        """
        why = _bad_name(name)
        if why is not None:
            raise NotInProjectError(f"{why}: {name[:200]!r}")
        if name not in self.clips:
            raise NotInProjectError(f"no clip {name[:200]!r} in this project")
        path = self.root / name
        if not path.is_file() or not _inside(path, self.root):
            raise NotInProjectError(f"clip {name!r} is gone or now leads out of the project")
        return path

    def clip_info(self, name: str) -> ClipInfo:
        """The clip's probe (sha256, fps, size...), made once per version of the file.

        Raises:
            NotInProjectError: see `path_of`.
            VideoError: the file is not a readable video.
        """
        path = self.path_of(name)
        stat = path.stat()
        stamp = (stat.st_size, stat.st_mtime)
        with self._lock:
            known = self._infos.get(name)
        if known is not None and known[0] == stamp:
            return known[1]
        info = probe(path)
        with self._lock:
            self._infos[name] = (stamp, info)
        return info

    def clip_ref(self, name: str) -> ClipRef:
        """The clip as the store knows it (by sha256, with its duration and frame rate).

        Raises:
            NotInProjectError, VideoError: see `clip_info`.
        """
        info = self.clip_info(name)
        return ClipRef(
            sha256=info.sha256,
            name=info.path.name,
            duration_s=info.duration_s or None,
            fps=info.fps,
            path=str(info.path.resolve()),
        )


def open_project(target: Path, db: Path | None = None) -> Project:
    """Open a clip (its folder, with that one clip) or a folder of clips.

    Raises:
        NotInProjectError: the target is missing, not a video, or a folder without videos.
    """
    target = target.expanduser()
    if not target.exists():
        raise NotInProjectError("no such file or folder", target)
    if target.is_dir():
        root = target.resolve()
        clips = find_clips(root)
        if not clips:
            suffixes = ", ".join(VIDEO_SUFFIXES)
            raise NotInProjectError(f"no video files here ({suffixes})", target)
        first = None
    else:
        if not _is_video(target):
            raise NotInProjectError(
                f"not a video file (known: {', '.join(VIDEO_SUFFIXES)})", target
            )
        root = target.resolve().parent
        first = target.resolve().name
        clips = [first]
    database = db.expanduser().resolve() if db is not None else root / DB_NAME
    return Project(root=root, clips=tuple(clips), database=database, first_clip=first)
