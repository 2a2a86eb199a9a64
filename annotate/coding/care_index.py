"""The CARE-Index sheet: structure from configs/care_index.yaml, arithmetic here.

For each of the seven aspects a coder shares each partner's 2 points among that partner's patterns
(adult: sensitive, controlling, unresponsive; infant: cooperative, difficult, compulsive, passive),
in half points if they use them. An aspect whose points do not add up is refused. Pattern totals
(0-14 each) are the sums over the aspects; the adult's sensitivity total is the dyadic synchrony
score, read in bands. A sheet is complete only when every aspect has both partners' points.
Storage (with history) is in `annotate.coding.care_store`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from annotate.config import config_dir
from annotate.errors import ConfigError, StoreError
from annotate.io.yaml_files import LineDict, LineList, load_yaml_lines

_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Band:
    """A band of the synchrony score: from `min` (inclusive) up to the next band's min."""

    min: float
    label: str


@dataclass(frozen=True)
class CareIndexConfig:
    """The CARE-Index structure.

    Attributes:
        aspects: (id, label) of each aspect, in sheet order.
        partners: each partner's patterns, e.g. {'adult': ('sensitive', ...)}.
        points_per_aspect: points each partner shares per aspect (2).
        step: smallest unit of points (0.5: half points).
        synchrony: (partner, pattern) whose total is the dyadic synchrony score.
        bands: bands of the synchrony score, ascending.
        within_points: reliability: two sheets agree when synchrony differs by at most this.
        source: the file it was loaded from.
    """

    aspects: tuple[tuple[str, str], ...]
    partners: dict[str, tuple[str, ...]] = field(hash=False)
    points_per_aspect: float = 2.0
    step: float = 0.5
    synchrony: tuple[str, str] = ("adult", "sensitive")
    bands: tuple[Band, ...] = ()
    within_points: float = 2.0
    source: str = ""

    @property
    def aspect_ids(self) -> tuple[str, ...]:
        """The aspects' ids, in order."""
        return tuple(a for a, _ in self.aspects)

    @property
    def max_total(self) -> float:
        """The largest pattern total: aspects x points (14)."""
        return len(self.aspects) * self.points_per_aspect

    def band(self, score: float) -> str:
        """The band label of a synchrony score ('' when no band covers it)."""
        label = ""
        for band in self.bands:
            if score + _TOLERANCE >= band.min:
                label = band.label
        return label


def _fail(path: Path, line: int, message: str) -> ConfigError:
    return ConfigError(f"line {line}: {message}", path)


def _number(raw: LineDict, key: str, path: Path, default: float) -> float:
    value = raw.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise _fail(path, raw.line_of(key), f"'{key}' must be a number above 0, got {value!r}")
    return float(value)


def _partners(raw: LineDict, path: Path) -> dict[str, tuple[str, ...]]:
    partners = raw.get("partners")
    if not isinstance(partners, LineDict) or not partners:
        raise _fail(path, raw.line_of("partners"), "'partners' must map each partner to patterns")
    result = {}
    for partner, patterns in partners.items():
        if (
            not isinstance(patterns, list)
            or not patterns
            or any(isinstance(p, dict | list) for p in patterns)
            or len(set(patterns)) != len(patterns)
        ):
            raise _fail(
                path, partners.line_of(partner), f"'{partner}' needs a list of distinct patterns"
            )
        result[str(partner)] = tuple(str(p) for p in patterns)
    return result


def _aspects(raw: LineDict, path: Path) -> tuple[tuple[str, str], ...]:
    aspects = raw.get("aspects")
    if not isinstance(aspects, LineList) or not aspects:
        raise _fail(path, raw.line_of("aspects"), "'aspects' must be a list")
    result = []
    for index, item in enumerate(aspects):
        if not isinstance(item, dict) or not item.get("id"):
            raise _fail(path, aspects.line_of(index), "an aspect needs an 'id'")
        result.append((str(item["id"]), str(item.get("label", item["id"]))))
    if len({a for a, _ in result}) != len(result):
        raise _fail(path, aspects.line, "aspect ids must be distinct")
    return tuple(result)


def _bands(raw: LineDict, path: Path) -> tuple[Band, ...]:
    items = raw.get("bands", [])
    if not isinstance(items, list) or not all(isinstance(b, dict) for b in items):
        raise _fail(path, raw.line_of("bands"), "'bands' must be a list of {min, label}")
    try:
        bands = tuple(Band(float(b["min"]), str(b["label"])) for b in items)
    except (KeyError, TypeError, ValueError):
        raise _fail(
            path, raw.line_of("bands"), "each band needs a numeric 'min' and a 'label'"
        ) from None
    if list(bands) != sorted(bands, key=lambda b: b.min):
        raise _fail(path, raw.line_of("bands"), "bands must be in ascending order of 'min'")
    return bands


def load_care_index(path: Path | None = None) -> CareIndexConfig:
    """Load configs/care_index.yaml (or `path`).

    Raises:
        ConfigError: naming the file, the line and what is wrong.
    """
    path = path or config_dir() / "care_index.yaml"
    raw = load_yaml_lines(path, ConfigError)
    if not isinstance(raw, LineDict):
        raise ConfigError("expected a mapping at the top level", path)
    aspects = _aspects(raw, path)
    partners = _partners(raw, path)
    points_per_aspect = _number(raw, "points_per_aspect", path, 2.0)
    step = _number(raw, "step", path, 0.5)
    sync = raw.get("synchrony") or {"partner": "adult", "pattern": "sensitive"}
    if not isinstance(sync, dict) or sync.get("pattern") not in partners.get(
        str(sync.get("partner")), ()
    ):
        raise _fail(path, raw.line_of("synchrony"), "'synchrony' must name a partner's pattern")
    bands = _bands(raw, path)
    reliability = raw.get("reliability") or LineDict()
    if not isinstance(reliability, LineDict):
        raise _fail(path, raw.line_of("reliability"), "'reliability' must be a mapping")
    return CareIndexConfig(
        aspects=aspects,
        partners=partners,
        points_per_aspect=points_per_aspect,
        step=step,
        synchrony=(str(sync["partner"]), str(sync["pattern"])),
        bands=bands,
        within_points=_number(reliability, "within_points", path, 2.0),
        source=str(path),
    )


Points = tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class AspectScore:
    """One aspect of one sheet: each partner's points per pattern, and the coder's note.

    Attributes:
        aspect: the aspect's id.
        points: partner -> ((pattern, points), ...) in the config's pattern order; a partner not
            yet scored is absent.
        note: the coder's note on this aspect.
    """

    aspect: str
    points: tuple[tuple[str, Points], ...]
    note: str = ""

    def partner(self, name: str) -> dict[str, float]:
        """The points of one partner by pattern ({} when not scored)."""
        for partner, points in self.points:
            if partner == name:
                return dict(points)
        return {}


def score_aspect(
    config: CareIndexConfig,
    aspect: str,
    points: Mapping[str, Mapping[str, float]],
    note: str = "",
) -> AspectScore:
    """Check one aspect's points and return it as an AspectScore.

    Args:
        config: the CARE-Index structure.
        aspect: the aspect's id.
        points: partner -> pattern -> points; patterns not named get 0; a partner left out (or
            given no patterns) is not scored yet.
        note: the coder's note.

    Raises:
        StoreError: unknown aspect, partner or pattern; negative points; points not a multiple of
            the step; or a partner's points not adding up to points_per_aspect.
    """
    if aspect not in config.aspect_ids:
        raise StoreError(
            f"unknown CARE-Index aspect '{aspect}' (aspects: {', '.join(config.aspect_ids)})"
        )
    scored: list[tuple[str, Points]] = []
    for partner, given in points.items():
        if partner not in config.partners:
            raise StoreError(
                f"unknown partner '{partner}' (partners: {', '.join(config.partners)})"
            )
        if not given:
            continue
        patterns = config.partners[partner]
        unknown = [p for p in given if p not in patterns]
        if unknown:
            raise StoreError(
                f"{aspect}: unknown {partner} pattern '{unknown[0]}' "
                f"(patterns: {', '.join(patterns)})"
            )
        for pattern, value in given.items():
            units = value / config.step
            if value < 0 or not math.isfinite(value) or abs(units - round(units)) > 1e-6:
                raise StoreError(
                    f"{aspect}: {partner} {pattern} = {value:g}: points must be 0 or more, "
                    f"in steps of {config.step:g}"
                )
        total = sum(given.values())
        if abs(total - config.points_per_aspect) > 1e-6:
            raise StoreError(
                f"{aspect}: the {partner}'s points add up to {total:g}, "
                f"not {config.points_per_aspect:g}"
            )
        scored.append((partner, tuple((p, float(given.get(p, 0.0))) for p in patterns)))
    order = list(config.partners)
    scored.sort(key=lambda item: order.index(item[0]))
    return AspectScore(aspect=aspect, points=tuple(scored), note=note)


@dataclass(frozen=True)
class CareSheet:
    """One coder's CARE-Index sheet for one clip.

    Attributes:
        clip_sha256: the clip.
        coder: the coder.
        aspects: the aspects scored so far.
    """

    clip_sha256: str
    coder: str
    aspects: tuple[AspectScore, ...] = ()

    def aspect(self, aspect: str) -> AspectScore | None:
        """The scores of one aspect, or None when not filled."""
        for score in self.aspects:
            if score.aspect == aspect:
                return score
        return None

    def totals(self, config: CareIndexConfig) -> dict[str, dict[str, float]]:
        """partner -> pattern -> total over the scored aspects (0-14 each)."""
        totals = {
            partner: dict.fromkeys(patterns, 0.0) for partner, patterns in config.partners.items()
        }
        for score in self.aspects:
            for partner, points in score.points:
                for pattern, value in points:
                    totals[partner][pattern] += value
        return totals

    def missing(self, config: CareIndexConfig) -> list[str]:
        """'aspect/partner' of every score not yet filled, in sheet order."""
        gaps = []
        for aspect in config.aspect_ids:
            score = self.aspect(aspect)
            for partner in config.partners:
                if score is None or not score.partner(partner):
                    gaps.append(f"{aspect}/{partner}")
        return gaps

    def is_complete(self, config: CareIndexConfig) -> bool:
        """True only when every aspect has both partners' points."""
        return not self.missing(config)

    def synchrony(self, config: CareIndexConfig) -> float | None:
        """The dyadic synchrony score (the adult's sensitivity total); None until complete."""
        if not self.is_complete(config):
            return None
        partner, pattern = config.synchrony
        return self.totals(config)[partner][pattern]
