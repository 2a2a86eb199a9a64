"""Files and the store: import a file into the annotation store, export a clip from it.

Importing reads the file (this package's readers), picks the scheme (the one asked for, else a
configured scheme every annotation fits, else the scheme the file brings), maps its times onto
the clip's time base (ELAN TIME_ORIGIN, BORIS media offsets; the mapping is recorded with the
import) and stores everything in one transaction. Without a clip, annotations are kept under the
media reference of the file (or `FILE#observation` for BORIS observations without media) and can
be attached to a clip later.
"""

from __future__ import annotations

import dataclasses
import getpass
import hashlib
from pathlib import Path
from typing import Any

from annotate.coding.clips import ClipRef
from annotate.coding.records import (
    Annotation,
    CodingData,
    MediaRef,
    make_attrs,
    open_states_message,
)
from annotate.coding.scheme_files import configured_schemes, find_scheme
from annotate.coding.schemes import ATTRIBUTES_TIER, Scheme, Tier
from annotate.coding.store import AnnotationStore
from annotate.coding.store_import import ImportResult
from annotate.coding.validation import check_annotation
from annotate.errors import InterchangeError, StoreError
from annotate.interchange.convert import file_format, parts, read_any, select_part, write_any
from annotate.interchange.vcode import VcodeOptions

EXPORT_FORMATS = {"eaf": ".eaf", "csv": ".csv", "parquet": ".parquet", "opf": ".opf"}


def _sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def current_user() -> str:
    """Who runs this process (recorded in the history when no one else is named)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def fits(data: CodingData, scheme: Scheme) -> bool:
    """Whether every annotation's tier and code (or attribute) exists in `scheme`."""
    for a in data.annotations:
        try:
            check_annotation(a.replace(coder=a.coder or "?"), scheme)
        except StoreError:
            return False
    return bool(data.annotations)


def choose_scheme(
    data: CodingData, requested: str | None = None, folder: Path | None = None
) -> CodingData:
    """The data under the scheme it follows: `requested`, a configured one it fits, or its own.

    Raises:
        SchemeError: the requested scheme does not exist.
        StoreError: the data does not fit the requested scheme.
    """
    if requested:
        scheme = find_scheme(requested, folder)
        if not fits(data, scheme) and data.annotations:
            raise StoreError(
                f"the file's annotations do not fit scheme {scheme.id}; leave out --scheme to keep "
                "the file's own scheme",
                data.source or None,
            )
        return dataclasses.replace(data, scheme=scheme)
    if any(s.id == data.scheme.id for s in configured_schemes(folder).values()):
        return data
    for scheme in configured_schemes(folder).values():
        if fits(data, scheme):
            return dataclasses.replace(data, scheme=scheme)
    return data


def _select_for_clip(data: CodingData, clip: ClipRef | None, part: str | None) -> CodingData:
    if part is not None:
        return select_part(data, part)
    found = parts(data)
    if clip is None or len(found) < 2:
        return data
    matching = [p for p in found if any(m.name == clip.name for m in data.media if m.part == p)]
    if len(matching) == 1:
        return select_part(data, matching[0])
    shown = ", ".join(repr(p) for p in (matching or found))
    raise InterchangeError(
        f"holds several observations ({shown}); choose one with --observation", data.source or None
    )


def _media_of(a: Annotation, data: CodingData, fallback: MediaRef | None) -> MediaRef | None:
    part = a.attr("part")
    for m in data.media:
        if m.name == a.media and (m.part == part or not m.part):
            return m
    return fallback


def _key(media: str, part: str) -> str:
    """Where annotations wait for their clip: the media name, and the observation if any."""
    return f"{media}#{part}" if part else media


def map_times(data: CodingData, clip: ClipRef | None) -> tuple[CodingData, dict[str, Any]]:
    """Move annotations onto the media's time base (media time = file time + time origin).

    With a clip: the file's media of the same name (else its first) is taken to be the clip, and
    annotations that belong to other media files of the same observation are left out (counted in
    the mapping). Without: each annotation goes to its own media (with '#observation' for BORIS
    observations), or to a key naming the file.

    Returns:
        The mapped data and the mapping, recorded with the import.
    """
    source = Path(data.source).name if data.source else "memory"
    main = [m for m in data.media if "#player" not in m.part]
    chosen = next((m for m in main if clip and m.name == clip.name), main[0] if main else None)
    kept, skipped = [], 0
    for a in data.annotations:
        part = a.attr("part")
        if a.tier == ATTRIBUTES_TIER:  # attributes hold for the whole clip: no time to map
            kept.append(a.replace(media=_key(a.media or source, part)))
            continue
        media = _media_of(a, data, chosen)
        if (
            clip is not None
            and a.media
            and chosen is not None
            and media is not chosen
            and media is not None
        ):
            skipped += 1
            continue
        if clip is not None:
            media = chosen
        origin = media.time_origin_s if media else 0.0
        key = _key(media.name if media else (a.media or source), part)
        kept.append(a.replace(start_s=a.start_s + origin, end_s=a.end_s + origin, media=key))
    mapping = {
        "from": "the file's timeline",
        "media": chosen.url if chosen and clip else "",
        "time_origin_s": chosen.time_origin_s if chosen and clip else None,
        "left_out_other_media": skipped,
    }
    return dataclasses.replace(data, annotations=tuple(kept)), mapping


def prepare_import(
    path: Path,
    *,
    coder: str,
    clip: ClipRef | None = None,
    scheme: str | None = None,
    part: str | None = None,
    schemes_folder: Path | None = None,
    vcode: VcodeOptions | None = None,
) -> tuple[CodingData, CodingData, dict[str, Any]]:
    """What `import_file` would store, without storing it: the data as read, the data on the
    clip's time base under its scheme, and the time mapping (a preview reads the file this way).

    Raises:
        InterchangeError: the file cannot be read, or holds several observations for the clip;
            StoreError: no coder, or the data does not fit the requested scheme.
    """
    if not coder:
        raise StoreError("give the coder of the imported annotations (--coder)", path)
    fps = clip.fps if clip is not None else None
    data = _select_for_clip(read_any(path, coder, vcode=vcode, fps=fps), clip, part)
    data = choose_scheme(data, scheme, schemes_folder)
    mapped, mapping = map_times(data, clip)
    return data, mapped, mapping


def import_file(
    store: AnnotationStore,
    path: Path | str,
    *,
    coder: str,
    clip: ClipRef | None = None,
    scheme: str | None = None,
    part: str | None = None,
    who: str = "",
    replace: bool = False,
    schemes_folder: Path | None = None,
    vcode: VcodeOptions | None = None,
) -> tuple[ImportResult, CodingData]:
    """Import an .eaf, .boris, .csv, .tsv, .parquet, .opf or .txt file into the store, all or
    nothing.

    Args:
        store: the project store.
        path: the file.
        coder: the coder of these annotations.
        clip: the clip they belong to (None: keep them under the file's media reference).
        scheme: a configured scheme name to follow (None: choose, see `choose_scheme`).
        part: the BORIS observation to import (needed when several match the clip).
        who: who runs the import (default: the coder).
        replace: replace an earlier import of the same file for this coder and clip.
        schemes_folder: where configured schemes live (default configs/coding/).
        vcode: how to read a VCode file (states, exclusions, trial ends).

    Returns:
        What was stored, and the data as read (with the reader's warnings).

    Raises:
        InterchangeError: the file cannot be read; StoreError: an annotation fails the checks.
    """
    path = Path(path)
    data, mapped, mapping = prepare_import(
        path,
        coder=coder,
        clip=clip,
        scheme=scheme,
        part=part,
        schemes_folder=schemes_folder,
        vcode=vcode,
    )
    result = store.import_data(
        mapped,
        clip=clip,
        coder=coder,
        who=who or coder,
        source=path,
        source_format=file_format(path),
        source_sha256=_sha256(path),
        mapping=mapping,
        replace=replace,
    )
    return result, data


def merge_schemes(schemes: list[Scheme]) -> Scheme:
    """One scheme holding the tiers of several (the first wins a name both have)."""
    if len(schemes) == 1:
        return schemes[0]
    tiers: dict[str, Tier] = {}
    for scheme in schemes:
        for tier in scheme.tiers:
            tiers.setdefault(tier.name, tier)
    attributes = {a.name: a for s in reversed(schemes) for a in s.attributes}
    return Scheme(
        name="+".join(s.name for s in schemes),
        version="+".join(s.version for s in schemes),
        tiers=tuple(tiers.values()),
        attributes=tuple(attributes.values()),
    )


def clip_data(
    store: AnnotationStore,
    clip: ClipRef,
    *,
    coder: str | None = None,
    relative_to: Path | None = None,
) -> CodingData:
    """A clip's stored annotations as CodingData (for export), with created/updated in attrs."""
    stored = store.annotations(clip_sha256=clip.sha256, coder=coder)
    refs = list(dict.fromkeys(s.annotation.scheme for s in stored))
    schemes = [store.scheme(r) for r in refs]
    scheme = merge_schemes(schemes) if schemes else Scheme(name="empty", version="0")
    annotations = tuple(
        s.annotation.replace(
            attrs=make_attrs(
                {**dict(s.annotation.attrs), "created": s.created, "updated": s.updated}
            )
        )
        for s in stored
    )
    url = Path(clip.path).as_uri() if clip.path and Path(clip.path).is_absolute() else clip.name
    relative = ""
    if clip.path and relative_to is not None:
        try:
            relative = "./" + Path(clip.path).relative_to(relative_to.resolve()).as_posix()
        except ValueError:
            relative = ""
    media = (
        MediaRef(
            url=url, relative_url=relative, mime_type=clip.mime_type, duration_s=clip.duration_s
        ),
    )
    return CodingData(scheme, annotations, media, source=f"store:{store.path}")


def export_clip(
    store: AnnotationStore,
    clip: ClipRef,
    out: Path | str,
    *,
    fmt: str | None = None,
    coder: str | None = None,
    force: bool = False,
) -> tuple[Path, int]:
    """Write a clip's annotations as ELAN, CSV or Parquet.

    Args:
        store: the project store.
        clip: the clip.
        out: the output file.
        fmt: 'eaf', 'csv' or 'parquet' (None: from out's extension).
        coder: only this coder's annotations (None: everyone's; ELAN gets a tier per coder).
        force: replace an existing output.

    Returns:
        The file written and how many annotations it holds.

    Raises:
        InterchangeError: an unknown format, or one that does not match the extension.
        OutputError: out exists (without force) or cannot be written.
        InterchangeError: a state is open (started in the coding tool, not ended).
    """
    out = Path(out)
    if fmt is not None:
        if fmt not in EXPORT_FORMATS:
            raise InterchangeError(f"unknown format '{fmt}' (formats: {', '.join(EXPORT_FORMATS)})")
        if file_format(out) not in (EXPORT_FORMATS[fmt], f"{EXPORT_FORMATS[fmt]}.gz"):
            raise InterchangeError(
                f"--format {fmt} needs a file ending in {EXPORT_FORMATS[fmt]}", out
            )
    data = clip_data(store, clip, coder=coder, relative_to=out.parent)
    unfinished = open_states_message(data.annotations, clip.name)
    if unfinished:
        raise InterchangeError(unfinished)
    return write_any(data, out, fps=clip.fps, force=force), len(data.annotations)
