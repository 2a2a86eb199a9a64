"""One clip, start to finish: resolve the model, extract, write the outputs, describe the result.

Used by `annotate extract` and `annotate demo`, and by the batch pipelines (without bars).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from annotate.config import FeatureConfig
from annotate.extract.chunks import MediapipeFactory, extract_clip_parallel
from annotate.extract.folder import check_output_folder
from annotate.extract.summary import ClipSummary, DyadFigures, RoleFigures
from annotate.faces.landmarker import Device
from annotate.faces.roles import parse_role_overrides
from annotate.media.video import ClipInfo, ProgressHook
from annotate.models import FACE_MODEL_SHA256, resolve_face_model
from annotate.sound.summary import VocalSummary

SAMPLE_CLIPS_DIR = Path(__file__).resolve().parents[2] / "sample_clips"
VIDEO_SUFFIXES = (".mp4", ".mov", ".avi", ".mkv", ".webm", ".m4v", ".mts")


@dataclass
class ClipResult:
    """What one clip's extraction produced and where."""

    clip: Path
    out_dir: Path
    summary: ClipSummary
    paths: list[Path]
    warnings: list[str] = field(default_factory=list)
    elapsed_s: float = 0.0
    reused: bool = False

    def describe(self) -> str:
        """A few lines a coder reads: who was found, mutual gaze, aversion, where the files are."""
        s = self.summary
        lines = [
            f"{self.clip.name}: {s.frames_analysed} frames analysed at {s.sample_fps or 0:g}/s"
            + (" (existing result)" if self.reused else f" in {self.elapsed_s:.1f} s")
        ]
        if not s.roles:
            lines.append("  no face found")
        for role, figures in s.roles.items():
            lines.append(f"  {role} {_role_line(figures)}")
        if s.dyad:
            lines.append(f"  {_dyad_line(s.dyad)}")
        if s.vocal is not None and s.vocal.read:
            lines.append(f"  {_vocal_line(s.vocal)}")
        elif s.vocal is not None and s.vocal.sound:
            lines.append(f"  sound: {s.vocal.sound}")
        names = ", ".join(p.name for p in self.paths)
        lines.append(f"  outputs in {self.out_dir}: {names}")
        return "\n".join(lines)


def _share(value: float | None) -> str:
    return "?" if value is None else f"{value:.0%}"


def _role_line(figures: RoleFigures) -> str:
    looking = figures.looking_at_partner_share
    looking_text = "" if looking is None else f", looks at partner {looking:.0%}"
    if figures.gaze_unknown_share:
        looking_text += f", where it looks unknown {figures.gaze_unknown_share:.0%}"
    return (
        f"(track{figures.track}, role confidence {figures.role_confidence or 0.0:.2f}): "
        f"visible {_share(figures.visible_share)}{looking_text}, "
        f"smiling {_share(figures.smiling_share)}"
    )


def _dyad_line(dyad: DyadFigures) -> str:
    mutual, aversion = dyad.mutual_gaze, dyad.infant_gaze_aversion
    return (
        f"mutual gaze {_share(dyad.mutual_gaze_share)} of the time in "
        f"{mutual.episodes} episodes (longest {mutual.longest_s or 0.0:.1f} s), "
        f"cannot be told {dyad.mutual_gaze_unknown_share or 0.0:.0%}; "
        f"infant gaze aversion {aversion.episodes} episodes "
        f"(longest {aversion.longest_s or 0.0:.1f} s)"
    )


def _vocal_line(vocal: VocalSummary) -> str:
    """The vocal figures of a clip whose sound was read, in one line."""
    parts = [
        f"{role} {figures.vocalisations} vocalisations"
        + (f" and {figures.cries} cries" if figures.cries else "")
        for role, figures in vocal.roles.items()
    ]
    answered = vocal.dyad.infant_vocalisations_answered_share
    return (
        f"voice {_share(vocal.voiced_share)} of the time: {', '.join(parts) or 'none'}"
        + ("" if answered is None else f"; infant answered {answered:.0%}")
        + (f"; {vocal.singing_hints} singing hints" if vocal.singing_hints else "")
    )


def extract_to_folder(
    info: ClipInfo,
    out_dir: Path,
    config: FeatureConfig,
    *,
    roles: str | None = None,
    csv: bool = False,
    overlay: bool = False,
    force: bool = False,
    device: Device = "cpu",
    workers: int = 1,
    progress: ProgressHook | None = None,
    overlay_progress: ProgressHook | None = None,
) -> ClipResult:
    """Extract one clip's features and write its outputs into `out_dir` (atomically).

    `info` is the clip probed once at the top (annotate.media.video.probe: its container facts and
    sha256); every layer below takes its facts from this record and none probes again.

    With `workers` above 1, a clip long enough (see annotate.extract.chunks) is cut into time chunks
    tracked in that many processes and stitched.

    Raises:
        AnnotateError: bad input, an existing result without force, no model.
    """
    from annotate.extract.sound import with_sound
    from annotate.extract.writer import write_clip_outputs

    check_output_folder(out_dir, force)  # refuse before any work
    overrides = parse_role_overrides(roles) if roles else None
    model = resolve_face_model()
    features = extract_clip_parallel(
        info,
        config,
        MediapipeFactory(model, device),
        workers=workers,
        role_overrides=overrides,
        progress=progress,
    )
    features = with_sound(features)
    paths = write_clip_outputs(
        features,
        out_dir,
        model_sha256=FACE_MODEL_SHA256,
        csv=csv,
        overlay=overlay,
        force=force,
        overlay_progress=overlay_progress,
    )
    return ClipResult(
        info.path, out_dir, features.summary, paths, features.warnings, features.elapsed_s
    )


def sample_clips() -> list[Path]:
    """The sample clips shipped in the repository's sample_clips/."""
    return sorted(p for p in SAMPLE_CLIPS_DIR.glob("*") if p.suffix.lower() in VIDEO_SUFFIXES)
