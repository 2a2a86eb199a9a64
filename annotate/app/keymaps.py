"""A coder's own keys in the coding page, kept beside the project's store.

The page lets a coder move any code or tool action to another key; the choice is saved on the
server, one JSON file per coder, in a `keys/` folder beside the store
(`annotate.sqlite` -> `annotate.keys/ana-1a2b3c4d.json`), so it follows the coder to another
browser and another machine that opens the project. A file rather than a table of the store: the
keys are a preference of the page, not coding (no revision, no history, no part of exports or
reliability), and a file needs no schema migration of a store other versions of the tool open.
It is written through annotate.io.atomic (whole or not at all).

    {"codes": {"infant_gaze/at_mother": "a"}, "controls": {"shuttle-pause": "x"}}

`codes` maps TIER/CODE to the key that marks it; `controls` maps a tool action's id (the page's
keymap.js names them) to a key chord such as "Shift+ArrowLeft" or "Ctrl+z". Only what the coder
changed is stored; no key may be given twice.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

from annotate.errors import AnnotateError
from annotate.io.atomic import write_bytes

MAX_ENTRIES = 500
MAX_NAME = 420  # TIER/CODE: two names of at most 200 characters
MAX_CHORD = 40
_CHORD = re.compile(r"(?:(?:Ctrl|Alt|Shift)\+){0,3}(?:[^\s+]|\+|[A-Za-z0-9]{2,24})")
_CONTROL_ID = re.compile(r"[a-z][a-z0-9-]{0,60}")


class KeymapError(AnnotateError):
    """A keymap the page sent that is malformed or gives one key twice."""


def keymap_path(database: Path, coder: str) -> Path:
    """The coder's keys file: readable name, and a hash so that two names never share one."""
    readable = re.sub(r"[^A-Za-z0-9_-]", "_", coder)[:40] or "coder"
    digest = hashlib.sha256(coder.encode("utf-8")).hexdigest()[:8]
    return database.parent / f"{database.stem}.keys" / f"{readable}-{digest}.json"


def check_keymap(data: Any) -> dict[str, dict[str, str]]:
    """The keymap as stored: {"codes": {...}, "controls": {...}}.

    Raises:
        KeymapError: not that shape, a name or chord malformed, or one key given twice.
    """
    if not isinstance(data, dict) or set(data) - {"codes", "controls"}:
        raise KeymapError("a keymap is an object with 'codes' and 'controls'")
    result: dict[str, dict[str, str]] = {}
    seen: dict[str, str] = {}
    for part in ("codes", "controls"):
        entries = data.get(part, {})
        if not isinstance(entries, dict) or len(entries) > MAX_ENTRIES:
            raise KeymapError(f"'{part}' must be an object of at most {MAX_ENTRIES} keys")
        checked: dict[str, str] = {}
        for name, chord in entries.items():
            if part == "codes" and (len(name) > MAX_NAME or name.count("/") < 1):
                raise KeymapError(f"a code is named TIER/CODE, got {name[:60]!r}")
            if part == "controls" and not _CONTROL_ID.fullmatch(name):
                raise KeymapError(f"no tool action {name[:60]!r}")
            if not isinstance(chord, str) or len(chord) > MAX_CHORD or not _CHORD.fullmatch(chord):
                raise KeymapError(f"{name[:60]}: not a key: {str(chord)[:40]!r}")
            if part == "codes" and len(chord) != 1:
                raise KeymapError(f"{name[:60]}: a code's key is one character, got {chord!r}")
            if chord in seen:
                raise KeymapError(f"key {chord!r} is given to both {seen[chord]} and {name[:60]}")
            seen[chord] = name
            checked[str(name)] = chord
        result[part] = checked
    return result


def load_keymap(database: Path, coder: str) -> dict[str, dict[str, str]]:
    """The coder's keys (empty when the coder changed none, or the file is unreadable: the page
    then shows the scheme's keys, and saving writes a good file again)."""
    path = keymap_path(database, coder)
    try:
        return check_keymap(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeymapError):
        return {"codes": {}, "controls": {}}


def save_keymap(database: Path, coder: str, data: Any) -> dict[str, dict[str, str]]:
    """Check and store the coder's keys (replacing the file whole).

    Raises:
        KeymapError: see `check_keymap`; OutputError: the file cannot be written.
    """
    checked = check_keymap(data)
    path = keymap_path(database, coder)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_bytes(path, json.dumps(checked, ensure_ascii=False, indent=1), force=True)
    return checked


def reset_keymap(database: Path, coder: str) -> None:
    """Forget the coder's keys (the scheme's and the tool's own apply again)."""
    keymap_path(database, coder).unlink(missing_ok=True)
