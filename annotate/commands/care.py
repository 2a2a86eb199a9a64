"""`annotate care set` and `annotate care show`: a coder's CARE-Index sheet for a clip, scored
aspect by aspect in the project database. Thin calls into annotate.coding.care_index and
annotate.coding.care_store (registered by annotate.commands.coding).
"""

from __future__ import annotations

from typing import Annotated

import typer

from annotate.coding.care_index import CareIndexConfig, load_care_index
from annotate.coding.care_store import load_sheet, set_aspect
from annotate.coding.clips import ClipRef
from annotate.coding.store import AnnotationStore
from annotate.commands.coding_common import ClipOption, CoderOption, DbOption, open_store
from annotate.commands.command_errors import CommandGroup

care_app = CommandGroup(
    help="CARE-Index sheets: score aspects, show a sheet.", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    """Add `care ...` to the CLI."""
    app.add_typer(care_app, name="care")


def _points(text: str, option: str) -> dict[str, float]:
    points: dict[str, float] = {}
    for item in (p.strip() for p in text.split(",") if p.strip()):
        name, _, number = item.partition("=")
        try:
            points[name.strip()] = float(number)
        except ValueError:
            raise typer.BadParameter(
                f"expected pattern=points, got '{item}'", param_hint=option
            ) from None
    return points


def _sheet_lines(
    config: CareIndexConfig, clip: ClipRef, coder: str, store: AnnotationStore
) -> list[str]:
    sheet = load_sheet(store, clip.sha256, coder)
    lines = [f"CARE-Index, {clip.name}, coder {coder}"]
    for aspect, label in config.aspects:
        score = sheet.aspect(aspect)
        parts = [
            " ".join(f"{p}={v:g}" for p, v in (score.partner(partner) if score else {}).items())
            or "-"
            for partner in config.partners
        ]
        note = f"  # {score.note}" if score and score.note else ""
        lines.append(f"  {label:<28} " + " | ".join(parts) + note)
    for partner, totals in sheet.totals(config).items():
        lines.append(f"  {partner} totals: " + ", ".join(f"{p} {v:g}" for p, v in totals.items()))
    synchrony = sheet.synchrony(config)
    if synchrony is None:
        lines.append(f"  incomplete: missing {', '.join(sheet.missing(config))}")
    else:
        lines.append(
            f"  complete; dyadic synchrony {synchrony:g} ({config.band(synchrony) or 'no band'})"
        )
    return lines


@care_app.command("set")
def care_set_command(
    clip: ClipOption,
    coder: CoderOption,
    aspect: Annotated[str, typer.Option("--aspect", help="The aspect, e.g. facial_expression.")],
    adult: Annotated[
        str, typer.Option("--adult", help="Points per pattern, e.g. sensitive=1.5,controlling=0.5.")
    ] = "",
    infant: Annotated[
        str, typer.Option("--infant", help="Points per pattern, e.g. cooperative=2.")
    ] = "",
    note: Annotated[str, typer.Option("--note", help="The coder's note on this aspect.")] = "",
    db: DbOption = None,
) -> None:
    """Score one aspect: each partner's 2 points shared among its patterns (half points allowed)."""
    config = load_care_index()
    ref = ClipRef.from_video(clip)
    points = {"adult": _points(adult, "--adult"), "infant": _points(infant, "--infant")}
    with open_store(db, clip) as store:
        set_aspect(store, config, ref, coder, aspect, points, note, who=coder)
        lines = _sheet_lines(config, ref, coder, store)
    typer.echo("\n".join(lines))


@care_app.command("show")
def care_show_command(clip: ClipOption, coder: CoderOption, db: DbOption = None) -> None:
    """Show a coder's sheet: points per aspect, pattern totals, completeness and synchrony band."""
    config = load_care_index()
    ref = ClipRef.from_video(clip)
    with open_store(db, clip, create=False) as store:
        typer.echo("\n".join(_sheet_lines(config, ref, coder, store)))
