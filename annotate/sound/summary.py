"""summary.json's `vocal` figures as one typed record (`VocalSummary`): how the clip's sound
went, then (when it was read) voice, per vocal role and for the dyad, and singing hints.

`to_dict` writes the figures as they were computed (an int stays an int: a clip without cries
has `cry_s` 0), so a record read back writes the same file. Reading is lenient about missing
figures (None: a file of an older version) and strict about wrong ones (a one-line
OutputError naming the file).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotate.errors import OutputError
from annotate.io.json_fields import count, number, part, wrong

# how the clip's sound went (summary.json's vocal.sound, provenance.json's sound status)
READ = "read"
"""The sound track was read and analysed: the figures follow."""
NONE = "none"
"""The clip has no sound track."""
UNREADABLE = "unreadable"
"""The sound track does not decode."""
DISABLED = "disabled"
"""The sound analysis is switched off (configs/features.yaml, sound.enabled)."""
EMPTY = "empty"
"""The sound track holds no samples."""
SOUND_STATUSES = (READ, NONE, UNREADABLE, DISABLED, EMPTY)


_VOCAL = "summary.json's vocal "


def _fail(name: str, what: str, value: object, path: Path | None) -> OutputError:
    return wrong(_VOCAL, name, what, value, path)


def _number(data: Mapping[str, Any], name: str, label: str, path: Path | None) -> float | None:
    return number(data, name, _VOCAL + label, path)


def _count(data: Mapping[str, Any], name: str, label: str, path: Path | None) -> int | None:
    return count(data, name, _VOCAL + label, path)


def _part(data: Mapping[str, Any], name: str, label: str, path: Path | None) -> Mapping[str, Any]:
    return part(data, name, _VOCAL + label, path)


@dataclass(frozen=True)
class LatencyFigures:
    """Durations of one kind (pauses, response latencies): how many, median and mean seconds
    (None without any)."""

    n: int | None = None
    median_s: float | None = None
    mean_s: float | None = None

    @classmethod
    def from_dict(
        cls, data: Mapping[str, Any], path: Path | None = None, label: str = ""
    ) -> LatencyFigures:
        return cls(
            _count(data, "n", label, path),
            _number(data, "median_s", label, path),
            _number(data, "mean_s", label, path),
        )

    def to_dict(self) -> dict[str, Any]:
        return {"n": self.n, "median_s": self.median_s, "mean_s": self.mean_s}


@dataclass(frozen=True)
class VocalRoleFigures:
    """One vocal role's figures: vocalisations and cries (count, seconds), the share of the
    clip it vocalises and the mean length of its vocal events."""

    vocalisations: int | None = None
    vocalisation_s: float | None = None
    cries: int | None = None
    cry_s: float | None = None
    vocal_share: float | None = None
    mean_vocalisation_s: float | None = None

    @classmethod
    def from_dict(
        cls, data: Mapping[str, Any], path: Path | None = None, label: str = ""
    ) -> VocalRoleFigures:
        return cls(
            vocalisations=_count(data, "vocalisations", label, path),
            vocalisation_s=_number(data, "vocalisation_s", label, path),
            cries=_count(data, "cries", label, path),
            cry_s=_number(data, "cry_s", label, path),
            vocal_share=_number(data, "vocal_share", label, path),
            mean_vocalisation_s=_number(data, "mean_vocalisation_s", label, path),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "vocalisations": self.vocalisations,
            "vocalisation_s": self.vocalisation_s,
            "cries": self.cries,
            "cry_s": self.cry_s,
            "vocal_share": self.vocal_share,
            "mean_vocalisation_s": self.mean_vocalisation_s,
        }


@dataclass(frozen=True)
class VocalDyadFigures:
    """The dyad's vocal figures: turns and switches, switching pauses, overlaps, each role's
    response latencies, the share of infant vocal events the mother answered, and the
    response window they were counted with."""

    turns: int | None = None
    turn_switches: int | None = None
    switching_pause: LatencyFigures = LatencyFigures()
    overlaps: int | None = None
    overlap_s: float | None = None
    mother_response_latency: LatencyFigures = LatencyFigures()
    infant_response_latency: LatencyFigures = LatencyFigures()
    infant_vocalisations_answered_share: float | None = None
    response_window_s: float | None = None

    @classmethod
    def from_dict(
        cls, data: Mapping[str, Any], path: Path | None = None, label: str = "dyad."
    ) -> VocalDyadFigures:
        def latency(name: str) -> LatencyFigures:
            return LatencyFigures.from_dict(_part(data, name, label, path), path, f"{label}{name}.")

        return cls(
            turns=_count(data, "turns", label, path),
            turn_switches=_count(data, "turn_switches", label, path),
            switching_pause=latency("switching_pause"),
            overlaps=_count(data, "overlaps", label, path),
            overlap_s=_number(data, "overlap_s", label, path),
            mother_response_latency=latency("mother_response_latency"),
            infant_response_latency=latency("infant_response_latency"),
            infant_vocalisations_answered_share=_number(
                data, "infant_vocalisations_answered_share", label, path
            ),
            response_window_s=_number(data, "response_window_s", label, path),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "turns": self.turns,
            "turn_switches": self.turn_switches,
            "switching_pause": self.switching_pause.to_dict(),
            "overlaps": self.overlaps,
            "overlap_s": self.overlap_s,
            "mother_response_latency": self.mother_response_latency.to_dict(),
            "infant_response_latency": self.infant_response_latency.to_dict(),
            "infant_vocalisations_answered_share": self.infant_vocalisations_answered_share,
            "response_window_s": self.response_window_s,
        }


@dataclass(frozen=True)
class VocalSummary:
    """summary.json's `vocal` part: how the sound went (`sound`, one of SOUND_STATUSES; ""
    when the file does not say) and, when it was read, the figures: seconds analysed, the
    frame step, the voiced share, the faces whose mouths were used, per vocal role, the dyad,
    singing hints (count, seconds).

    The figures are written only for a clip whose sound was read (`{"sound": "none"}`
    otherwise).
    """

    sound: str = ""
    analysed_s: float | None = None
    frame_s: float | None = None
    voiced_share: float | None = None
    faces_used: tuple[str, ...] = ()
    roles: Mapping[str, VocalRoleFigures] = field(default_factory=dict)
    dyad: VocalDyadFigures = VocalDyadFigures()
    singing_hints: int | None = None
    singing_hint_s: float | None = None

    @property
    def read(self) -> bool:
        """Whether the clip's sound was read (and the figures are its own)."""
        return self.sound == READ

    def to_dict(self) -> dict[str, Any]:
        """summary.json's `vocal` content, keys in the file's order."""
        if not self.read:
            return {"sound": self.sound}
        return {
            "sound": self.sound,
            "analysed_s": self.analysed_s,
            "frame_s": self.frame_s,
            "voiced_share": self.voiced_share,
            "faces_used": list(self.faces_used),
            "roles": {role: figures.to_dict() for role, figures in self.roles.items()},
            "dyad": self.dyad.to_dict(),
            "singing_hints": self.singing_hints,
            "singing_hint_s": self.singing_hint_s,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], path: Path | None = None) -> VocalSummary:
        """The record of summary.json's `vocal` content (missing figures None).

        Raises:
            OutputError: the part is not an object, the status not a text, a figure not a
                number, or a part not an object (one line, naming the file).
        """
        if not isinstance(data, Mapping):
            raise OutputError("summary.json's vocal is not an object", path)
        sound = data.get("sound")
        if sound is not None and not isinstance(sound, str):
            raise _fail("sound", "a text", sound, path)
        faces = data.get("faces_used")
        if faces is None:
            faces = []
        if not isinstance(faces, list) or not all(isinstance(f, str) for f in faces):
            raise _fail("faces_used", "a list of roles", faces, path)
        roles = _part(data, "roles", "", path)
        for role, figures in roles.items():
            if not isinstance(figures, Mapping):
                raise _fail(f"roles.{role}", "an object", figures, path)
        return cls(
            sound=sound or "",
            analysed_s=_number(data, "analysed_s", "", path),
            frame_s=_number(data, "frame_s", "", path),
            voiced_share=_number(data, "voiced_share", "", path),
            faces_used=tuple(faces),
            roles={
                str(role): VocalRoleFigures.from_dict(figures, path, f"roles.{role}.")
                for role, figures in roles.items()
            },
            dyad=VocalDyadFigures.from_dict(_part(data, "dyad", "", path), path),
            singing_hints=_count(data, "singing_hints", "", path),
            singing_hint_s=_number(data, "singing_hint_s", "", path),
        )
