"""Reading a file's bytes within a budget: plain, or gzip inflated while streaming.

A 1 MB gzip file can inflate to gigabytes; `read_limited` stops inflating as soon as the output
passes the limit, so memory stays near the limit whatever the file claims.
"""

from __future__ import annotations

import zlib
from pathlib import Path

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
                return _inflate(head + handle.read(_CHUNK), handle, limit, path, error)
            data = head + handle.read(limit - 1)
            if handle.read(1):
                raise error(f"larger than {_limit_text(limit)}, the most this reader takes", path)
            return data
    except FileNotFoundError:
        raise error("file not found", path) from None
    except IsADirectoryError:
        raise error("is a folder, not a file", path) from None
    except OSError as exc:
        raise error(f"cannot be read: {exc.strerror or exc}", path) from None


def _inflate(
    first: bytes, handle: object, limit: int, path: Path, error: type[AnnotateError]
) -> bytes:
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    parts: list[bytes] = []
    size = 0
    chunk = first
    read = handle.read  # type: ignore[attr-defined]
    try:
        while chunk:
            while chunk:
                # at most limit - size + 1 bytes out per call: memory never passes the limit
                out = inflater.decompress(chunk, limit - size + 1)
                size += len(out)
                if size > limit:
                    raise error(
                        f"inflates to more than {_limit_text(limit)}, the most this reader "
                        "takes (a gzip bomb?)",
                        path,
                    )
                parts.append(out)
                chunk = inflater.unconsumed_tail
                if inflater.eof:
                    break
            if inflater.eof:
                break
            chunk = read(_CHUNK)
        parts.append(inflater.flush())
    except zlib.error as exc:
        raise error(f"damaged gzip file ({exc})", path) from None
    if not inflater.eof:
        raise error("damaged gzip file (it ends early)", path)
    return b"".join(parts)
