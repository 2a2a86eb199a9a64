"""The install's lock: requirements.lock's hash, and whether the running packages match it.

Every dependency is pinned in requirements.lock (made by scripts/lock), so that the same inputs
give the same numbers on every install. provenance.json records the lock's sha256 and any
package whose installed version differs from its pin, so a result made outside the lock says so.
"""

from __future__ import annotations

import hashlib
import re
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

LOCK_FILE = "requirements.lock"
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)\s*(?:;\s*([^\\#]+?))?\s*\\?\s*$")


def lock_path() -> Path:
    """requirements.lock of the checkout this package runs from."""
    return Path(__file__).resolve().parents[1] / LOCK_FILE


def pins(text: str) -> dict[str, tuple[str, str]]:
    """{normalised name: (version, environment marker or '')} of a lock's `name==version` lines."""
    found = {}
    for line in text.splitlines():
        match = _PIN.match(line.strip())
        if match:
            name, pinned, marker = match.groups()
            found[_normalised(name)] = (pinned, (marker or "").strip())
    return found


def lock_record(path: Path | None = None) -> dict[str, Any]:
    """{'lock_sha256', 'matches_lock', 'differs'} for provenance.json.

    `differs` lists `name installed (lock pinned)` for each pinned package that applies here and
    is installed at another version or missing; `matches_lock` is None without a lock file.
    """
    path = lock_path() if path is None else path
    if not path.is_file():
        return {"lock_sha256": None, "matches_lock": None, "differs": [], "lock": "not found"}
    data = path.read_bytes()
    differs = []
    for name, (pinned, marker) in sorted(pins(data.decode("utf-8", "replace")).items()):
        if marker and not _applies(marker):
            continue
        try:
            installed = version(name)
        except PackageNotFoundError:
            installed = "missing"
        if installed != pinned:
            differs.append(f"{name} {installed} (lock {pinned})")
    return {
        "lock_sha256": hashlib.sha256(data).hexdigest(),
        "matches_lock": not differs,
        "differs": differs,
    }


def _normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _applies(marker: str) -> bool:
    from packaging.markers import InvalidMarker, Marker

    try:
        return bool(Marker(marker).evaluate())
    except InvalidMarker:
        return True
