"""Which automatic episodes stand for which coded codes: configs/agreement/*.yaml.

    comparisons:
      - name: infant_looks_at_mother        # the tier name in the agreement table
        auto: looking_at_partner:infant     # episode kind:role of episodes.csv
        tier: infant_gaze                   # the coder's tier
        codes: [at_mother]                  # the codes that mean the same
        unknown: [face_absent:infant]       # optional: automatic time that cannot tell

`unknown` defaults to what the automatic side cannot see: for a gaze kind (looking_at_partner,
infant_gaze_aversion, mutual_gaze) the role's `gaze_unknown` episodes where episodes.csv has
them, else its `face_absent` episodes (both faces' for mutual_gaze, a dyad kind); for smile the
role's face_absent; face_absent itself has none.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from annotate import columns as C
from annotate.errors import ConfigError
from annotate.io.yaml_files import LineDict, LineList, load_yaml_lines

CONFIG_DIR = Path(__file__).resolve().parents[2] / "configs" / "agreement"
DEFAULT_MAP = CONFIG_DIR / "care_clip.yaml"
GAZE_UNKNOWN = "gaze_unknown"
GAZE_KINDS = (C.LOOKING_AT_PARTNER, C.INFANT_GAZE_AVERSION, C.MUTUAL_GAZE_KIND)
KNOWN_KINDS = (*C.EPISODE_KINDS, GAZE_UNKNOWN)


@dataclass(frozen=True)
class Comparison:
    """One automatic episode kind (of a role) against a coder's codes on a tier.

    Attributes:
        name: the comparison's name (the tier of the agreement table).
        kind, role: the automatic episodes (episodes.csv `kind`, `role`).
        tier: the coder's tier.
        codes: the coder's codes that count as the same thing.
        unknown: (kind, role) pairs whose episodes are time the automatic side cannot tell;
            empty means the default (see the module docstring).
    """

    name: str
    kind: str
    role: str
    tier: str
    codes: tuple[str, ...]
    unknown: tuple[tuple[str, str], ...] = ()

    def unknown_sources(self, present: set[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
        """The episodes whose time is unknown, given the (kind, role) pairs a clip has."""
        if self.unknown:
            return self.unknown
        if self.kind == C.FACE_ABSENT:
            return ()  # whether a face is there is what it tells
        roles = ("mother", "infant") if self.role == "dyad" else (self.role,)
        if self.kind in GAZE_KINDS:
            gaze = tuple((GAZE_UNKNOWN, r) for r in roles)
            if any(g in present for g in gaze) or any(k == GAZE_UNKNOWN for k, _ in present):
                return gaze
        return tuple((C.FACE_ABSENT, r) for r in roles)


def _kind_role(text: object, where: str, path: Path, line: int) -> tuple[str, str]:
    if not isinstance(text, str) or ":" not in text:
        raise ConfigError(f"line {line}: {where} must be 'kind:role', got {text!r:.40}", path)
    kind, _, role = text.partition(":")
    if kind not in KNOWN_KINDS:
        raise ConfigError(
            f"line {line}: {where}: unknown episode kind '{kind}' "
            f"(known: {', '.join(KNOWN_KINDS)})",
            path,
        )
    return kind, role


def load_map(path: Path | None = None) -> tuple[Comparison, ...]:
    """Read a mapping file (default configs/agreement/care_clip.yaml).

    Raises:
        ConfigError: `FILE: line N: ...` for a missing key, an unknown kind, or no comparisons.
    """
    path = path or DEFAULT_MAP
    raw = load_yaml_lines(path, ConfigError)
    items = raw.get("comparisons") if isinstance(raw, dict) else None
    if not isinstance(items, LineList) or not items:
        raise ConfigError("needs a non-empty list 'comparisons'", path)
    made: list[Comparison] = []
    for index, item in enumerate(items):
        line = items.line_of(index)
        if not isinstance(item, LineDict):
            raise ConfigError(f"line {line}: a comparison must be a mapping", path)
        missing = [k for k in ("name", "auto", "tier", "codes") if k not in item]
        if missing:
            raise ConfigError(f"line {line}: comparison lacks {', '.join(missing)}", path)
        kind, role = _kind_role(item["auto"], "auto", path, item.line_of("auto"))
        codes = item["codes"]
        if not isinstance(codes, list) or not codes or not all(isinstance(c, str) for c in codes):
            raise ConfigError(f"line {item.line_of('codes')}: codes must list code names", path)
        unknown = item.get("unknown") or []
        if not isinstance(unknown, list):
            raise ConfigError(f"line {item.line_of('unknown')}: unknown must be a list", path)
        name = str(item["name"])
        if any(c.name == name for c in made):
            raise ConfigError(f"line {line}: comparison '{name}' given twice", path)
        made.append(
            Comparison(
                name=name,
                kind=kind,
                role=role,
                tier=str(item["tier"]),
                codes=tuple(codes),
                unknown=tuple(
                    _kind_role(u, "unknown", path, item.line_of("unknown")) for u in unknown
                ),
            )
        )
    return tuple(made)
