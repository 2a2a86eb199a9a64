"""Before and after, on a hand-made study of three dyads: features from summary.json files,
CARE-Index sheets in a store, covariates joined by dyad. The expected figures are worked out in
the comments."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest

from annotate.analysis.prepost import prepost_table, summary_figures
from annotate.analysis.study_manifest import read_study_manifest
from annotate.coding.care_index import CareIndexConfig, load_care_index
from annotate.coding.care_store import set_aspect
from annotate.coding.clips import ClipRef
from annotate.coding.store import AnnotationStore
from annotate.errors import ConfigError, InterchangeError
from annotate.extract.summary import ClipSummary

MANIFEST = """path,dyad,phase,programme,note
clips/d01_pre.mp4,d01,pre,A1,first visit
clips/d01_post.mp4,d01,post,A1,
clips/d02_pre.mp4,d02,pre,C8,
clips/d02_post.mp4,d02,post,C8,
clips/d03_pre.mp4,d03,pre,B7,
"""
# (mutual gaze share, aversion episodes, analysed seconds) per clip
FIGURES = {
    "d01_pre": (0.30, 6, 180.0),
    "d01_post": (0.50, 3, 180.0),
    "d02_pre": (0.20, 9, 120.0),
    "d02_post": (0.25, 4, 120.0),
    "d03_pre": (0.40, 0, 180.0),
}


def _sha(name: str) -> str:
    return f"{sum(map(ord, name)):064x}"


def _summary(name: str) -> dict[str, object]:
    share, aversions, analysed = FIGURES[name]
    return {
        "clip": name,
        "video_sha256": _sha(name),
        "analysed_s": analysed,
        "roles": {
            "mother": {"visible_share": 1.0, "smiling_share": 0.5, "mean_abs_yaw_deg": 20.0},
            "infant": {"visible_share": 0.9, "smiling_share": 0.25},
        },
        "dyad": {
            "mutual_gaze_share": share,
            "mutual_gaze": {"episodes": 4, "longest_s": 3.5, "total_s": share * analysed},
            "infant_gaze_aversion": {"episodes": aversions, "longest_s": 2.0, "total_s": 8.0},
        },
    }


def _sheet(
    store: AnnotationStore,
    config: CareIndexConfig,
    name: str,
    coder: str,
    sensitive: int,
    upto: int = 7,
) -> None:
    """A sheet whose adult sensitivity total is 2 x `sensitive` (aspects scored up to `upto`)."""
    clip = ClipRef(_sha(name), f"{name}.mp4", 180.0, 25.0)
    for k, aspect in enumerate(config.aspect_ids[:upto]):
        adult = {"sensitive": 2.0} if k < sensitive else {"controlling": 2.0}
        set_aspect(
            store, config, clip, coder, aspect, {"adult": adult, "infant": {"cooperative": 2.0}}
        )


@pytest.fixture()
def study(tmp_path: Path) -> Path:
    (tmp_path / "study.csv").write_text(MANIFEST, encoding="utf-8")
    for name in FIGURES:
        folder = tmp_path / "features" / name
        folder.mkdir(parents=True)
        (folder / "summary.json").write_text(json.dumps(_summary(name)), encoding="utf-8")
    config = load_care_index()
    with AnnotationStore(tmp_path / "project.sqlite") as store:
        _sheet(store, config, "d01_pre", "ana", 3)  # synchrony 6
        _sheet(store, config, "d01_post", "ana", 5)  # 10
        _sheet(store, config, "d02_pre", "ana", 4)  # 8
        _sheet(store, config, "d02_pre", "ben", 3)  # 6: the mean of the two is 7
        _sheet(store, config, "d02_post", "ana", 6, upto=5)  # incomplete: not counted
    (tmp_path / "questionnaires.csv").write_text(
        "dyad,EPDS_pre,EPDS_post,PSI\nd01,14,9,80\nd02,11,12,75\nd09,5,5,60\n", encoding="utf-8"
    )
    return tmp_path


def _by_dyad(table: pd.DataFrame) -> dict[str, pd.Series]:
    return {str(row["dyad"]): row for _, row in table.iterrows()}


def test_each_dyad_gets_its_figures_before_and_after_and_the_change(study: Path) -> None:
    result = prepost_table(
        read_study_manifest(study / "study.csv"),
        study / "features",
        db=study / "project.sqlite",
        covariates=[study / "questionnaires.csv"],
    )
    rows = _by_dyad(result.table)
    assert list(rows) == ["d01", "d02", "d03"]
    d01, d02, d03 = rows["d01"], rows["d02"], rows["d03"]
    assert (d01["programme"], d01["pre_clip"], d01["post_clip"]) == ("A1", "d01_pre", "d01_post")
    assert d01["mutual_gaze_share_change"] == pytest.approx(0.2)
    # aversions per minute: 6 in 3 min = 2.0 before, 3 in 3 min = 1.0 after
    assert (d01["infant_gaze_aversion_per_min_pre"], d01["infant_gaze_aversion_per_min_post"]) == (
        pytest.approx(2.0),
        pytest.approx(1.0),
    )
    assert d01["infant_gaze_aversion_per_min_change"] == pytest.approx(-1.0)
    assert (d01["care_synchrony_pre"], d01["care_synchrony_post"]) == (6.0, 10.0)
    assert d01["care_synchrony_change"] == 4.0
    assert (d01["care_band_pre"], d01["care_band_post"]) == ("inept", "adequate")
    assert d01["care_infant_cooperative_pre"] == 14.0
    # two coders scored d02 before (8 and 6): their mean; the sheet after is incomplete
    assert (d02["care_synchrony_pre"], d02["care_coders_pre"]) == (7.0, 2)
    assert math.isnan(d02["care_synchrony_post"]) and math.isnan(d02["care_synchrony_change"])
    assert d02["infant_gaze_aversion_per_min_pre"] == pytest.approx(4.5)  # 9 in 2 min
    # no clip after: the figures after and the change are empty
    assert d03["post_clip"] == "" and math.isnan(d03["mutual_gaze_share_change"])
    # covariates joined by dyad; d03 has none, d09 is not in the study
    assert (d01["EPDS_pre"], d01["EPDS_post"], d01["PSI"]) == (14, 9, 80)
    assert math.isnan(d03["PSI"])
    assert any("d09" in n for n in result.notes)
    assert any("d03: no post clip" in n for n in result.notes)
    assert any("no complete CARE-Index sheet for d02_post" in n for n in result.notes)


def test_one_coder_can_be_chosen(study: Path) -> None:
    result = prepost_table(
        read_study_manifest(study / "study.csv"),
        study / "features",
        db=study / "project.sqlite",
        coder="ben",
    )
    rows = _by_dyad(result.table)
    assert rows["d02"]["care_synchrony_pre"] == 6.0
    assert math.isnan(rows["d01"]["care_synchrony_pre"])


def test_the_figures_of_a_summary_are_flattened() -> None:
    figures = summary_figures(ClipSummary.from_dict(_summary("d01_pre")))
    assert figures["mutual_gaze_total_s"] == pytest.approx(54.0)
    assert figures["mother_smiling_share"] == 0.5
    assert math.isnan(figures["infant_mean_abs_yaw_deg"])  # not in this summary
    assert math.isnan(summary_figures(ClipSummary())["mutual_gaze_per_min"])


@pytest.mark.parametrize(
    ("manifest", "message"),
    [
        ("path,dyad,phase\na.mp4,d1,pre\nb.mp4,d1,pre\n", "line 3: dyad 'd1' has a pre clip"),
        ("path,dyad,phase\na.mp4,,pre\n", "line 2: a pre clip needs a dyad"),
        ("path,dyad,phase\na.mp4,d1,later\n", "line 2: phase must be pre, post or empty"),
        ("clip,dyad\na.mp4,d1\n", "no 'path' column"),
    ],
)
def test_malformed_manifests_are_refused_naming_the_line(
    tmp_path: Path, manifest: str, message: str
) -> None:
    path = tmp_path / "m.csv"
    path.write_text(manifest, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        prepost_table(read_study_manifest(path), tmp_path)


def test_a_features_folder_without_any_summary_is_refused(study: Path) -> None:
    with pytest.raises(InterchangeError, match=r"no clip of the manifest has a summary\.json"):
        prepost_table(read_study_manifest(study / "study.csv"), study)


@pytest.mark.parametrize(
    ("covariates", "message"),
    [
        ("id,EPDS\nd01,3\n", "no 'dyad' column"),
        ("dyad,EPDS\nd01,3\nd01,4\n", "line 3: dyad 'd01' is given twice"),
        ("dyad,programme\nd01,A1\n", "column 'programme' is in the table already"),
    ],
)
def test_malformed_covariates_are_refused(study: Path, covariates: str, message: str) -> None:
    path = study / "bad.csv"
    path.write_text(covariates, encoding="utf-8")
    with pytest.raises(InterchangeError, match=message):
        prepost_table(
            read_study_manifest(study / "study.csv"), study / "features", covariates=[path]
        )


def test_a_coders_role_swap_swaps_the_role_figures(study: Path) -> None:
    from annotate.coding.clip_roles import set_roles_swapped

    with AnnotationStore(study / "project.sqlite") as store:
        set_roles_swapped(
            store, ClipRef(_sha("d01_pre"), "d01_pre.mp4", 180.0, 25.0), True, coder="ana"
        )
    result = prepost_table(
        read_study_manifest(study / "study.csv"), study / "features", db=study / "project.sqlite"
    )
    d01 = _by_dyad(result.table)["d01"]
    assert (d01["mother_visible_share_pre"], d01["infant_visible_share_pre"]) == (0.9, 1.0)
    assert (d01["mother_visible_share_post"], d01["infant_visible_share_post"]) == (1.0, 0.9)
    assert math.isnan(d01["infant_gaze_aversion_per_min_pre"])
    assert d01["infant_gaze_aversion_per_min_post"] == pytest.approx(1.0)
    assert any("swapped, as ana said" in n for n in result.notes)
