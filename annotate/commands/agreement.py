"""`annotate agreement`: the automatic episodes of clips against a human coder's tiers.

A thin layer over annotate.analysis.agreement: it finds each clip's extraction outputs and the
coder's annotations (the project store, or a coding file), then writes the long CSV, the
Markdown report and its plots.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from annotate.analysis.agreement import AutoClip, compare_auto, episodes_of, missing_tiers
from annotate.analysis.agreement_map import load_map
from annotate.analysis.study_manifest import outputs_folder, read_study_manifest
from annotate.app.features import features_folder
from annotate.app.project import CACHE_FOLDER
from annotate.coding.clips import ClipRef
from annotate.coding.records import Annotation
from annotate.coding.reliability_long import write_agreement
from annotate.coding.reliability_pooled import ALL
from annotate.coding.store import AnnotationStore
from annotate.commands.coding_common import DbOption, ForceOption, database
from annotate.errors import InterchangeError, StoreError
from annotate.extract.folder import EPISODES_CSV
from annotate.interchange.convert import read_any

UNKNOWN_NOTE = (
    "Unknown: time where the automatic side could not tell (no face, or gaze unknown) is left "
    "out of agreement and disagreement alike; `unknown_s` gives how much per clip."
)


def register(app: typer.Typer) -> None:
    """Add `agreement` to the CLI."""
    app.command("agreement")(agreement_command)


def _coded(store: AnnotationStore | None, sha256: str, coder: str, clip: Path) -> list[Annotation]:
    if store is None:
        raise StoreError("no project database to read the coder from", clip)
    found = [s.annotation for s in store.annotations(clip_sha256=sha256, coder=coder)]
    if not found:
        raise StoreError(f"coder '{coder}' has no annotations on this clip", clip)
    return found


def _from_file(path: Path, coder: str) -> list[Annotation]:
    data = read_any(path, coder)
    own = [a for a in data.annotations if a.coder == coder]
    return own or list(data.annotations)


def _features(given: Path | None, db: Path, ref: ClipRef, clip: Path) -> Path:
    folder = given or features_folder(db.parent / CACHE_FOLDER, ref.sha256)
    if not folder.is_dir():
        raise InterchangeError(
            "has no extraction outputs; run `annotate extract` on it and pass --features DIR",
            clip,
        )
    return folder


def _item(name: str, dyad: str, folder: Path, coded: list[Annotation], ref: ClipRef) -> AutoClip:
    duration = ref.duration_s or max((a.end_s for a in coded), default=0.0)
    return AutoClip(name, dyad, episodes_of(folder), tuple(coded), ref.fps or 25.0, duration)


def _one_clip(
    clip: Path, coder: str, features: Path | None, coder_file: Path | None, db: Path | None
) -> AutoClip:
    ref = ClipRef.from_video(clip)
    if coder_file is not None:
        coded = _from_file(coder_file, coder)
    else:
        with AnnotationStore(database(db, clip), create=False) as store:
            coded = _coded(store, ref.sha256, coder, clip)
    folder = _features(features, database(db, clip), ref, clip)
    return _item(clip.stem, clip.stem, folder, coded, ref)


def _manifest_clips(
    manifest: Path, features_dir: Path, coder: str, db: Path | None
) -> list[AutoClip]:
    study = read_study_manifest(manifest)
    items = []
    with AnnotationStore(database(db, None), create=False) as store:
        for row in study.rows:
            ref = ClipRef.from_video(row.path)
            folder = outputs_folder(features_dir, row.clip_id, row.path.stem)
            if folder is None:
                raise InterchangeError(
                    f"{row.line}: no extraction outputs for '{row.clip_id}' in {features_dir}",
                    manifest,
                )
            coded = _coded(store, ref.sha256, coder, row.path)
            items.append(_item(row.clip_id, row.dyad or row.clip_id, folder, coded, ref))
    return items


def _store_clips(coder: str, db: Path | None) -> list[AutoClip]:
    path = database(db, None)
    items = []
    with AnnotationStore(path, create=False) as store:
        for row in store.clips():
            if not row.sha256:
                continue
            folder = features_folder(path.parent / CACHE_FOLDER, row.sha256)
            coded = [s.annotation for s in store.annotations(clip_sha256=row.sha256, coder=coder)]
            if not coded or not (folder / EPISODES_CSV).is_file():
                continue
            name = Path(row.media or row.path or row.sha256[:12]).stem
            ref = ClipRef(row.sha256, name, row.duration_s, row.fps)
            items.append(_item(name, name, folder, coded, ref))
    if not items:
        raise StoreError(f"no clip has both features and annotations of '{coder}'", path)
    return items


def agreement_command(
    auto_vs: Annotated[
        str,
        typer.Option(
            "--auto-vs", help="The human coder the automatic episodes are checked against."
        ),
    ],
    out: Annotated[
        Path,
        typer.Option("--out", help="The table (FILE.csv); report FILE.md and plots beside it."),
    ],
    clip: Annotated[
        Path | None,
        typer.Option("--clip", help="One clip (its video).", exists=True, dir_okay=False),
    ] = None,
    features: Annotated[
        Path | None,
        typer.Option(
            "--features",
            help="With --clip: its extraction folder (default: the project's .annotate/features).",
        ),
    ] = None,
    coder_file: Annotated[
        Path | None,
        typer.Option(
            "--coder-file", help="With --clip: the coder's annotations in a file, not the store."
        ),
    ] = None,
    manifest: Annotated[
        Path | None,
        typer.Option("--manifest", help="Every clip of a study manifest (its dyad column groups)."),
    ] = None,
    features_dir: Annotated[
        Path | None,
        typer.Option("--features-dir", help="With --manifest: the folder of extraction folders."),
    ] = None,
    every: Annotated[
        bool, typer.Option("--all", help="Every clip of the store with features and this coder.")
    ] = False,
    mapping: Annotated[
        Path | None,
        typer.Option("--map", help="Comparisons (default configs/agreement/care_clip.yaml)."),
    ] = None,
    tolerance_s: Annotated[
        float, typer.Option("--tolerance", help="Onsets this close match, seconds.", min=0.0)
    ] = 0.5,
    seed: Annotated[int, typer.Option("--seed", help="Bootstrap seed.")] = 13,
    force: ForceOption = False,
    db: DbOption = None,
) -> None:
    """Automatic episodes against a coder: frame agreement, kappa, events, bias, by-dyad CIs."""
    chosen = sum(x for x in (clip is not None, manifest is not None, every))
    if chosen != 1:
        raise typer.BadParameter("give one of --clip VIDEO, --manifest FILE or --all")
    comparisons = load_map(mapping)
    if clip is not None:
        items = [_one_clip(clip, auto_vs, features, coder_file, db)]
    elif manifest is not None:
        if features_dir is None:
            raise typer.BadParameter("--manifest needs --features-dir", param_hint="--features-dir")
        items = _manifest_clips(manifest, features_dir, auto_vs, db)
    else:
        items = _store_clips(auto_vs, db)
    rows, figures = compare_auto(items, comparisons, tolerance_s=tolerance_s, seed=seed)
    notes = missing_tiers(items, comparisons)
    written = write_agreement(
        rows,
        figures,
        out,
        title=f"Agreement: coder {auto_vs} (A) and the automatic episodes (B)",
        notes=notes,
        unknown_note=UNKNOWN_NOTE,
        force=force,
    )
    for note in notes:
        typer.echo(f"note: {note}", err=True)
    find = {(r.tier, r.measure): r for r in rows if r.clip == ALL and r.code == ""}
    for c in comparisons:
        kappa, share = find[(c.name, "kappa")], find[(c.name, "agreement")]
        unknown = find[(c.name, "unknown_s")]
        typer.echo(
            f"{c.name}: agreement {share.value:.1%}, kappa {kappa.value:.3f}, "
            f"unknown {unknown.value:.1f} s over {len(items)} clip(s)"
        )
    typer.echo("wrote " + ", ".join(str(p) for p in written))
