"""Dataset tables: clips.csv rows, prepost.csv pre/post/change, partitions with every column."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from annotate.analysis.prepost import ClipFigures, dyad_row, summary_figures
from annotate.columns import BLENDSHAPE_NAMES as BLENDSHAPES
from annotate.extract.summary import CLIP_FIGURES, DYAD_FIGURES, ROLE_FIGURES, ClipSummary
from annotate.faces.frame_table import empty_feature_table
from pipelines.dataset import write_partition
from pipelines.manifest import ManifestEntry
from pipelines.tables import clip_rows, clips_table, prepost_table


def summary(mutual: float, visible: float) -> ClipSummary:
    role = {
        "track": 0,
        "role_confidence": 0.5,
        "role_source": "heuristic",
        "visible_share": visible,
    }
    return ClipSummary.from_dict(
        {
            "duration_s": 10.0,
            "sample_fps": 10.0,
            "frames_analysed": 100,
            "roles": {"mother": role, "infant": {**role, "track": 1}},
            "dyad": {"mutual_gaze_share": mutual, "mutual_gaze": {"episodes": 2}},
        }
    )


def entry(clip_id: str, dyad: str, phase: str) -> ManifestEntry:
    return ManifestEntry(
        clip_id, Path(f"{clip_id}.mp4"), dyad=dyad, phase=phase, extra=(("epds", "9"),)
    )


def test_prepost_has_before_after_and_change_per_dyad() -> None:
    clips = [
        (entry("d1_pre", "D1", "pre"), summary(0.2, 1.0)),
        (entry("d1_post", "D1", "post"), summary(0.5, 0.8)),
        (entry("d2_pre", "D2", "pre"), summary(0.3, 0.9)),
    ]
    prepost = prepost_table(clips).set_index("dyad")
    assert prepost.loc["D1", "mutual_gaze_share_change"] == pytest.approx(0.3)
    assert prepost.loc["D1", "mother_visible_share_change"] == pytest.approx(-0.2)
    assert prepost.loc["D1", "mutual_gaze_episodes_post"] == 2
    assert pd.isna(prepost.loc["D2", "mutual_gaze_share_change"])
    assert (prepost.loc["D2", "pre_clip"], prepost.loc["D2", "post_clip"]) == ("d2_pre", "")


def test_the_batch_prepost_table_has_the_columns_of_export_prepost() -> None:
    clips = [(entry("d1_pre", "D1", "pre"), summary(0.2, 1.0))]
    figures = ClipFigures("d1_pre", "", summary_figures(summary(0.2, 1.0)))
    assert list(prepost_table(clips).columns) == list(dyad_row("D1", {"pre": figures}))
    assert list(prepost_table([]).columns) == list(prepost_table(clips).columns)


def test_clips_csv_and_prepost_share_the_one_list_of_clip_figures() -> None:
    clip = summary(0.2, 1.0)
    table = clips_table(clip_rows(entry("d1_pre", "D1", "pre"), clip), ["epds"])
    columns = list(table.columns)
    # every figure of a role and of the dyad, in the summary's order
    assert [c for c in columns if c in ROLE_FIGURES] == list(ROLE_FIGURES)
    assert [c for c in columns if c in DYAD_FIGURES] == list(DYAD_FIGURES)
    for name in ("looking_elsewhere_share", "no_mutual_gaze_share", "mutual_gaze_per_min"):
        assert name in columns
    # the dyad row holds what the pre/post table compares, under the same names
    dyad = table.set_index("role").loc["dyad"]
    wide = summary_figures(clip)
    assert list(wide) == list(CLIP_FIGURES) == list(clip.figures())
    for name in DYAD_FIGURES:
        assert pd.isna(dyad[name]) == pd.isna(wide[name])
        if not pd.isna(wide[name]):
            assert dyad[name] == pytest.approx(wide[name])
    mother = table.set_index("role").loc["mother"]
    assert mother["visible_share"] == wide["mother_visible_share"] == 1.0
    prepost = prepost_table([(entry("d1_pre", "D1", "pre"), clip)])
    assert {f"{name}_pre" for name in CLIP_FIGURES} <= set(prepost.columns)


def test_a_clip_without_faces_still_has_a_row() -> None:
    rows = clip_rows(
        entry("empty", "", ""), ClipSummary.from_dict({"frames_analysed": 0, "roles": {}})
    )
    assert len(rows) == 1 and rows[0]["role"] == ""


def test_every_partition_has_every_column(tmp_path: Path) -> None:
    empty = tmp_path / "empty.parquet"
    empty_feature_table().to_parquet(empty)
    written = write_partition(tmp_path / "features", "a", "k1", empty)
    assert written.name == "part-k1.parquet"
    read = pd.read_parquet(tmp_path / "features")
    assert {f"bs_{name}" for name in BLENDSHAPES} <= set(read.columns)
    assert (
        written.stat().st_mtime_ns
        == write_partition(tmp_path / "features", "a", "k1", empty).stat().st_mtime_ns
    )
    write_partition(tmp_path / "features", "a", "k2", empty)  # a new result replaces the old
    assert [p.name for p in (tmp_path / "features" / "clip_id=a").iterdir()] == ["part-k2.parquet"]
