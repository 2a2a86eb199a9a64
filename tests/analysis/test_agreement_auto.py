"""`annotate agreement --auto-vs`: a sample clip's automatic episodes against a coder made from
the clip's script (its ground truth)."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from annotate.analysis.agreement import AutoClip, compare_auto
from annotate.analysis.agreement_map import Comparison, load_map
from annotate.analysis.clip_features import read_episodes
from annotate.coding.clips import ClipRef
from annotate.coding.records import Annotation, CodingData
from annotate.coding.reliability_pooled import ALL
from annotate.coding.schemes import Code, Scheme, Tier
from annotate.errors import ConfigError
from annotate.faces.episodes import episode_table
from annotate.interchange.convert import write_any
from annotate.samples.script import load_script
from annotate.timeline.episodes import Episode

from .builders import run

REPO = Path(__file__).resolve().parents[2]
CLIP = REPO / "sample_clips" / "dyad_play.mp4"
SCRIPT = load_script(REPO / "sample_clips" / "dyad_play.script.yaml")
# the coder's tier and code for each ground-truth kind of the script
CODED = {
    "looking_at_partner:infant": ("infant_gaze", "at_mother"),
    "infant_gaze_aversion": ("infant_gaze", "away"),
    "looking_at_partner:mother": ("mother_gaze", "at_infant"),
    "mutual_gaze": ("dyad", "mutual_gaze"),
    "face_absent:infant": ("infant_view", "out_of_view"),
}
MAP = """\
comparisons:
  - {name: infant_looks_at_mother, auto: "looking_at_partner:infant", tier: infant_gaze,
     codes: [at_mother]}
  - {name: infant_looks_away, auto: "infant_gaze_aversion:infant", tier: infant_gaze,
     codes: [away]}
  - {name: mother_looks_at_infant, auto: "looking_at_partner:mother", tier: mother_gaze,
     codes: [at_infant]}
  - {name: mutual_gaze, auto: "mutual_gaze:dyad", tier: dyad, codes: [mutual_gaze]}
  - {name: infant_out_of_view, auto: "face_absent:infant", tier: infant_view,
     codes: [out_of_view]}
"""


def _truth(kind: str) -> list[tuple[float, float]]:
    return [(round(a, 3), round(b, 3)) for a, b in SCRIPT.truth_intervals(kind)]


def _script_episodes() -> tuple[Episode, ...]:
    """The script's truth as episodes.csv would hold it (the automatic side, made perfect)."""
    kinds = {
        "looking_at_partner:infant": ("looking_at_partner", "infant"),
        "looking_at_partner:mother": ("looking_at_partner", "mother"),
        "mutual_gaze": ("mutual_gaze", "dyad"),
        "infant_gaze_aversion": ("infant_gaze_aversion", "infant"),
        "face_absent:infant": ("face_absent", "infant"),
    }
    return tuple(
        Episode(kind, role, a, b, round(a * 25), round(b * 25))
        for truth, (kind, role) in kinds.items()
        for a, b in _truth(truth)
    )


def _coder(shift_s: float = 0.0) -> list[Annotation]:
    """A coder who marks exactly the script's truth, `shift_s` late (clipped to the clip)."""
    return [
        Annotation("", "ana", tier, code, round(a + shift_s, 3), min(16.0, round(b + shift_s, 3)))
        for truth, (tier, code) in CODED.items()
        for a, b in _truth(truth)
    ]


def _comparisons(tmp_path: Path) -> tuple[Comparison, ...]:
    path = tmp_path / "map.yaml"
    path.write_text(MAP)
    return load_map(path)


def _table(rows: list, tier: str, measure: str, code: str = "") -> float:  # type: ignore[type-arg]
    return next(
        r.value for r in rows if (r.clip, r.tier, r.code, r.measure) == (ALL, tier, code, measure)
    )


def test_a_perfect_coder_gives_kappa_1(tmp_path: Path) -> None:
    item = AutoClip("dyad_play", "d1", _script_episodes(), tuple(_coder()), 25.0, 16.0)
    rows, _ = compare_auto([item], _comparisons(tmp_path), reps=0)
    for name in (
        "infant_looks_at_mother",
        "infant_looks_away",
        "mother_looks_at_infant",
        "mutual_gaze",
        "infant_out_of_view",
    ):
        assert _table(rows, name, "kappa") == pytest.approx(1.0)
        assert _table(rows, name, "agreement") == pytest.approx(1.0)
    # the infant's face is out of frame 9.86-11.76 s: 48 frames, reported apart
    assert _table(rows, "infant_looks_at_mother", "unknown_s") == pytest.approx(48 / 25)
    assert _table(rows, "mother_looks_at_infant", "unknown_s") == 0.0
    assert _table(rows, "infant_out_of_view", "unknown_s") == 0.0  # absence is what it tells
    assert _table(rows, "infant_looks_at_mother", "frames") == 400 - 48


def test_a_coder_late_by_ten_frames_gives_the_hand_worked_kappa(tmp_path: Path) -> None:
    # Frame k's midpoint is (2k + 1) x 0.02 s. Automatic (B) looks at 0-3, 6.4-9.5, 12.5-16 s:
    # 75 + 77 + 88 = 240 frames; the coder (A) 0.4 s later: 0.4-3.4 (75), 6.8-9.9 (77, one of
    # them in the unknown 9.86-11.76 s), 12.9-16 (78) = 229 kept. Both: 65 + 67 + 78 = 210;
    # A only 19, B only 30; of the 400 - 48 unknown = 352 frames, neither 93.
    both, only_a, only_b, neither = 210, 19, 30, 93
    n = both + only_a + only_b + neither
    observed = (both + neither) / n
    expected = ((both + only_a) * (both + only_b) + (neither + only_b) * (neither + only_a)) / n**2
    kappa = (observed - expected) / (1 - expected)  # 0.687
    item = AutoClip("dyad_play", "d1", _script_episodes(), tuple(_coder(0.4)), 25.0, 16.0)
    rows, _ = compare_auto([item], _comparisons(tmp_path), reps=0, tolerance_s=0.5)
    assert _table(rows, "infant_looks_at_mother", "kappa") == pytest.approx(kappa, abs=1e-9)
    assert _table(rows, "infant_looks_at_mother", "agreement") == pytest.approx(observed)
    code = "infant_looks_at_mother"
    assert _table(rows, code, "sensitivity", code) == pytest.approx(both / (both + only_a))
    assert _table(rows, code, "specificity", code) == pytest.approx(neither / (neither + only_b))
    assert _table(rows, code, "bias_s", code) == pytest.approx((only_b - only_a) / 25)
    assert _table(rows, code, "recall", code) == 1.0  # every onset within 0.5 s
    rows, _ = compare_auto([item], _comparisons(tmp_path), reps=0, tolerance_s=0.3)
    assert _table(rows, code, "f1", code) == 0.0  # 0.4 s late is beyond 0.3 s


def test_dyads_not_frames_are_resampled(tmp_path: Path) -> None:
    comparisons = _comparisons(tmp_path)
    items = [
        AutoClip(f"c{k}", f"d{k // 2}", _script_episodes(), tuple(_coder(0.04 * k)), 25.0, 16.0)
        for k in range(6)
    ]
    rows, _ = compare_auto(items, comparisons, reps=300, seed=5)
    again, _ = compare_auto(items, comparisons, reps=300, seed=5)
    assert rows == again  # seeded
    pooled = next(r for r in rows if (r.clip, r.tier, r.measure) == (ALL, "mutual_gaze", "kappa"))
    assert pooled.ci_low < pooled.value < pooled.ci_high
    # the same six clips as three dyads of two give a different (coarser) interval than six dyads
    single, _ = compare_auto(
        [AutoClip(i.clip, i.clip, i.episodes, i.coded, 25.0, 16.0) for i in items],
        comparisons,
        reps=300,
        seed=5,
    )
    other = next(r for r in single if (r.clip, r.tier, r.measure) == (ALL, "mutual_gaze", "kappa"))
    assert other.value == pooled.value and (other.ci_low, other.ci_high) != (
        pooled.ci_low,
        pooled.ci_high,
    )


def test_bad_map_is_refused_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "comparisons:\n  - name: x\n    auto: looking:infant\n    tier: t\n    codes: [a]\n"
    )
    with pytest.raises(
        ConfigError, match=r"bad\.yaml: line 3: auto: unknown episode kind 'looking'"
    ):
        load_map(path)
    assert len(load_map()) >= 4  # the shipped configs/agreement/care_clip.yaml


def test_cli_on_the_real_extraction(tmp_path: Path) -> None:
    """End to end: `annotate extract` (the real face model) then `annotate agreement` against
    the script coder, given as a file."""
    extracted = tmp_path / "features"
    outcome = run("extract", CLIP, "--out", extracted)
    assert outcome.exit_code == 0, outcome.error
    scheme = Scheme(
        "script", "1", tuple(Tier(t, codes=(Code(c),)) for t, c in dict(CODED.values()).items())
    )
    coder = write_any(CodingData(scheme, tuple(_coder())), tmp_path / "ana.csv")
    (tmp_path / "map.yaml").write_text(MAP)
    out = tmp_path / "agreement.csv"
    outcome = run(
        "agreement",
        "--clip",
        CLIP,
        "--auto-vs",
        "ana",
        "--coder-file",
        coder,
        "--features",
        extracted,
        "--map",
        tmp_path / "map.yaml",
        "--out",
        out,
    )
    assert outcome.exit_code == 0, outcome.error
    with out.open(newline="") as handle:
        table = {(r["clip"], r["tier"], r["code"], r["measure"]): r for r in csv.DictReader(handle)}
    # the automatic episodes follow the script closely: boundaries differ by a few frames
    for name in ("infant_looks_at_mother", "mother_looks_at_infant", "mutual_gaze"):
        assert float(table[("dyad_play", name, "", "kappa")]["value"]) > 0.75
    unknown = float(table[("dyad_play", "infant_looks_at_mother", "", "unknown_s")]["value"])
    assert unknown == pytest.approx(1.9, abs=0.3)  # the infant's face leaves the frame
    assert "split by dyad" in out.with_suffix(".md").read_text()
    again = run(
        "agreement",
        "--clip",
        CLIP,
        "--auto-vs",
        "ana",
        "--coder-file",
        coder,
        "--features",
        extracted,
        "--map",
        tmp_path / "map.yaml",
        "--out",
        out,
    )
    assert again.exit_code == 1 and "exists already" in again.error


def test_over_the_store_and_a_manifest(tmp_path: Path) -> None:
    """The coder's annotations in a project store; episodes where the coding tool keeps features
    (--all) or in a folder per clip of a manifest (--manifest)."""
    video = tmp_path / "dyad_play.mp4"
    shutil.copy(CLIP, video)
    scheme = Scheme(
        "script", "1", tuple(Tier(t, codes=(Code(c),)) for t, c in dict(CODED.values()).items())
    )
    coder = write_any(CodingData(scheme, tuple(_coder())), tmp_path / "ana.csv")
    db = tmp_path / "annotate.sqlite"
    outcome = run("annotations", "import", coder, "--clip", video, "--coder", "ana", "--db", db)
    assert outcome.exit_code == 0, outcome.error
    table = episode_table("dyad_play", list(_script_episodes()))
    sha = ClipRef.from_video(video).sha256
    for folder in (tmp_path / ".annotate" / "features" / sha, tmp_path / "features" / "dyad_play"):
        folder.mkdir(parents=True)
        table.to_csv(folder / "episodes.csv", index=False)
        assert len(read_episodes(folder / "episodes.csv")) == len(_script_episodes())
    (tmp_path / "map.yaml").write_text(MAP)
    (tmp_path / "study.csv").write_text("path,dyad\ndyad_play.mp4,d07\n")
    for how in (
        ["--all"],
        ["--manifest", tmp_path / "study.csv", "--features-dir", tmp_path / "features"],
    ):
        out = tmp_path / f"agreement{len(how)}.csv"
        outcome = run(
            "agreement",
            *how,
            "--auto-vs",
            "ana",
            "--db",
            db,
            "--map",
            tmp_path / "map.yaml",
            "--out",
            out,
        )
        assert outcome.exit_code == 0, outcome.error
        assert "mutual_gaze: agreement 100.0%, kappa 1.000" in outcome.stdout
    outcome = run(
        "agreement", "--all", "--auto-vs", "nobody", "--db", db, "--out", tmp_path / "x.csv"
    )
    assert (
        outcome.exit_code == 1
        and "no clip has both features and annotations of 'nobody'" in outcome.error
    )
