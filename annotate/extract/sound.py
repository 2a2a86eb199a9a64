"""A clip's vocal channel added to its extracted features: audio.parquet's table, the vocal
episodes beside the face episodes, summary.json's `vocal` figures, warnings."""

from __future__ import annotations

import dataclasses

from annotate.extract.features import ClipFeatures
from annotate.sound.analysis import analyse_clip_sound


def with_sound(features: ClipFeatures) -> ClipFeatures:
    """The features with the clip's sound analysed (see annotate.sound.analysis).

    A clip without sound, or with a sound track that does not decode, keeps its video results
    and gains a warning."""
    info = features.info
    sound = analyse_clip_sound(
        info.path, info.clip_id, features.config.sound, info.fps, features.table
    )
    summary = dataclasses.replace(features.summary, vocal=sound.summary)
    return dataclasses.replace(
        features,
        sound=sound,
        episodes=[*features.episodes, *sound.episodes],
        summary=summary,
        warnings=[*features.warnings, *sound.warnings],
        elapsed_s=features.elapsed_s + sound.elapsed_s,
    )
