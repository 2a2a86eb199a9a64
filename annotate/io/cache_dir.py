"""The user's cache folder for annotate: fetched models and remembered file hashes.

`$ANNOTATE_CACHE_DIR`, else `$XDG_CACHE_HOME/annotate`, else `~/.cache/annotate`.
"""

from __future__ import annotations

import os
from pathlib import Path

CACHE_ENV = "ANNOTATE_CACHE_DIR"


def cache_dir() -> Path:
    """The folder where fetched models and remembered hashes are kept."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "annotate"
