"""Background jobs (in order, with progress and failures) and the features document."""

from __future__ import annotations

import threading
from pathlib import Path

import pandas as pd

from annotate import columns as C
from annotate.app.features import episode_lanes, features_document, has_features
from annotate.app.jobs import Jobs
from annotate.errors import VideoError
from annotate.media.video import ProgressHook
from tests.app.builders import SAMPLES, project_with, synthetic_features


def test_jobs_run_one_at_a_time_in_the_order_asked() -> None:
    jobs = Jobs()
    order: list[str] = []
    gate = threading.Event()

    def work(name: str):
        def run(hook: ProgressHook) -> None:
            if name == "first":
                gate.wait(5)
            hook(5, 10)
            order.append(name)

        return run

    for name in ("first", "second", "third"):
        jobs.start(name, work(name))
    assert jobs.start("second", work("again")).state == "queued"  # asked twice: one job
    gate.set()
    for name in ("first", "second", "third"):
        done = jobs.wait(name, 5)
        assert done is not None and done.state == "done"
        assert done.to_json() == {"state": "done", "progress": 0.5, "message": ""}
    assert order == ["first", "second", "third"]
    assert jobs.state("never") is None


def test_a_failed_job_says_why_and_can_be_asked_again() -> None:
    jobs = Jobs()

    def fail(hook: ProgressHook) -> None:
        raise VideoError("holds no frames", "x.mp4")

    jobs.start("clip", fail)
    failed = jobs.wait("clip", 5)
    assert failed is not None and failed.state == "failed"
    assert failed.message == "x.mp4: holds no frames"
    jobs.start("clip", lambda hook: None)
    again = jobs.wait("clip", 5)
    assert again is not None and again.state == "done"


def test_features_document_from_a_feature_folder(tmp_path: Path) -> None:
    project = project_with(tmp_path / "p", SAMPLES / "dyad_cross.mp4")
    folder = synthetic_features(project / "dyad_cross.mp4", project)
    assert has_features(folder)
    document = features_document(folder, 10.0)
    assert len(document["t"]) == 100 and document["t"][:2] == [0.0, 0.1]
    mother, infant = document["roles"]
    assert (mother["role"], infant["role"]) == ("mother", "infant")
    assert infant["visible"][:11] == [0] * 10 + [1]
    assert infant["gaze_dx"][10] == -1.0 and infant["gaze_dx"][0] is None
    assert mother["mutual"][10] == 1 and mother["mutual"][0] == 0  # the infant is out of view
    assert infant["looking_at"][10] == "mother"


def test_episode_lanes_in_order_with_visible_as_the_complement_of_absent() -> None:
    assert episode_lanes(pd.DataFrame(columns=list(C.EPISODE_COLUMNS)), [], 5.0) == []
    episodes = pd.DataFrame(
        [
            ("c", C.SMILE_KIND, "mother", 1.0, 2.0),
            ("c", C.FACE_ABSENT, "infant", 2.0, 3.0),
            ("c", C.MUTUAL_GAZE_KIND, "dyad", 0.0, 1.5),
            ("c", C.GAZE_UNKNOWN, "dyad", 2.0, 3.0),
            ("c", C.GAZE_UNKNOWN, "adult_03", 2.0, 3.0),
        ],
        columns=["clip_id", "kind", "role", "start", "end"],
    )
    lanes = episode_lanes(episodes, ["mother", "infant", "adult_03"], 5.0)
    assert [lane["id"] for lane in lanes] == [
        "mutual_gaze/dyad",
        "gaze_unknown/dyad",
        "visible/mother",
        "visible/infant",
        "visible/adult_03",
        "smile/mother",
    ]
    assert lanes[2]["intervals"] == [[0.0, 5.0]]
    assert lanes[3]["intervals"] == [[0.0, 2.0], [3.0, 5.0]]
    assert lanes[0]["label"] == "mutual gaze" and lanes[5]["label"] == "mother smile"


def test_no_gaze_is_sent_where_looking_at_is_unknown(tmp_path: Path) -> None:
    project = project_with(tmp_path / "p", SAMPLES / "dyad_cross.mp4")
    folder = synthetic_features(project / "dyad_cross.mp4", project)
    table = pd.read_parquet(folder / "features.parquet")
    samples = table[C.T].round(3).isin([1.0, 1.1])  # the document's samples 10 and 11
    unknown = (table[C.ROLE] == "infant") & samples & table[C.VISIBLE]
    assert unknown.sum() == 2
    table.loc[unknown, C.LOOKING_AT] = C.GAZE_UNKNOWN_VALUE
    table.to_parquet(folder / "features.parquet")
    infant = features_document(folder, 10.0)["roles"][1]
    assert infant["gaze_dx"][10] is None and infant["gaze_dy"][11] is None
    assert infant["yaw"][10] is not None and infant["gaze_dx"][12] is not None  # the head stays
