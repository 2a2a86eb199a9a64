"""An annotation file uploaded from the page, imported with the library's own import.

The page sends the file's bytes (at most UPLOAD_MAX_BYTES); they are written under a temporary
folder inside the project's `.annotate/` cache (never anywhere the uploaded name could point:
only the name's format suffix is kept), read by the same readers and stored by the same
whole-or-nothing import as `annotate annotations import`, and the folder is removed again.

    preview_upload(folder, data, "visit1.eaf", coder="ana", clip=ref)  # what would be stored
    import_upload(store, folder, data, "visit1.eaf", coder="ana", clip=ref, who="ana")
"""

from __future__ import annotations

import re
import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from annotate.budgets import UPLOAD_MAX_BYTES
from annotate.coding.clips import ClipRef
from annotate.coding.store import AnnotationStore
from annotate.errors import AnnotateError
from annotate.interchange.convert import file_format, parts, read_any
from annotate.interchange.store_files import import_file, prepare_import

PAGE_IMPORTS = (".eaf", ".eaf.gz", ".csv", ".tsv", ".boris", ".rttm")
"""What the page's import reads: ELAN, the project's CSV, BORIS projects and exports, RTTM."""


class UploadError(AnnotateError):
    """An uploaded file that cannot be imported (named by the name the page gave)."""


def upload_name(name: str) -> str:
    """The uploaded file's name as shown and recorded: its last part, plain characters only.

    Raises:
        UploadError: no name, or not a format the page imports.
    """
    base = re.split(r"[\\/]", name)[-1].strip()
    safe = re.sub(r"[^A-Za-z0-9._ -]", "_", base)[-120:].lstrip(". ")
    if not safe:
        raise UploadError("give the file's name with ?name=FILE (its suffix says its format)")
    if file_format(Path(safe)) not in PAGE_IMPORTS:
        raise UploadError(
            f"{safe}: not a format the page imports (known: {', '.join(PAGE_IMPORTS)})"
        )
    return safe


@contextmanager
def _staged(folder: Path, data: bytes, name: str) -> Iterator[Path]:
    if len(data) > UPLOAD_MAX_BYTES:
        raise UploadError(f"{name}: larger than {UPLOAD_MAX_BYTES // (1 << 20)} MiB")
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="upload-", dir=folder) as staging:
        path = Path(staging) / name
        path.write_bytes(data)
        try:
            yield path
        except AnnotateError as exc:  # named by the uploaded name, not the staging path
            raise UploadError(f"{name}: {exc.message}") from None


def preview_upload(
    folder: Path, data: bytes, name: str, *, coder: str, clip: ClipRef, part: str | None
) -> dict[str, Any]:
    """What importing the file would store for `coder` on `clip`: counts by tier and code, the
    scheme, the observations it holds (BORIS, RTTM), and the reader's warnings.

    Raises:
        UploadError: the file cannot be read (one line, naming it).
    """
    with _staged(folder, data, name) as path:
        found = parts(read_any(path, coder, fps=clip.fps))
        if part is None and len(found) > 1:
            return {"name": name, "count": 0, "observations": found, "tiers": {}, "warnings": []}
        read, mapped, _ = prepare_import(path, coder=coder, clip=clip, part=part)
    tiers = Counter(f"{a.tier}/{a.code}" for a in mapped.annotations)
    return {
        "name": name,
        "coder": coder,
        "count": len(mapped.annotations),
        "scheme": read.scheme.id,
        "tiers": dict(sorted(tiers.items())),
        "observations": found if found != [""] else [],
        "warnings": list(read.warnings)[:20],
    }


def import_upload(
    store: AnnotationStore,
    folder: Path,
    data: bytes,
    name: str,
    *,
    coder: str,
    clip: ClipRef,
    part: str | None,
    who: str,
    replace: bool = False,
) -> dict[str, Any]:
    """Import the file for `coder` on `clip`, all or nothing (annotate.coding.store_import).

    Raises:
        UploadError: the file cannot be read, or an annotation fails the store's checks.
    """
    with _staged(folder, data, name) as path:
        result, _ = import_file(
            store, path, coder=coder, clip=clip, part=part, who=who, replace=replace
        )
    return {"name": name, "coder": coder, "count": result.count, "scheme": result.scheme}
