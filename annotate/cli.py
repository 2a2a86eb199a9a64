"""The `annotate` command line: a thin Typer layer over the library.

Every command calls one library function that tests can call directly; library errors
(AnnotateError) are printed as `error: FILE: what is wrong` with exit code 1, never a traceback,
by annotate.commands.command_errors (the one printer, around every command and here).
Sub-command groups live in their own modules and are registered here.
"""

from __future__ import annotations

import sys
import warnings

from annotate.commands import agreement, analysis, batch, coding, faces, interaction, project_status
from annotate.commands import app as app_commands
from annotate.commands.command_errors import EXIT_ERROR, CommandGroup, print_error
from annotate.errors import AnnotateError

app = CommandGroup(
    help="Face, head-pose and gaze timelines and coding tools for mother-infant video.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

faces.register(app)
coding.register(app)
app_commands.register(app)
project_status.register(app)
batch.register(app)
analysis.register(app)
interaction.register(app)
agreement.register(app)


def _warning_line(message: Warning | str, *args: object, **kwargs: object) -> str:
    return f"warning: {message}\n"


def main() -> None:
    """Entry point of the `annotate` script."""
    warnings.formatwarning = _warning_line  # one line, no source
    try:
        app()
    except AnnotateError as exc:  # raised outside a command's body (a group's callback)
        print_error(exc)
        sys.exit(EXIT_ERROR)
