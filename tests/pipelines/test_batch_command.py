"""`annotate batch` as a user runs it (the command registered on a Typer app)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from annotate.commands import batch
from annotate.commands.command_errors import CommandGroup
from tests.conftest import REPO
from tests.pipelines.fakes import grey_clip


@pytest.fixture
def app() -> typer.Typer:
    app = CommandGroup()  # as in the real CLI: library errors printed as one line
    batch.register(app)
    app.command("other")(lambda: None)  # more than one command, as in the real CLI
    return app


@pytest.mark.slow
def test_a_folder_then_a_manifest_with_a_missing_clip(
    app: typer.Typer, tmp_path: Path, face_model: Path
) -> None:
    grey_clip(tmp_path / "videos" / "empty_room.mp4", 2.0)
    out = tmp_path / "out"
    done = CliRunner().invoke(
        app, ["batch", str(tmp_path / "videos"), "--out", str(out), "--workers", "1"]
    )
    assert done.exit_code == 0, done.output
    assert "1 clips: 1 computed, 0 cached, 0 errors" in done.output
    assert (out / "clips" / "empty_room" / "provenance.json").is_file()
    (tmp_path / "m.csv").write_text("path\nvideos/empty_room.mp4\nvideos/gone.mp4\n")
    again = CliRunner().invoke(
        app, ["batch", str(tmp_path / "m.csv"), "--out", str(out), "--quiet"]
    )
    assert again.exit_code == 1
    assert "error: 1 clips failed" in again.output and "errors.csv" in again.output


def test_bad_options_are_refused_before_any_work(app: typer.Typer, tmp_path: Path) -> None:
    grey_clip(tmp_path / "a.mp4", 1.0)
    for args, message in [
        (["--device", "tpu"], "--device must be cpu or gpu"),
        (["--kind", "party"], "--kind must be clip or session"),
        (["--chunk-s", "0"], "--chunk-s must be above 0"),
        (["--workers", "0"], "--workers must be 1 or more"),
        (["--fps", "fast"], "must be a number"),
    ]:
        result = CliRunner().invoke(
            app, ["batch", str(tmp_path), "--out", str(tmp_path / "o"), *args]
        )
        assert result.exit_code == 1, (args, result.output)
        last = result.stderr.splitlines()[-1]  # after the progress bar's first line
        assert last.startswith("error: ") and message in last, result.stderr


def test_no_library_module_imports_pipelines() -> None:
    for path in (REPO / "annotate").rglob("*.py"):
        if path.parent.name == "commands" or path.name == "cli.py":
            continue  # the CLI ties the library and the pipelines together
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            assert not any(n.split(".")[0] == "pipelines" for n in names), path
