"""Options shared by the analysis commands (`align`, `export timeline`, `export prepost`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

DbOption = Annotated[
    Path | None,
    typer.Option(
        "--db", help="Project database (default: annotate.sqlite beside the recording, if any)."
    ),
]
FeaturesOption = Annotated[
    Path | None,
    typer.Option(
        "--features",
        help="Extraction outputs: the folder `annotate extract` wrote, or a folder holding one "
        "such folder per recording.",
        file_okay=False,
    ),
]
EventsOption = Annotated[
    Path | None,
    typer.Option(
        "--events",
        help="CSV of mechanism events: mechanism, start, end (and programme, session, label).",
        dir_okay=False,
    ),
]
TimeMapOption = Annotated[
    Path | None,
    typer.Option(
        "--time-map",
        help="JSON from `align sync --out` or `align locate --out`: maps --events times onto "
        "the recording.",
        dir_okay=False,
    ),
]
OffsetOption = Annotated[
    str | None,
    typer.Option("--offset", help="Recording time = --events time + OFFSET (seconds or clock)."),
]
ProgrammeOption = Annotated[
    str, typer.Option("--programme", help="The recording's programme (default: stored).")
]
SessionNoOption = Annotated[
    str,
    typer.Option(
        "--session-no", help="The recording's session in its programme (default: stored)."
    ),
]
CoderOption = Annotated[
    str | None, typer.Option("--coder", help="Only this coder's annotations (default: all).")
]
MechanismsOption = Annotated[
    Path | None,
    typer.Option("--mechanisms", help="Mechanisms YAML (default: configs/mechanisms.yaml)."),
]
ForceOption = Annotated[bool, typer.Option("--force", help="Overwrite existing outputs.")]
