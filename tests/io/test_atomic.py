"""Atomic outputs: written whole or not at all, never over an existing file without force."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotate.errors import OutputError
from annotate.io.atomic import write_bytes, write_outputs


def test_write_replaces_only_with_force(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "table.csv"
    write_outputs({target: "one\n"}, force=False)
    with pytest.raises(OutputError, match="exists already"):
        write_outputs({target: "two\n"}, force=False)
    write_outputs({target: b"two\n"}, force=True)
    assert target.read_text() == "two\n"
    assert [p.name for p in target.parent.iterdir()] == ["table.csv"]  # no temporary left behind


def test_unwritable_output_leaves_nothing_behind(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(OutputError, match="cannot be written"):
        write_bytes(blocker / "table.csv", "x", force=True)
    with pytest.raises(OutputError, match="is a folder"):
        write_outputs({tmp_path: "x"}, force=True)
    assert [p.name for p in tmp_path.iterdir()] == ["file"]
