"""The scheme an ELAN file brings: its tiers, and its controlled vocabularies as codes.

A tier whose linguistic type has a controlled vocabulary with entries gets those entries as codes
(the value in the vocabulary's first language, its description); a tier with no vocabulary, an
external one (entries not in the file), or values outside it is open, so nothing in the file is
refused for being unknown. ELAN annotations are periods, so codes are states; tiers are not
exclusive (ELAN itself keeps a tier's alignable annotations apart).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from annotate.coding.records import Annotation
from annotate.coding.schemes import STATE, Code, Scheme, Tier
from annotate.interchange.eaf_xml import EafDocument, XmlNode


def vocabulary_codes(vocabulary: XmlNode) -> list[Code]:
    """Codes from a CONTROLLED_VOCABULARY element (EAF 2.x CV_ENTRY or 3.0 CV_ENTRY_ML)."""
    codes: dict[str, Code] = {}
    for entry in vocabulary.children:
        if entry.tag == "CV_ENTRY_ML":
            values = entry.find_all("CVE_VALUE")
            if not values:
                continue
            name, description = values[0].text or "", values[0].attrs.get("DESCRIPTION", "")
        elif entry.tag == "CV_ENTRY":
            name, description = entry.text or "", entry.attrs.get("DESCRIPTION", "")
        else:
            continue
        if name and name not in codes:
            codes[name] = Code(name=name, type=STATE, description=description)
    return list(codes.values())


def derive_scheme(
    doc: EafDocument,
    types: dict[str, XmlNode],
    annotations: Sequence[Annotation],
    path: Path,
    side_tiers: set[str],
    meta: dict[str, Any],
) -> Scheme:
    """The scheme of an ELAN file (named 'eaf:<file stem>', versioned by its content's digest).

    Args:
        doc: the parsed document.
        types: linguistic types by id.
        annotations: the file's annotations (to find values outside a vocabulary).
        path: the file.
        side_tiers: our ':value' / ':note' tiers, which are not tiers of the scheme.
        meta: what an exporter needs to rebuild the file, kept in the scheme.
    """
    vocabularies = {n.attrs.get("CV_ID", ""): n for n in doc.elements("CONTROLLED_VOCABULARY")}
    used: dict[str, set[str]] = {}
    for a in annotations:
        used.setdefault(a.tier, set()).add(a.code)
    tiers = []
    for tier in doc.tiers:
        if tier.id in side_tiers:
            continue
        kind = types.get(tier.linguistic_type, XmlNode("")).attrs
        vocabulary = vocabularies.get(kind.get("CONTROLLED_VOCABULARY_REF", ""))
        codes = vocabulary_codes(vocabulary) if vocabulary is not None else []
        names = {c.name for c in codes}
        is_open = not codes or bool(used.get(tier.id, set()) - names)
        tiers.append(
            Tier(
                name=tier.id,
                role=tier.participant,
                codes=tuple(codes),
                exclusive=False,
                open=is_open,
                parent=tier.parent,
            )
        )
    stem = path.name.removesuffix(".gz").removesuffix(".eaf")
    draft = Scheme(
        name=f"eaf:{stem}",
        version="0",
        tiers=tuple(tiers),
        description=f"brought by the ELAN file {path.name}",
        source=f"import:{path}",
        meta=meta,
    )
    return dataclasses.replace(draft, version=draft.digest()[:12])
