"""Which track is the mother and which the infant: a size heuristic with a confidence.

The heuristic (documented in the README): of the two tracks seen longest, the one whose face is
larger (median of the larger box side, in pixels) is the mother and the smaller the infant. An
infant's face is smaller than an adult's at the same distance, and in home play clips the two
are at similar distances from the camera; where they are not (the mother leaning back, the
infant held up to the lens) the heuristic fails, which the confidence shows: it is 0 when the two
sizes are equal and 1 when one is 1.5 times the other or more. Any further tracks are adult_2,
adult_3, ... in order of first appearance. A single track is called mother with confidence 0.
A coder overrides any of it with `--roles track0=infant,track1=mother`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from annotate.errors import ConfigError

ROLE_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
MOTHER, INFANT, DYAD = "mother", "infant", "dyad"


@dataclass(frozen=True)
class TrackSummary:
    """What the role heuristic needs of a track."""

    track_id: int
    frames_seen: int
    median_face_px: float


@dataclass(frozen=True)
class RoleAssignment:
    """A track's role and how sure the heuristic (or the coder) is of it."""

    track_id: int
    role: str
    confidence: float
    source: str  # "heuristic" or "override"


def assign_roles(tracks: Sequence[TrackSummary]) -> dict[int, RoleAssignment]:
    """Roles for all tracks by the size heuristic (see the module docstring)."""
    if not tracks:
        return {}
    by_presence = sorted(tracks, key=lambda tr: (-tr.frames_seen, tr.track_id))
    roles: dict[int, RoleAssignment] = {}
    if len(by_presence) == 1:
        only = by_presence[0]
        return {only.track_id: RoleAssignment(only.track_id, MOTHER, 0.0, "heuristic")}
    first, second = by_presence[0], by_presence[1]
    larger, smaller = (
        (first, second) if first.median_face_px >= second.median_face_px else (second, first)
    )
    ratio = larger.median_face_px / max(smaller.median_face_px, 1e-6)
    confidence = round(min(max((ratio - 1.0) / 0.5, 0.0), 1.0), 3)
    roles[larger.track_id] = RoleAssignment(larger.track_id, MOTHER, confidence, "heuristic")
    roles[smaller.track_id] = RoleAssignment(smaller.track_id, INFANT, confidence, "heuristic")
    others = sorted(tr.track_id for tr in tracks if tr.track_id not in roles)
    for number, track_id in enumerate(others, start=2):
        roles[track_id] = RoleAssignment(track_id, f"adult_{number}", 0.0, "heuristic")
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
                result[other_id] = RoleAssignment(other_id, freed, other.confidence, other.source)
        result[track_id] = RoleAssignment(track_id, role, 1.0, "override")
    return result
