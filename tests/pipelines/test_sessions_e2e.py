"""A generated group session through the batch with the real landmarker: faces counted per
second, adults told from infants, pairs in mutual gaze."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from annotate.faces.group_roles import role_class
from annotate.samples.group import truth_faces
from annotate.samples.script import load_script
from pipelines.dataset import read_features
from pipelines.manifest import Manifest, ManifestEntry
from pipelines.records import BatchOptions
from pipelines.runner import run_batch

pytestmark = pytest.mark.slow


def test_a_group_session_counts_adults_and_infants(group_clip: Path, tmp_path: Path) -> None:
    manifest = Manifest(group_clip.parent, (ManifestEntry("group", group_clip, "session"),))
    result = run_batch(manifest, tmp_path / "out", BatchOptions(workers=2))
    assert result.outcomes[0].status == "computed"
    script = load_script(group_clip.with_suffix("").with_suffix(".script.yaml"))
    truth = truth_faces(script, 2.0)
    seconds = pd.read_csv(tmp_path / "out" / "sessions.csv")
    assert seconds["second"].tolist() == [0, 1, 2, 3]
    assert (seconds["samples"] == 2).all()  # sessions: 2 samples per second by default
    assert seconds["adults"].max() <= 9 and seconds["adults"].median() >= 7  # 8 mothers + 1
    assert seconds["infants"].max() <= 8 and seconds["infants"].median() >= 7
    assert seconds["m7"].all() and seconds["mutual_pairs"].sum() > 0
    # each track's class against the script: the nearest scripted face to its median position
    features = read_features(tmp_path / "out")
    visible = features[features["visible"]]
    right = 0
    for role, part in visible.groupby("role"):
        x = float(np.median(part["x"] + part["w"] / 2)) * script.width
        y = float(np.median(part["y"] + part["h"] / 2)) * script.height
        nearest = min(truth, key=lambda f: (f.centre_px[0] - x) ** 2 + (f.centre_px[1] - y) ** 2)
        right += role_class(str(role)) == nearest.role_class
    assert right / visible["role"].nunique() >= 0.9
    group = pd.read_csv(tmp_path / "out" / "clips.csv").query("role == 'group'").iloc[0]
    assert bool(group["m7_hint"]) and group["dyads_p90"] >= 7
    pairs = pd.read_csv(tmp_path / "out" / "session_pairs.csv")
    assert "adult-infant" in set(pairs["pair_kind"])
