"""Loading coding schemes from configs/coding/*.yaml, with errors that name the file and line.

A scheme file looks like this (see configs/coding/ for the shipped ones):

    scheme: care_clip            # name
    version: "1"                 # bump it whenever codes change
    tiers:
      - name: infant_gaze
        role: infant
        exclusive: true          # state codes on this tier do not overlap (the default)
        codes:
          - {name: at_mother, type: state, key: "1", colour: "#2e7d32", label: At mother}
      - name: mechanism_segments
        from_mechanisms: {where: [segments], type: state, keys: {M6: q}}
    attributes:
      - {name: dyads_present, type: integer, minimum: 0, maximum: 18}
      - from_mechanisms: {where: [session], values: [Y, N]}

`from_mechanisms` builds codes (or attributes) from configs/mechanisms.yaml (or the file named by a
top-level `mechanisms:` key, relative to the scheme file): one per mechanism whose `where` is
listed, named by its id (M6) and labelled with its name.
"""

from __future__ import annotations

from pathlib import Path

from annotate.coding.schemes import (
    Attribute,
    Code,
    ModifierSet,
    Scheme,
    Tier,
    scheme_problems,
)
from annotate.config import config_dir
from annotate.errors import SchemeError
from annotate.io.yaml_files import LineDict, LineList, load_yaml_lines
from annotate.study.mechanisms import WHERE, Mechanism, load_mechanisms

_SCHEME_KEYS = {"scheme", "version", "description", "tiers", "attributes", "mechanisms"}
_TIER_KEYS = {"name", "role", "exclusive", "codes", "description", "parent", "from_mechanisms"}
_CODE_KEYS = {"name", "type", "key", "colour", "label", "description", "modifiers"}
_ATTRIBUTE_KEYS = {"name", "type", "values", "minimum", "maximum", "label", "description"}
_FROM_KEYS = {"where", "type", "keys", "colours", "values"}


def coding_dir() -> Path:
    """The folder of scheme files: configs/coding/."""
    return config_dir() / "coding"


class _Reader:
    """Builds a Scheme from one file's YAML, remembering the line of each tier and code."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lines: dict[tuple[str, ...], int] = {}
        self._mechanisms: tuple[Mechanism, ...] | None = None
        self._mechanisms_path: Path | None = None

    def fail(self, line: int, message: str) -> SchemeError:
        return SchemeError(f"line {line}: {message}", self.path)

    def mapping(self, value: object, line: int, what: str, allowed: set[str]) -> LineDict:
        if not isinstance(value, LineDict):
            return_type = type(value).__name__
            raise self.fail(line, f"{what} must be a mapping, got {return_type}")
        for key in value:
            if key not in allowed:
                known = ", ".join(sorted(allowed))
                raise self.fail(
                    value.line_of(key), f"unknown key '{key}' in {what} (allowed: {known})"
                )
        return value

    def text(self, raw: LineDict, key: str, what: str, required: bool = False) -> str:
        value = raw.get(key)
        if value is None:
            if required:
                raise self.fail(raw.line, f"{what} needs '{key}'")
            return ""
        if isinstance(value, dict | list):
            raise self.fail(raw.line_of(key), f"{what}: '{key}' must be text")
        return str(value)

    def boolean(self, raw: LineDict, key: str, default: bool) -> bool:
        value = raw.get(key, default)
        if not isinstance(value, bool):
            raise self.fail(raw.line_of(key), f"'{key}' must be true or false, got {value!r}")
        return value

    def string_list(self, raw: LineDict, key: str, what: str) -> tuple[str, ...]:
        value = raw.get(key, [])
        if not isinstance(value, list) or any(isinstance(v, dict | list) for v in value):
            raise self.fail(raw.line_of(key), f"{what}: '{key}' must be a list of values")
        return tuple(str(v) for v in value)

    def mechanisms(self) -> tuple[Mechanism, ...]:
        if self._mechanisms is None:
            self._mechanisms = load_mechanisms(self._mechanisms_path).mechanisms
        return self._mechanisms

    def scheme(self, raw: object) -> Scheme:
        top = self.mapping(raw, 1, "the scheme file", _SCHEME_KEYS)
        if "mechanisms" in top:
            self._mechanisms_path = self.path.parent / self.text(top, "mechanisms", "scheme")
        tiers_raw = top.get("tiers", LineList())
        if not isinstance(tiers_raw, LineList) or not tiers_raw:
            raise self.fail(top.line_of("tiers"), "'tiers' must be a non-empty list")
        tiers = tuple(self.tier(t, tiers_raw.line_of(i)) for i, t in enumerate(tiers_raw))
        attributes_raw = top.get("attributes", LineList())
        if not isinstance(attributes_raw, LineList):
            raise self.fail(top.line_of("attributes"), "'attributes' must be a list")
        attributes: list[Attribute] = []
        for index, item in enumerate(attributes_raw):
            attributes.extend(self.attributes(item, attributes_raw.line_of(index)))
        return Scheme(
            name=self.text(top, "scheme", "the scheme file", required=True),
            version=self.text(top, "version", "the scheme file", required=True),
            tiers=tiers,
            attributes=tuple(attributes),
            description=self.text(top, "description", "scheme"),
            source=str(self.path),
        )

    def tier(self, raw: object, line: int) -> Tier:
        item = self.mapping(raw, line, "a tier", _TIER_KEYS)
        name = self.text(item, "name", "a tier", required=True)
        self.lines[("tier", name)] = item.line
        codes_raw = item.get("codes", LineList())
        if not isinstance(codes_raw, LineList):
            raise self.fail(item.line_of("codes"), f"tier '{name}': 'codes' must be a list")
        codes = [self.code(c, codes_raw.line_of(i), name) for i, c in enumerate(codes_raw)]
        if "from_mechanisms" in item:
            codes.extend(self.mechanism_codes(item["from_mechanisms"], item, name))
        if not codes:
            raise self.fail(item.line, f"tier '{name}' has no codes")
        return Tier(
            name=name,
            role=self.text(item, "role", f"tier '{name}'"),
            codes=tuple(codes),
            exclusive=self.boolean(item, "exclusive", True),
            parent=self.text(item, "parent", f"tier '{name}'"),
            description=self.text(item, "description", f"tier '{name}'"),
        )

    def code(self, raw: object, line: int, tier: str) -> Code:
        item = self.mapping(raw, line, f"a code of tier '{tier}'", _CODE_KEYS)
        name = self.text(item, "name", f"a code of tier '{tier}'", required=True)
        self.lines[("code", tier, name)] = item.line
        key = item.get("key")
        if isinstance(key, dict | list):
            raise self.fail(item.line_of("key"), f"code '{name}': 'key' must be text")
        modifiers_raw = item.get("modifiers", LineList())
        if not isinstance(modifiers_raw, LineList):
            raise self.fail(item.line_of("modifiers"), f"code '{name}': 'modifiers' must be a list")
        modifiers = []
        for index, m in enumerate(modifiers_raw):
            mod = self.mapping(
                m, modifiers_raw.line_of(index), "a modifier set", {"name", "values"}
            )
            modifiers.append(
                ModifierSet(
                    name=self.text(mod, "name", "a modifier set", required=True),
                    values=self.string_list(mod, "values", "a modifier set"),
                )
            )
        return Code(
            name=name,
            type=self.text(item, "type", f"code '{name}'") or "state",
            key=None if key is None else str(key),
            colour=self.text(item, "colour", f"code '{name}'") or None,
            label=self.text(item, "label", f"code '{name}'"),
            description=self.text(item, "description", f"code '{name}'"),
            modifiers=tuple(modifiers),
        )

    def selected(self, raw: object, line: int) -> tuple[LineDict, list[Mechanism]]:
        spec = self.mapping(raw, line, "from_mechanisms", _FROM_KEYS)
        where = self.string_list(spec, "where", "from_mechanisms")
        unknown = [w for w in where if w not in WHERE]
        if not where or unknown:
            allowed = ", ".join(WHERE)
            raise self.fail(spec.line_of("where"), f"from_mechanisms: 'where' takes {allowed}")
        return spec, [m for m in self.mechanisms() if m.where in where]

    def mechanism_codes(self, raw: object, tier_raw: LineDict, tier: str) -> list[Code]:
        spec, chosen = self.selected(raw, tier_raw.line_of("from_mechanisms"))
        keys = spec.get("keys", {}) or {}
        colours = spec.get("colours", {}) or {}
        if not isinstance(keys, dict) or not isinstance(colours, dict):
            raise self.fail(spec.line, "from_mechanisms: 'keys' and 'colours' map ids to values")
        codes = []
        for mechanism in chosen:
            self.lines[("code", tier, mechanism.id)] = spec.line
            key = keys.get(mechanism.id)
            for value in (key, colours.get(mechanism.id)):
                if isinstance(value, dict | list):
                    raise self.fail(
                        spec.line, f"from_mechanisms: the key or colour of {mechanism.id} is a list"
                    )
            codes.append(
                Code(
                    name=mechanism.id,
                    type=self.text(spec, "type", "from_mechanisms") or "state",
                    key=None if key is None else str(key),
                    colour=colours.get(mechanism.id),
                    label=mechanism.name,
                    description=mechanism.description,
                )
            )
        return codes

    def attributes(self, raw: object, line: int) -> list[Attribute]:
        if isinstance(raw, LineDict) and "from_mechanisms" in raw:
            spec, chosen = self.selected(raw["from_mechanisms"], raw.line)
            values = self.string_list(spec, "values", "from_mechanisms") or ("Y", "N")
            for mechanism in chosen:
                self.lines[("attribute", mechanism.id)] = spec.line
            return [
                Attribute(
                    name=m.id,
                    type="choice",
                    values=values,
                    label=m.name,
                    description=m.description,
                )
                for m in chosen
            ]
        item = self.mapping(raw, line, "an attribute", _ATTRIBUTE_KEYS)
        name = self.text(item, "name", "an attribute", required=True)
        self.lines[("attribute", name)] = item.line
        bounds = {}
        for key in ("minimum", "maximum"):
            value = item.get(key)
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, int | float)
            ):
                raise self.fail(item.line_of(key), f"attribute '{name}': '{key}' must be a number")
            bounds[key] = None if value is None else float(value)
        return [
            Attribute(
                name=name,
                type=self.text(item, "type", f"attribute '{name}'") or "text",
                values=self.string_list(item, "values", f"attribute '{name}'"),
                label=self.text(item, "label", f"attribute '{name}'"),
                description=self.text(item, "description", f"attribute '{name}'"),
                **bounds,
            )
        ]


def load_scheme(path: Path | str) -> Scheme:
    """Load and check one scheme file.

    Raises:
        SchemeError: the file is missing, not YAML, or the scheme is malformed; the message names
            the file, the line and the problem (e.g. a duplicate key or an unknown code type).
    """
    path = Path(path)
    reader = _Reader(path)
    scheme = reader.scheme(load_yaml_lines(path, SchemeError))
    problems = scheme_problems(scheme)
    if problems:
        first = problems[0]
        line = reader.lines.get(first.where, 1)
        raise SchemeError(f"line {line}: {first.message}", path)
    return scheme


def configured_schemes(folder: Path | None = None) -> dict[str, Scheme]:
    """Every scheme in configs/coding/*.yaml (or `folder`), by name.

    Raises:
        SchemeError: a file is malformed, or two files define the same scheme name.
    """
    folder = folder or coding_dir()
    schemes: dict[str, Scheme] = {}
    for path in sorted(folder.glob("*.yaml")):
        scheme = load_scheme(path)
        if scheme.name in schemes:
            raise SchemeError(
                f"scheme '{scheme.name}' is defined here and in {schemes[scheme.name].source}", path
            )
        schemes[scheme.name] = scheme
    return schemes


def find_scheme(name: str, folder: Path | None = None) -> Scheme:
    """The configured scheme called `name` (or a scheme file given by path).

    Raises:
        SchemeError: no such scheme (the message lists those there are).
    """
    if name.endswith((".yaml", ".yml")) or "/" in name:
        return load_scheme(Path(name))
    schemes = configured_schemes(folder)
    if name not in schemes:
        known = ", ".join(sorted(schemes)) or "none"
        raise SchemeError(f"unknown scheme '{name}' (configured: {known})")
    return schemes[name]
