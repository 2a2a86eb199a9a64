"""Outputs are written whole or not at all, and never over a result without force."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotate.errors import OutputError
from annotate.extract.folder import PROVENANCE_JSON, staged_output


def write_result(out: Path, force: bool = False, extra: str | None = None) -> None:
    with staged_output(out, force) as stage:
        (stage / "summary.json").write_text("{}")
        if extra:
            (stage / extra).write_text("x")
        (stage / PROVENANCE_JSON).write_text("{}")


def test_a_new_folder_appears_complete(tmp_path: Path) -> None:
    write_result(tmp_path / "clip")
    assert sorted(p.name for p in (tmp_path / "clip").iterdir()) == [
        PROVENANCE_JSON,
        "summary.json",
    ]
    assert [p.name for p in tmp_path.iterdir()] == ["clip"]  # no staging folder left


def test_an_existing_result_is_refused_without_force(tmp_path: Path) -> None:
    write_result(tmp_path / "clip")
    with pytest.raises(OutputError, match=r"already holds a result.*--force"):
        write_result(tmp_path / "clip")


def test_force_replaces_and_removes_stale_outputs(tmp_path: Path) -> None:
    write_result(tmp_path / "clip", extra="overlay.mp4")
    (tmp_path / "clip" / "my_notes.txt").write_text("keep me")
    write_result(tmp_path / "clip", force=True)
    names = sorted(p.name for p in (tmp_path / "clip").iterdir())
    assert names == ["my_notes.txt", PROVENANCE_JSON, "summary.json"]


def test_a_failure_leaves_the_old_result_untouched(tmp_path: Path) -> None:
    write_result(tmp_path / "clip")
    with pytest.raises(RuntimeError), staged_output(tmp_path / "clip", True) as stage:
        (stage / "summary.json").write_text('{"new": true}')
        raise RuntimeError("crash while writing")
    assert (tmp_path / "clip" / "summary.json").read_text() == "{}"
    assert [p.name for p in tmp_path.iterdir()] == ["clip"]


def test_a_file_where_the_folder_should_be(tmp_path: Path) -> None:
    (tmp_path / "clip").write_text("oops")
    with pytest.raises(OutputError, match="not a folder"):
        write_result(tmp_path / "clip")


def test_results_are_readable_by_the_group_as_the_umask_allows(tmp_path: Path) -> None:
    import os

    old = os.umask(0o022)
    try:
        write_result(tmp_path / "clip")
    finally:
        os.umask(old)
    assert (tmp_path / "clip").stat().st_mode & 0o777 == 0o755
