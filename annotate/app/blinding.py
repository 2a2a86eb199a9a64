"""Blinded coding in the tool: clips by neutral aliases, the phase hidden, until the coder is done.

With blinding on (`annotate code FOLDER --blind`, kept as the project's setting), every answer
the page gets names a clip by its alias (annotate.coding.clip_aliases) and leaves out what would
tell the phase: the file name and path, the project folder's name, the clip's sha256, the phase
attributes (`visit`: the scheme attributes, every coder's stored values), exports (the files
name the clip), and any clip name, stem or path in an error or job message (replaced by the
alias). Once this coder has marked a clip done, that clip's real name and attributes show.
Requests name clips by alias (`?clip=Clip-7QK2M9XA`); the video is served by alias too.

Without blinding a clip's key is its name and nothing is changed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Any

from annotate.app.project import NotInProjectError
from annotate.coding.clip_aliases import clip_aliases
from annotate.coding.schemes import ATTRIBUTES_TIER

BLINDED_PROJECT = "blinded project"


@lru_cache(maxsize=8)
def _aliases(secret: bytes, names: tuple[str, ...]) -> dict[str, str]:
    """The aliases of a clip list (kept: every request that names a clip looks one up)."""
    return clip_aliases(secret, names)


@dataclass(frozen=True)
class Blinding:
    """Whether the session is blind, the project's alias secret, and the attributes it hides."""

    enabled: bool = False
    secret: bytes = b""
    hidden: frozenset[str] = field(default_factory=frozenset)

    def keys(self, names: Iterable[str]) -> dict[str, str]:
        """The key the page knows each clip by: its alias when blind, else its name."""
        names = tuple(names)
        if not self.enabled:
            return {name: name for name in names}
        return dict(_aliases(self.secret, names))

    def ordered(self, names: Iterable[str]) -> list[str]:
        """The clips in the order the coder sees them: by alias when blind (the order of the
        names would tell, e.g. `post/` before `pre/`), else by name as given."""
        names = list(names)
        if not self.enabled:
            return names
        keys = self.keys(names)
        return sorted(names, key=lambda name: keys[name])

    def name_of(self, key: str, names: Iterable[str]) -> str:
        """The clip name behind a key the page sent (blind: only aliases are taken).

        Raises:
            NotInProjectError: blind, and the key is no clip's alias.
        """
        if not self.enabled:
            return key
        for name, alias in self.keys(names).items():
            if alias == key:
                return name
        raise NotInProjectError(f"no clip {key[:40]!r} in this project (blinded: give an alias)")

    def hides(self, annotation: Mapping[str, Any]) -> bool:
        """Whether an annotation (as the page reads it) is a hidden phase attribute."""
        return (
            self.enabled
            and annotation.get("tier") == ATTRIBUTES_TIER
            and annotation.get("code") in self.hidden
        )

    def scheme(self, scheme: dict[str, Any]) -> dict[str, Any]:
        """The page's scheme without the hidden attributes (blind), else unchanged."""
        if not self.enabled:
            return scheme
        shown = [a for a in scheme["attributes"] if a["name"] not in self.hidden]
        return {**scheme, "attributes": shown}

    def _forms(self, names: Iterable[str], root: Path) -> list[tuple[str, str]]:
        """(text to hide, what shows instead), longer first so a path is replaced whole."""
        found: list[tuple[str, str]] = [(str(root), BLINDED_PROJECT)]
        for name, alias in self.keys(names).items():
            pure = PurePosixPath(name)
            forms = {str(root / name), name, pure.name, pure.stem}
            found += [(form, alias) for form in forms if len(form) >= 3]
        if len(root.name) >= 3:
            found.append((root.name, BLINDED_PROJECT))
        return sorted(found, key=lambda pair: -len(pair[0]))

    def scrub(self, text: str, names: Iterable[str], root: Path) -> str:
        """`text` with every clip's path, name and stem (and the project folder) replaced by
        the clip's alias (blind), else unchanged."""
        return str(self.scrub_json(text, names, root))

    def scrub_json(self, value: Any, names: Iterable[str], root: Path) -> Any:
        """A JSON value with every string in it scrubbed (see `scrub`)."""
        if not self.enabled:
            return value
        forms = self._forms(names, root)

        def clean(item: Any) -> Any:
            if isinstance(item, str):
                for form, alias in forms:
                    item = item.replace(form, alias)
                return item
            if isinstance(item, list):
                return [clean(v) for v in item]
            if isinstance(item, dict):
                return {k: clean(v) for k, v in item.items()}
            return item

        return clean(value)
