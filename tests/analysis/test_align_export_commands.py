"""`annotate align --session / --manifest`, `align locate`, `export timeline` and `export prepost`
through the real CLI (typer's CliRunner), on a generated recording with a store and extraction
outputs built by hand; and the input they refuse."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
import pytest

from annotate.coding.clips import ClipRef
from annotate.coding.records import Annotation
from annotate.coding.scheme_files import find_scheme
from annotate.coding.store import AnnotationStore
from annotate.interchange.eaf import read_eaf

from .builders import feature_table, run, write_extraction
from .media import cut, make_recording


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 20 s recording; mutual gaze 4-8 s in its features; in the store beside it: M14 3-9 s,
    M15 at 10 s, the facilitator singing 3.5-8.5 s, programme A1, session 2."""
    folder = tmp_path_factory.mktemp("project")
    video = make_recording(folder / "session.mp4", 20.0)
    write_extraction(folder / "features" / "session", feature_table(20.0, mutual=[(4, 8)]))
    scheme = find_scheme("session_mechanisms")
    clip = ClipRef.from_video(video)
    marks = [
        ("mechanism_segments", "M14", 3.0, 9.0, ""),
        ("mechanism_moments", "M15", 10.0, 10.0, ""),
        ("facilitator", "sings", 3.5, 8.5, ""),
        ("attributes", "programme", 0.0, 0.0, "A1"),
        ("attributes", "session_number", 0.0, 0.0, "2"),
    ]
    with AnnotationStore(folder / "annotate.sqlite") as store:
        for tier, code, start, end, value in marks:
            store.add(Annotation("", "ana", tier, code, start, end, value), scheme, clip=clip)
    (folder / "log.csv").write_text(
        "mechanism,start,end,label\nM6,10:00:12,10:00:16,strokes\n", encoding="utf-8"
    )
    (folder / "late.csv").write_text("mechanism,start,end\nM6,10:00:30,10:00:40\n", "utf-8")
    return folder


def _share(table: pd.DataFrame, mechanism: str, column: str) -> float:
    row = table[
        (table["mechanism"] == mechanism)
        & (table["tier"] == "features")
        & (table["label"] == "mutual_gaze")
    ]
    return float(row[column].iloc[0])


def test_align_a_session_from_the_store(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "align.csv"
    outcome = run(
        "align", "--session", project / "session.mp4", "--features", project / "features",
        "--out", out,
    )  # fmt: skip
    assert outcome.exit_code == 0, outcome.error
    assert "A1 M14 Singing: 1 events in 1 sessions" in outcome.stdout
    summary = pd.read_csv(tmp_path / "align_summary.csv")
    assert _share(summary, "M14", "inside") == pytest.approx(4 / 6)
    assert _share(summary, "M14", "outside") == pytest.approx(0.0)
    long = pd.read_csv(out, dtype={"event": str, "session": str})
    assert set(long["mechanism"]) == {"M14", "M15"}
    assert set(long["session"]) == {"2"} and set(long["programme"]) == {"A1"}
    sings = long[(long["label"] == "sings") & (long["measure"] == "duration_s")]
    by_event = sings.set_index(["mechanism", "event"])["value"].to_dict()
    # M14 (3-9 s) holds all 5 s of singing; M15's window (5-15 s) 3.5 of them
    assert by_event == {
        ("M14", "1"): 5.0,
        ("M14", "outside"): 0.0,
        ("M15", "1"): 3.5,
        ("M15", "outside"): 1.5,
    }


@pytest.mark.parametrize("how", ["offset", "sync points"])
def test_align_with_a_log_on_clock_time(project: Path, tmp_path: Path, how: str) -> None:
    if how == "offset":
        mapping = ["--offset", "-10:00:00"]
    else:  # the log's clock and the video, matched at two moments, fitted by `align sync`
        fitted = run("align", "sync", "--point", "10:00:00=0", "--point", "10:00:20=20",
                     "--out", tmp_path / "log_to_video.json")  # fmt: skip
        assert fitted.exit_code == 0, fitted.error
        mapping = ["--time-map", str(tmp_path / "log_to_video.json")]
    outcome = run(
        "align", "--session", project / "session.mp4", "--events", project / "log.csv",
        *mapping, "--out", tmp_path / "align.parquet",
    )  # fmt: skip
    assert outcome.exit_code == 0, outcome.error
    long = pd.read_parquet(tmp_path / "align.parquet")
    m6 = long[(long["mechanism"] == "M6") & (long["event"] == "1")]
    assert (m6["start"].iloc[0], m6["end"].iloc[0]) == pytest.approx((12.0, 16.0))
    assert set(long["source"]) == {"manual"}  # no --features: the annotations only


def test_align_refuses_an_event_outside_the_recording(project: Path, tmp_path: Path) -> None:
    outcome = run(
        "align", "--session", project / "session.mp4", "--events", project / "late.csv",
        "--offset", "-10:00:00", "--out", tmp_path / "align.csv",
    )  # fmt: skip
    assert outcome.exit_code == 1
    assert (
        "M6 segment (line 2 of" in outcome.error and "lies outside the recording" in outcome.error
    )
    assert not (tmp_path / "align.csv").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--manifest", "m.csv"], "not both"),
        (["--offset", "5", "--time-map", "map.json"], "--time-map or --offset, not both"),
    ],
)
def test_align_refuses_contradictory_options(project: Path, args: list[str], message: str) -> None:
    outcome = run("align", "--session", project / "session.mp4", *args)
    assert outcome.exit_code == 1 and message in outcome.error


def test_align_keeps_existing_outputs_without_force(project: Path, tmp_path: Path) -> None:
    (tmp_path / "align_summary.csv").write_text("keep me")
    outcome = run("align", "--session", project / "session.mp4", "--out", tmp_path / "align.csv")
    assert outcome.exit_code == 1 and "exists already" in outcome.error
    assert (tmp_path / "align_summary.csv").read_text() == "keep me"
    assert not (tmp_path / "align.csv").exists()


def test_align_over_a_manifest_pools_programmes(project: Path, tmp_path: Path) -> None:
    manifest = tmp_path / "sessions.csv"
    video = project / "session.mp4"
    manifest.write_text(
        f"path,id,kind,programme,session\n{video},a1_s2,session,A1,2\n{video},b7_s1,session,B7,1\n"
        f"{video},home,clip,A1,\n"
    )
    outcome = run("align", "--manifest", manifest, "--features", project / "features",
                  "--out", tmp_path / "all.csv")  # fmt: skip
    assert outcome.exit_code == 0, outcome.error
    summary = pd.read_csv(tmp_path / "all_summary.csv")
    assert set(summary["programme"]) == {"A1", "B7", "all"}
    assert set(pd.read_csv(tmp_path / "all.csv")["recording"]) == {"a1_s2", "b7_s1"}


def test_align_over_a_manifest_names_every_refused_session(project: Path, tmp_path: Path) -> None:
    manifest = tmp_path / "sessions.csv"
    manifest.write_text(f"path,programme\n{project / 'session.mp4'},A1\nmissing.mp4,A1\n")
    outcome = run("align", "--manifest", manifest, "--out", tmp_path / "all.csv")
    assert outcome.exit_code == 1
    assert "1 of 2 sessions refused: line 3 (missing.mp4)" in outcome.error
    assert "file not found" in outcome.error and not (tmp_path / "all.csv").exists()


def test_export_timeline_as_elan_wide_and_picture(project: Path, tmp_path: Path) -> None:
    video, features = project / "session.mp4", project / "features"
    for name in ("timeline.eaf", "timeline.png", "timeline.csv"):
        outcome = run("export", "timeline", video, "--features", features, "--out", tmp_path / name)
        assert outcome.exit_code == 0, outcome.error
    outcome = run("export", "timeline", video, "--format", "wide", "--step", "2",
                  "--out", tmp_path / "wide.csv", "--dyad", "d07")  # fmt: skip
    assert outcome.exit_code == 0, outcome.error

    data = read_eaf(tmp_path / "timeline.eaf")
    tiers = {a.tier for a in data.annotations}
    assert {"mechanisms", "facilitator", "auto_dyad_mutual_gaze"} <= tiers
    assert data.media[0].url == video.resolve().as_uri()
    assert data.media[0].relative_url == "./" + os.path.relpath(video.resolve(), tmp_path.resolve())
    wide = pd.read_csv(tmp_path / "wide.csv", keep_default_na=False)
    assert len(wide) == 10 and set(wide["dyad"]) == {"d07"}
    assert wide["mechanisms"].tolist()[:6] == ["", "M14", "M14", "M14", "M14", "M15"]
    assert (tmp_path / "timeline.png").read_bytes()[:4] == b"\x89PNG"
    long = pd.read_csv(tmp_path / "timeline.csv")
    assert set(long["source"]) == {"mechanism", "manual", "automatic"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "eaf", "--out", "t.csv"], "--format eaf needs a file ending in .eaf"),
        (["--out", "t.doc"], "give --format"),
        (["--out", "t.csv", "--step", "0", "--format", "wide"], "--step must be a positive"),
    ],
)
def test_export_timeline_refuses_bad_options(
    project: Path, tmp_path: Path, args: list[str], message: str
) -> None:
    args = [str(tmp_path / a) if a.startswith("t.") else a for a in args]
    outcome = run("export", "timeline", project / "session.mp4", *args)
    assert outcome.exit_code == 1 and message in outcome.error


def test_export_prepost_through_the_cli(project: Path, tmp_path: Path) -> None:
    features = tmp_path / "features"
    for name, share in (("d1_pre", 0.2), ("d1_post", 0.35)):
        (features / name).mkdir(parents=True)
        summary = {"analysed_s": 180.0, "dyad": {"mutual_gaze_share": share}}
        (features / name / "summary.json").write_text(json.dumps(summary))
    manifest = tmp_path / "study.csv"
    manifest.write_text("path,dyad,phase,programme\nd1_pre.mp4,d1,pre,A1\nd1_post.mp4,d1,post,A1\n")
    covariates = tmp_path / "epds.csv"
    covariates.write_text("dyad,EPDS\nd1,12\n")
    out = tmp_path / "prepost.csv"
    outcome = run("export", "prepost", manifest, "--features", features, "--out", out,
                  "--covariates", covariates)  # fmt: skip
    assert outcome.exit_code == 0, outcome.error
    table = pd.read_csv(out)
    assert table["mutual_gaze_share_change"].iloc[0] == pytest.approx(0.15)
    assert table["EPDS"].iloc[0] == 12
    assert "no complete CARE-Index sheet for d1_pre" in outcome.stdout

    again = run("export", "prepost", manifest, "--features", features, "--out", out)
    assert again.exit_code == 1 and "exists already" in again.error


def test_locate_through_the_cli(project: Path, tmp_path: Path) -> None:
    clip = cut(project / "session.mp4", tmp_path / "clip.mp4", 6.0, 14.0)
    out = tmp_path / "clip_to_session.json"
    outcome = run("align", "locate", clip, project / "session.mp4", "--out", out, "--quiet")
    assert outcome.exit_code == 0, outcome.error
    assert "clip.mp4 starts at 6.000 s of session.mp4 (0:00:06.000)" in outcome.stdout
    assert json.loads(out.read_text())["offset_s"] == pytest.approx(6.0)

    other = make_recording(tmp_path / "other.mp4", 6.0, seed=9)
    refused = run("align", "locate", other, project / "session.mp4", "--quiet")
    assert refused.exit_code == 1 and "no confident match" in refused.error
