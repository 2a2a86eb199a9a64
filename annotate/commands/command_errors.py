"""The command line's one error printer: a library error (AnnotateError) becomes the line
`error: FILE: what is wrong` on stderr and exit code 1, never a traceback.

Every command group is a `CommandGroup`, whose commands are wrapped by `one_line_errors`, so a
command behaves the same whether it runs through annotate.cli.main or is invoked directly (as
tests do with Typer's CliRunner). Anything that is not an AnnotateError is a bug and keeps its
traceback.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, NoReturn, ParamSpec, TypeVar

import typer

from annotate.errors import AnnotateError

EXIT_ERROR = 1
"""The exit code of a command that stops on a library error."""

P = ParamSpec("P")
R = TypeVar("R")


def print_error(exc: AnnotateError) -> None:
    """Print `error: FILE: message` (the file where the error names one) on stderr."""
    typer.echo(f"error: {exc}", err=True)


def fail(exc: AnnotateError) -> NoReturn:
    """Print the error (print_error) and end the command with EXIT_ERROR."""
    print_error(exc)
    raise typer.Exit(EXIT_ERROR)


def one_line_errors(command: Callable[P, R]) -> Callable[P, R]:
    """`command`, with an AnnotateError printed as one line and exit code EXIT_ERROR."""

    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except AnnotateError as exc:
            fail(exc)

    return run


def _wrapping(register: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def wrapped(function: Callable[..., Any]) -> Callable[..., Any]:
        register(one_line_errors(function))
        return function

    return wrapped


class CommandGroup(typer.Typer):
    """A Typer app whose every command (and group callback) reports library errors through
    `one_line_errors`."""

    def command(self, *args: Any, **kwargs: Any) -> Callable[[Any], Any]:
        return _wrapping(super().command(*args, **kwargs))

    def callback(self, *args: Any, **kwargs: Any) -> Callable[[Any], Any]:
        return _wrapping(super().callback(*args, **kwargs))
