"""`python -m annotate.app CLIP_OR_FOLDER ...`: the same as `annotate code ...`."""

from __future__ import annotations

import typer

from annotate.commands.app import code_command


def main() -> None:
    """Run `annotate code` on its own."""
    typer.run(code_command)


if __name__ == "__main__":
    main()
