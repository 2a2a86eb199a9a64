"""Writing output files safely: to a temporary name beside the target, then renamed over it.

A crash or a full disk leaves either the old file or the new one, never a half-written one (the
failure BORIS users report as project files left empty). An existing output is only replaced when
the caller passes `force`.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from pathlib import Path

from annotate.errors import OutputError


def check_output(path: Path, force: bool) -> None:
    """Refuse an output that exists already unless `force`.

    Raises:
        OutputError: the file exists and force is False.
    """
    if path.exists() and not force:
        raise OutputError("exists already; pass --force to replace it", path)


def _fsync_dir(folder: Path) -> None:
    # Makes the rename itself durable; not possible on every platform, harmless to skip there.
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_with(path: Path, writer: Callable[[Path], None], *, force: bool = False) -> Path:
    """Call `writer(temporary_path)`, then rename the temporary file to `path`.

    Args:
        path: the final output path; its folder is created if missing.
        writer: writes the whole file to the path it is given.
        force: replace an existing file.

    Returns:
        The path written.

    Raises:
        OutputError: the output exists (without force) or cannot be written.
    """
    path = Path(path)
    check_output(path, force)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create the folder: {exc.strerror}", path.parent) from None
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        writer(temporary)
        with temporary.open("rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except OSError as exc:
        raise OutputError(f"cannot be written: {exc.strerror or exc}", path) from None
    finally:
        temporary.unlink(missing_ok=True)
    _fsync_dir(path.parent)
    return path


def write_bytes(path: Path, data: bytes, *, force: bool = False) -> Path:
    """Write `data` to `path` through a temporary file (see `write_with`)."""

    def writer(temporary: Path) -> None:
        temporary.write_bytes(data)

    return write_with(path, writer, force=force)


def write_text(path: Path, text: str, *, force: bool = False) -> Path:
    """Write `text` as UTF-8 to `path` through a temporary file (see `write_with`)."""
    return write_bytes(path, text.encode("utf-8"), force=force)
