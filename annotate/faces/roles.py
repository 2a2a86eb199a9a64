"""Which track is the mother and which the infant: the face's own evidence, with size as a prior.

Each track's face gives an infant log-odds from its proportions (annotate.faces.face_evidence:
mouth, nose, eye height, flatness, roundness). Of the two tracks seen longest, the clip holds a
mother and an infant (a dyad clip); which is which is decided by

    log-odds(first is the infant) = face_1 - face_2 + SIZE_LOGIT * log(size_2 / size_1)

the face evidence of each, and their sizes (median of the larger box side): at similar distances
from the camera an infant's face is smaller, but an infant held up to the lens is not, so size
is only a prior (a ratio of 1.5 weighs `SIZE_LOGIT * log 1.5` = 2 log-odds, about as much as one
face clearly of one kind). The confidence is |2 P - 1| for the assignment's probability P.

A single track is an infant when its face says so (log-odds above 0), else the mother; its
confidence is |2 p - 1| of the face's own probability (0 without readable frames: a guess).
Further tracks are adult_2, adult_3, ... in order of first appearance. Every role carries its
reasons (written to provenance.json). A coder overrides any of it with
`--roles track0=infant,track1=mother`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from annotate.errors import ConfigError
from annotate.faces.face_evidence import NO_EVIDENCE, FaceEvidence

ROLE_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
MOTHER, INFANT, DYAD = "mother", "infant", "dyad"
SIZE_LOGIT = 2.0 / math.log(1.5)
LOOKS_ADULT, LOOKS_INFANT = -1.5, 1.5  # a face's log-odds beyond which a reason says so


@dataclass(frozen=True)
class TrackSummary:
    """What the role heuristic needs of a track: presence, size and the face's own evidence."""

    track_id: int
    frames_seen: int
    median_face_px: float
    evidence: FaceEvidence = NO_EVIDENCE


@dataclass(frozen=True)
class RoleAssignment:
    """A track's role, how sure the heuristic (or the coder) is of it, and why."""

    track_id: int
    role: str
    confidence: float
    source: str  # "heuristic", "group_heuristic" or "override"
    reasons: tuple[str, ...] = ()
    evidence: dict[str, float] = field(default_factory=dict, compare=False)


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(min(x, 50.0), -50.0)))


def _face_reason(evidence: FaceEvidence) -> str:
    if evidence.frames_read == 0:
        return "face never read well enough for its proportions (turned, small or moving)"
    logit = evidence.infant_logit
    verdict = (
        "look like an infant's"
        if logit >= LOOKS_INFANT
        else "look like an adult's"
        if logit <= LOOKS_ADULT
        else "are undecided"
    )
    return (
        f"face proportions {verdict} (infant log-odds {logit:+.2f} from "
        f"{evidence.frames_read} frames)"
    )


def _facts(summary: TrackSummary) -> dict[str, float]:
    facts: dict[str, float] = {
        "frames_seen": summary.frames_seen,
        "median_face_px": round(summary.median_face_px, 1),
        "face_frames_read": summary.evidence.frames_read,
        "infant_logit": summary.evidence.infant_logit,
    }
    facts.update({f"proportion_{k}": v for k, v in summary.evidence.proportions.items()})
    return facts


def _lone_role(only: TrackSummary) -> RoleAssignment:
    logit = only.evidence.infant_logit
    p = _sigmoid(logit)
    role = INFANT if logit > 0 else MOTHER
    reasons = (
        "the only face of the clip: its role is read from the face alone",
        _face_reason(only.evidence),
    )
    return RoleAssignment(
        only.track_id, role, round(abs(2 * p - 1), 3), "heuristic", reasons, _facts(only)
    )


def assign_roles(tracks: Sequence[TrackSummary]) -> dict[int, RoleAssignment]:
    """Roles for all tracks (see the module docstring)."""
    if not tracks:
        return {}
    by_presence = sorted(tracks, key=lambda tr: (-tr.frames_seen, tr.track_id))
    if len(by_presence) == 1:
        return {by_presence[0].track_id: _lone_role(by_presence[0])}
    first, second = by_presence[0], by_presence[1]
    face_term = first.evidence.infant_logit - second.evidence.infant_logit
    size_term = SIZE_LOGIT * math.log(
        max(second.median_face_px, 1e-6) / max(first.median_face_px, 1e-6)
    )
    first_is_infant = _sigmoid(face_term + size_term)
    infant, mother = (first, second) if first_is_infant > 0.5 else (second, first)
    confidence = round(abs(2 * first_is_infant - 1), 3)
    ratio = mother.median_face_px / max(infant.median_face_px, 1e-6)
    sign = 1 if infant is first else -1
    shared = (
        f"of the two faces, this one is the {{role}}: face evidence {sign * face_term:+.2f} and "
        f"size {sign * size_term:+.2f} log-odds (the mother's face {ratio:.2f} times the "
        "infant's)"
    )
    roles: dict[int, RoleAssignment] = {}
    for summary, role in ((mother, MOTHER), (infant, INFANT)):
        reasons = [shared.format(role=role), _face_reason(summary.evidence)]
        if role == INFANT and summary.evidence.infant_logit <= LOOKS_ADULT:
            reasons.append("its face looks adult: infant only by the dyad prior and size")
        if role == MOTHER and summary.evidence.infant_logit >= LOOKS_INFANT:
            reasons.append("its face looks like an infant's: mother only by the dyad prior")
        roles[summary.track_id] = RoleAssignment(
            summary.track_id, role, confidence, "heuristic", tuple(reasons), _facts(summary)
        )
    others = sorted((tr for tr in tracks if tr.track_id not in roles), key=lambda t: t.track_id)
    for number, summary in enumerate(others, start=2):
        roles[summary.track_id] = RoleAssignment(
            summary.track_id,
            f"adult_{number}",
            0.0,
            "heuristic",
            ("a further face beyond the dyad", _face_reason(summary.evidence)),
            _facts(summary),
        )
    return roles


def parse_role_overrides(text: str) -> dict[int, str]:
    """Parse `track0=infant,track1=mother` into {0: "infant", 1: "mother"}.

    Raises:
        ConfigError: a malformed item, naming it and the expected form.
    """
    overrides: dict[int, str] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        match = re.fullmatch(r"track(\d+)\s*=\s*(\S+)", item)
        if not match or not ROLE_PATTERN.match(match.group(2)):
            raise ConfigError(
                f"--roles: cannot read {item!r}; expected trackN=role, e.g. "
                "track0=infant,track1=mother (roles: lower-case words)"
            )
        overrides[int(match.group(1))] = match.group(2)
    return overrides


def apply_overrides(
    roles: dict[int, RoleAssignment], overrides: dict[int, str]
) -> dict[int, RoleAssignment]:
    """The heuristic's roles with the coder's overrides on top (confidence 1).

    A role that the override gives to one track is taken from any other track that had it, which
    then becomes adult_N (or the role the override freed), so no two tracks share a role.

    Raises:
        ConfigError: an override names a track the clip does not have.
    """
    unknown = sorted(set(overrides) - set(roles))
    if unknown:
        known = ", ".join(f"track{k}" for k in sorted(roles)) or "none"
        raise ConfigError(
            f"--roles names track{unknown[0]}, which this clip does not have (tracks: {known})"
        )
    result = dict(roles)
    for track_id, role in overrides.items():
        freed = result[track_id].role
        for other_id, other in result.items():
            if other_id != track_id and other.role == role and other_id not in overrides:
                result[other_id] = RoleAssignment(
                    other_id,
                    freed,
                    other.confidence,
                    other.source,
                    (*other.reasons, f"given {freed!r} when --roles took {role!r} for another"),
                    other.evidence,
                )
        before = result[track_id]
        reasons = (f"--roles track{track_id}={role}", *before.reasons)
        result[track_id] = RoleAssignment(track_id, role, 1.0, "override", reasons, before.evidence)
    return result
