"""`annotate annotations ...` (add, list, edit, delete, import, attach, export, undo, history,
schemes): thin calls into annotate.coding and annotate.interchange. `register` adds as well
`annotate care ...` (annotate.commands.care) and `annotate backup`, `annotate convert` and
`annotate reliability` (annotate.commands.coding_files).

The project database is `annotate.sqlite` beside the clip (--clip) unless --db names another.
Library errors (AnnotateError) are printed by annotate.commands.command_errors.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from annotate.coding.clips import ClipRef
from annotate.coding.records import Annotation
from annotate.coding.scheme_files import configured_schemes, find_scheme
from annotate.coding.schemes import Scheme
from annotate.coding.store import StoredAnnotation
from annotate.commands import care, coding_files
from annotate.commands.coding_common import (
    ClipOption,
    CoderOption,
    DbOption,
    ForceOption,
    MaybeClip,
    open_store,
)
from annotate.commands.command_errors import CommandGroup
from annotate.errors import StoreError
from annotate.interchange.store_files import current_user, export_clip, import_file
from annotate.interchange.vcode import VcodeOptions

annotations_app = CommandGroup(
    help="Coders' annotations: add, list, import, export, undo, history.", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    """Add the coding commands to the CLI."""
    app.add_typer(annotations_app, name="annotations")
    care.register(app)
    coding_files.register(app)


def _line(stored: StoredAnnotation) -> str:
    a = stored.annotation
    times = f"{a.start_s:9.3f}" + (" " * 10 if a.is_point else f"-{a.end_s:<9.3f}")
    extra = "  ".join(x for x in (a.value and f"[{a.value}]", a.note and f"# {a.note}") if x)
    return f"{stored.id:>6}  {times} {a.coder:<10} {a.tier:<18} {a.code:<18} {extra}".rstrip()


def _scheme_for(name: str | None, tier: str, code: str) -> Scheme:
    if name:
        return find_scheme(name)
    fitting = [
        s for s in configured_schemes().values() if (t := s.tier(tier)) and (t.code(code) or t.open)
    ]
    fitting += [
        s for s in configured_schemes().values() if tier == "attributes" and s.attribute(code)
    ]
    if len(fitting) != 1:
        names = ", ".join(sorted({s.name for s in fitting})) or "none"
        raise StoreError(
            f"tier '{tier}' with code '{code}' is in schemes: {names}; choose one with --scheme"
        )
    return fitting[0]


@annotations_app.command("add")
def add_command(
    clip: ClipOption,
    coder: CoderOption,
    tier: Annotated[str, typer.Option("--tier", help="The tier, e.g. infant_gaze.")],
    code: Annotated[str, typer.Option("--code", help="The code, e.g. at_mother.")],
    start: Annotated[float, typer.Option("--start", help="Start in seconds.")],
    end: Annotated[
        float | None, typer.Option("--end", help="End in seconds (default: start, a point).")
    ] = None,
    value: Annotated[
        str, typer.Option("--value", help="Modifiers, one per set, joined by '|'.")
    ] = "",
    note: Annotated[str, typer.Option("--note", help="A free note.")] = "",
    scheme: Annotated[
        str | None,
        typer.Option(
            "--scheme", help="Configured scheme (default: the one with this tier and code)."
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Add one annotation to a clip (checked against its scheme and the clip's length)."""
    chosen = _scheme_for(scheme, tier, code)
    ref = ClipRef.from_video(clip)
    annotation = Annotation(
        ref.sha256, coder, tier, code, start, start if end is None else end, value, note
    )
    with open_store(db, clip) as store:
        stored = store.add(annotation, chosen, clip=ref, who=coder)
    typer.echo(f"added {_line(stored).strip()}  ({chosen.id}, {store.path})")


@annotations_app.command("list")
def list_command(
    clip: MaybeClip = None,
    coder: Annotated[str | None, typer.Option("--coder", help="Only this coder.")] = None,
    tier: Annotated[str | None, typer.Option("--tier", help="Only this tier.")] = None,
    media: Annotated[
        str | None,
        typer.Option("--media", help="Annotations not yet attached to a clip, by media reference."),
    ] = None,
    db: DbOption = None,
) -> None:
    """List a clip's annotations (id, start-end in seconds, coder, tier, code, value, note)."""
    with open_store(db, clip, create=False) as store:
        sha = ClipRef.from_video(clip).sha256 if clip else None
        found = store.annotations(clip_sha256=sha, media=media, coder=coder, tier=tier)
        if clip is None and media is None:
            counts = store.counts()
            for row in store.clips():
                if row.sha256 or counts.get(row.id):  # media references emptied by attach drop out
                    state = row.sha256[:12] if row.sha256 else "not attached"
                    typer.echo(f"{row.media:<40} {state:<14} {counts.get(row.id, 0)} annotations")
            return
    for stored in found:
        typer.echo(_line(stored))
    typer.echo(f"{len(found)} annotations")


@annotations_app.command("edit")
def edit_command(
    annotation_id: Annotated[int, typer.Argument(help="The annotation's id (see list).")],
    start: Annotated[float | None, typer.Option("--start", help="New start in seconds.")] = None,
    end: Annotated[float | None, typer.Option("--end", help="New end in seconds.")] = None,
    code: Annotated[str | None, typer.Option("--code", help="New code.")] = None,
    value: Annotated[str | None, typer.Option("--value", help="New modifiers.")] = None,
    note: Annotated[str | None, typer.Option("--note", help="New note.")] = None,
    who: Annotated[str | None, typer.Option("--who", help="Who edits (default: you).")] = None,
    clip: MaybeClip = None,
    db: DbOption = None,
) -> None:
    """Change an annotation (kept in the history; undo reverts it)."""
    changes: dict[str, Any] = {
        k: v
        for k, v in {
            "start_s": start,
            "end_s": end,
            "code": code,
            "value": value,
            "note": note,
        }.items()
        if v is not None
    }
    with open_store(db, clip, create=False) as store:
        stored = store.update(annotation_id, who=who or current_user(), **changes)
    typer.echo(f"changed {_line(stored).strip()}")


@annotations_app.command("delete")
def delete_command(
    annotation_id: Annotated[int, typer.Argument(help="The annotation's id (see list).")],
    who: Annotated[str | None, typer.Option("--who", help="Who deletes (default: you).")] = None,
    clip: MaybeClip = None,
    db: DbOption = None,
) -> None:
    """Delete an annotation (kept in the history; undo brings it back)."""
    with open_store(db, clip, create=False) as store:
        store.delete(annotation_id, who=who or current_user())
    typer.echo(f"deleted annotation {annotation_id}")


@annotations_app.command("import")
def import_command(
    file: Annotated[
        Path,
        typer.Argument(
            help="An .eaf, .eaf.gz, .boris, .csv, .tsv, .parquet, .opf or .txt (VCode) file.",
            exists=True,
            dir_okay=False,
        ),
    ],
    coder: CoderOption,
    clip: MaybeClip = None,
    scheme: Annotated[
        str | None,
        typer.Option(
            "--scheme",
            help="Configured scheme to follow (default: one the file fits, else its own).",
        ),
    ] = None,
    observation: Annotated[
        str | None, typer.Option("--observation", help="The BORIS observation to import.")
    ] = None,
    replace: Annotated[
        bool, typer.Option("--replace", help="Replace an earlier import of this file.")
    ] = False,
    states: Annotated[
        str, typer.Option("--states", help="VCode: tracks that are states, e.g. left,right,away.")
    ] = "",
    exclude: Annotated[
        str, typer.Option("--exclude", help="VCode: tracks whose time is excluded.")
    ] = "",
    db: DbOption = None,
) -> None:
    """Import a whole file, all or nothing; without --clip it waits under its media reference."""
    vcode = VcodeOptions(
        states=tuple(n.strip() for n in states.split(",") if n.strip()),
        exclude=tuple(n.strip() for n in exclude.split(",") if n.strip()),
    )
    ref = ClipRef.from_video(clip) if clip else None
    with open_store(db, clip) as store:
        result, data = import_file(
            store,
            file,
            coder=coder,
            clip=ref,
            scheme=scheme,
            part=observation,
            who=current_user(),
            replace=replace,
            vcode=vcode,
        )
    for warning in data.warnings:
        typer.echo(f"warning: {warning}", err=True)
    replaced = f", replacing {result.replaced}" if result.replaced else ""
    clips = ", ".join(k[:12] if len(k) == 64 else k for k in result.clips)
    typer.echo(
        f"imported {result.count} annotations{replaced} with scheme {result.scheme} "
        f"into {store.path} (batch {result.batch_id}; clips: {clips})"
    )


@annotations_app.command("attach")
def attach_command(
    media: Annotated[
        str, typer.Argument(help="The media reference they were imported under (see list).")
    ],
    clip: ClipOption,
    db: DbOption = None,
) -> None:
    """Attach annotations imported without their media to a clip, checking them against it."""
    with open_store(db, clip, create=False) as store:
        moved = store.attach(media, ClipRef.from_video(clip), who=current_user())
    typer.echo(f"attached {moved} annotations to {clip.name}")


@annotations_app.command("export")
def export_command(
    clip: ClipOption,
    out: Annotated[Path, typer.Option("--out", help="The output file.")],
    fmt: Annotated[
        str | None, typer.Option("--format", help="eaf, csv, parquet or opf (default: from --out).")
    ] = None,
    coder: Annotated[
        str | None, typer.Option("--coder", help="Only this coder (default: all).")
    ] = None,
    force: ForceOption = False,
    db: DbOption = None,
) -> None:
    """Export a clip's annotations as ELAN, CSV or Parquet (long form, with frames)."""
    with open_store(db, clip, create=False) as store:
        path, count = export_clip(
            store, ClipRef.from_video(clip), out, fmt=fmt, coder=coder, force=force
        )
    typer.echo(f"wrote {count} annotations to {path}")


@annotations_app.command("undo")
def undo_command(
    coder: Annotated[
        str | None, typer.Option("--coder", help="Undo this coder's latest change.")
    ] = None,
    clip: MaybeClip = None,
    db: DbOption = None,
) -> None:
    """Undo the latest change (an add, edit, delete, import, attach or CARE-Index entry)."""
    with open_store(db, clip, create=False) as store:
        result = store.undo(who=current_user(), coder=coder)
    typer.echo(
        f"undid batch {result.batch_id}: {result.kind} {result.detail} ({result.changes} changes)"
    )


@annotations_app.command("history")
def history_command(
    clip: MaybeClip = None,
    coder: Annotated[
        str | None, typer.Option("--coder", help="Only this coder's annotations.")
    ] = None,
    limit: Annotated[
        int | None, typer.Option("--limit", help="Show at most this many changes.")
    ] = None,
    db: DbOption = None,
) -> None:
    """The full audit listing: every change, who made it and when, newest first."""
    with open_store(db, clip, create=False) as store:
        sha = ClipRef.from_video(clip).sha256 if clip else None
        entries = store.history(clip_sha256=sha, coder=coder, limit=limit)
    for e in entries:
        undone = f"  (undone by batch {e.undone_by})" if e.undone_by else ""
        typer.echo(f"{e.at}  batch {e.batch_id:<5} {e.who:<10} {e.kind:<7} {e.summary()}{undone}")


@annotations_app.command("schemes")
def schemes_command() -> None:
    """The configured coding schemes: tiers, codes, keys and types."""
    for scheme in configured_schemes().values():
        typer.echo(f"{scheme.id}  {scheme.description}  ({scheme.source})")
        for tier in scheme.tiers:
            kind = "exclusive" if tier.exclusive else "overlapping"
            typer.echo(f"  {tier.name} ({tier.role or 'any'}, {kind})")
            for code in tier.codes:
                typer.echo(f"    [{code.key or ' '}] {code.name:<24} {code.type:<6} {code.label}")
        for attribute in scheme.attributes:
            allowed = f": {', '.join(attribute.values)}" if attribute.values else ""
            typer.echo(f"  attribute {attribute.name} ({attribute.type}{allowed})")
