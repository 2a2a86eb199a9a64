"""Reading a file's bytes within a budget: plain, or gzip inflated while streaming.

A 1 MB gzip file can inflate to gigabytes; `read_limited` stops inflating as soon as the output
passes the limit, so memory stays near the limit whatever the file claims.
"""

from __future__ import annotations

import zlib
from pathlib import Path
from typing import BinaryIO

from annotate import budgets
from annotate.errors import AnnotateError, InterchangeError

_CHUNK = 1 << 20
GZIP_MAGIC = b"\x1f\x8b"


def _limit_text(limit: int) -> str:
    return f"{limit // budgets.MiB} MiB" if limit >= budgets.MiB else f"{limit} bytes"


def read_limited(
    path: Path, limit: int, error: type[AnnotateError] = InterchangeError, *, gunzip: bool = False
) -> bytes:
    """The bytes of `path`, at most `limit` of them (after inflating, when `gunzip` and the file
    starts with the gzip magic).

    Raises:
        error: the file is missing, a folder, unreadable, damaged gzip, or larger than `limit`
            (for gzip: inflates past it), naming the file and the limit.
    """
    try:
        with path.open("rb") as handle:
            head = handle.read(2)
            if gunzip and head == GZIP_MAGIC:
                return _inflate(handle, limit, path, error)
            parts, size = [head], len(head)
            # in steps: read(limit) would allocate the whole limit at once, for any file
            while chunk := handle.read(min(_CHUNK, limit - size + 1)):
                size += len(chunk)
                if size > limit:
                    limit_text = _limit_text(limit)
                    raise error(f"larger than {limit_text}, the most this reader takes", path)
                parts.append(chunk)
            return b"".join(parts)
    except FileNotFoundError:
        raise error("file not found", path) from None
    except IsADirectoryError:
        raise error("is a folder, not a file", path) from None
    except OSError as exc:
        raise error(f"cannot be read: {exc.strerror or exc}", path) from None


def _inflate(handle: BinaryIO, limit: int, path: Path, error: type[AnnotateError]) -> bytes:
    """Inflate every gzip member of `handle` (from its start), refusing output past `limit`."""
    handle.seek(0)
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    parts: list[bytes] = []
    size = 0

    def add(out: bytes) -> None:
        nonlocal size
        size += len(out)
        if size > limit:
            raise error(
                f"inflates to more than {_limit_text(limit)}, the most this reader takes "
                "(a gzip bomb?)",
                path,
            )
        parts.append(out)

    pending = handle.read(_CHUNK)
    try:
        while pending:
            # at most 1 MiB out per call (zlib would grow one buffer to the limit, by doubling),
            # so memory passes the limit by at most one step before the refusal
            add(inflater.decompress(pending, min(_CHUNK, limit - size + 1)))
            if inflater.eof:  # the next gzip member, if any (gzip files may hold several)
                pending = inflater.unused_data or handle.read(_CHUNK)
                if pending:
                    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
            else:
                pending = inflater.unconsumed_tail or handle.read(_CHUNK)
        add(inflater.flush())
    except zlib.error as exc:
        raise error(f"damaged gzip file ({exc})", path) from None
    if not inflater.eof:
        raise error("damaged gzip file (it ends early)", path)
    return b"".join(parts)
