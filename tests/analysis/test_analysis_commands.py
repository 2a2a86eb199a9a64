"""`annotate mechanisms table` and `annotate align sync`, through an app built with register()."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from annotate.commands.analysis import register
from annotate.errors import AnnotateError


@dataclass(frozen=True)
class Outcome:
    exit_code: int
    stdout: str
    error: str  # the one-line `error: ...` that cli.main prints, or ""


def run(*args: str | Path) -> Outcome:
    """Invoke the commands as `annotate` would, turning AnnotateError into `error: ...`, exit 1."""
    app = typer.Typer(pretty_exceptions_enable=False)
    register(app)
    result = CliRunner().invoke(app, [str(a) for a in args])
    if isinstance(result.exception, AnnotateError):
        return Outcome(1, result.stdout, f"error: {result.exception}")
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Outcome(result.exit_code, result.stdout, result.stderr.strip())


# --- mechanisms table ------------------------------------------------------------------------


def test_table_of_the_hand_made_study(
    tmp_path: Path, study_dir: Path, expected_table: Path, mechanisms_yaml: Path
) -> None:
    out = tmp_path / "table.csv"
    outcome = run("mechanisms", "table", study_dir, "--out", out, "--mechanisms", mechanisms_yaml)
    assert outcome.exit_code == 0, outcome.error
    assert out.read_text() == expected_table.read_text()
    assert (tmp_path / "table.md").read_text().startswith("| mechanism | name | A1 | C8 | B7 |")
    assert (tmp_path / "table.png").read_bytes()[:4] == b"\x89PNG"
    assert f"wrote {out}" in outcome.stdout
    assert "total" in outcome.stdout


def test_table_with_named_markdown_and_picture(
    tmp_path: Path, study_dir: Path, mechanisms_yaml: Path
) -> None:
    outcome = run(
        "mechanisms",
        "table",
        study_dir / "sessions.csv",
        "--out",
        tmp_path / "t.csv",
        "--markdown",
        tmp_path / "md" / "t.md",
        "--heatmap",
        tmp_path / "t_heat.png",
        "--mechanisms",
        mechanisms_yaml,
    )
    assert outcome.exit_code == 0, outcome.error
    assert sorted(p.name for p in tmp_path.rglob("*.*")) == ["t.csv", "t.md", "t_heat.png"]


def test_table_written_into_its_input_folder_is_not_read_back(
    tmp_path: Path, study_dir: Path, expected_table: Path, mechanisms_yaml: Path
) -> None:
    folder = tmp_path / "study"
    shutil.copytree(study_dir, folder)
    args = ("mechanisms", "table", folder, "--out", folder / "table.csv")
    assert run(*args, "--mechanisms", mechanisms_yaml).exit_code == 0
    again = run(*args, "--mechanisms", mechanisms_yaml, "--force")
    assert again.exit_code == 0, again.error
    assert (folder / "table.csv").read_text() == expected_table.read_text()


def test_existing_output_is_refused_without_force(
    tmp_path: Path, study_dir: Path, mechanisms_yaml: Path
) -> None:
    out = tmp_path / "table.csv"
    out.write_text("keep me")
    outcome = run("mechanisms", "table", study_dir, "--out", out, "--mechanisms", mechanisms_yaml)
    assert outcome.exit_code == 1
    assert outcome.error == f"error: {out}: exists already; use --force to replace it"
    assert out.read_text() == "keep me"
    assert not (tmp_path / "table.md").exists()


def test_unknown_mechanism_is_refused_naming_file_and_line(
    tmp_path: Path, mechanisms_yaml: Path
) -> None:
    source = tmp_path / "sessions.csv"
    source.write_text("programme,session,mechanism,present\nA1,1,M4,1\nA1,2,M16,1\n")
    outcome = run(
        "mechanisms", "table", source, "--out", tmp_path / "t.csv", "--mechanisms", mechanisms_yaml
    )
    assert outcome.exit_code == 1
    assert outcome.error == f"error: {source}: line 3: unknown mechanism 'M16' (known: M1-M15)"
    assert "\n" not in outcome.error
    assert not (tmp_path / "t.csv").exists()


# --- align sync ------------------------------------------------------------------------------


def test_sync_points_give_offset_drift_and_residuals() -> None:
    # The session log's clock against the video: the video starts at 10:03:05 and gains 0.05 s
    # in the hour; the offset is B at clock time 0 (midnight), hence the extra half second.
    outcome = run(
        "align",
        "sync",
        "--point",
        "10:03:05=0",
        "--point",
        "10:33:05=1800",
        "--point",
        "11:03:05=3600.05",
    )
    assert outcome.exit_code == 0, outcome.error
    lines = outcome.stdout.splitlines()
    assert lines[0].startswith("offset: -36185.511 s")
    assert lines[1].startswith("drift: +13.9 ppm")
    assert sum("10:33:05=1800" in line for line in lines) == 1
    assert lines[-1].endswith("(tolerance 0.1 s): accepted")


def test_sync_refused_when_residuals_exceed_the_tolerance(tmp_path: Path) -> None:
    points = tmp_path / "claps.csv"
    points.write_text("a,b,label\n0,5,clap 1\n600,605,clap 2\n1200,1207,clap 3\n1800,1805,clap 4\n")
    out = tmp_path / "map.json"
    outcome = run("align", "sync", "--points", points, "--tolerance", "0.5", "--out", out)
    assert outcome.exit_code == 1
    assert outcome.error.startswith("error: sync fit refused: ")
    assert "worst clap 3" in outcome.error and "tolerance 0.5 s" in outcome.error
    assert "clap 3" in outcome.stdout and "> tolerance" in outcome.stdout  # residuals shown first
    assert not out.exists()
    assert run("align", "sync", "--points", points, "--tolerance", "2").exit_code == 0


def test_sync_with_a_fixed_offset_records_the_mapping(tmp_path: Path) -> None:
    out = tmp_path / "map.json"
    outcome = run("align", "sync", "--offset", "-12.5", "--out", out)
    assert outcome.exit_code == 0, outcome.error
    assert "offset: -12.500 s" in outcome.stdout
    assert json.loads(out.read_text())["offset_s"] == -12.5


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "give two or more sync points"),
        (("--point", "5=6"), "two or more sync points, got 1"),
        (("--point", "5"), "must be A=B"),
        (("--offset", "3", "--point", "1=4"), "not both"),
        (("--offset", "soon"), "time 'soon'"),
    ],
)
def test_sync_refuses_unusable_input(args: tuple[str, ...], message: str) -> None:
    outcome = run("align", "sync", *args)
    assert outcome.exit_code == 1
    assert outcome.error.startswith("error: ") and message in outcome.error


def test_sync_offset_only_from_one_point() -> None:
    outcome = run("align", "sync", "--point", "5=6", "--no-drift")
    assert outcome.exit_code == 0, outcome.error
    assert outcome.stdout.startswith("offset: +1.000 s")


def test_negative_tolerance_is_a_usage_error() -> None:
    outcome = run("align", "sync", "--offset", "1", "--tolerance", "-1")
    assert outcome.exit_code == 2


def test_sync_points_from_a_csv_of_clock_times(tmp_path: Path) -> None:
    points = Path(__file__).parent / "data" / "session_log_sync.csv"
    out = tmp_path / "log_to_video.json"
    outcome = run("align", "sync", "--points", points, "--out", out)
    assert outcome.exit_code == 0, outcome.error
    assert "facilitator rings the bell" in outcome.stdout
    record = json.loads(out.read_text())
    assert record["offset_s"] + (1 + record["drift"]) * 36185.0 == pytest.approx(0.0, abs=0.05)


# --- issue 10: whole or nothing, and budgets ---------------------------------------------


def test_a_failing_png_leaves_no_csv_or_markdown_and_the_rerun_is_not_refused(
    tmp_path: Path, study_dir: Path, mechanisms_yaml: Path
) -> None:
    blocker = tmp_path / "not_a_folder"
    blocker.write_text("a file where the picture's folder should be")
    out = tmp_path / "table.csv"
    args = ("mechanisms", "table", study_dir, "--out", out, "--mechanisms", mechanisms_yaml)
    failed = run(*args, "--heatmap", blocker / "table.png")
    assert failed.exit_code == 1 and failed.error.startswith(f"error: {blocker / 'table.png'}: ")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["not_a_folder"]  # nothing, no temp
    again = run(*args)  # not refused as "exists already"
    assert again.exit_code == 0, again.error
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "not_a_folder",
        "table.csv",
        "table.md",
        "table.png",
    ]


def test_a_failed_forced_rerun_keeps_the_previous_outputs(
    tmp_path: Path, study_dir: Path, mechanisms_yaml: Path
) -> None:
    out = tmp_path / "table.csv"
    args = ("mechanisms", "table", study_dir, "--out", out, "--mechanisms", mechanisms_yaml)
    assert run(*args).exit_code == 0
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    (tmp_path / "blocker").write_text("x")
    failed = run(*args, "--force", "--heatmap", tmp_path / "blocker" / "t.png")
    assert failed.exit_code == 1
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.name != "blocker"} == before


def test_a_mechanism_csv_with_3000_programmes_is_refused(
    tmp_path: Path, mechanisms_yaml: Path
) -> None:
    """The attack's file took 2.5 GB for its heat map; the table holds at most 100 programmes."""
    import tracemalloc

    source = tmp_path / "wide.csv"
    rows = "".join(f"P{i},1,M4,1\n" for i in range(3000))
    source.write_text("programme,session,mechanism,present\n" + rows)
    tracemalloc.start()
    outcome = run(
        "mechanisms", "table", source, "--out", tmp_path / "t.csv", "--mechanisms", mechanisms_yaml
    )
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert outcome.exit_code == 1
    assert outcome.error == (
        f"error: {source}: line 102: more than 100 programmes, the most one table (and its heat "
        "map) holds; split the input"
    )
    assert peak < 20 * 2**20, peak
    assert sorted(p.name for p in tmp_path.iterdir()) == ["wide.csv"]


def test_a_table_of_100_programmes_is_written(tmp_path: Path, mechanisms_yaml: Path) -> None:
    source = tmp_path / "wide.csv"
    rows = "".join(f"P{i},1,M4,1\n" for i in range(100))
    source.write_text("programme,session,mechanism,present\n" + rows)
    out = tmp_path / "t.csv"
    outcome = run("mechanisms", "table", source, "--out", out, "--mechanisms", mechanisms_yaml)
    assert outcome.exit_code == 0, outcome.error
    assert out.read_text().splitlines()[0].count(",") == 100


def test_a_mechanism_csv_field_over_the_limit_is_refused(
    tmp_path: Path, mechanisms_yaml: Path
) -> None:
    source = tmp_path / "long.csv"
    source.write_text('programme,session,mechanism,present\n"' + "x" * 140_000 + '",1,M4,1\n')
    outcome = run(
        "mechanisms", "table", source, "--out", tmp_path / "t.csv", "--mechanisms", mechanisms_yaml
    )
    assert outcome.error.startswith(f"error: {source}: a field is longer than 131,072 characters")
