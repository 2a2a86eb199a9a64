"""Neutral aliases for blinded coding: coders see 'Clip-7QK2M9XA', not the file's name.

A clip's alias is a keyed hash (HMAC-SHA256) of its name in the project, with a random secret
made once per project and kept in the project's store (`meta`), written in Crockford's base32
(no I, L, O, U): stable for the project, the same for every coder, and not to be guessed from
the file name without the secret. (A coder who can open the store can read the secret: blinding
keeps the phase out of sight while coding, it is not access control.)

Whether a project is coded blind is a setting in the store too (`blinding`), so a project once
opened with `annotate code FOLDER --blind` stays blind for every coder until someone opens it
with `--no-blind`.

The clip attributes a blinded coder may not see are the phase ones: an attribute named visit,
phase or pre_post, or a choice between 'pre' and 'post' (the shipped care_clip scheme: `visit`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections import Counter
from collections.abc import Iterable

from annotate.coding.schemes import Scheme
from annotate.coding.store import AnnotationStore

SECRET_KEY = "alias_secret"
BLINDING_KEY = "blinding"
ALIAS_PREFIX = "Clip-"
ALIAS_LENGTH = 8  # 40 bits: two clips of a 10,000-clip project share one with p < 5e-5
PHASE_ATTRIBUTES = frozenset({"visit", "phase", "pre_post"})
_CROCKFORD = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", "0123456789ABCDEFGHJKMNPQRSTVWXYZ")


def alias_secret(store: AnnotationStore) -> bytes:
    """The project's alias secret, made (32 random bytes) the first time it is asked for."""
    store.conn.execute(
        "INSERT OR IGNORE INTO meta VALUES (?, ?)", (SECRET_KEY, secrets.token_hex(32))
    )
    row = store.conn.execute("SELECT value FROM meta WHERE key = ?", (SECRET_KEY,)).fetchone()
    return bytes.fromhex(str(row[0]))


def _code(secret: bytes, name: str, length: int) -> str:
    digest = hmac.new(secret, name.encode("utf-8"), hashlib.sha256).digest()
    return base64.b32encode(digest).decode("ascii").translate(_CROCKFORD)[:length]


def clip_alias(secret: bytes, name: str, length: int = ALIAS_LENGTH) -> str:
    """The alias of the clip called `name` (its path in the project) under `secret`."""
    return ALIAS_PREFIX + _code(secret, name, length)


def clip_aliases(secret: bytes, names: Iterable[str]) -> dict[str, str]:
    """The alias of every clip; clips whose short aliases collide get longer ones (16
    characters), so every alias names one clip."""
    names = list(names)
    short = {name: clip_alias(secret, name) for name in names}
    shared = {alias for alias, n in Counter(short.values()).items() if n > 1}
    return {
        name: clip_alias(secret, name, 2 * ALIAS_LENGTH) if alias in shared else alias
        for name, alias in short.items()
    }


def blinding_setting(store: AnnotationStore) -> bool:
    """Whether the project is coded blind (False until set)."""
    row = store.conn.execute("SELECT value FROM meta WHERE key = ?", (BLINDING_KEY,)).fetchone()
    return row is not None and str(row[0]) == "on"


def set_blinding(store: AnnotationStore, on: bool) -> None:
    """Make the project blind (or not) for every coder who opens it from now on."""
    store.conn.execute(
        "INSERT INTO meta VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (BLINDING_KEY, "on" if on else "off"),
    )


def hidden_attributes(scheme: Scheme) -> frozenset[str]:
    """The scheme's clip attributes that tell the phase (see the module's docstring)."""
    return frozenset(
        a.name
        for a in scheme.attributes
        if a.name.lower() in PHASE_ATTRIBUTES or {"pre", "post"} <= {v.lower() for v in a.values}
    )
