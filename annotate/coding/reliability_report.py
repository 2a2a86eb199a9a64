"""Reliability between two coders over a project: per clip and tier, and over the CARE-Index.

For each clip both coders coded: per tier, Cohen's kappa on time bins of their states (with
percent agreement and the confusion table), and event agreement of their points per code within
a tolerance window. For the CARE-Index: each pattern total side by side with the absolute
difference, the share of clips whose synchrony scores (adult sensitivity) lie within the
configured points (2), and the ICC(2,1) of every total over all clips. The result is written as
one long CSV table and a readable Markdown report by annotate.coding.reliability_output.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from annotate.coding.care_index import CareIndexConfig
from annotate.coding.care_store import load_sheet
from annotate.coding.records import Annotation, open_states_message
from annotate.coding.reliability import (
    EventAgreement,
    Kappa,
    bin_labels,
    cohen_kappa,
    icc,
    match_events,
)
from annotate.coding.schemes import ATTRIBUTES_TIER
from annotate.coding.store import AnnotationStore, ClipRow
from annotate.errors import StoreError

FALLBACK_BIN_S = 0.5


@dataclass(frozen=True)
class TierKappa:
    """Agreement on one tier's states of one clip."""

    clip: str
    tier: str
    bin_s: float
    result: Kappa


@dataclass(frozen=True)
class CodeEvents:
    """Agreement on one code's points of one clip ('*' for all codes of the tier)."""

    clip: str
    tier: str
    code: str
    result: EventAgreement


@dataclass(frozen=True)
class CareRow:
    """One pattern total of one clip, for both coders."""

    clip: str
    partner: str
    pattern: str
    total_a: float
    total_b: float

    @property
    def difference(self) -> float:
        """|A - B| in points."""
        return abs(self.total_a - self.total_b)


@dataclass
class Reliability:
    """Everything compared between coders A and B."""

    coder_a: str
    coder_b: str
    clips: list[str] = field(default_factory=list)
    kappas: list[TierKappa] = field(default_factory=list)
    events: list[CodeEvents] = field(default_factory=list)
    care: list[CareRow] = field(default_factory=list)
    care_within: float = math.nan
    care_within_points: float = 2.0
    care_sheets: int = 0
    care_icc: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _clip_name(clip: ClipRow) -> str:
    return clip.media or (clip.sha256 or "")[:12]


def _tier_agreement(
    report: Reliability,
    name: str,
    tier: str,
    a: list[Annotation],
    b: list[Annotation],
    duration_s: float,
    bin_s: float,
    tolerance_s: float,
) -> None:
    states_a = [(x.start_s, x.end_s, x.code) for x in a if not x.is_point]
    states_b = [(x.start_s, x.end_s, x.code) for x in b if not x.is_point]
    if (states_a or states_b) and duration_s > 0:
        labels_a, labels_b = (
            bin_labels(states_a, duration_s, bin_s),
            bin_labels(states_b, duration_s, bin_s),
        )
        report.kappas.append(TierKappa(name, tier, bin_s, cohen_kappa(labels_a, labels_b)))
    points_a, points_b = [x for x in a if x.is_point], [x for x in b if x.is_point]
    if not (points_a or points_b):
        return
    codes = sorted({x.code for x in points_a} | {x.code for x in points_b})
    for code in codes:
        times_a = [x.start_s for x in points_a if x.code == code]
        times_b = [x.start_s for x in points_b if x.code == code]
        report.events.append(
            CodeEvents(name, tier, code, match_events(times_a, times_b, tolerance_s))
        )
    if len(codes) > 1:
        matched = sum(e.result.matched for e in report.events if e.clip == name and e.tier == tier)
        report.events.append(
            CodeEvents(
                name, tier, "*", EventAgreement(len(points_a), len(points_b), matched, tolerance_s)
            )
        )


def _compare_clip(
    store: AnnotationStore, report: Reliability, clip: ClipRow, bin_s: float, tolerance_s: float
) -> None:
    name = _clip_name(clip)
    mine = [
        s.annotation
        for s in store.annotations(clip_sha256=clip.sha256)
        if s.annotation.tier != ATTRIBUTES_TIER
    ]
    a = [x for x in mine if x.coder == report.coder_a]
    b = [x for x in mine if x.coder == report.coder_b]
    unfinished = open_states_message(a + b, name)
    if unfinished:
        raise StoreError(unfinished, store.path)
    duration = clip.duration_s or max((x.end_s for x in a + b), default=0.0)
    if not clip.duration_s:
        report.notes.append(
            f"{name}: clip duration unknown; bins cover the annotations ({duration:.3f} s)"
        )
    for tier in sorted({x.tier for x in a + b}):
        _tier_agreement(
            report,
            name,
            tier,
            [x for x in a if x.tier == tier],
            [x for x in b if x.tier == tier],
            duration,
            bin_s,
            tolerance_s,
        )


def _compare_care(
    store: AnnotationStore, report: Reliability, clips: Sequence[ClipRow], config: CareIndexConfig
) -> None:
    complete: list[tuple[str, dict[str, dict[str, float]], dict[str, dict[str, float]]]] = []
    for clip in clips:
        sheet_a = load_sheet(store, clip.sha256 or "", report.coder_a)
        sheet_b = load_sheet(store, clip.sha256 or "", report.coder_b)
        if not (sheet_a.aspects or sheet_b.aspects):
            continue
        if not (sheet_a.is_complete(config) and sheet_b.is_complete(config)):
            report.notes.append(f"{_clip_name(clip)}: a CARE-Index sheet is incomplete; left out")
            continue
        complete.append((_clip_name(clip), sheet_a.totals(config), sheet_b.totals(config)))
    partner, pattern = config.synchrony
    report.care_sheets = len(complete)
    report.care_within_points = config.within_points
    for name, totals_a, totals_b in complete:
        for p, patterns in config.partners.items():
            report.care.extend(
                CareRow(name, p, q, totals_a[p][q], totals_b[p][q]) for q in patterns
            )
    if complete:
        close = [
            abs(a[partner][pattern] - b[partner][pattern]) <= config.within_points + 1e-9
            for _, a, b in complete
        ]
        report.care_within = sum(close) / len(close)
    if len(complete) < 2:
        if complete:
            report.notes.append("the ICC needs CARE-Index sheets of at least 2 clips")
        return
    for p, patterns in config.partners.items():
        for q in patterns:
            ratings = [[a[p][q], b[p][q]] for _, a, b in complete]
            report.care_icc[f"{p}.{q}"] = icc(ratings, "2,1")


def compare_coders(
    store: AnnotationStore,
    coder_a: str,
    coder_b: str,
    config: CareIndexConfig,
    *,
    clips: Sequence[ClipRow] | None = None,
    bin_s: float | None = None,
    tolerance_s: float = 1.0,
) -> Reliability:
    """Compare two coders on the given clips (default: every clip both of them coded).

    `bin_s` None compares one frame of each clip at a time (a coarser bin hides boundaries that
    differ by a frame or two); a clip whose frame rate the store lacks falls back to
    `FALLBACK_BIN_S`, with a note.

    Raises:
        StoreError: the coders are the same, no clip has annotations or sheets of both, or a
            state of theirs is open (started in the coding tool, not ended).
    """
    if coder_a == coder_b:
        raise StoreError(f"compare two different coders (got {coder_a} twice)", store.path)
    if clips is None:
        clips = [c for c in store.clips() if c.sha256 and _both_coded(store, c, coder_a, coder_b)]
    if not clips:
        raise StoreError(f"no clip was coded by both {coder_a} and {coder_b}", store.path)
    report = Reliability(coder_a, coder_b, clips=[_clip_name(c) for c in clips])
    for clip in clips:
        step = bin_s or (1.0 / clip.fps if clip.fps else FALLBACK_BIN_S)
        if bin_s is None and not clip.fps:
            report.notes.append(
                f"{_clip_name(clip)}: frame rate unknown; bins of {FALLBACK_BIN_S:g} s"
            )
        _compare_clip(store, report, clip, step, tolerance_s)
    _compare_care(store, report, clips, config)
    return report


def _both_coded(store: AnnotationStore, clip: ClipRow, coder_a: str, coder_b: str) -> bool:
    def coded(coder: str) -> bool:
        return bool(store.annotations(clip_sha256=clip.sha256, coder=coder)) or bool(
            load_sheet(store, clip.sha256 or "", coder).aspects
        )

    return coded(coder_a) and coded(coder_b)
