"""ELAN .eaf files to and from coding records (`CodingData`).

Reading: each tier becomes a scheme tier (its participant the role, its controlled vocabulary the
codes; a tier without one, or with values outside it, is open), each annotation an `Annotation`
whose code is the annotation's value. What a round trip needs (annotation and time slot ids,
unaligned ends, references, CVE/EXT/LANG refs, tier attributes, linguistic types, vocabularies,
languages, header, license) is kept in the annotations' attrs and in the scheme's meta, so
`write_eaf(read_eaf(x))` keeps every tier, annotation, value and time of x.

Writing our own schemes: one tier per scheme tier (one per tier and coder when several coders are
in the data), a linguistic type and controlled vocabulary per tier, media descriptors with
TIME_ORIGIN, the scheme itself in a header PROPERTY ('annotate.scheme') so that reading the file
back restores point codes, colours and keys. An annotation's value (modifiers) and note go on
child tiers '<tier>:value' and '<tier>:note' (Symbolic_Association), which ELAN shows beneath it.
Point events are written with equal begin and end times.
"""

from __future__ import annotations

import datetime as dt
import gzip
from pathlib import Path
from typing import Any

from annotate.coding.records import Annotation, CodingData, MediaRef, make_attrs
from annotate.coding.schemes import ATTRIBUTES_TIER, Scheme
from annotate.errors import InterchangeError, SchemeError
from annotate.interchange import eaf_build
from annotate.interchange.eaf_derive import derive_scheme
from annotate.interchange.eaf_times import annotation_spans
from annotate.interchange.eaf_xml import (
    EafDocument,
    XmlNode,
    eaf_to_bytes,
    parse_eaf,
    time_origin_ms,
)
from annotate.io.atomic import write_bytes

META_KEY = "eaf"
SCHEME_PROPERTY = "annotate.scheme"
VALUE_TYPE = "annotate-value"
NOTE_TYPE = "annotate-note"


def _media(header: XmlNode) -> tuple[MediaRef, ...]:
    media = []
    for node in header.find_all("MEDIA_DESCRIPTOR"):
        origin = node.attrs.get("TIME_ORIGIN", "")
        media.append(
            MediaRef(
                url=node.attrs.get("MEDIA_URL", ""),
                relative_url=node.attrs.get("RELATIVE_MEDIA_URL", ""),
                mime_type=node.attrs.get("MIME_TYPE", ""),
                time_origin_s=time_origin_ms(origin) / 1000.0,
                extracted_from=node.attrs.get("EXTRACTED_FROM", ""),
            )
        )
    return tuple(media)


def _embedded_scheme(header: XmlNode, path: Path) -> Scheme | None:
    for node in header.find_all("PROPERTY"):
        if node.attrs.get("NAME") == SCHEME_PROPERTY and node.text:
            try:
                return Scheme.from_json(node.text)
            except SchemeError as exc:
                raise InterchangeError(
                    f"HEADER: PROPERTY {SCHEME_PROPERTY} is damaged ({exc})", path
                ) from None
    return None


def _types(doc: EafDocument) -> dict[str, XmlNode]:
    return {n.attrs.get("LINGUISTIC_TYPE_ID", ""): n for n in doc.elements("LINGUISTIC_TYPE")}


def _side_values(doc: EafDocument, types: dict[str, XmlNode]) -> dict[str, dict[str, str]]:
    """Values and notes from our ':value' / ':note' child tiers, by parent annotation id."""
    sides: dict[str, dict[str, str]] = {}
    for tier in doc.tiers:
        kind = {VALUE_TYPE: "value", NOTE_TYPE: "note"}.get(tier.linguistic_type)
        if kind and tier.linguistic_type in types:
            for a in tier.annotations:
                sides.setdefault(a.ref, {})[kind] = a.value
    return sides


def _doc_meta(doc: EafDocument) -> dict[str, Any]:
    header = XmlNode(doc.header.tag, dict(doc.header.attrs))
    header.children = [
        c
        for c in doc.header.children
        if c.tag != "MEDIA_DESCRIPTOR"
        and c.attrs.get("NAME") not in (SCHEME_PROPERTY, "lastUsedAnnotationId")
    ]
    used = {s for t in doc.tiers for a in t.annotations for s in (a.ts1, a.ts2)}
    return {
        "orphan_slots": [[s, v] for s, v in doc.time_slots if s not in used],
        "attrs": dict(doc.attrs),
        "before": [n.to_plain() for n in doc.before],
        "header": header.to_plain(),
        "after": [n.to_plain() for n in doc.after],
        "tiers": {t.id: {k: v for k, v in t.attrs().items() if k != "TIER_ID"} for t in doc.tiers},
    }


def _our_tier_names(
    doc: EafDocument, embedded: Scheme | None, side_tiers: set[str]
) -> dict[str, str]:
    """Tier id -> scheme tier, when every tier is one of the embedded scheme's ({} otherwise).

    Our exporter writes 'tier [coder]' (with ANNOTATOR) when several coders share a tier.
    """
    if embedded is None:
        return {}
    known = {t.name for t in embedded.tiers} | ({ATTRIBUTES_TIER} if embedded.attributes else set())
    names = {}
    for tier in doc.tiers:
        suffix = f" [{tier.annotator}]"
        base = tier.id.removesuffix(suffix) if tier.annotator else tier.id
        if tier.id in side_tiers:
            continue
        if base not in known:
            return {}
        names[tier.id] = base
    return names


def data_from_eaf(doc: EafDocument, path: Path, coder: str = "") -> CodingData:
    """Coding records from a parsed ELAN document.

    Args:
        doc: the parsed document.
        path: the file it came from (named in the derived scheme and in errors).
        coder: the coder of tiers that name no ANNOTATOR.
    """
    types = _types(doc)
    constraints = {
        t.id: types.get(t.linguistic_type, XmlNode("")).attrs.get("CONSTRAINTS", "")
        for t in doc.tiers
    }
    spans = annotation_spans(doc, constraints)
    sides = _side_values(doc, types)
    side_tiers = {t.id for t in doc.tiers if t.linguistic_type in (VALUE_TYPE, NOTE_TYPE)}
    names = _our_tier_names(doc, _embedded_scheme(doc.header, path), side_tiers)
    annotations = []
    for tier in doc.tiers:
        if tier.id in side_tiers:
            continue
        for a in tier.annotations:
            span = spans[a.id]
            if span.end_ms < span.start_ms:
                raise InterchangeError(
                    f"line {a.line}: annotation {a.id} ends ({span.end_ms:g} ms) before it "
                    f"starts ({span.start_ms:g} ms)",
                    path,
                )
            unaligned = {(False, False): "both", (False, True): "start", (True, False): "end"}
            attrs = {
                "eaf.id": a.id,
                "eaf.ts1": a.ts1,
                "eaf.ts2": a.ts2,
                "eaf.ref": a.ref,
                "eaf.prev": a.previous,
                "eaf.ext_ref": a.ext_ref,
                "eaf.lang_ref": a.lang_ref,
                "eaf.cve_ref": a.cve_ref,
                "eaf.svg_ref": a.svg_ref,
                "eaf.unaligned": unaligned.get((span.start_aligned, span.end_aligned))
                if a.alignable
                else None,
            }
            side = sides.get(a.id, {})
            annotations.append(
                Annotation(
                    clip_sha256="",
                    coder=tier.annotator or coder,
                    tier=names.get(tier.id, tier.id),
                    code=a.value,
                    start_s=span.start_ms / 1000.0,
                    end_s=span.end_ms / 1000.0,
                    value=side.get("value", ""),
                    note=side.get("note", ""),
                    attrs=make_attrs(attrs),
                )
            )
    embedded = _embedded_scheme(doc.header, path)
    if embedded is not None and names:
        scheme = embedded
    else:
        meta = {META_KEY: _doc_meta(doc)}
        scheme = derive_scheme(doc, types, annotations, path, side_tiers, meta)
    media = _media(doc.header)
    # An ELAN timeline belongs to all its media at once, so annotations name none of them.
    annotations = [a.replace(scheme=scheme.id) for a in annotations]
    return CodingData(scheme=scheme, annotations=tuple(annotations), media=media, source=str(path))


def read_eaf(path: Path | str, coder: str = "") -> CodingData:
    """Read an ELAN .eaf (or .eaf.gz) file into coding records.

    Raises:
        InterchangeError: the file is malformed; the message names the line at fault.
    """
    path = Path(path)
    return data_from_eaf(parse_eaf(path), path, coder)


def eaf_from_data(data: CodingData, *, when: dt.datetime | None = None) -> EafDocument:
    """An ELAN document holding `data` (see the module docstring for the layout).

    Raises:
        InterchangeError: the data cannot be expressed in ELAN (e.g. a reference annotation with
            no parent annotation to refer to, or several BORIS observations at once).
    """
    parts = sorted({a.attr("part") for a in data.annotations})
    if len(parts) > 1:
        shown = ", ".join(repr(p) for p in parts[:8])
        raise InterchangeError(
            f"holds {len(parts)} observations ({shown}); an ELAN file has one timeline: "
            "choose one observation",
            data.source or None,
        )
    return eaf_build.build(
        data, when or dt.datetime.now(dt.UTC), SCHEME_PROPERTY, (VALUE_TYPE, NOTE_TYPE)
    )


def write_eaf(data: CodingData, path: Path | str, *, force: bool = False) -> Path:
    """Write `data` as an ELAN file (gzipped when the name ends in .gz), atomically.

    Raises:
        OutputError: the file exists (without force) or cannot be written.
        InterchangeError: the data cannot be expressed in ELAN.
    """
    path = Path(path)
    blob = eaf_to_bytes(eaf_from_data(data))
    if path.suffix == ".gz":
        blob = gzip.compress(blob, mtime=0)
    return write_bytes(path, blob, force=force)
