"""The mechanisms of change (M1-M15): configs/mechanisms.yaml loaded once into frozen dataclasses.

Each mechanism has an id (`M` and a number), a name, where it shows in the data (`WHERE`), and
whether it is counted in the programme table's total (M1-M14 in the study: 'total out of 14').
A malformed file gives a ConfigError naming the file, the entry and the key.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from annotate import budgets
from annotate.config import config_dir
from annotate.errors import ConfigError
from annotate.io.yaml_files import load_yaml_lines

WHERE = ("programme", "session", "across", "segments", "moments")
"""How a mechanism shows: a programme property, per session, judged across sessions, periods
marked on a recording, or points (short periods) on a recording."""

_ID = re.compile(r"^M([1-9]\d*)$")
_KEYS = {"id": str, "name": str, "where": str, "counted": bool, "description": str}
_REQUIRED = ("id", "name", "where", "counted")


@dataclass(frozen=True)
class Mechanism:
    """One mechanism of change, e.g. `Mechanism("M14", "Singing", "segments", counted=True)`."""

    id: str
    name: str
    where: str
    counted: bool
    description: str = ""

    @property
    def number(self) -> int:
        """The number in the id (14 for M14), for ordering M2 before M10."""
        return mechanism_number(self.id)


@dataclass(frozen=True)
class MechanismCatalogue:
    """All mechanisms, in id order (M1, M2, ..., M10, ...).

    Attributes:
        mechanisms: The mechanisms, sorted by number.
        source: The file they came from, for error messages.
    """

    mechanisms: tuple[Mechanism, ...]
    source: str = "defaults"

    def __iter__(self) -> Iterator[Mechanism]:
        return iter(self.mechanisms)

    def __len__(self) -> int:
        return len(self.mechanisms)

    def __contains__(self, mechanism_id: object) -> bool:
        return any(m.id == mechanism_id for m in self.mechanisms)

    @property
    def ids(self) -> tuple[str, ...]:
        """Mechanism ids in order."""
        return tuple(m.id for m in self.mechanisms)

    @property
    def counted_ids(self) -> tuple[str, ...]:
        """Ids of the mechanisms in the programme table's total."""
        return tuple(m.id for m in self.mechanisms if m.counted)

    def get(self, mechanism_id: str) -> Mechanism:
        """The mechanism with this id.

        Raises:
            ConfigError: no mechanism has that id; the message lists the known ids.
        """
        for mechanism in self.mechanisms:
            if mechanism.id == mechanism_id:
                return mechanism
        raise ConfigError(f"unknown mechanism {mechanism_id!r} (known: {self.describe_ids()})")

    def describe_ids(self) -> str:
        """The known ids, short: `M1-M15` when they run without holes, else listed."""
        numbers = [m.number for m in self.mechanisms]
        if numbers and numbers == list(range(numbers[0], numbers[-1] + 1)) and len(numbers) > 2:
            return f"{self.ids[0]}-{self.ids[-1]}"
        return ", ".join(self.ids)


def mechanism_number(mechanism_id: str) -> int:
    """The number of an id of the form `M<number>` (`M14` -> 14).

    Raises:
        ConfigError: the id is not of that form.
    """
    match = _ID.match(mechanism_id)
    if not match:
        raise ConfigError(f"mechanism id must be M and a number (e.g. M4), got {mechanism_id!r}")
    return int(match.group(1))


def load_mechanisms(path: Path | None = None) -> MechanismCatalogue:
    """Load configs/mechanisms.yaml (or `path`) and validate every entry.

    Raises:
        ConfigError: naming the file, the entry and the key, when the file is missing or not YAML,
            an entry lacks a key or has an unknown one, a value has the wrong type, `where` is not
            one of `WHERE`, or an id is malformed or repeated.
    """
    path = path or config_dir() / "mechanisms.yaml"
    raw = load_yaml_lines(path, ConfigError)
    entries = raw.get("mechanisms") if isinstance(raw, dict) else None
    if not isinstance(entries, list) or not entries:
        raise ConfigError("expected a non-empty list under the key 'mechanisms'", path)
    if len(entries) > budgets.MECHANISMS_MAX:
        raise ConfigError(
            f"lists {len(entries)} mechanisms, more than the {budgets.MECHANISMS_MAX} a table "
            "can show",
            path,
        )
    mechanisms = [_build_mechanism(entry, index, path) for index, entry in enumerate(entries)]
    seen: set[str] = set()
    for mechanism in mechanisms:
        if mechanism.id in seen:
            raise ConfigError(f"mechanism {mechanism.id} is listed twice", path)
        seen.add(mechanism.id)
    return MechanismCatalogue(tuple(sorted(mechanisms, key=lambda m: m.number)), str(path))


def _build_mechanism(entry: object, index: int, path: Path) -> Mechanism:
    where = f"mechanisms[{index}]"
    if not isinstance(entry, dict):
        raise ConfigError(f"{where} must be a mapping of {', '.join(_KEYS)}", path)
    if isinstance(entry.get("id"), str):
        where = f"mechanism {entry['id']}"
    for key, value in entry.items():
        if key not in _KEYS:
            # {description: Warmth, space} reads as two keys: a comma in an unquoted flow value
            hint = "; a comma in an unquoted value inside { } starts a new key: quote the value"
            raise ConfigError(
                f"{where}: unknown key {key!r} (allowed: {', '.join(_KEYS)})"
                + (hint if value is None else ""),
                path,
            )
        if not isinstance(value, _KEYS[key]):
            kind = "true or false" if _KEYS[key] is bool else "text"
            raise ConfigError(f"{where}: '{key}' must be {kind}, got {value!r}", path)
    missing = [key for key in _REQUIRED if key not in entry]
    if missing:
        raise ConfigError(f"{where}: missing {', '.join(missing)}", path)
    if entry["where"] not in WHERE:
        allowed = ", ".join(WHERE)
        raise ConfigError(
            f"{where}: 'where' must be one of {allowed}, got {entry['where']!r}", path
        )
    try:
        mechanism_number(entry["id"])
    except ConfigError as exc:
        raise ConfigError(f"{where}: {exc.message}", path) from None
    return Mechanism(**entry)
