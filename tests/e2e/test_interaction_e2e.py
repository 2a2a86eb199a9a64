"""The interaction analyses on a real extraction of a sample clip (the real landmarker)."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from annotate.media.video import probe
from tests.analysis.builders import run

SAMPLE = Path(__file__).resolve().parents[2] / "sample_clips" / "dyad_play.mp4"


@pytest.mark.slow
def test_contingency_and_synchrony_on_an_extracted_clip(tmp_path: Path) -> None:
    features = tmp_path / "out" / "dyad_play"
    assert run("extract", SAMPLE, "--out", features, "--quiet").exit_code == 0
    episodes = pd.read_csv(features / "episodes.csv")
    out = tmp_path / "c.csv"
    done = run(
        "contingency",
        "--given",
        "auto:mutual_gaze",
        "--target",
        "auto:infant_gaze_aversion",
        "--window",
        "5",
        "--clip",
        SAMPLE,
        "--features",
        tmp_path / "out",
        "--out",
        out,
    )
    assert done.exit_code == 0, done.error
    table = pd.read_csv(out).set_index("measure")["value"]
    info = probe(SAMPLE, with_hash=False)
    assert table[["a", "b", "c", "d"]].sum() == math.ceil(info.duration_s * info.fps - 1e-9)
    # the script: mutual gaze from the start, then the infant looks away while the mother looks
    gaze = episodes[episodes["kind"] == "mutual_gaze"]["start"].sort_values().tolist()
    aversion = episodes[episodes["kind"] == "infant_gaze_aversion"]["start"].sort_values()
    assert len(aversion) >= 1
    first = float(aversion.iloc[0])
    expected = [float(aversion[aversion > g].iloc[0]) - g for g in gaze if (aversion > g).any()]
    assert table["median_latency_s"] == pytest.approx(pd.Series(expected).median())
    assert first - gaze[0] < 5 and table["a"] >= 1  # the aversion falls in the first window
    synced = run(
        "synchrony",
        "--features",
        tmp_path / "out",
        "--out",
        tmp_path / "y.csv",
        "--window",
        "6",
        "--step",
        "2",
        "--max-lag",
        "2",
    )
    assert synced.exit_code == 0, synced.error
    y = pd.read_csv(tmp_path / "y.csv")
    peaks = y[(y["clip"] == "dyad_play") & (y["measure"] == "windows")]["value"]
    assert len(peaks) == 3 and (peaks > 0).all()
