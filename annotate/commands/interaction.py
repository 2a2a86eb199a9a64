"""`annotate contingency`, `annotate sequence` and `annotate synchrony`: thin calls into
annotate.analysis (contingency_study, sequence_study, synchrony_study).

Library errors (AnnotateError) are printed by annotate.commands.command_errors.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from annotate.analysis.contingency_study import run_contingency
from annotate.analysis.interaction_sources import ClipSource, parse_side
from annotate.analysis.sequence import parse_lags, parse_tiers
from annotate.analysis.sequence_study import run_sequence
from annotate.analysis.synchrony_study import run_synchrony
from annotate.commands.analysis_options import DbOption, ForceOption
from annotate.errors import ConfigError

ClipOption = Annotated[
    Path | None,
    typer.Option("--clip", help="One video (annotations from its store).", dir_okay=False),
]
ManifestOption = Annotated[
    Path | None,
    typer.Option(
        "--manifest",
        help="Study manifest: path, dyad, phase (videos or annotation files).",
        dir_okay=False,
    ),
]
FilesOption = Annotated[
    Path | None,
    typer.Option(
        "--files", help="A folder of annotation files (.eaf, .boris, .csv ...).", file_okay=False
    ),
]
CoderOption = Annotated[
    str | None,
    typer.Option("--coder", help="This coder's annotations (needed when several coded)."),
]
AutoOption = Annotated[
    bool,
    typer.Option("--auto", help="Every side is an automatic episode kind (KIND or KIND:ROLE)."),
]
FpsOption = Annotated[
    float | None, typer.Option("--fps", help="Frame rate of annotation files (--files, file rows).")
]
EpisodesOption = Annotated[
    Path | None,
    typer.Option(
        "--features",
        help="Extraction outputs (episodes.csv): a clip's folder, or a folder of them by id.",
        file_okay=False,
    ),
]
OutOption = Annotated[Path, typer.Option("--out", help="The long table (.csv or .parquet).")]
PlotFormatOption = Annotated[str, typer.Option("--plot-format", help="png or svg.")]


def register(app: typer.Typer) -> None:
    """Add `contingency`, `sequence` and `synchrony` to the CLI."""
    app.command("contingency")(contingency)
    app.command("sequence")(sequence)
    app.command("synchrony")(synchrony)


def _source(
    clip: Path | None,
    manifest: Path | None,
    files: Path | None,
    db: Path | None,
    features: Path | None,
    coder: str | None,
    fps: float | None,
    auto: bool,
) -> ClipSource:
    if auto and coder:
        raise ConfigError("give --coder or --auto, not both")
    return ClipSource(clip, manifest, files, db, features, coder, fps)


def _print(paths: list[Path], notes: tuple[str, ...]) -> None:
    for note in notes:
        typer.echo(f"note: {note}")
    for path in paths:
        typer.echo(f"wrote {path}")


def contingency(
    given: Annotated[str, typer.Option("--given", help="TIER:CODE or auto:KIND[:ROLE].")],
    target: Annotated[str, typer.Option("--target", help="TIER:CODE or auto:KIND[:ROLE].")],
    window: Annotated[float, typer.Option("--window", help="W: seconds after each GIVEN onset.")],
    out: OutOption,
    clip: ClipOption = None,
    manifest: ManifestOption = None,
    files: FilesOption = None,
    coder: CoderOption = None,
    auto: AutoOption = False,
    fps: FpsOption = None,
    features: EpisodesOption = None,
    db: DbOption = None,
    permutations: Annotated[
        int, typer.Option("--permutations", help="Shuffles of GIVEN's onsets per clip.")
    ] = 1000,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the shuffles.")] = 0,
    force: ForceOption = False,
) -> None:
    """Does TARGET follow GIVEN within W s more than chance? Per clip, dyad, pooled, pre/post."""
    source = _source(clip, manifest, files, db, features, coder, fps, auto)
    paths, result = run_contingency(
        source,
        parse_side(given, auto=auto),
        parse_side(target, auto=auto),
        window,
        out,
        permutations=permutations,
        seed=seed,
        force=force,
    )
    _print(paths, result.notes)


def sequence(
    tiers: Annotated[
        str, typer.Option("--tiers", help="Tiers, comma-separated (auto:KIND[:ROLE] too).")
    ],
    out: OutOption,
    lags: Annotated[str, typer.Option("--lags", help="Lags: 1-3, 2 or 1,2,4.")] = "1-3",
    clip: ClipOption = None,
    manifest: ManifestOption = None,
    files: FilesOption = None,
    coder: CoderOption = None,
    fps: FpsOption = None,
    features: EpisodesOption = None,
    db: DbOption = None,
    plot_format: PlotFormatOption = "png",
    min_p: Annotated[
        float, typer.Option("--min-p", help="Flow diagram: draw transitions with p at least this.")
    ] = 0.1,
    force: ForceOption = False,
) -> None:
    """Lag sequential analysis, transition matrices, flow diagram and SDIS for GSEQ."""
    source = _source(clip, manifest, files, db, features, coder, fps, False)
    paths, result = run_sequence(
        source,
        parse_tiers(tiers),
        parse_lags(lags),
        out,
        plot_format=plot_format,
        min_p=min_p,
        force=force,
    )
    _print(paths, result.notes)


def synchrony(
    features: Annotated[
        Path,
        typer.Option(
            "--features",
            help="An extraction folder (features.parquet), or a folder of them.",
            file_okay=False,
        ),
    ],
    out: OutOption,
    manifest: ManifestOption = None,
    roles: Annotated[
        str, typer.Option("--roles", help="The two partners, leader first.")
    ] = "mother,infant",
    window: Annotated[float, typer.Option("--window", help="Window length, seconds.")] = 10.0,
    step: Annotated[float, typer.Option("--step", help="Window step, seconds.")] = 5.0,
    max_lag: Annotated[
        float, typer.Option("--max-lag", help="Largest lag each way, seconds.")
    ] = 3.0,
    plot_format: PlotFormatOption = "png",
    force: ForceOption = False,
) -> None:
    """Windowed, lagged cross-correlation of the partners' head yaw velocity, smile, mouth open."""
    pair = tuple(r.strip() for r in roles.split(","))
    if len(pair) != 2 or not all(pair):
        raise ConfigError(f"--roles {roles!r}: give two roles, e.g. mother,infant")
    paths, result = run_synchrony(
        features,
        out,
        manifest=manifest,
        roles=(pair[0], pair[1]),
        window_s=window,
        step_s=step,
        max_lag_s=max_lag,
        plot_format=plot_format,
        force=force,
    )
    _print(paths, result.notes)
