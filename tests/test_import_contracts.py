"""The import rules of the architecture are checked (import-linter, as scripts/check runs it):
the project keeps them, and a wrong-way import or a new cycle breaks the check."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint(root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", str(root / "pyproject.toml")],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def copy_of_the_code(tmp_path: Path) -> Path:
    ignore = shutil.ignore_patterns("__pycache__", "static")
    for package in ("annotate", "pipelines"):
        shutil.copytree(REPO / package, tmp_path / package, ignore=ignore)
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def _append(module: Path, line: str) -> None:
    module.write_text(module.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")


def test_the_project_keeps_its_import_contracts() -> None:
    result = _lint(REPO)
    assert result.returncode == 0, result.stdout[-3000:]
    assert " 0 broken" in result.stdout


def test_a_timeline_module_importing_the_face_side_breaks_the_check(
    copy_of_the_code: Path,
) -> None:
    _append(
        copy_of_the_code / "annotate" / "timeline" / "intervals.py", "import annotate.faces.roles"
    )
    result = _lint(copy_of_the_code)
    assert result.returncode != 0
    assert "Time is the ground floor" in result.stdout and "BROKEN" in result.stdout


def test_the_library_importing_the_cli_breaks_the_check(copy_of_the_code: Path) -> None:
    _append(copy_of_the_code / "annotate" / "coding" / "records.py", "import annotate.cli")
    result = _lint(copy_of_the_code)
    assert result.returncode != 0
    assert "annotate.coding is not allowed to import annotate.cli" in result.stdout


def test_a_new_cycle_breaks_the_check(copy_of_the_code: Path) -> None:
    # coding.store already imports coding.store_db; the way back closes a cycle
    _append(
        copy_of_the_code / "annotate" / "coding" / "store_db.py", "import annotate.coding.store"
    )
    result = _lint(copy_of_the_code)
    assert result.returncode != 0
    assert "No cycles are allowed in annotate.coding" in result.stdout


def test_media_importing_the_face_side_breaks_the_check(copy_of_the_code: Path) -> None:
    _append(copy_of_the_code / "annotate" / "media" / "video.py", "import annotate.faces.roles")
    result = _lint(copy_of_the_code)
    assert result.returncode != 0
    assert "annotate.media is not allowed to import annotate.faces" in result.stdout
