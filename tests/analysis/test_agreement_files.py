"""`annotate reliability --files`: the ten real Lookit sessions, two human coders each, against
an independent computation written here from the raw VCode lines."""

from __future__ import annotations

import csv
import math
import shutil
from collections import Counter
from pathlib import Path

import pytest

from annotate.analysis.agreement_files import compare_files, pair_files, read_dyads
from annotate.coding.records import Annotation, CodingData
from annotate.coding.reliability import bin_labels
from annotate.coding.reliability_pooled import ALL
from annotate.coding.schemes import Code, Scheme, Tier
from annotate.errors import InterchangeError
from annotate.interchange.convert import convert, read_any, write_any
from annotate.interchange.vcode import VcodeOptions

from .builders import run

VCODE = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures" / "vcode"
STATES = ("left", "right", "away")


def _rows(path: Path) -> list[tuple[int, int, str]]:
    lines = path.read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Time,Duration")) + 1
    rows = []
    for line in lines[start:]:
        if line.strip():
            time, duration, track = line.split(",")[:3]
            rows.append((int(time), int(duration), track))
    return sorted(rows, key=lambda r: r[0])  # stable: ties keep the file's order


def _labels(rows: list[tuple[int, int, str]], frames: int) -> list[str | None]:
    """Per 30 fps frame: the look in force at the frame's midpoint (None outside a trial)."""
    marks = [(t, track) for t, _, track in rows if track in (*STATES, "end")]
    last = max(t + d for t, d, _ in rows)
    labels: list[str | None] = []
    j = -1
    for k in range(frames):
        middle3 = (2 * k + 1) * 50  # 3 x the midpoint in ms: (k + 0.5) * 1000 / 30
        while j + 1 < len(marks) and marks[j + 1][0] * 3 <= middle3:
            j += 1
        track = marks[j][1] if j >= 0 else "end"
        labels.append(track if track != "end" and middle3 < last * 3 else None)
    return labels


def _by_hand(name: str) -> tuple[float, float]:
    first, second = _rows(VCODE / "coder1" / name), _rows(VCODE / "coder2" / name)
    frames = math.ceil(max(t + d for t, d, _ in first + second) * 30 / 1000) + 1
    out = [(t, t + d) for t, d, track in first + second if track == "outofframe"]
    pairs = [
        (x, y)
        for k, (x, y) in enumerate(
            zip(_labels(first, frames), _labels(second, frames), strict=True)
        )
        if (x is not None or y is not None)
        and not any(s * 3 <= (2 * k + 1) * 50 < e * 3 for s, e in out)
    ]
    n = len(pairs)
    observed = sum(x == y for x, y in pairs) / n
    count_a, count_b = Counter(x for x, _ in pairs), Counter(y for _, y in pairs)
    expected = sum(count_a[c] * count_b[c] for c in count_a) / (n * n)
    return observed, (observed - expected) / (1 - expected)


@pytest.fixture(scope="module")
def table(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str, str, str], list[str]]:
    out = tmp_path_factory.mktemp("rel") / "rel.csv"
    outcome = run(
        "reliability",
        "--files",
        VCODE / "coder1",
        VCODE / "coder2",
        "--fps",
        "30",
        "--states",
        "left,right,away",
        "--exclude",
        "outofframe",
        "--out",
        out,
    )
    assert outcome.exit_code == 0, outcome.error
    with out.open(newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["clip", "tier", "code", "measure", "value", "ci_low", "ci_high"]
    for suffix in (".md", "_agreement.png", "_bland_altman.png", "_confusion.png"):
        assert out.with_name(out.stem + suffix).stat().st_size > 0
    return {tuple(r[:4]): r[4:] for r in rows[1:]}  # type: ignore[misc]


def test_each_session_matches_the_hand_computation(table: dict) -> None:  # type: ignore[type-arg]
    names = sorted(p.name for p in (VCODE / "coder1").glob("*.txt"))
    assert len(names) == 10
    for name in names:
        clip = name.removesuffix(".txt")
        agreement, kappa = _by_hand(name)
        assert float(table[(clip, "gaze", "", "agreement")][0]) == pytest.approx(
            agreement, abs=0.005
        )
        assert float(table[(clip, "gaze", "", "kappa")][0]) == pytest.approx(kappa, abs=0.005)
        assert table[(clip, "gaze", "", "kappa")][1] == ""  # one dyad: no interval


def test_pooled_row_has_a_bootstrap_interval(table: dict) -> None:  # type: ignore[type-arg]
    value, low, high = (float(x) for x in table[(ALL, "gaze", "", "kappa")])
    per_clip = [
        float(v[0]) for k, v in table.items() if k[1:] == ("gaze", "", "kappa") and k[0] != ALL
    ]
    assert min(per_clip) <= low < value < high <= max(per_clip)
    for measure in ("sensitivity", "specificity", "precision", "recall", "f1", "bias_s"):
        assert (ALL, "gaze", "left", measure) in table
    assert float(table[(ALL, "gaze", "left", "loa_low_s")][0]) < float(
        table[(ALL, "gaze", "left", "loa_high_s")][0]
    )


def test_a_coder_agrees_with_itself() -> None:
    options = VcodeOptions(states=STATES, exclude=("outofframe",))
    first = compare_files(VCODE / "coder1", VCODE / "coder1", vcode=options, reps=200)
    kappas = [r for r in first.rows if r.measure == "kappa" and r.tier == "gaze"]
    assert all(r.value == pytest.approx(1.0) for r in kappas)  # a coder agrees with itself


def test_unpaired_and_missing_folders(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "s1.txt").write_text("Time,Duration,TrackName,comment\n0,0,left,(null)\n")
    (tmp_path / "b" / "s2.txt").write_text("Time,Duration,TrackName,comment\n0,0,left,(null)\n")
    with pytest.raises(InterchangeError, match="no file name is in both"):
        pair_files(tmp_path / "a", tmp_path / "b")
    outcome = run(
        "reliability", "--files", tmp_path / "a", tmp_path / "nope", "--out", tmp_path / "r.csv"
    )
    assert outcome.exit_code == 1 and "nope: is not a folder" in outcome.error
    assert not (tmp_path / "r.csv").exists()


def _coding(path: Path, looks: list[tuple[float, float]], sensitivity: float) -> None:
    scheme = Scheme("s", "1", (Tier("infant_gaze", codes=(Code("at_mother"),)),))
    annotations = [Annotation("", "x", "infant_gaze", "at_mother", a, b) for a, b in looks]
    annotations.append(
        Annotation("", "x", "attributes", "care.adult.sensitive", 0.0, 0.0, value=f"{sensitivity}")
    )
    write_any(CodingData(scheme, tuple(annotations)), path)


def test_any_format_pairs_and_scales(tmp_path: Path) -> None:
    """Long tables in A, ELAN in B (converted from the same kind of table): scales get the ICC."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    for k, (shift, a_score, b_score) in enumerate(((0.0, 6, 6), (0.1, 9, 10), (0.2, 3, 6))):
        _coding(tmp_path / "a" / f"clip{k}.csv", [(1.0, 3.0), (5.0, 6.0)], a_score)
        _coding(tmp_path / f"b{k}.csv", [(1.0 + shift, 3.0), (5.0, 6.0 + shift)], b_score)
        convert(tmp_path / f"b{k}.csv", tmp_path / "b" / f"clip{k}.eaf")
    table = compare_files(tmp_path / "a", tmp_path / "b", fps=10, reps=200)
    rows = {(r.clip, r.tier, r.code, r.measure): r for r in table.rows}
    assert rows[("clip0", "infant_gaze", "", "kappa")].value == pytest.approx(1.0)
    assert rows[(ALL, "scale", "care.adult.sensitive", "within_2")].value == pytest.approx(2 / 3)
    assert (ALL, "scale", "care.adult.sensitive", "icc") in rows


def test_malformed_file_names_file_and_line(tmp_path: Path) -> None:
    datavyu = VCODE.parent / "datavyu"
    for side in ("a", "b"):
        (tmp_path / side).mkdir()
        shutil.copy(datavyu / "datavyur_dyad1.opf", tmp_path / side / "dyad.opf")
    shutil.copy(datavyu / "datavyur_dyad3.opf", tmp_path / "b" / "dyad.opf")
    outcome = run(
        "reliability", "--files", tmp_path / "a", tmp_path / "b", "--out", tmp_path / "r.csv"
    )
    assert outcome.exit_code == 1
    assert outcome.error.startswith("error: ") and "dyad.opf: line 5: offset" in outcome.error
    assert not (tmp_path / "r.csv").exists()


def test_icatcher_output_as_the_second_coder(tmp_path: Path) -> None:
    """iCatcher+ raw output (made here from coder 2's looks, frame by frame, with two seconds
    of `noface`) against coder 1: the noface time is reported apart, the rest agrees as
    coder 2 does."""
    name = "031b7a7e-c105-4875-b2ae-e01e77f081cb"
    options = VcodeOptions(states=STATES, exclude=("outofframe",))
    second = read_any(VCODE / "coder2" / f"{name}.txt", vcode=options)
    looks = [(a.start_s, a.end_s, a.code) for a in second.annotations if a.tier == "gaze"]
    end = max(b for _, b, _ in looks)
    labels = bin_labels(looks, end, 1 / 30)
    lines = [
        f"{k}, {'noface' if 300 <= k < 360 else label}, 0.9"
        for k, label in enumerate(labels)
        if label != "(none)"
    ]
    for side in ("a", "b", "c"):
        (tmp_path / side).mkdir()
    shutil.copy(VCODE / "coder1" / f"{name}.txt", tmp_path / "a")
    shutil.copy(VCODE / "coder2" / f"{name}.txt", tmp_path / "c")
    (tmp_path / "b" / f"{name}.txt").write_text("\n".join(lines) + "\n")
    machine = compare_files(tmp_path / "a", tmp_path / "b", vcode=options, reps=0)
    human = compare_files(tmp_path / "a", tmp_path / "c", vcode=options, reps=0)
    got = {(r.clip, r.tier, r.measure): r.value for r in machine.rows if not r.code}
    want = {(r.clip, r.tier, r.measure): r.value for r in human.rows if not r.code}
    assert got[(name, "gaze", "unknown_s")] == pytest.approx(2.0)
    assert (name, "gaze_unknown", "kappa") not in got  # not a tier of its own
    assert got[(name, "gaze", "agreement")] == pytest.approx(
        want[(name, "gaze", "agreement")], abs=0.01
    )


def test_dyads_file_groups_clips_for_the_bootstrap(
    table: dict,  # type: ignore[type-arg]
    tmp_path: Path,
) -> None:
    names = sorted(p.stem for p in (VCODE / "coder1").glob("*.txt"))
    groups = tmp_path / "dyads.csv"
    groups.write_text("clip,dyad\n" + "".join(f"{n},d{k % 3}\n" for k, n in enumerate(names)))
    out = tmp_path / "rel.csv"
    outcome = run(
        "reliability",
        "--files",
        VCODE / "coder1",
        VCODE / "coder2",
        "--states",
        "left,right,away",
        "--exclude",
        "outofframe",
        "--dyads",
        groups,
        "--out",
        out,
    )
    assert outcome.exit_code == 0, outcome.error
    with out.open(newline="") as handle:
        rows = {tuple(r[:4]): r[4:] for r in csv.reader(handle)}
    grouped, alone = rows[(ALL, "gaze", "", "kappa")], table[(ALL, "gaze", "", "kappa")]
    assert grouped[0] == alone[0]  # the same pooled figure
    assert grouped[1:] != alone[1:]  # three dyads, not ten: another interval
    groups.write_text("clip,dyad\ns1,d1\ns1,d2\n")
    with pytest.raises(InterchangeError, match=r"dyads\.csv: line 3: clip 's1' given twice"):
        read_dyads(groups)
