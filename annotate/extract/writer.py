"""Write one clip's outputs: features, episodes, summary, provenance, timeline (+ overlay)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from annotate.extract import folder as O
from annotate.extract.features import ClipFeatures
from annotate.extract.plots import plot_timeline
from annotate.faces.episodes import episode_table
from annotate.install_lock import lock_record
from annotate.media.video import ProgressHook
from annotate.models import extraction_models


def provenance_document(
    features: ClipFeatures, model_sha256: str, outputs: list[str]
) -> dict[str, Any]:
    """provenance.json's content: what made these numbers, and from what."""
    info, config = features.info, features.config
    settings = dataclasses.asdict(config)
    settings.pop("source")
    return {
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "versions": O.versions(),
        "install": lock_record(),
        "config_hash": config.digest(),
        "config_source": config.source,
        "config": settings,
        "model_sha256": model_sha256,
        "models": extraction_models(model_sha256, config.search.second_look),
        "video": {
            "path": str(info.path),
            "sha256": info.sha256,
            "fps": info.fps,
            "frame_count": info.frame_count,
            "frames_decoded": features.frames_decoded,
            "duration_s": info.duration_s,
            "width": info.width,
            "height": info.height,
            "rotation_deg": info.rotation_deg,
            "codec": info.codec,
        },
        "sample_fps": round(features.sample_fps, 4),
        "frames_analysed": features.summary.frames_analysed,
        "roles": {
            f"track{a.track_id}": {
                "role": a.role,
                "confidence": a.confidence,
                "source": a.source,
                "reasons": list(a.reasons),
                "evidence": a.evidence,
            }
            for a in features.roles.values()
        },
        "audio": None if features.sound is None else features.sound.provenance,
        "device": features.device,
        "elapsed_s": round(features.elapsed_s, 3),
        "warnings": features.warnings,
        "outputs": outputs,
    }


def write_clip_outputs(
    features: ClipFeatures,
    out_dir: Path,
    *,
    model_sha256: str,
    csv: bool = False,
    overlay: bool = False,
    force: bool = False,
    overlay_progress: ProgressHook | None = None,
) -> list[Path]:
    """Write every output of one clip into `out_dir`, atomically (see annotate.extract.folder).

    Returns:
        The paths written, provenance.json last.
    """
    info = features.info
    with O.staged_output(out_dir, force) as stage:
        features.table.to_parquet(stage / O.FEATURES_PARQUET, index=False)
        sound = features.sound
        if sound is not None and sound.table is not None:
            sound.table.to_parquet(stage / O.AUDIO_PARQUET, index=False)
        if csv:
            features.table.to_csv(stage / O.FEATURES_CSV, index=False)
        episode_table(info.clip_id, features.episodes).to_csv(stage / O.EPISODES_CSV, index=False)
        O.write_json(stage / O.SUMMARY_JSON, features.summary.to_json())
        level = None
        if sound is not None and sound.table is not None:
            level = (sound.table["t"].to_numpy(), sound.table["level_db"].to_numpy())
        plot_timeline(
            features.table,
            stage / O.TIMELINE_PNG,
            f"{info.clip_id} ({info.path.name})",
            info.duration_s,
            features.config.expressions.smile_min,
            vocal=None if sound is None else sound.episodes,
            level=level,
        )
        if overlay:
            from annotate.extract.overlay import (
                write_overlay,  # PyAV only when an overlay is asked for
            )

            write_overlay(info, features.table, stage / O.OVERLAY_MP4, overlay_progress)
        names = [*sorted(p.name for p in stage.iterdir()), O.PROVENANCE_JSON]
        O.write_json(stage / O.PROVENANCE_JSON, provenance_document(features, model_sha256, names))
    return [out_dir / name for name in names]
