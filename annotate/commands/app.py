"""`annotate code CLIP_OR_PROJECT_FOLDER`: the coders' tool (annotate.app) from the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from annotate.app.consensus import CONSENSUS_CODER, consensus_setup
from annotate.app.server import (
    DEFAULT_HOST,
    DEFAULT_PORT,
    DEFAULT_SCHEME,
    open_tool,
    serve,
    token_for,
)
from annotate.interchange.store_files import current_user


def code_command(
    target: Annotated[
        Path, typer.Argument(help="A clip, or a project folder of clips to choose among.")
    ],
    coder: Annotated[
        str | None, typer.Option("--coder", help="Your name or initials (default: your login).")
    ] = None,
    scheme: Annotated[
        str, typer.Option("--scheme", help="Coding scheme (configs/coding/NAME.yaml).")
    ] = DEFAULT_SCHEME,
    port: Annotated[int, typer.Option("--port", help="Port to listen on (0: any free one).")] = (
        DEFAULT_PORT
    ),
    no_browser: Annotated[
        bool, typer.Option("--no-browser", help="Print the address; open no browser.")
    ] = False,
    host: Annotated[
        str,
        typer.Option("--host", help="Address to listen on; other than 127.0.0.1 it needs a token."),
    ] = DEFAULT_HOST,
    token: Annotated[
        str | None,
        typer.Option(
            "--token", help="Token every request must carry (default: made up for --host)."
        ),
    ] = None,
    db: Annotated[
        Path | None,
        typer.Option("--db", help="Project database (default: annotate.sqlite beside the clips)."),
    ] = None,
    consensus: Annotated[
        str | None,
        typer.Option(
            "--consensus",
            help="A,B: open the consensus view of these two coders; the agreed version is "
            "recorded as --coder (default: consensus).",
        ),
    ] = None,
    blind: Annotated[
        bool | None,
        typer.Option(
            "--blind/--no-blind",
            help="Blinded coding: clips by neutral aliases, names and phase hidden until done; "
            "kept as the project's setting (default: the project's setting).",
        ),
    ] = None,
) -> None:
    """Code a clip in the browser: video with face overlays, timelines, keys, CARE-Index sheet."""
    setup = consensus_setup(consensus, current_user()) if consensus is not None else None
    who = coder or (CONSENSUS_CODER if setup else current_user())
    tool = open_tool(
        target, coder=who, scheme=scheme, db=db, token=token_for(host, token), blind=blind
    )
    tool.consensus = setup
    project = tool.project
    typer.echo(
        f"annotate code: {len(project.clips)} clip(s) in {project.root}, coder {who}, "
        f"scheme {tool.coding.scheme.id}, store {tool.coding.path}"
        + (", blinded (clips by alias)" if tool.blinding.enabled else ""),
        err=True,
    )
    serve(
        tool,
        host=host,
        port=port,
        open_browser=not no_browser,
        say=lambda url: typer.echo(f"open {url}  (Ctrl+C stops the server)"),
    )


def register(app: typer.Typer) -> None:
    """Add `annotate code` to the CLI."""
    app.command("code")(code_command)
