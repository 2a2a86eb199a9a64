"""`annotate contingency`, `sequence` and `synchrony` on real coding files (ELAN, BORIS), a study
manifest, automatic episodes; outputs whole or not at all; bad input in one line."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import pandas as pd
import pytest

from annotate.analysis.prepost import read_covariates
from annotate.interchange.convert import read_any
from tests.analysis.builders import feature_table, run, write_extraction
from tests.analysis.test_synchrony import following_table

FIXTURES = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures"
if not FIXTURES.is_dir():
    FIXTURES = Path("/work/shared/fixtures")
ELAN = FIXTURES / "elan" / "childproject_example_basic.eaf"
BORIS = FIXTURES / "boris" / "test.boris"
SAMPLE = Path(__file__).resolve().parents[2] / "sample_clips" / "dyad_cross.mp4"

needs_fixtures = pytest.mark.skipif(not ELAN.is_file(), reason="shared fixtures not here")


def _value(table: pd.DataFrame, clip: str, measure: str, **where: str) -> float:
    rows = table[(table["clip"] == clip) & (table["measure"] == measure)]
    for column, value in where.items():
        rows = rows[rows[column] == value]
    assert len(rows) == 1, rows
    return float(rows["value"].iloc[0])


@needs_fixtures
def test_contingency_on_a_real_elan_file(tmp_path: Path) -> None:
    files = tmp_path / "files"
    files.mkdir()
    shutil.copy(ELAN, files)
    out = tmp_path / "c.csv"
    args = ["contingency", "--given", "xds@FA1:C", "--target", "CHI:0.", "--window", "2"]
    done = run(*args, "--files", files, "--fps", "25", "--out", out)
    assert done.exit_code == 0, done.error
    table = pd.read_csv(out, keep_default_na=False, na_values=[""])
    table["clip"] = table["clip"].astype(str)
    clip = "childproject_example_basic"
    counts = [_value(table, clip, m) for m in "abcd"]
    last_end = max(a.end_s for a in read_any(ELAN).annotations)  # no media duration in it
    assert sum(counts) == math.ceil((last_end + 1 / 25) * 25 - 1e-9)  # to the last end's frame
    assert counts[0] + counts[1] > 0 and counts[0] + counts[2] > 0
    assert 0 < _value(table, clip, "p_permutation") <= 1
    assert (tmp_path / "c.md").read_text().startswith("# Contingency: CHI:0. after xds@FA1:C")
    before = out.read_bytes()
    again = run(*args, "--files", files, "--fps", "25", "--out", out)
    assert again.exit_code == 1
    assert again.error == f"error: {out}: exists already; use --force to replace it"
    assert out.read_bytes() == before
    forced = run(*args, "--files", files, "--fps", "25", "--out", out, "--force")
    assert forced.exit_code == 0 and out.read_bytes() == before  # seeded: the same numbers


@needs_fixtures
def test_sequence_on_a_real_boris_project(tmp_path: Path) -> None:
    files = tmp_path / "files"
    files.mkdir()
    shutil.copy(BORIS, files)
    out = tmp_path / "s.csv"
    done = run(
        "sequence",
        "--tiers",
        "subject1,subject2",
        "--lags",
        "1-2",
        "--files",
        files,
        "--fps",
        "25",
        "--out",
        out,
    )
    assert done.exit_code == 0, done.error
    for name in ("s.csv", "s_dyads.csv", "s.md", "s_transitions.csv", "s.png", "s.sds"):
        assert (tmp_path / name).stat().st_size > 0
    table = pd.read_csv(out, keep_default_na=False, na_values=[""])
    # observation #1: subject1 s, s, s then subject2 s (BORIS's own export of it agrees)
    clip = "test#observation #1"
    assert _value(table, clip, "lag1_count", given="subject1:s", target="subject1:s") == 2
    assert _value(table, clip, "lag1_count", given="subject1:s", target="subject2:s") == 1
    assert _value(table, clip, "lag2_count", given="subject1:s", target="subject2:s") == 1
    sds = (tmp_path / "s.sds").read_text()
    assert sds.startswith("Event\nsubject1_p subject1_s subject2_p subject2_s ;\n")
    assert "<test_observation_1> subject1_s subject1_s subject1_s subject2_s /" in sds


@needs_fixtures
def test_manifest_of_files_gives_pre_post_and_joins_prepost(tmp_path: Path) -> None:
    for name in ("d1_pre", "d1_post"):
        shutil.copy(ELAN, tmp_path / f"{name}.eaf")
    (tmp_path / "study.csv").write_text(
        "path,dyad,phase\nd1_pre.eaf,d1,pre\nd1_post.eaf,d1,post\n", encoding="utf-8"
    )
    out = tmp_path / "c.csv"
    done = run(
        "contingency",
        "--given",
        "xds@FA1:C",
        "--target",
        "CHI:0.",
        "--window",
        "1.5",
        "--manifest",
        tmp_path / "study.csv",
        "--fps",
        "25",
        "--out",
        out,
        "--permutations",
        "20",
    )
    assert done.exit_code == 0, done.error
    table = pd.read_csv(out, keep_default_na=False, na_values=[""])
    change = table[(table["dyad"] == "d1") & (table["phase"] == "change")]
    assert set(change["measure"]) == {
        "a",
        "b",
        "c",
        "d",
        "p_target_given",
        "base_rate",
        "yules_q",
        "adjusted_residual",
        "median_latency_s",
    }
    assert change["value"].abs().max() == 0  # the same file before and after
    dyads = read_covariates(tmp_path / "c_dyads.csv")  # what export prepost --covariates reads
    assert dyads["dyad"].tolist() == ["d1"]
    assert "contingency_xds_fa1_c__chi_0_1.5s_yules_q_change" in dyads.columns


def test_automatic_episodes_of_a_clip(tmp_path: Path) -> None:
    features = write_extraction(
        tmp_path / "dyad_cross",
        feature_table(
            10.0,
            mutual=[(1.0, 3.0), (6.0, 8.0)],
            smile={"infant": [(2.0, 4.0), (7.0, 9.0)], "mother": [(4.5, 5.5)]},
        ),
        clip_id="dyad_cross",
    )
    out = tmp_path / "c.csv"
    done = run(
        "contingency",
        "--given",
        "auto:mutual_gaze",
        "--target",
        "auto:smile:infant",
        "--window",
        "2",
        "--clip",
        SAMPLE,
        "--features",
        features,
        "--out",
        out,
    )
    assert done.exit_code == 0, done.error
    table = pd.read_csv(out, keep_default_na=False, na_values=[""])
    assert _value(table, "dyad_cross", "a") == 2  # both smiles start 1 s after mutual gaze
    assert _value(table, "dyad_cross", "c") == 0
    assert _value(table, "dyad_cross", "median_latency_s") == pytest.approx(1.0)
    ambiguous = run(
        "contingency",
        "--given",
        "auto:mutual_gaze",
        "--target",
        "auto:smile",
        "--window",
        "2",
        "--clip",
        SAMPLE,
        "--features",
        features,
        "--out",
        tmp_path / "d.csv",
    )
    assert ambiguous.exit_code == 1 and "write auto:smile:ROLE" in ambiguous.error
    assert not (tmp_path / "d.csv").exists()


def test_synchrony_command(tmp_path: Path) -> None:
    folder = tmp_path / "features" / "c1"
    folder.mkdir(parents=True)
    following_table(1.0).to_parquet(folder / "features.parquet", index=False)
    out = tmp_path / "y.csv"
    done = run("synchrony", "--features", tmp_path / "features", "--out", out)
    assert done.exit_code == 0, done.error
    table = pd.read_csv(out)
    smile = table[(table["given"] == "mother:smile") & (table["measure"] == "peak_lag_s")]
    assert smile["value"].tolist() == [pytest.approx(1.0)]
    assert (tmp_path / "y.png").read_bytes()[:4] == b"\x89PNG"
    windows = pd.read_csv(tmp_path / "y_windows.csv")
    assert len(windows) == 33  # 11 windows x 3 series


def test_outputs_are_whole_or_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "features" / "c1"
    folder.mkdir(parents=True)
    following_table(1.0).to_parquet(folder / "features.parquet", index=False)
    (tmp_path / "y.png").mkdir()  # the plot cannot be written
    done = run("synchrony", "--features", tmp_path / "features", "--out", tmp_path / "y.csv")
    assert done.exit_code == 1 and "y.png: is a folder" in done.error
    assert sorted(p.name for p in tmp_path.iterdir()) == ["features", "y.png"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--given", "touch", "--target", "a:b", "--window", "2"], "'touch': give TIER:CODE"),
        (["--given", "a:b", "--target", "a:c", "--window", "-1"], "--window must be a positive"),
        (["--given", "a:b", "--target", "a:c", "--window", "2"], "give --fps"),
    ],
)
def test_bad_input_gives_one_line(tmp_path: Path, args: list[str], message: str) -> None:
    files = tmp_path / "files"
    files.mkdir()
    (files / "one.csv").write_text("tier,code,start,end\nmother,a,1,2\n", encoding="utf-8")
    done = run("contingency", *args, "--files", files, "--out", tmp_path / "c.csv")
    assert done.exit_code == 1
    assert message in done.error and "\n" not in done.error
    assert not (tmp_path / "c.csv").exists()


def test_a_malformed_file_is_named(tmp_path: Path) -> None:
    files = tmp_path / "files"
    files.mkdir()
    (files / "broken.eaf").write_text("<ANNOTATION_DOCUMENT>", encoding="utf-8")
    done = run(
        "sequence", "--tiers", "a", "--files", files, "--fps", "25", "--out", tmp_path / "s.csv"
    )
    assert done.exit_code == 1 and "broken.eaf" in done.error
    assert list(tmp_path.iterdir()) == [files]


def test_two_coders_need_a_choice(tmp_path: Path) -> None:
    files = tmp_path / "files"
    files.mkdir()
    (files / "two.csv").write_text(
        "coder,tier,code,start,end\nana,mother,touch,1,1\nana,infant,smile,1.5,1.5\n"
        "ben,mother,touch,4,4\nben,infant,smile,9,9\n",
        encoding="utf-8",
    )
    args = ["--given", "mother:touch", "--target", "infant:smile", "--window", "1"]
    common = ["--files", files, "--fps", "10", "--permutations", "0"]
    refused = run("contingency", *args, *common, "--out", tmp_path / "c.csv")
    assert refused.exit_code == 1
    assert "tier 'mother' is coded by ana, ben; choose one with --coder" in refused.error
    done = run("contingency", *args, *common, "--coder", "ana", "--out", tmp_path / "c.csv")
    assert done.exit_code == 0, done.error
    table = pd.read_csv(tmp_path / "c.csv")
    assert _value(table, "two", "a") == 1 and _value(table, "two", "median_latency_s") == 0.5


def test_a_missing_database_is_named(tmp_path: Path) -> None:
    done = run(
        "sequence",
        "--tiers",
        "mother",
        "--clip",
        SAMPLE,
        "--db",
        tmp_path / "gone.sqlite",
        "--out",
        tmp_path / "s.csv",
    )
    assert done.exit_code == 1
    assert done.error == f"error: {tmp_path / 'gone.sqlite'}: no such project database (--db)"


def test_synchrony_over_a_study_gives_the_change_per_dyad(tmp_path: Path) -> None:
    for name, lag in (("d1_pre", 1.0), ("d1_post", 0.5)):
        folder = tmp_path / "features" / name
        folder.mkdir(parents=True)
        following_table(lag).to_parquet(folder / "features.parquet", index=False)
    (tmp_path / "study.csv").write_text(
        "path,dyad,phase\nclips/d1_pre.mp4,d1,pre\nclips/d1_post.mp4,d1,post\n", encoding="utf-8"
    )
    out = tmp_path / "y.csv"
    done = run(
        "synchrony",
        "--features",
        tmp_path / "features",
        "--manifest",
        tmp_path / "study.csv",
        "--out",
        out,
        "--plot-format",
        "svg",
    )
    assert done.exit_code == 0, done.error
    table = pd.read_csv(out, keep_default_na=False, na_values=[""])
    change = table[(table["dyad"] == "d1") & (table["phase"] == "change")]
    lag = change[(change["measure"] == "peak_lag_s") & (change["given"] == "mother:smile")]
    assert lag["value"].tolist() == [pytest.approx(-0.5)]
    assert (tmp_path / "y.svg").read_text().lstrip().startswith("<?xml")
    dyads = read_covariates(tmp_path / "y_dyads.csv")
    column = "synchrony_mother_smile__infant_smile_10s_peak_lag_s_change"
    assert dyads.loc[0, column] == pytest.approx(-0.5)


def test_an_unknown_plot_format_is_refused_before_any_work(tmp_path: Path) -> None:
    done = run(
        "synchrony",
        "--features",
        tmp_path / "nowhere",
        "--out",
        tmp_path / "y.csv",
        "--plot-format",
        "gif",
    )
    assert done.exit_code == 1
    assert done.error == "error: --plot-format must be png or svg, got 'gif'"


def test_automatic_sides_need_the_extraction(tmp_path: Path) -> None:
    done = run(
        "contingency",
        "--given",
        "auto:mutual_gaze",
        "--target",
        "mother:touch",
        "--window",
        "2",
        "--clip",
        SAMPLE,
        "--out",
        tmp_path / "c.csv",
    )
    assert done.exit_code == 1
    assert "auto:mutual_gaze is an automatic episode kind: give --features" in done.error


def test_a_clip_coded_in_the_store(tmp_path: Path) -> None:
    clip = tmp_path / "c1.mp4"
    shutil.copy(SAMPLE, clip)
    coded = [
        ("mother", "touches", 1.0, 2.0),
        ("infant", "smiles", 2.0, 3.0),
        ("mother", "touches", 5.0, 6.0),
        ("infant", "smiles", 6.5, 7.0),
    ]
    for tier, code, start, end in coded:
        added = run(
            "annotations",
            "add",
            "--clip",
            clip,
            "--coder",
            "ana",
            "--tier",
            tier,
            "--code",
            code,
            "--start",
            str(start),
            "--end",
            str(end),
        )
        assert added.exit_code == 0, added.error
    out = tmp_path / "c.csv"
    done = run(
        "contingency",
        "--given",
        "mother:touches",
        "--target",
        "infant:smiles",
        "--window",
        "2",
        "--clip",
        clip,
        "--coder",
        "ana",
        "--out",
        out,
    )
    assert done.exit_code == 0, done.error
    table = pd.read_csv(out)
    assert _value(table, "c1", "a") == 2 and _value(table, "c1", "c") == 0
    assert _value(table, "c1", "median_latency_s") == pytest.approx(1.25)
    seq = run(
        "sequence",
        "--tiers",
        "mother,infant",
        "--lags",
        "1",
        "--clip",
        clip,
        "--out",
        tmp_path / "s.csv",
    )
    assert seq.exit_code == 0, seq.error
    sds = (tmp_path / "s.sds").read_text()
    assert "<c1> mother_touches infant_smiles mother_touches infant_smiles /" in sds
