"""The sha256 of a file, read once per version of the file.

The one way the project hashes a video (a clip's identity: the coding store's clips, the
batch's cache keys, provenance.json, the features folders of the coders' tool). Reading a long
video takes seconds, and every command used to read it again; the digest is remembered in a
small JSON file in the user's cache (annotate.io.cache_dir: `hashes.json`, or the file named by
`$ANNOTATE_HASH_CACHE`), keyed by the file's resolved path, its size and its modification time
in nanoseconds. A file whose size or modification time changed is read again; so is every file
when the cache is damaged or missing (it is only a saving, never the truth). The cache is
written whole through annotate.io.atomic; two processes saving at once may each lose the
other's new entries, which costs one more read later, never a wrong digest.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path
from typing import Any

from annotate.errors import AnnotateError, VideoError
from annotate.io.atomic import write_bytes
from annotate.io.cache_dir import cache_dir

HASH_CACHE_ENV = "ANNOTATE_HASH_CACHE"
HASH_CACHE_NAME = "hashes.json"
MAX_ENTRIES = 20_000  # the most recently seen are kept; one entry is about 150 bytes
_CHUNK = 1 << 20


def hash_cache_path() -> Path:
    """Where the remembered hashes are kept: `$ANNOTATE_HASH_CACHE`, else hashes.json in the
    user's cache folder."""
    named = os.environ.get(HASH_CACHE_ENV)
    return Path(named) if named else cache_dir() / HASH_CACHE_NAME


def read_sha256(path: Path) -> str:
    """sha256 of a file's bytes, read in 1 MiB chunks (every time; see `file_sha256`)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _key(path: Path) -> str:
    return str(path.resolve())


class HashCache:
    """Remembered digests by (resolved path, size, modification time in ns), read from and
    saved to one JSON file."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path if path is not None else hash_cache_path()
        self._known = self._load()
        self._new: dict[str, dict[str, Any]] = {}

    def _load(self) -> dict[str, dict[str, Any]]:
        try:
            loaded = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):  # missing, unreadable or damaged: only a slower run
            return {}
        if not isinstance(loaded, dict):
            return {}
        return {k: v for k, v in loaded.items() if isinstance(v, dict)}

    def sha256(self, video: Path) -> str:
        """The file's sha256, read only when the file changed since it was last seen.

        Raises:
            VideoError: the file cannot be read (missing, a folder, no permission), naming it.
        """
        try:
            return self._sha256(video)
        except OSError as exc:
            raise VideoError(f"cannot be read ({exc.strerror or exc})", video) from None

    def _sha256(self, video: Path) -> str:
        stat = video.stat()
        key = _key(video)
        known = self._new.get(key) or self._known.get(key)
        if (
            known
            and known.get("size") == stat.st_size
            and known.get("mtime_ns") == stat.st_mtime_ns
            and isinstance(known.get("sha256"), str)
        ):
            return str(known["sha256"])
        digest = read_sha256(video)
        self._new[key] = {
            "size": stat.st_size,
            "mtime_ns": stat.st_mtime_ns,
            "sha256": digest,
            "seen": time.time(),
        }
        return digest

    def save(self) -> None:
        """Add this run's new digests to the file (as it is now on disk), dropping entries of
        files that are gone and the oldest beyond MAX_ENTRIES; nothing is written when there is
        nothing new. A cache that cannot be written is skipped (the digests stay right)."""
        if not self._new:
            return
        merged = {**self._load(), **self._new}
        kept = {k: v for k, v in merged.items() if k in self._new or os.path.exists(k)}
        newest = sorted(kept.items(), key=lambda item: -float(item[1].get("seen", 0.0)))
        blob = json.dumps(dict(sorted(newest[:MAX_ENTRIES])), indent=0, sort_keys=True)
        try:
            write_bytes(self.path, blob, force=True)
        except AnnotateError:
            return
        self._known, self._new = {**self._known, **self._new}, {}


def file_sha256(path: Path, cache: HashCache | None = None) -> str:
    """The file's sha256, read only when the file is new or changed (see the module docstring).

    Args:
        path: the file.
        cache: remembered digests to use and add to (the caller saves it); by default the
            user's cache, loaded and saved within this call.

    Raises:
        VideoError: the file cannot be read (missing, a folder, no permission), naming it.
    """
    if cache is not None:
        return cache.sha256(path)
    own = HashCache()
    digest = own.sha256(path)
    own.save()
    return digest
