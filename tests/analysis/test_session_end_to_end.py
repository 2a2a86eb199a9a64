"""End to end: a session clip rendered by the sample generator with known event segments, its
features extracted by the real face landmarker, its mechanism events in the store, aligned and
exported through the CLI; the figures are checked against the script's ground truth."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from annotate.coding.clips import ClipRef
from annotate.coding.records import Annotation
from annotate.coding.scheme_files import find_scheme
from annotate.coding.store import AnnotationStore
from annotate.config import load_feature_config
from annotate.extract.job import extract_to_folder
from annotate.faces.landmarker import FaceLandmarker
from annotate.interchange.eaf import read_eaf
from annotate.media.video import probe
from annotate.models import resolve_face_model
from annotate.samples.face_mesh import astronaut_mesh
from annotate.samples.make import make_clip
from annotate.samples.presets import INFANT_LOOK, MOTHER_LOOK
from annotate.samples.script import Script, Segment
from annotate.timeline.intervals import Interval, covered_share

from .builders import run

pytestmark = pytest.mark.slow

MOTHER, INFANT = (185.0, 180.0), (470.0, 200.0)
M14 = (2.0, 5.0)  # singing: mother and infant look at each other
M13 = (6.0, 8.5)  # teaching about cues: the mother looks at the infant, who looks away


def session_script() -> Script:
    """9.5 s at 10 frames per second: both look at the camera, then the scripted stretches."""
    return Script(
        name="session_e2e",
        width=640,
        height=360,
        fps=10.0,
        duration_s=9.5,
        faces={"mother": MOTHER_LOOK, "infant": INFANT_LOOK},
        seed=4,
        segments=[
            Segment(
                0.0,
                {
                    "mother": {"at": list(MOTHER), "look": "camera"},
                    "infant": {"at": list(INFANT), "look": "camera"},
                },
            ),
            Segment(M14[0], {"mother": {"look": "infant"}, "infant": {"look": "mother"}}),
            Segment(M14[1], {"mother": {"look": "camera"}, "infant": {"look": "camera"}}),
            Segment(M13[0], {"mother": {"look": "infant"}, "infant": {"look": "away"}}),
            Segment(M13[1], {"mother": {"look": "camera"}, "infant": {"look": "camera"}}),
        ],
    )


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("session")
    with FaceLandmarker(resolve_face_model(), 1, video=False) as still:
        video, _ = make_clip(
            session_script(), astronaut_mesh(still.detect), folder, detect=still.detect
        )
    extract_to_folder(probe(video), folder / "features" / video.stem, load_feature_config())
    scheme, clip = find_scheme("session_mechanisms"), ClipRef.from_video(video)
    with AnnotationStore(folder / "annotate.sqlite") as store:
        for tier, code, (start, end) in (
            ("mechanism_segments", "M14", M14),
            ("mechanism_segments", "M13", M13),
            ("mechanism_moments", "M15", (1.0, 1.0)),
        ):
            store.add(Annotation("", "ana", tier, code, start, end), scheme, clip=clip)
    return video


def _truth_share(kind: str, spans: list[Interval]) -> float:
    truth = [Interval(a, b) for a, b in session_script().truth_intervals(kind)]
    return sum(covered_share(truth, s) * s.duration_s for s in spans) / sum(
        s.duration_s for s in spans
    )


def test_mutual_gaze_and_aversion_follow_the_scripted_events(session: Path) -> None:
    out = session.parent / "align.csv"
    outcome = run("align", "--session", session, "--features", session.parent / "features",
                  "--out", out)  # fmt: skip
    assert outcome.exit_code == 0, outcome.error
    summary = pd.read_csv(session.parent / "align_summary.csv")
    features = summary[(summary["tier"] == "features") & (summary["measure"] == "share")]
    shares = features.set_index("mechanism")[["inside", "outside"]]
    m14, m14_out = Interval(*M14), [Interval(0.0, M14[0]), Interval(M14[1], 9.5)]
    assert shares.loc["M14", "inside"] == pytest.approx(
        _truth_share("mutual_gaze", [m14]), abs=0.15
    )
    assert shares.loc["M14", "inside"] > 0.75
    assert shares.loc["M14", "outside"] == pytest.approx(
        _truth_share("mutual_gaze", m14_out), abs=0.1
    )
    aversion = summary[
        (summary["label"] == "infant_gaze_aversion") & (summary["measure"] == "share")
    ].set_index("mechanism")
    m13_truth = _truth_share("infant_gaze_aversion", [Interval(*M13)])
    assert aversion.loc["M13", "inside"] == pytest.approx(m13_truth, abs=0.2)
    assert aversion.loc["M13", "inside"] > 0.6 and aversion.loc["M14", "inside"] == 0.0
    assert aversion.loc["M13", "outside"] < 0.1


def test_the_elan_export_holds_the_episodes_in_the_events(session: Path, tmp_path: Path) -> None:
    out = tmp_path / "session.eaf"
    outcome = run("export", "timeline", session, "--features", session.parent / "features",
                  "--out", out)  # fmt: skip
    assert outcome.exit_code == 0, outcome.error
    data = read_eaf(out)
    mutual = [a for a in data.annotations if a.tier == "auto_dyad_mutual_gaze"]
    assert mutual and all(Interval(a.start_s, a.end_s).overlaps(Interval(*M14)) for a in mutual)
    mechanisms = sorted(
        (a.code, a.start_s, a.end_s) for a in data.annotations if a.tier == "mechanisms"
    )
    assert mechanisms == [("M13", *M13), ("M14", *M14), ("M15", 1.0, 1.0)]
