"""The coding commands as a user runs them (CliRunner on an app built with register())."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from annotate.coding.store import AnnotationStore
from annotate.commands.coding import register
from annotate.commands.command_errors import CommandGroup
from annotate.interchange.convert import read_any

from .helpers import FIXTURES, VIDEO

APP = CommandGroup()  # as in the real CLI: library errors printed as one line
register(APP)


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(APP, [str(a) for a in args])


def ok(*args: str | Path) -> str:
    result = run(*args)
    assert result.exit_code == 0, result.output
    return result.stdout


def fails(message: str, *args: str | Path) -> str:
    result = run(*args)
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1, result.stderr
    assert message in result.stderr, result.stderr
    assert "Traceback" not in result.output
    return result.stderr


@pytest.fixture
def video(tmp_path: Path) -> Path:
    """The 2.4 s clip in a folder of its own, so that its project database lands there."""
    folder = tmp_path / "clips"
    folder.mkdir()
    return Path(shutil.copy(VIDEO, folder / "play.mp4"))


def add(
    video: Path, coder: str, tier: str, code: str, start: float, end: float | None = None
) -> str:
    extra = [] if end is None else ["--end", str(end)]
    return ok(
        "annotations",
        "add",
        "--clip",
        video,
        "--coder",
        coder,
        "--tier",
        tier,
        "--code",
        code,
        "--start",
        str(start),
        *extra,
    )


def test_add_list_edit_history_undo(video: Path) -> None:
    assert "added" in add(video, "ana", "infant_gaze", "at_mother", 0.2, 1.0)
    add(video, "ana", "mother", "kisses", 1.2)
    assert (video.parent / "annotate.sqlite").exists()  # the project database beside the clip
    listing = ok("annotations", "list", "--clip", video)
    assert "infant_gaze" in listing and "kisses" in listing and "2 annotations" in listing
    assert "changed" in ok("annotations", "edit", "1", "--end", "1.4", "--clip", video)
    history = ok("annotations", "history", "--clip", video)
    assert history.splitlines()[0].endswith("update annotation 1: end_s 1.0 -> 1.4")
    assert "undid batch 3: edit" in ok("annotations", "undo", "--clip", video)
    assert "deleted annotation 2" in ok("annotations", "delete", "2", "--clip", video)
    assert "1 annotations" in ok("annotations", "list", "--clip", video)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("infant_gaze", "away", "0.5", "--end", "1.5"),
            "overlaps infant_gaze/at_mother at 0.200-1.000 s",
        ),
        (("infant_gaze", "away", "2.0", "--end", "9.0"), "ends after the clip's end (2.400 s)"),
        (("infant_gaze", "nope", "2.0"), "tier 'infant_gaze' with code 'nope' is in schemes: none"),
        (("mother", "kisses", "1.0", "--end", "2.0"), "'kisses' is a point code"),
    ],
)
def test_refused_additions_print_one_line(args: tuple[str, ...], message: str, video: Path) -> None:
    add(video, "ana", "infant_gaze", "at_mother", 0.2, 1.0)
    tier, code, start, *rest = args
    fails(
        message,
        "annotations",
        "add",
        "--clip",
        video,
        "--coder",
        "ana",
        "--tier",
        tier,
        "--code",
        code,
        "--start",
        start,
        *rest,
    )
    assert "1 annotations" in ok("annotations", "list", "--clip", video)


def test_export_and_import_through_every_format(video: Path, tmp_path: Path) -> None:
    add(video, "ana", "infant_gaze", "at_mother", 0.2, 1.0)
    add(video, "ana", "mother", "kisses", 1.2)
    for fmt in ("eaf", "csv", "parquet"):
        out = tmp_path / f"out.{fmt}"
        assert "wrote 2 annotations" in ok(
            "annotations", "export", "--clip", video, "--format", fmt, "--out", out
        )
        db = tmp_path / f"{fmt}.sqlite"
        imported = ok("annotations", "import", out, "--clip", video, "--coder", "ben", "--db", db)
        assert "imported 2 annotations with scheme care_clip@1" in imported
    fails(
        "exists already; use --force",
        "annotations",
        "export",
        "--clip",
        video,
        "--format",
        "csv",
        "--out",
        tmp_path / "out.csv",
    )
    fails(
        "was imported already",
        "annotations",
        "import",
        tmp_path / "out.csv",
        "--clip",
        video,
        "--coder",
        "ben",
        "--db",
        tmp_path / "csv.sqlite",
    )
    assert "replacing 2" in ok(
        "annotations",
        "import",
        tmp_path / "out.csv",
        "--clip",
        video,
        "--coder",
        "ben",
        "--db",
        tmp_path / "csv.sqlite",
        "--replace",
    )


def test_import_without_media_then_attach(video: Path, tmp_path: Path) -> None:
    source = tmp_path / "elsewhere.csv"
    source.write_text(
        "media,tier,code,start,end\nhome.mp4,infant,cries,0.5,1.5\nhome.mp4,infant,cries,2.0,3.0\n"
    )
    fails("give --db PATH, or --clip VIDEO", "annotations", "import", source, "--coder", "ana")
    db = tmp_path / "p.sqlite"
    ok("annotations", "import", source, "--coder", "ana", "--db", db)
    assert "home.mp4" in ok("annotations", "list", "--db", db) and "not attached" in ok(
        "annotations", "list", "--db", db
    )
    fails(
        "ends after the clip's end (2.400 s)",
        "annotations",
        "attach",
        "home.mp4",
        "--clip",
        video,
        "--db",
        db,
    )
    ok("annotations", "edit", "2", "--end", "2.4", "--db", db)
    assert "attached 2 annotations to play.mp4" in ok(
        "annotations", "attach", "home.mp4", "--clip", video, "--db", db
    )
    listing = ok("annotations", "list", "--db", db)
    assert "play.mp4" in listing and "2 annotations" in listing
    assert "not attached" not in listing  # the emptied media reference drops out


def test_import_a_real_boris_project_into_a_clip_refuses_what_does_not_fit(video: Path) -> None:
    fails(
        "ends after the clip's end",
        "annotations",
        "import",
        FIXTURES / "boris" / "test.boris",
        "--clip",
        video,
        "--coder",
        "ana",
        "--observation",
        "observation #1",
    )
    with AnnotationStore(video.parent / "annotate.sqlite") as store:
        assert store.annotations() == [] and store.history() == []  # nothing half imported


def test_convert(tmp_path: Path) -> None:
    result = run(
        "convert",
        FIXTURES / "boris" / "test.boris",
        tmp_path / "obs.eaf",
        "--observation",
        "observation #2",
    )
    assert result.exit_code == 0 and "wrote 21 annotations" in result.stdout and result.stderr == ""
    assert len(read_any(tmp_path / "obs.eaf").annotations) == 21
    fails(
        "choose one observation", "convert", FIXTURES / "boris" / "test.boris", tmp_path / "all.eaf"
    )
    mixed = run("convert", FIXTURES / "boris" / "test.boris", tmp_path / "all.csv")
    assert mixed.exit_code == 0 and mixed.stderr.startswith(
        "warning: observation 'live not paired'"
    )
    fails(
        "line 26: annotation a1 refers to unknown time slot ts99",
        "convert",
        _broken_eaf(tmp_path),
        tmp_path / "x.csv",
    )


def _broken_eaf(tmp_path: Path) -> Path:
    text = (
        (FIXTURES / "elan" / "pympi_fto_2.7.eaf")
        .read_text()
        .replace('TIME_SLOT_REF2="ts2"', 'TIME_SLOT_REF2="ts99"')
    )
    path = tmp_path / "broken.eaf"
    path.write_text(text)
    return path


def test_care_sheet(video: Path) -> None:
    shown = ok(
        "care",
        "set",
        "--clip",
        video,
        "--coder",
        "ana",
        "--aspect",
        "control",
        "--adult",
        "sensitive=1.5,controlling=0.5",
        "--infant",
        "cooperative=2",
        "--note",
        "calm",
    )
    assert (
        "sensitive=1.5" in shown
        and "# calm" in shown
        and "incomplete: missing facial_expression/adult" in shown
    )
    fails(
        "the adult's points add up to 1.5, not 2",
        "care",
        "set",
        "--clip",
        video,
        "--coder",
        "ana",
        "--aspect",
        "affection",
        "--adult",
        "sensitive=1.5",
    )
    bad = run(
        "care",
        "set",
        "--clip",
        video,
        "--coder",
        "ana",
        "--aspect",
        "affection",
        "--adult",
        "sensitive",
    )
    assert bad.exit_code == 2 and "expected pattern=points" in bad.output
    assert "adult totals: sensitive 1.5" in ok("care", "show", "--clip", video, "--coder", "ana")


def test_reliability_and_backup(video: Path, tmp_path: Path) -> None:
    add(video, "ana", "infant_gaze", "at_mother", 0.0, 1.0)
    add(video, "ben", "infant_gaze", "at_mother", 0.0, 1.5)
    out = tmp_path / "rel.csv"
    printed = ok("reliability", "--clip", video, "--coders", "ana,ben", "--out", out)
    # one frame at a time (30 fps): ana 30 frames, ben 45, 57 of 72 agree
    assert "| play.mp4 | infant_gaze | 72 x 0.03333 s | 79.2% |" in printed
    binned = ok(
        "reliability",
        "--clip",
        video,
        "--coders",
        "ana,ben",
        "--bin",
        "0.5",
        "--out",
        tmp_path / "binned.csv",
    )
    assert "| play.mp4 | infant_gaze | 5 x 0.5 s | 80.0% |" in binned
    assert out.exists() and out.with_suffix(".md").exists()
    assert run("reliability", "--clip", video, "--coders", "ana", "--out", out).exit_code == 2
    fails("exists already", "reliability", "--clip", video, "--coders", "ana,ben", "--out", out)
    assert "backed up" in ok("backup", "--clip", video)
    assert len(list((video.parent / "backups").glob("annotate-*.sqlite"))) == 1
    ok("backup", "--clip", video, "--out", tmp_path / "copy.sqlite")
    fails("exists already", "backup", "--clip", video, "--out", tmp_path / "copy.sqlite")
    fails("give --db PATH", "backup")


def test_schemes_listing() -> None:
    listing = ok("annotations", "schemes")
    assert "care_clip@1" in listing and "session_mechanisms@1" in listing and "[q] M6" in listing
