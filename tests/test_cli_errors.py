"""The command line's one error printer (annotate.commands.command_errors) around every command."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from annotate.cli import app
from annotate.commands import coding_files
from annotate.commands.command_errors import one_line_errors


def _commands(command: Any, path: str = "annotate") -> list[tuple[str, Any]]:
    found = [(path, command)]
    if isinstance(getattr(command, "commands", None), dict):  # a group
        for name, sub in command.commands.items():
            found += _commands(sub, f"{path} {name}")
    return found


def test_every_command_and_group_reports_through_the_one_printer() -> None:
    printer = one_line_errors(lambda: None).__code__
    commands = _commands(typer.main.get_command(app))
    assert len(commands) > 30
    for name, command in commands:
        if command.callback is None:  # a group without a callback of its own
            continue
        chain, function = [], command.callback  # Typer wraps the callback it was given
        while function is not None:
            chain.append(function.__code__)
            function = getattr(function, "__wrapped__", None)
        assert printer in chain, name


def test_a_library_error_is_one_line_naming_the_file_and_exit_1(tmp_path: Path) -> None:
    source = tmp_path / "notes.eaf"
    source.write_text("not xml at all")
    result = CliRunner().invoke(app, ["convert", str(source), str(tmp_path / "out.csv")])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {source}: ") and result.stderr.count("\n") == 1
    assert "Traceback" not in result.output


def test_a_bug_keeps_its_traceback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def planted(*args: object, **kwargs: object) -> None:
        raise KeyError("a planted bug")

    monkeypatch.setattr(coding_files, "convert_file", planted)
    source = tmp_path / "a.csv"
    source.write_text("tier,code,start,end\n")
    result = CliRunner().invoke(app, ["convert", str(source), str(tmp_path / "out.eaf")])
    assert isinstance(result.exception, KeyError)
    assert "error:" not in result.stderr
