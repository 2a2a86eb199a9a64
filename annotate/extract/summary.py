"""summary.json: the figures a researcher reads first, per role and for the dyad, computed
(`clip_summary`) and held in one typed record (`ClipSummary`) that writes and reads the file."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from annotate import columns as C
from annotate.errors import OutputError
from annotate.faces.episodes import clip_flags, role_flags, sample_grid
from annotate.faces.roles import DYAD, INFANT, RoleAssignment
from annotate.io.json_fields import count, number, part
from annotate.sound.summary import VocalSummary
from annotate.timeline.episodes import Episode, sample_ends


def _share(flag: np.ndarray, weights: np.ndarray) -> float:
    total = float(weights.sum())
    return round(float(weights[flag].sum()) / total, 4) if total > 0 else 0.0


def _episode_figures(episodes: list[Episode], kind: str, role: str) -> EpisodeFigures:
    chosen = [e for e in episodes if e.kind == kind and e.role == role]
    return EpisodeFigures(
        episodes=len(chosen),
        longest_s=round(max((e.duration_s for e in chosen), default=0.0), 3),
        total_s=round(sum(e.duration_s for e in chosen), 3),
    )


def clip_summary(
    table: pd.DataFrame,
    episodes: list[Episode],
    roles: dict[int, RoleAssignment],
    sample_fps: float,
    smile_min: float,
) -> ClipSummary:
    """Per role: share of time visible, looking at the partner, looking elsewhere, where it
    looks unknown (the three add up to 1), smiling, mean |yaw|; for the dyad: mutual gaze, no
    mutual gaze and unknown shares (adding up to 1), mutual gaze episodes and longest; infant
    gaze aversion count and longest.

    Shares are of the analysed time (each sample weighted by the time until the next one).
    """
    if table.empty:
        return ClipSummary(sample_fps=round(sample_fps, 4))
    frames, times = sample_grid(table)
    weights = sample_ends(times) - times
    flags = clip_flags(table, smile_min)
    figures: dict[str, RoleFigures] = {}
    for assignment in sorted(roles.values(), key=lambda a: a.track_id):
        role = assignment.role
        part = role_flags(table, role, frames)
        visible = ~flags[(C.FACE_ABSENT, role)]
        looking = flags.get((C.LOOKING_AT_PARTNER, role))
        unknown = flags[(C.GAZE_UNKNOWN, role)]
        elsewhere = ~unknown if looking is None else ~unknown & ~looking
        yaw = part[C.YAW].to_numpy(dtype=np.float64)
        figures[role] = RoleFigures(
            track=assignment.track_id,
            role_confidence=assignment.confidence,
            role_source=assignment.source,
            visible_share=_share(visible, weights),
            looking_at_partner_share=None if looking is None else _share(looking, weights),
            looking_elsewhere_share=_share(elsewhere, weights),
            gaze_unknown_share=_share(unknown, weights),
            smiling_share=_share(flags[(C.SMILE_KIND, role)], weights),
            mean_abs_yaw_deg=None
            if not visible.any()
            else round(float(np.nanmean(np.abs(yaw))), 2),
            face_absent=_episode_figures(episodes, C.FACE_ABSENT, role),
            gaze_unknown=_episode_figures(episodes, C.GAZE_UNKNOWN, role),
        )
    dyad = None
    mutual = flags.get((C.MUTUAL_GAZE_KIND, DYAD))
    if mutual is not None:
        mutual_unknown = flags[(C.GAZE_UNKNOWN, DYAD)]
        dyad = DyadFigures(
            mutual_gaze_share=_share(mutual, weights),
            no_mutual_gaze_share=_share(~mutual & ~mutual_unknown, weights),
            mutual_gaze_unknown_share=_share(mutual_unknown, weights),
            gaze_unknown=_episode_figures(episodes, C.GAZE_UNKNOWN, DYAD),
            mutual_gaze=_episode_figures(episodes, C.MUTUAL_GAZE_KIND, DYAD),
            infant_gaze_aversion=_episode_figures(episodes, C.INFANT_GAZE_AVERSION, INFANT),
        )
    return ClipSummary(
        sample_fps=round(sample_fps, 4),
        frames_analysed=int(frames.size),
        roles=figures,
        analysed_s=round(float(weights.sum()), 3),
        dyad=dyad,
    )


# -- the record ---------------------------------------------------------------------------------
# summary.json is written from these records and read back through them, by every reader (the
# demo, the batch's tables, export prepost). Reading is lenient about missing figures (None: a
# file of an older version, or a hand-made one) and strict about wrong ones (a one-line error).


_FILE = "summary.json's "


def _figure(data: Mapping[str, Any], name: str, path: Path | None) -> float | None:
    value = number(data, name, _FILE, path)
    return None if value is None else float(value)


def _count(data: Mapping[str, Any], name: str, path: Path | None) -> int | None:
    return count(data, name, _FILE, path)


def _part(data: Mapping[str, Any], name: str, path: Path | None) -> Mapping[str, Any]:
    return part(data, name, _FILE, path)


@dataclass(frozen=True)
class EpisodeFigures:
    """Episodes of one kind: how many, the longest and their total, in seconds."""

    episodes: int | None = None
    longest_s: float | None = None
    total_s: float | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], path: Path | None = None) -> EpisodeFigures:
        return cls(
            _count(data, "episodes", path),
            _figure(data, "longest_s", path),
            _figure(data, "total_s", path),
        )

    def to_json(self) -> dict[str, Any]:
        return {"episodes": self.episodes, "longest_s": self.longest_s, "total_s": self.total_s}


@dataclass(frozen=True)
class RoleFigures:
    """One role's figures: its track, how sure the role is, shares of the analysed time (the
    three gaze shares add up to 1), mean |yaw| in degrees, face-absent and gaze-unknown
    episodes."""

    track: int | None = None
    role_confidence: float | None = None
    role_source: str | None = None
    visible_share: float | None = None
    looking_at_partner_share: float | None = None
    looking_elsewhere_share: float | None = None
    gaze_unknown_share: float | None = None
    smiling_share: float | None = None
    mean_abs_yaw_deg: float | None = None
    face_absent: EpisodeFigures = EpisodeFigures()
    gaze_unknown: EpisodeFigures = EpisodeFigures()

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], path: Path | None = None) -> RoleFigures:
        source = data.get("role_source")
        return cls(
            track=_count(data, "track", path),
            role_confidence=_figure(data, "role_confidence", path),
            role_source=None if source is None else str(source),
            **{name: _figure(data, name, path) for name in ROLE_SHARES},
            face_absent=EpisodeFigures.from_dict(_part(data, "face_absent", path), path),
            gaze_unknown=EpisodeFigures.from_dict(_part(data, "gaze_unknown", path), path),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "track": self.track,
            "role_confidence": self.role_confidence,
            "role_source": self.role_source,
            **{name: getattr(self, name) for name in ROLE_SHARES},
            "face_absent": self.face_absent.to_json(),
            "gaze_unknown": self.gaze_unknown.to_json(),
        }

    def figures(self) -> dict[str, float | None]:
        """This role's figures by name, in ROLE_FIGURES' order (None where unknown)."""
        shares: dict[str, float | None] = {name: getattr(self, name) for name in ROLE_SHARES}
        absent = self.face_absent.to_json()
        return {**shares, **{f"face_absent_{name}": absent[name] for name in EPISODE_FIGURES}}


ROLE_SHARES = (
    "visible_share",
    "looking_at_partner_share",
    "looking_elsewhere_share",
    "gaze_unknown_share",
    "smiling_share",
    "mean_abs_yaw_deg",
)
"""RoleFigures' figures between its role facts and its episodes, in summary.json's order."""


@dataclass(frozen=True)
class DyadFigures:
    """The dyad's figures: mutual gaze, no mutual gaze and unknown shares (adding up to 1),
    episodes of unknown gaze, of mutual gaze and of infant gaze aversion."""

    mutual_gaze_share: float | None = None
    no_mutual_gaze_share: float | None = None
    mutual_gaze_unknown_share: float | None = None
    gaze_unknown: EpisodeFigures = EpisodeFigures()
    mutual_gaze: EpisodeFigures = EpisodeFigures()
    infant_gaze_aversion: EpisodeFigures = EpisodeFigures()

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], path: Path | None = None) -> DyadFigures:
        def episodes(name: str) -> EpisodeFigures:
            return EpisodeFigures.from_dict(_part(data, name, path), path)

        return cls(
            mutual_gaze_share=_figure(data, "mutual_gaze_share", path),
            no_mutual_gaze_share=_figure(data, "no_mutual_gaze_share", path),
            mutual_gaze_unknown_share=_figure(data, "mutual_gaze_unknown_share", path),
            gaze_unknown=episodes("gaze_unknown"),
            mutual_gaze=episodes("mutual_gaze"),
            infant_gaze_aversion=episodes("infant_gaze_aversion"),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            **{name: getattr(self, name) for name in DYAD_SHARES},
            **{name: getattr(self, name).to_json() for name in DYAD_EPISODES},
        }


DYAD_SHARES = ("mutual_gaze_share", "no_mutual_gaze_share", "mutual_gaze_unknown_share")
DYAD_EPISODES = ("gaze_unknown", "mutual_gaze", "infant_gaze_aversion")

# -- the per-clip figures: the one ordered list that clips.csv and the pre/post tables share --
EPISODE_FIGURES = ("episodes", "longest_s", "total_s")
FIGURE_ROLES = ("mother", "infant")
ROLE_FIGURES = (*ROLE_SHARES, *(f"face_absent_{name}" for name in EPISODE_FIGURES))
"""A role's figures: the six shares and mean |yaw| of ROLE_SHARES, then face-absent episodes,
longest and total seconds."""
DYAD_FIGURES = (
    *DYAD_SHARES,
    *(
        f"{kind}_{name}"
        for kind in ("mutual_gaze", "infant_gaze_aversion")
        for name in (*EPISODE_FIGURES, "per_min")
    ),
)
"""The dyad's figures: the three shares of DYAD_SHARES, then mutual gaze and infant gaze
aversion episodes, longest and total seconds, and episodes per minute of analysed time."""
CLIP_FIGURES = (
    "analysed_s",
    *DYAD_FIGURES,
    *(f"{role}_{name}" for role in FIGURE_ROLES for name in ROLE_FIGURES),
)
"""A clip's figures in one row (ClipSummary.figures): analysed seconds, the dyad's figures,
then the mother's and the infant's (prefixed `mother_`, `infant_`)."""


@dataclass(frozen=True)
class ClipSummary:
    """summary.json: the clip's facts (once written), its figures per role and for the dyad,
    and the vocal channel's figures (annotate.sound.summary's VocalSummary).

    `analysed_s`, `dyad` and `vocal` are left out of the file when None (no face found; one
    face; sound not analysed); the clip's facts are written once `clip` is set.
    """

    sample_fps: float | None = None
    frames_analysed: int = 0
    roles: Mapping[str, RoleFigures] = field(default_factory=dict)
    analysed_s: float | None = None
    dyad: DyadFigures | None = None
    vocal: VocalSummary | None = None
    clip: str = ""
    video_sha256: str = ""
    duration_s: float | None = None

    def dyad_figures(self) -> dict[str, float | None]:
        """The dyad's figures by name, in DYAD_FIGURES' order (None where unknown; per minute
        from the episodes and the analysed seconds)."""
        dyad = self.dyad or DyadFigures()
        found: dict[str, float | None] = {name: getattr(dyad, name) for name in DYAD_SHARES}
        for kind in ("mutual_gaze", "infant_gaze_aversion"):
            episodes = getattr(dyad, kind).to_json()
            for name in EPISODE_FIGURES:
                found[f"{kind}_{name}"] = episodes[name]
            count, analysed = episodes["episodes"], self.analysed_s
            per_min = count * 60.0 / analysed if count is not None and analysed else None
            found[f"{kind}_per_min"] = per_min
        return found

    def figures(self) -> dict[str, float | None]:
        """The clip's figures in one row, in CLIP_FIGURES' order (None where unknown): what
        `annotate export prepost` and the batch's prepost.csv compare, and (per role and for
        the dyad) clips.csv's figures."""
        found: dict[str, float | None] = {"analysed_s": self.analysed_s, **self.dyad_figures()}
        for role in FIGURE_ROLES:
            of_role = (self.roles.get(role) or RoleFigures()).figures()
            found.update({f"{role}_{name}": value for name, value in of_role.items()})
        return found

    def to_json(self) -> dict[str, Any]:
        """summary.json's content, keys in the file's order."""
        data: dict[str, Any] = {}
        if self.clip:
            data.update(clip=self.clip, video_sha256=self.video_sha256, duration_s=self.duration_s)
        data.update(
            sample_fps=self.sample_fps,
            frames_analysed=self.frames_analysed,
            roles={role: figures.to_json() for role, figures in self.roles.items()},
        )
        if self.analysed_s is not None:
            data["analysed_s"] = self.analysed_s
        if self.dyad is not None:
            data["dyad"] = self.dyad.to_json()
        if self.vocal is not None:
            data["vocal"] = self.vocal.to_dict()
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], path: Path | None = None) -> ClipSummary:
        """The record of summary.json's content (missing figures None, see the module).

        Raises:
            OutputError: a figure is not a number, or a part is not an object (the vocal
                part's too, see VocalSummary.from_dict).
        """
        roles = _part(data, "roles", path)
        for role, figures in roles.items():
            if not isinstance(figures, Mapping):
                raise OutputError(f"summary.json's role {role!r} is not an object", path)
        dyad, vocal = data.get("dyad"), data.get("vocal")
        if vocal is not None and not isinstance(vocal, Mapping):
            raise OutputError("summary.json's vocal is not an object", path)
        return cls(
            sample_fps=_figure(data, "sample_fps", path),
            frames_analysed=_count(data, "frames_analysed", path) or 0,
            roles={str(r): RoleFigures.from_dict(f, path) for r, f in roles.items()},
            analysed_s=_figure(data, "analysed_s", path),
            dyad=None if not dyad else DyadFigures.from_dict(_part(data, "dyad", path), path),
            vocal=None if vocal is None else VocalSummary.from_dict(vocal, path),
            clip=str(data.get("clip") or ""),
            video_sha256=str(data.get("video_sha256") or ""),
            duration_s=_figure(data, "duration_s", path),
        )

    @classmethod
    def from_json(cls, path: Path) -> ClipSummary:
        """Read a summary.json.

        Raises:
            OutputError: the file is missing, is not JSON, or holds something else than a
                clip summary (one line, naming the file).
        """
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise OutputError("no such file (no clip summary here)", path) from None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise OutputError(f"cannot be read as a clip summary: {exc}", path) from None
        if not isinstance(data, dict):
            raise OutputError("does not hold a clip summary (not a JSON object)", path)
        return cls.from_dict(data, path)
