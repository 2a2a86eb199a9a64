"""Coding schemes: tiers of codes that coders put on a clip's timeline.

A scheme has tiers (each for a role such as 'mother' or 'infant', or for the dyad or session);
each tier has codes, each code a keyboard key, a colour, a type ('state': a period, 'point': a
moment) and optional modifier sets. State codes on one tier are mutually exclusive (they may not
overlap) unless the tier says `exclusive: false`. A scheme may also define attributes: values that
hold for a whole clip or session (a programme id, the number of dyads present); they are stored as
annotations on the reserved tier `attributes`, at time 0.

Schemes come from configs/coding/*.yaml (see `scheme_files`) or are brought by an imported file
(its tiers and controlled vocabularies become a scheme, recorded with the import). A scheme is
identified by 'name@version'. This module holds the model and its checks; loading YAML lives in
`annotate.coding.scheme_files`.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, cast

from annotate.errors import SchemeError

STATE = "state"
POINT = "point"
CODE_TYPES = (STATE, POINT)
ATTRIBUTE_TYPES = ("text", "integer", "number", "choice")
ATTRIBUTES_TIER = "attributes"
MODIFIER_SEPARATOR = "|"
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


@dataclass(frozen=True)
class ModifierSet:
    """One set of modifiers a coder picks from (BORIS's modifier sets).

    Attributes:
        name: the set's name (e.g. 'kind').
        values: allowed values; empty means free text.
    """

    name: str
    values: tuple[str, ...] = ()


@dataclass(frozen=True)
class Code:
    """One code of a tier.

    Attributes:
        name: the code as stored (e.g. 'at_mother').
        type: 'state' (has a duration) or 'point' (a moment).
        key: the keyboard key that marks it in the coding tool (one character), or None.
        colour: '#rrggbb' for the timeline, or None.
        label: a readable name.
        description: what a coder looks for.
        modifiers: modifier sets; an annotation's value picks one value per set, joined by '|'.
    """

    name: str
    type: str = STATE
    key: str | None = None
    colour: str | None = None
    label: str = ""
    description: str = ""
    modifiers: tuple[ModifierSet, ...] = ()


@dataclass(frozen=True)
class Tier:
    """A row of the timeline: the codes of one role (or the dyad, or the session).

    Attributes:
        name: the tier's name (unique in the scheme).
        role: whose behaviour it holds: 'mother', 'infant', 'dyad', 'session', ... ('' if unknown).
        codes: the codes allowed on this tier.
        exclusive: state codes on this tier may not overlap each other.
        open: any code is accepted (free-text tiers of imported files); `codes` are suggestions.
        parent: the parent tier (ELAN tier hierarchies), '' for a top-level tier.
        description: what the tier is for.
    """

    name: str
    role: str = ""
    codes: tuple[Code, ...] = ()
    exclusive: bool = True
    open: bool = False
    parent: str = ""
    description: str = ""

    def code(self, name: str) -> Code | None:
        """The code called `name`, or None."""
        for code in self.codes:
            if code.name == name:
                return code
        return None


@dataclass(frozen=True)
class Attribute:
    """A value that holds for a whole clip or session.

    Attributes:
        name: the attribute (stored as the code on the 'attributes' tier).
        type: 'text', 'integer', 'number' or 'choice'.
        values: the allowed values of a 'choice'.
        minimum: smallest allowed number (integer/number), or None.
        maximum: largest allowed number, or None.
        label: a readable name.
        description: what it records.
    """

    name: str
    type: str = "text"
    values: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    label: str = ""
    description: str = ""

    def check(self, value: str) -> str | None:
        """Why `value` is not allowed for this attribute, or None when it is."""
        if self.type == "choice":
            return None if value in self.values else f"must be one of {', '.join(self.values)}"
        if self.type == "text":
            return None
        try:
            number = int(value) if self.type == "integer" else float(value)
        except ValueError:
            return f"must be {'a whole number' if self.type == 'integer' else 'a number'}"
        if self.minimum is not None and number < self.minimum:
            return f"must be at least {self.minimum:g}"
        if self.maximum is not None and number > self.maximum:
            return f"must be at most {self.maximum:g}"
        return None


@dataclass(frozen=True)
class Scheme:
    """A coding scheme: tiers of codes, plus clip-level attributes.

    Attributes:
        name: the scheme's name.
        version: its version; a changed scheme needs a new version (the store refuses otherwise).
        tiers: the tiers, in display order.
        attributes: clip- or session-level attributes.
        description: what the scheme is for.
        source: where it came from (a config file, or 'import:FILE').
        meta: format details an exporter needs to rebuild the source file (JSON-safe).
    """

    name: str
    version: str
    tiers: tuple[Tier, ...] = ()
    attributes: tuple[Attribute, ...] = ()
    description: str = ""
    source: str = field(default="", compare=False)
    meta: dict[str, Any] = field(default_factory=dict, hash=False)

    @property
    def id(self) -> str:
        """'name@version', the form annotations refer to."""
        return f"{self.name}@{self.version}"

    def tier(self, name: str) -> Tier | None:
        """The tier called `name`, or None."""
        for tier in self.tiers:
            if tier.name == name:
                return tier
        return None

    def attribute(self, name: str) -> Attribute | None:
        """The attribute called `name`, or None."""
        for attribute in self.attributes:
            if attribute.name == name:
                return attribute
        return None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe dict (how the store keeps a scheme)."""
        return cast(dict[str, Any], _to_plain(self))

    def to_json(self) -> str:
        """The scheme as canonical JSON text."""
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True)

    def digest(self) -> str:
        """sha256 of the scheme's content (not of where it came from)."""
        plain = self.to_dict()
        plain.pop("source", None)
        blob = json.dumps(plain, ensure_ascii=False, sort_keys=True).encode("utf-8")
        return hashlib.sha256(blob).hexdigest()

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Scheme:
        """The inverse of `to_dict`.

        Raises:
            SchemeError: `data` is no dict, lacks a field or holds one of the wrong shape.
        """
        if not isinstance(data, dict):
            kind = type(data).__name__
            raise SchemeError(f"stored scheme is malformed (a {kind}, not a mapping)")
        try:
            tiers = tuple(_tier_from_dict(t) for t in data.get("tiers", ()))
            attributes = tuple(_attribute_from_dict(a) for a in data.get("attributes", ()))
            return cls(
                name=str(data["name"]),
                version=str(data["version"]),
                tiers=tiers,
                attributes=attributes,
                description=str(data.get("description", "")),
                source=str(data.get("source", "")),
                meta=dict(data.get("meta") or {}),
            )
        except (AttributeError, KeyError, TypeError, ValueError) as exc:  # a list for a mapping
            raise SchemeError(f"stored scheme is malformed ({exc!r})") from None

    @classmethod
    def from_json(cls, text: str) -> Scheme:
        """The inverse of `to_json`.

        Raises:
            SchemeError: the text is not JSON (or nests too deep, or holds a number of
                thousands of digits), or not a scheme (from_dict).
        """
        try:
            data = json.loads(text)
        except (ValueError, RecursionError) as exc:  # JSONDecodeError is a ValueError
            raise SchemeError(f"stored scheme is not valid JSON ({exc})") from None
        return cls.from_dict(data)


def _to_plain(value: object) -> object:
    if isinstance(value, tuple | list):
        return [_to_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _to_plain(v) for k, v in value.items()}
    if hasattr(value, "__dataclass_fields__"):
        return {name: _to_plain(getattr(value, name)) for name in value.__dataclass_fields__}
    return value


def _code_from_dict(data: dict[str, Any]) -> Code:
    modifiers = tuple(
        ModifierSet(name=str(m["name"]), values=tuple(str(v) for v in m.get("values", ())))
        for m in data.get("modifiers", ())
    )
    return Code(
        name=str(data["name"]),
        type=str(data.get("type", STATE)),
        key=data.get("key"),
        colour=data.get("colour"),
        label=str(data.get("label", "")),
        description=str(data.get("description", "")),
        modifiers=modifiers,
    )


def _tier_from_dict(data: dict[str, Any]) -> Tier:
    return Tier(
        name=str(data["name"]),
        role=str(data.get("role", "")),
        codes=tuple(_code_from_dict(c) for c in data.get("codes", ())),
        exclusive=bool(data.get("exclusive", True)),
        open=bool(data.get("open", False)),
        parent=str(data.get("parent", "")),
        description=str(data.get("description", "")),
    )


def _attribute_from_dict(data: dict[str, Any]) -> Attribute:
    return Attribute(
        name=str(data["name"]),
        type=str(data.get("type", "text")),
        values=tuple(str(v) for v in data.get("values", ())),
        minimum=data.get("minimum"),
        maximum=data.get("maximum"),
        label=str(data.get("label", "")),
        description=str(data.get("description", "")),
    )


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scheme, and where: ('tier', T), ('code', T, C) or ('scheme',)."""

    message: str
    where: tuple[str, ...] = ("scheme",)


def _code_problems(tier: Tier) -> Iterator[Problem]:
    seen: set[str] = set()
    for code in tier.codes:
        where = ("code", tier.name, code.name)
        if not code.name:
            yield Problem(f"tier '{tier.name}': a code has an empty name", ("tier", tier.name))
        if code.name in seen:
            yield Problem(f"tier '{tier.name}': code '{code.name}' given twice", where)
        seen.add(code.name)
        if code.type not in CODE_TYPES:
            allowed = ", ".join(CODE_TYPES)
            yield Problem(
                f"code '{code.name}': unknown type '{code.type}' (allowed: {allowed})", where
            )
        if code.key is not None and len(code.key) != 1:
            yield Problem(f"code '{code.name}': key must be one character, got '{code.key}'", where)
        if code.colour is not None and not _COLOUR.match(code.colour):
            yield Problem(f"code '{code.name}': colour must be #rrggbb, got '{code.colour}'", where)


def _key_problems(scheme: Scheme) -> Iterator[Problem]:
    owners: dict[str, tuple[str, str]] = {}
    for tier in scheme.tiers:
        for code in tier.codes:
            if code.key is None:
                continue
            where = ("code", tier.name, code.name)
            if code.key not in owners:
                owners[code.key] = (tier.name, code.name)
                continue
            first_tier, first_code = owners[code.key]
            if first_tier == tier.name:
                yield Problem(
                    f"duplicate key '{code.key}' on tier '{tier.name}': codes '{first_code}' "
                    f"and '{code.name}'",
                    where,
                )
            elif first_code == code.name:
                yield Problem(
                    f"code '{code.name}' is on tiers '{first_tier}' and '{tier.name}' with the "
                    f"same key '{code.key}' (give each tier's code its own key)",
                    where,
                )
            else:
                yield Problem(
                    f"duplicate key '{code.key}': '{first_tier}.{first_code}' and "
                    f"'{tier.name}.{code.name}'",
                    where,
                )


def scheme_problems(scheme: Scheme) -> list[Problem]:
    """Everything wrong with a scheme (empty when it is sound).

    Checks: names present, tiers and codes unique, code types known, keys one character and unique
    across the scheme (a key marks one code of one tier), colours '#rrggbb', parents known,
    attribute types known and 'attributes' not used as a tier name when attributes exist.
    """
    problems: list[Problem] = []
    if not scheme.name or not scheme.version:
        problems.append(Problem("a scheme needs a name and a version"))
    names = [t.name for t in scheme.tiers]
    for tier in scheme.tiers:
        where = ("tier", tier.name)
        if not tier.name:
            problems.append(Problem("a tier has an empty name", where))
        if names.count(tier.name) > 1:
            problems.append(Problem(f"tier '{tier.name}' given twice", where))
        if tier.parent and tier.parent not in names:
            problems.append(Problem(f"tier '{tier.name}': unknown parent '{tier.parent}'", where))
        problems.extend(_code_problems(tier))
    problems.extend(_key_problems(scheme))
    if scheme.attributes and ATTRIBUTES_TIER in names:
        problems.append(Problem(f"tier name '{ATTRIBUTES_TIER}' is reserved for attributes"))
    seen: set[str] = set()
    for attribute in scheme.attributes:
        where = ("attribute", attribute.name)
        if attribute.name in seen:
            problems.append(Problem(f"attribute '{attribute.name}' given twice", where))
        seen.add(attribute.name)
        if attribute.type not in ATTRIBUTE_TYPES:
            allowed = ", ".join(ATTRIBUTE_TYPES)
            problems.append(
                Problem(
                    f"attribute '{attribute.name}': unknown type '{attribute.type}' "
                    f"(allowed: {allowed})",
                    where,
                )
            )
        if attribute.type == "choice" and not attribute.values:
            problems.append(Problem(f"attribute '{attribute.name}': a choice needs values", where))
    return problems


def check_scheme(scheme: Scheme) -> Scheme:
    """Return `scheme` if it is sound.

    Raises:
        SchemeError: naming the scheme's source and the first problem.
    """
    problems = scheme_problems(scheme)
    if problems:
        raise SchemeError(problems[0].message, scheme.source or scheme.id)
    return scheme
