"""Feature settings: configs/features.yaml loaded once into frozen dataclasses.

Every value is validated on load; a bad file gives a ConfigError naming the file, the key and the
allowed values. `FeatureConfig.digest()` is the config hash written into provenance.json.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotate.errors import ConfigError
from annotate.io.yaml_files import load_yaml_lines

CONFIG_DIR_ENV = "ANNOTATE_CONFIG_DIR"


def config_dir() -> Path:
    """The folder holding the YAML configs: $ANNOTATE_CONFIG_DIR, else the repository's configs/."""
    override = os.environ.get(CONFIG_DIR_ENV)
    if override:
        return Path(override)
    return Path(__file__).resolve().parent.parent / "configs"


@dataclass(frozen=True)
class SamplingConfig:
    fps: float | None = 10.0  # None: every frame


@dataclass(frozen=True)
class FacesConfig:
    max_faces: int = 2
    min_detection_confidence: float = 0.5
    min_presence_confidence: float = 0.5
    min_tracking_confidence: float = 0.5


@dataclass(frozen=True)
class SearchConfig:
    min_face_frac: float = 0.04
    every_s: float = 1.0
    tile_overlap: float = 0.25
    crop_below_px: float = 80.0
    second_look: bool = True
    second_look_every_s: float = 0.5
    second_look_min_score: float = 0.5


@dataclass(frozen=True)
class TrackingConfig:
    max_dropout_s: float = 2.0
    max_step_widths: float = 1.5
    reidentify: bool = True
    min_track_s: float = 0.3
    max_signature_distance: float = 2.0
    join_max_gap_s: float = 30.0


@dataclass(frozen=True)
class GazeConfig:
    eye_gain: float = 1.0
    max_eye_deg: float = 35.0
    eyes_open_min: float = 0.4
    min_in_plane: float = 0.25
    target_margin: float = 0.35
    max_readable_yaw_deg: float = 60.0


@dataclass(frozen=True)
class ExpressionConfig:
    smile_min: float = 0.5


@dataclass(frozen=True)
class EpisodeConfig:
    min_duration_s: float = 0.4
    max_gap_s: float = 0.3


@dataclass(frozen=True)
class SoundConfig:
    """The vocal channel (annotate/sound); see configs/features.yaml for each key."""

    enabled: bool = True
    speech_min: float = 0.5
    pitched_min: float = 0.75
    pitch_min: float = 0.5
    above_floor_db: float = 12.0
    infant_min_hz: float = 290.0
    infant_clear_hz: float = 380.0
    male_max_hz: float = 160.0
    mouth_moving_min: float = 0.02
    min_vocalisation_s: float = 0.15
    max_pause_s: float = 0.3
    cry_min_s: float = 1.0
    cry_above_db: float = 6.0
    response_window_s: float = 2.0
    singing_min_s: float = 4.0


@dataclass(frozen=True)
class FeatureConfig:
    """All settings of one extraction run."""

    sampling: SamplingConfig = field(default_factory=SamplingConfig)
    faces: FacesConfig = field(default_factory=FacesConfig)
    search: SearchConfig = field(default_factory=SearchConfig)
    tracking: TrackingConfig = field(default_factory=TrackingConfig)
    gaze: GazeConfig = field(default_factory=GazeConfig)
    expressions: ExpressionConfig = field(default_factory=ExpressionConfig)
    episodes: EpisodeConfig = field(default_factory=EpisodeConfig)
    sound: SoundConfig = field(default_factory=SoundConfig)
    source: str = "defaults"

    def digest(self) -> str:
        """sha256 of the settings (not of where they came from), for provenance and caching."""
        settings = dataclasses.asdict(self)
        settings.pop("source")
        blob = json.dumps(settings, sort_keys=True).encode()
        return hashlib.sha256(blob).hexdigest()

    def with_overrides(
        self, fps: float | str | None = "keep", max_faces: int | None = None
    ) -> FeatureConfig:
        """A copy with the command line's --fps / --max-faces applied ("keep" leaves fps alone)."""
        sampling = self.sampling if fps == "keep" else SamplingConfig(fps=_check_fps(fps, "--fps"))
        faces = self.faces
        if max_faces is not None:
            if max_faces < 1:
                raise ConfigError(f"--max-faces must be 1 or more, got {max_faces}")
            faces = dataclasses.replace(faces, max_faces=max_faces)
        return dataclasses.replace(self, sampling=sampling, faces=faces)


_SECTIONS: dict[str, type] = {
    "sampling": SamplingConfig,
    "faces": FacesConfig,
    "search": SearchConfig,
    "tracking": TrackingConfig,
    "gaze": GazeConfig,
    "expressions": ExpressionConfig,
    "episodes": EpisodeConfig,
    "sound": SoundConfig,
}


def _check_fps(value: object, where: str) -> float | None:
    if value is None or (isinstance(value, str) and value.strip().lower() == "all"):
        return None
    try:
        fps = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ConfigError(
            f"{where} must be a number of frames per second or 'all', got {value!r}"
        ) from None
    if not 0 < fps <= 1000:
        raise ConfigError(f"{where} must be above 0 and at most 1000, got {fps}")
    return fps


def _build_section(name: str, raw: object, path: Path) -> Any:
    cls = _SECTIONS[name]
    if not isinstance(raw, dict):
        raise ConfigError(f"section '{name}' must be a mapping, got {type(raw).__name__}", path)
    known = {f.name: f for f in dataclasses.fields(cls)}
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in known:
            allowed = ", ".join(sorted(known))
            raise ConfigError(f"unknown key '{name}.{key}' (allowed: {allowed})", path)
        if name == "sampling" and key == "fps":
            values[key] = _check_fps(value, f"{path}: sampling.fps")
            continue
        default = getattr(cls(), key)
        values[key] = _coerce(value, default, f"{name}.{key}", path)
    return cls(**values)


def _coerce(value: object, default: object, key: str, path: Path) -> object:
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise ConfigError(f"'{key}' must be true or false, got {value!r}", path)
        return value
    if isinstance(default, int):
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ConfigError(f"'{key}' must be a whole number of 1 or more, got {value!r}", path)
        return value
    if not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
        raise ConfigError(f"'{key}' must be a number of 0 or more, got {value!r}", path)
    return float(value)


def load_feature_config(path: Path | None = None) -> FeatureConfig:
    """Load configs/features.yaml (or `path`), validating every key."""
    path = path or config_dir() / "features.yaml"
    raw = load_yaml_lines(path, ConfigError) or {}
    if not isinstance(raw, dict):
        raise ConfigError("expected a mapping of sections at the top level", path)
    sections: dict[str, Any] = {}
    for name, section in raw.items():
        if name not in _SECTIONS:
            raise ConfigError(f"unknown section '{name}' (allowed: {', '.join(_SECTIONS)})", path)
        sections[name] = _build_section(name, section, path)
    return FeatureConfig(**sections, source=str(path))
