"""The scripted timeline of a sample clip, and the ground truth it implies.

A script holds the clip's size and rate, each face's look, and a list of segments. Each segment
starts at a time and changes some faces' state: where the face is (`at`, pixels), what it looks
at (`look`: the other role, `away`, `camera` or `down`) and its roll (`roll`, degrees, 90 for an
infant lying on its side). Changes take `transition_s` (moves take `move_s`); a state holds until
the next segment changes it. A script may also hold a sound track: `sounds`, each a role's
voice (`speech`, `cry` or `song`) from a start to an end (seconds), rendered with
annotate.sound.synthesis. The script is saved as YAML beside each clip: the ground truth.

Ground truth: a face looks at its partner from the end of the transition into a `look: <partner>`
state until the next change of look (and while its face is in the frame); mutual gaze is both
at once; infant gaze aversion is the mother looking at the infant while the infant, in the frame,
does not look back.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from annotate.errors import ConfigError
from annotate.io.yaml_files import load_yaml_lines
from annotate.sound.synthesis import SOUND_KINDS, ScriptedSound

LOOK_YAW_DEG = 35.0  # head turn toward the partner
AWAY_YAW_DEG = 40.0
DOWN_PITCH_DEG = -25.0
LOOKS = ("away", "camera", "down")


@dataclass(frozen=True)
class FaceLook:
    """How a role's face is drawn: its size facing the camera and whether the photo is mirrored."""

    width_px: float
    mirror: bool = False
    brightness: float = 1.0


@dataclass(frozen=True)
class FaceState:
    """A face's state in a segment: position (pixels), gaze target and roll (degrees)."""

    at: tuple[float, float]
    look: str
    roll: float = 0.0


@dataclass(frozen=True)
class Segment:
    """From `start` (seconds), the given roles take the given states (others keep theirs)."""

    start: float
    states: dict[str, dict[str, Any]]


@dataclass(frozen=True)
class FacePose:
    """A face at one instant: where and how it is drawn."""

    centre_px: tuple[float, float]
    yaw: float
    pitch: float
    roll: float
    width_px: float


@dataclass(frozen=True)
class Script:
    """A sample clip's whole timeline."""

    name: str
    width: int
    height: int
    fps: float
    duration_s: float
    faces: dict[str, FaceLook]
    segments: list[Segment]
    seed: int = 0
    transition_s: float = 0.4
    move_s: float = 0.8
    sway_deg: float = 2.0
    notes: str = ""
    sounds: tuple[ScriptedSound, ...] = ()
    _timeline: dict[str, list[tuple[float, FaceState, FaceState, float]]] = field(
        default_factory=dict, compare=False, repr=False
    )

    # -- states over time ---------------------------------------------------------------------
    def _changes(self, role: str) -> list[tuple[float, FaceState, FaceState, float]]:
        """(start, state before, state after, transition length) of each change of a role."""
        if role in self._timeline:
            return self._timeline[role]
        changes: list[tuple[float, FaceState, FaceState, float]] = []
        state: FaceState | None = None
        for segment in self.segments:
            if role not in segment.states:
                continue
            raw = segment.states[role]
            if "at" not in raw and state is None:
                raise ConfigError(f"{self.name}: the first segment of '{role}' must give 'at'")
            at = (float(raw["at"][0]), float(raw["at"][1])) if "at" in raw else state.at  # type: ignore[union-attr]
            new = FaceState(
                at=at,
                look=str(raw.get("look", state.look if state else "camera")),
                roll=float(raw.get("roll", state.roll if state else 0.0)),
            )
            if new.look not in LOOKS and new.look not in self.faces:
                allowed = ", ".join([*LOOKS, *self.faces])
                raise ConfigError(
                    f"{self.name}: '{role}' looks at {new.look!r} at {segment.start}s "
                    f"(allowed: {allowed})"
                )
            moved = state is not None and new.at != state.at
            length = self.move_s if moved else (self.transition_s if state else 0.0)
            changes.append((segment.start, state or new, new, length))
            state = new
        self._timeline[role] = changes
        return changes

    def state_at(self, role: str, t: float) -> tuple[FaceState, FaceState, float]:
        """(state before, state after, progress 0-1 of the change) for a role at time t."""
        changes = self._changes(role)
        current = changes[0]
        for change in changes:
            if change[0] <= t:
                current = change
        start, before, after, length = current
        progress = 1.0 if length <= 0 else min(max((t - start) / length, 0.0), 1.0)
        return before, after, progress

    def partner(self, role: str) -> str:
        others = [r for r in self.faces if r != role]
        return others[0] if others else role

    def _look_angles(self, role: str, state: FaceState, t: float) -> tuple[float, float]:
        """Head yaw and pitch (degrees) for a state's look; toward a face, along the line to it."""
        if state.look == "camera":
            return 0.0, 0.0
        if state.look == "down":
            return 0.0, DOWN_PITCH_DEG
        target = state.look if state.look in self.faces else self.partner(role)
        tx, ty = self.position(target, t)
        dx, dy = tx - state.at[0], ty - state.at[1]
        if state.look == "away":
            return (AWAY_YAW_DEG if dx < 0 else -AWAY_YAW_DEG), 0.0
        # the gaze's in-image part points along (dx, dy), with a length of sin(LOOK_YAW_DEG)
        length = math.hypot(dx, dy) or 1.0
        in_plane = math.sin(math.radians(LOOK_YAW_DEG))
        gx, gy = in_plane * dx / length, -in_plane * dy / length
        gz = math.sqrt(max(1.0 - gx * gx - gy * gy, 0.0))
        return math.degrees(math.atan2(gx, gz)), math.degrees(math.asin(gy))

    def position(self, role: str, t: float) -> tuple[float, float]:
        before, after, p = self.state_at(role, t)
        ease = 0.5 - 0.5 * math.cos(math.pi * p)
        return (
            before.at[0] + (after.at[0] - before.at[0]) * ease,
            before.at[1] + (after.at[1] - before.at[1]) * ease,
        )

    def pose(self, role: str, t: float) -> FacePose:
        """Where and how a role's face is drawn at time t (with a small idle sway)."""
        before, after, p = self.state_at(role, t)
        ease = 0.5 - 0.5 * math.cos(math.pi * p)
        yaw0, pitch0 = self._look_angles(role, before, t)
        yaw1, pitch1 = self._look_angles(role, after, t)
        phase = (sum(map(ord, role)) % 97) / 97.0 * 2 * math.pi + self.seed
        sway = self.sway_deg * math.sin(2 * math.pi * 0.3 * t + phase)
        return FacePose(
            centre_px=self.position(role, t),
            yaw=yaw0 + (yaw1 - yaw0) * ease + sway,
            pitch=pitch0 + (pitch1 - pitch0) * ease + 0.5 * sway,
            roll=before.roll + (after.roll - before.roll) * ease,
            width_px=self.faces[role].width_px,
        )

    # -- ground truth -------------------------------------------------------------------------
    def in_frame(self, role: str, t: float) -> bool:
        """Whether the face's centre is inside the frame with half a face to spare."""
        x, y = self.position(role, t)
        half = self.faces[role].width_px / 2
        return half <= x <= self.width - half and half <= y <= self.height - half

    def looks_at_partner(self, role: str, t: float) -> bool:
        """Ground truth: settled on looking at the partner, and in the frame."""
        before, after, p = self.state_at(role, t)
        target = self.partner(role)
        return (
            after.look == target
            and (p >= 1.0 or before.look == target)
            and self.in_frame(role, t)
            and self.in_frame(target, t)
        )

    def truth_intervals(self, kind: str, step_s: float = 0.02) -> list[tuple[float, float]]:
        """Intervals (seconds) where the script says `kind` happens: mutual_gaze,
        looking_at_partner:<role>, infant_gaze_aversion, face_absent:<role>."""

        def flag(t: float) -> bool:
            if kind == "mutual_gaze":
                return all(self.looks_at_partner(r, t) for r in ("mother", "infant"))
            if kind == "infant_gaze_aversion":
                return (
                    self.looks_at_partner("mother", t)
                    and self.in_frame("infant", t)
                    and not self.looks_at_partner("infant", t)
                )
            name, _, role = kind.partition(":")
            if name == "looking_at_partner":
                return self.looks_at_partner(role, t)
            if name == "face_absent":
                return not self.in_frame(role, t)
            raise ConfigError(f"no ground truth for episode kind {kind!r}")

        intervals: list[tuple[float, float]] = []
        steps = round(self.duration_s / step_s)
        start: float | None = None
        for k in range(steps + 1):
            t = k * step_s
            on = flag(t) and k < steps
            if on and start is None:
                start = t
            elif not on and start is not None:
                intervals.append((start, t))
                start = None
        return intervals

    def voice_intervals(self, role: str | None = None) -> list[tuple[float, float]]:
        """Intervals (seconds) in which the sound track holds a voice (of `role`, or anyone's)."""
        spans = sorted((s.start_s, s.end_s) for s in self.sounds if role is None or s.role == role)
        merged: list[tuple[float, float]] = []
        for a, b in spans:
            if merged and a <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], b))
            else:
                merged.append((a, b))
        return merged

    # -- files --------------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "size": [self.width, self.height],
            "fps": self.fps,
            "duration_s": self.duration_s,
            "seed": self.seed,
            "transition_s": self.transition_s,
            "move_s": self.move_s,
            "sway_deg": self.sway_deg,
            "notes": self.notes,
            "faces": {
                role: {"width_px": f.width_px, "mirror": f.mirror, "brightness": f.brightness}
                for role, f in self.faces.items()
            },
            "segments": [{"start": s.start, **s.states} for s in self.segments],
            **(
                {
                    "sounds": [
                        {"role": s.role, "kind": s.kind, "start": s.start_s, "end": s.end_s}
                        for s in self.sounds
                    ]
                }
                if self.sounds
                else {}
            ),
            "truth": {
                kind: [[round(a, 2), round(b, 2)] for a, b in self.truth_intervals(kind)]
                for kind in (
                    "mutual_gaze",
                    "infant_gaze_aversion",
                    "looking_at_partner:mother",
                    "looking_at_partner:infant",
                    "face_absent:infant",
                )
                if {"mother", "infant"} <= set(self.faces)
            },
        }

    def save(self, path: Path) -> None:
        path.write_text(
            yaml.safe_dump(self.to_dict(), sort_keys=False, width=100), encoding="utf-8"
        )


def script_from_dict(data: dict[str, Any], source: str = "<script>") -> Script:
    """Build a script from its YAML form (the `truth` section, derived, is ignored)."""
    try:
        faces = {role: FaceLook(**spec) for role, spec in data["faces"].items()}
        segments = []
        for raw in data["segments"]:
            raw = dict(raw)
            start = float(raw.pop("start"))
            unknown = set(raw) - set(faces)
            if unknown:
                raise ConfigError(
                    f"segment at {start}s names unknown faces {sorted(unknown)}", source
                )
            segments.append(Segment(start, raw))
        sounds = tuple(_sound(raw, source) for raw in data.get("sounds") or [])
        width, height = data["size"]
        return Script(
            name=str(data["name"]),
            width=int(width),
            height=int(height),
            fps=float(data["fps"]),
            duration_s=float(data["duration_s"]),
            faces=faces,
            segments=segments,
            seed=int(data.get("seed", 0)),
            transition_s=float(data.get("transition_s", 0.4)),
            move_s=float(data.get("move_s", 0.8)),
            sway_deg=float(data.get("sway_deg", 2.0)),
            notes=str(data.get("notes", "")),
            sounds=sounds,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ConfigError(f"not a valid sample script ({exc!r})", source) from None


def _sound(raw: dict[str, Any], source: str) -> ScriptedSound:
    sound = ScriptedSound(
        str(raw["role"]), str(raw["kind"]), float(raw["start"]), float(raw["end"])
    )
    if sound.kind not in SOUND_KINDS:
        raise ConfigError(
            f"sound at {sound.start_s}s is a {sound.kind!r} (allowed: {', '.join(SOUND_KINDS)})",
            source,
        )
    if not 0 <= sound.start_s < sound.end_s:
        raise ConfigError(
            f"sound at {sound.start_s}s ends at {sound.end_s}s, before it starts", source
        )
    return sound


def load_script(path: Path) -> Script:
    """Read a script saved beside a sample clip."""
    return script_from_dict(load_yaml_lines(path, ConfigError), str(path))
