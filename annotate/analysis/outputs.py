"""Writing outputs safely: never over an existing file without `force`, never half-written, and
several outputs of one command whole or not at all.

Each file is written under a temporary name in its own folder and flushed to disk. Only when every
output of the command is staged so are they renamed over their targets, so a failure (a folder
that cannot be written, a full disk) leaves none of them: no CSV beside a missing picture, and a
rerun is not refused for outputs that "exist". A crash leaves either the old file or the new one,
never an empty one.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterable, Mapping
from pathlib import Path

from annotate.errors import OutputError


def check_writable(paths: Iterable[Path], force: bool) -> None:
    """Refuse, before anything is written, when an output exists and `force` is not given.

    Raises:
        OutputError: naming the first output that exists, or one that is a folder.
    """
    for path in paths:
        if path.is_dir():
            raise OutputError("is a folder; give a file name for this output", path)
        if path.exists() and not force:
            raise OutputError("exists already; give --force to overwrite it", path)


def _temporary(path: Path, tag: str) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.{tag}")


def _unlink(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()


def _stage(path: Path, data: bytes | str) -> Path:
    """`data` (text as UTF-8) written and fsynced under a temporary name beside `path`.

    Raises:
        OutputError: the folder cannot be made or the file cannot be written.
    """
    blob = data.encode("utf-8") if isinstance(data, str) else data
    temp = _temporary(path, "tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # os.open with mode 0o666 lets the umask set the permissions, as for any new file
        descriptor = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(blob)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as exc:
        _unlink(temp)
        raise OutputError(f"cannot be written: {exc.strerror or exc}", path) from None
    return temp


def write_atomic(path: Path, data: bytes | str) -> Path:
    """Write `data` (text as UTF-8) to `path` through a temporary file and a rename.

    Raises:
        OutputError: the folder cannot be made or the file cannot be written.
    """
    return write_outputs({path: data}, force=True)[0]


def write_outputs(outputs: Mapping[Path, bytes | str], force: bool) -> list[Path]:
    """Write several outputs whole or not at all, after checking all of them first (see
    `check_writable`); the paths written, in order.

    Raises:
        OutputError: an output exists (without `force`) or one cannot be written; then no output
            has changed.
    """
    check_writable(outputs, force)
    staged: list[tuple[Path, Path]] = []
    try:
        for path, data in outputs.items():
            staged.append((_stage(path, data), path))
    except OutputError:
        for temp, _ in staged:
            _unlink(temp)
        raise
    _move_in(staged)
    return [path for _, path in staged]


def _move_in(staged: list[tuple[Path, Path]]) -> None:
    """Rename every staged file over its target; if one rename fails, put back what was there
    (a hard link to each replaced file is kept until all are in)."""
    kept: list[tuple[Path, Path | None, bool]] = []  # target, link to its old version, existed
    try:
        for temp, path in staged:
            existed = path.exists()
            kept.append((path, _link_old(path) if existed else None, existed))
            os.replace(temp, path)
    except OSError as exc:
        for path, old, existed in reversed(kept):
            with contextlib.suppress(OSError):
                if old is not None:
                    os.replace(old, path)
                elif not existed:
                    path.unlink()
        for temp, _ in staged:
            _unlink(temp)
        failed = kept[-1][0] if kept else staged[0][1]
        raise OutputError(
            f"cannot be written: {exc.strerror or exc} (no output was changed)", failed
        ) from None
    for _, old, _ in kept:
        if old is not None:
            _unlink(old)


def _link_old(path: Path) -> Path | None:
    """A hard link to `path`'s current version, to put back on failure (None where the file
    system has no hard links: that file then cannot be put back)."""
    old = _temporary(path, "old")
    try:
        os.link(path, old)
    except OSError:
        return None
    return old
