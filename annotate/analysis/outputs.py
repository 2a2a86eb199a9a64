"""Writing outputs safely: never over an existing file without `force`, never half-written.

Each file is written under a temporary name in its own folder, flushed to disk, then renamed over
the target in one step, so a crash leaves either the old file or the new one, never an empty one.
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


def write_atomic(path: Path, data: bytes | str) -> Path:
    """Write `data` (text as UTF-8) to `path` through a temporary file and a rename.

    Raises:
        OutputError: the folder cannot be made or the file cannot be written.
    """
    blob = data.encode("utf-8") if isinstance(data, str) else data
    temp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # os.open with mode 0o666 lets the umask set the permissions, as for any new file
        descriptor = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(blob)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise OutputError(f"cannot be written: {exc.strerror or exc}", path) from None
    return path


def write_outputs(outputs: Mapping[Path, bytes | str], force: bool) -> list[Path]:
    """Write several outputs, after checking all of them first (see `check_writable`)."""
    check_writable(outputs, force)
    return [write_atomic(path, data) for path, data in outputs.items()]
