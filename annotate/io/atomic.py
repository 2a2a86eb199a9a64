"""Writing files safely, the one way the project does it: a temporary name beside the target
(unique to the process and the call, created exclusively), written, flushed and fsynced, then
renamed over the target, and the folder synced so the rename itself lasts.

A crash or a full disk leaves either the old file or the new one, never a half-written one (the
failure BORIS users report as project files left empty), and two processes writing the same
target never share a temporary file. An existing output is replaced only when the caller passes
`force`. Several outputs of one command are written whole or not at all (`write_outputs`): each
is staged, and only when all are staged are they renamed over their targets, so a failure leaves
none of them and a rerun is not refused for outputs that "exist".
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path

from annotate.errors import OutputError


def check_output(path: Path, force: bool) -> None:
    """Refuse an output that exists already (or is a folder) unless `force`.

    Raises:
        OutputError: naming the output.
    """
    check_writable([path], force)


def check_writable(paths: Iterable[Path], force: bool) -> None:
    """Refuse, before anything is written, when an output exists and `force` is not given.

    Raises:
        OutputError: naming the first output that exists, or one that is a folder.
    """
    for path in paths:
        if path.is_dir():
            raise OutputError("is a folder; give a file name for this output", path)
        if path.exists() and not force:
            raise OutputError("exists already; use --force to replace it", path)


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
    except BaseException as exc:  # an interrupt (Ctrl-C) leaves no temporary file either
        _unlink(temp)
        if isinstance(exc, OSError):
            raise OutputError(f"cannot be written: {exc.strerror or exc}", path) from None
        raise
    return temp


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
    except BaseException:
        for temp, _ in staged:
            _unlink(temp)
        raise
    _move_in(staged)
    for folder in {path.parent for _, path in staged}:
        _fsync_folder(folder)
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


def _fsync_folder(folder: Path) -> None:
    # Makes the rename itself durable; not possible on every platform, harmless to skip there.
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def staged_file(path: Path) -> Iterator[Path]:
    """A unique temporary path beside `path` for a writer that needs a path (a video encoder, a
    plot); when the block ends without an exception the file is fsynced and renamed to `path`,
    otherwise it is removed.

    Raises:
        OutputError: the folder cannot be made or the file cannot be written or renamed.
    """
    temp = _temporary(path, f"tmp{path.suffix}")  # the suffix for writers that go by it
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        yield temp
        with temp.open("rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except OSError as exc:
        raise OutputError(f"cannot be written: {exc.strerror or exc}", path) from None
    finally:
        _unlink(temp)  # gone after the rename; removed after a failure or an interrupt
    _fsync_folder(path.parent)


def write_with(path: Path, writer: Callable[[Path], None], *, force: bool = False) -> Path:
    """Call `writer(temporary_path)`, then rename the temporary file to `path` (see
    `staged_file`); refused when `path` exists unless `force`.

    Raises:
        OutputError: the output exists (without force) or cannot be written.
    """
    path = Path(path)
    check_output(path, force)
    with staged_file(path) as temp:
        writer(temp)
    return path


def write_bytes(path: Path, data: bytes | str, *, force: bool = False) -> Path:
    """Write `data` (text as UTF-8) to `path` whole or not at all; refused when `path` exists
    unless `force`.

    Raises:
        OutputError: the output exists (without force) or cannot be written.
    """
    return write_outputs({Path(path): data}, force=force)[0]
