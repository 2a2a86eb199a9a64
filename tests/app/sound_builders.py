"""Feature folders with the clip's real vocal channel, for the tool's sound tests."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from annotate.config import load_feature_config
from annotate.extract.folder import AUDIO_PARQUET, EPISODES_CSV
from annotate.faces.episodes import episode_table
from annotate.media.video import probe
from annotate.sound.analysis import analyse_clip_sound
from tests.app.builders import synthetic_features


def heard_features(clip: Path, project: Path) -> Path:
    """synthetic_features, with the clip's sound analysed for real: audio.parquet and the
    vocal episodes added to episodes.csv, as `annotate extract` writes them."""
    folder = synthetic_features(clip, project)
    info = probe(clip)
    sound = analyse_clip_sound(clip, clip.stem, load_feature_config().sound, info.fps)
    assert sound.table is not None, sound.warnings
    sound.table.to_parquet(folder / AUDIO_PARQUET, index=False)
    faces = pd.read_csv(folder / EPISODES_CSV)
    vocal = episode_table(clip.stem, sound.episodes)
    pd.concat([faces, vocal[faces.columns]]).to_csv(folder / EPISODES_CSV, index=False)
    return folder
