"""Building an ELAN document from coding records (the writing half of annotate.interchange.eaf).

What an imported file brought (scheme meta 'eaf': document attributes, header, linguistic types,
vocabularies, tier attributes; annotation attrs 'eaf.*': ids, time slots, references) is put back
as it was; what it did not (tiers of our own schemes, annotations made in the tool) is generated.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from annotate.coding.records import Annotation, CodingData, MediaRef
from annotate.coding.schemes import Tier
from annotate.errors import InterchangeError
from annotate.interchange.eaf_times import SlotLayout, number_of, tiers_parents_first
from annotate.interchange.eaf_xml import EafAnnotation, EafDocument, EafTier, XmlNode

_ORDER = [
    "LINGUISTIC_TYPE",
    "LOCALE",
    "LANGUAGE",
    "CONSTRAINT",
    "CONTROLLED_VOCABULARY",
    "LEXICON_REF",
    "REF_LINK_SET",
    "EXTERNAL_REF",
]
_CONSTRAINTS = {
    "Time_Subdivision": "Time subdivision of parent annotation's time interval, no time gaps "
    "allowed within this interval",
    "Symbolic_Subdivision": "Symbolic subdivision of a parent annotation. Annotations refering to "
    "the same parent are ordered",
    "Symbolic_Association": "1-1 association with a parent annotation",
    "Included_In": "Time alignable annotations within the parent annotation's time interval, gaps "
    "are allowed",
}
_XSI = "http://www.w3.org/2001/XMLSchema-instance"


def _insert(after: list[XmlNode], node: XmlNode) -> None:
    """Insert `node` where the EAF schema wants its kind of element."""
    rank = _ORDER.index(node.tag)
    position = 0
    for index, existing in enumerate(after):
        if existing.tag in _ORDER and _ORDER.index(existing.tag) <= rank:
            position = index + 1
    after.insert(position, node)


def _ids(after: list[XmlNode], tag: str, key: str) -> set[str]:
    return {n.attrs.get(key, "") for n in after if n.tag == tag}


def _unique(name: str, taken: set[str]) -> str:
    candidate, n = name, 2
    while candidate in taken:
        candidate, n = f"{name}-{n}", n + 1
    taken.add(candidate)
    return candidate


def _media_node(media: MediaRef) -> XmlNode:
    attrs = {"MEDIA_URL": media.url, "MIME_TYPE": media.mime_type or "unknown"}
    if media.relative_url:
        attrs["RELATIVE_MEDIA_URL"] = media.relative_url
    if media.time_origin_s > 0:
        attrs["TIME_ORIGIN"] = str(round(media.time_origin_s * 1000))
    if media.extracted_from:
        attrs["EXTRACTED_FROM"] = media.extracted_from
    return XmlNode("MEDIA_DESCRIPTOR", attrs)


class _Builder:
    def __init__(self, data: CodingData, meta: dict[str, Any] | None, side_types: tuple[str, str]):
        self.data = data
        self.meta = meta or {}
        self.side_types = side_types
        self.after = [XmlNode.from_plain(n) for n in self.meta.get("after", [])]
        self.types = {
            n.attrs.get("LINGUISTIC_TYPE_ID", ""): n
            for n in self.after
            if n.tag == "LINGUISTIC_TYPE"
        }
        self.layout = SlotLayout()
        self.taken_ids: set[str] = set()
        self.next_id = 1
        self.out_ids: dict[int, str] = {}  # index of annotation in data -> written id
        self.tiers: list[EafTier] = []

    def ensure(
        self, tag: str, key: str, value: str, attrs: dict[str, str], text: str | None = None
    ) -> None:
        if value not in _ids(self.after, tag, key):
            node = XmlNode(tag, {key: value, **attrs}, text)
            _insert(self.after, node)
            if tag == "LINGUISTIC_TYPE":
                self.types[value] = node

    def generated_type(self, tier: Tier) -> str:
        """A linguistic type (and vocabulary) for a tier of our own scheme."""
        type_id = _unique(tier.name, set(self.types))
        attrs = {"GRAPHIC_REFERENCES": "false", "TIME_ALIGNABLE": "true"}
        if tier.codes and not tier.open:
            cv_id = _unique(tier.name, _ids(self.after, "CONTROLLED_VOCABULARY", "CV_ID"))
            attrs["CONTROLLED_VOCABULARY_REF"] = cv_id
            self.ensure(
                "LANGUAGE",
                "LANG_ID",
                "und",
                {
                    "LANG_DEF": "http://cdb.iso.org/lg/CDB-00130975-001",
                    "LANG_LABEL": "undetermined (und)",
                },
            )
            cv = XmlNode("CONTROLLED_VOCABULARY", {"CV_ID": cv_id})
            cv.children.append(
                XmlNode("DESCRIPTION", {"LANG_REF": "und"}, tier.description or None)
            )
            for code in tier.codes:
                entry = XmlNode("CV_ENTRY_ML", {"CVE_ID": f"{tier.name}.{code.name}"})
                label = code.label or code.description
                value_attrs = {"LANG_REF": "und", **({"DESCRIPTION": label} if label else {})}
                entry.children.append(XmlNode("CVE_VALUE", value_attrs, code.name))
                cv.children.append(entry)
            _insert(self.after, cv)
        self.ensure("LINGUISTIC_TYPE", "LINGUISTIC_TYPE_ID", type_id, attrs)
        return type_id

    def annotation_id(self, wanted: str) -> str:
        if wanted and wanted not in self.taken_ids:
            self.taken_ids.add(wanted)
            return wanted
        while f"a{self.next_id}" in self.taken_ids:
            self.next_id += 1
        self.taken_ids.add(f"a{self.next_id}")
        return f"a{self.next_id}"

    def tier_attrs(self, name: str, coder: str, renamed: bool) -> dict[str, str]:
        stored = self.meta.get("tiers", {}).get(name)
        tier = self.data.scheme.tier(name) or Tier(name=name, open=True)
        if stored is not None:
            attrs = dict(stored)
        else:
            attrs = {"LINGUISTIC_TYPE_REF": self.generated_type(tier)}
            if tier.role:
                attrs["PARTICIPANT"] = tier.role
            if tier.parent:
                attrs["PARENT_REF"] = tier.parent
        if coder and (renamed or stored is None):
            attrs["ANNOTATOR"] = coder
        return attrs

    def alignable(self, type_id: str) -> bool:
        return self.types.get(type_id, XmlNode("")).attrs.get("TIME_ALIGNABLE", "true") != "false"

    def plan(self) -> list[tuple[str, str, str, list[int]]]:
        """(tier id, scheme tier, coder, indices of its annotations) in output order.

        A tier holding several coders' annotations is written once per coder, as 'tier [coder]'.
        """
        by_tier: dict[tuple[str, str], list[int]] = defaultdict(list)
        coders_of: dict[str, list[str]] = defaultdict(list)
        for index, a in enumerate(self.data.annotations):
            if (a.tier, a.coder) not in by_tier:
                coders_of[a.tier].append(a.coder)
            by_tier[(a.tier, a.coder)].append(index)
        names = [t.name for t in self.data.scheme.tiers]
        names += [t for t in self.meta.get("tiers", {}) if t not in names]
        names += [a.tier for a in self.data.annotations if a.tier not in names]
        plan = []
        for name in dict.fromkeys(names):
            coders = coders_of.get(name, [])
            if len(coders) <= 1:
                coder = coders[0] if coders else ""
                plan.append((name, name, coder, by_tier.get((name, coder), [])))
                continue
            for coder in coders:
                plan.append((f"{name} [{coder}]", name, coder, by_tier[(name, coder)]))
        return plan

    def build_tiers(self) -> None:
        plan = self.plan()
        imported = [a.attr("eaf.id") for a in self.data.annotations if a.attr("eaf.id")]
        self.next_id = max([0, *(number_of(i) for i in imported)]) + 1
        orphans = [(str(s), v) for s, v in self.meta.get("orphan_slots", [])]
        self.layout.reserve([s for s, _ in orphans])
        self.layout.reserve(
            [s for a in self.data.annotations for s in (a.attr("eaf.ts1"), a.attr("eaf.ts2")) if s]
        )
        for _, _, _, indices in plan:  # imported ids first, so references keep pointing right
            for index in indices:
                wanted = self.data.annotations[index].attr("eaf.id")
                if wanted and wanted not in self.taken_ids:
                    self.out_ids[index] = self.annotation_id(wanted)
        for index in range(len(self.data.annotations)):
            self.out_ids.setdefault(index, self.annotation_id(""))
        tier_ids = {name: tier_id for tier_id, name, _, _ in plan}
        todo: dict[str, list[int]] = {}
        planned = {p[0] for p in plan}
        for tier_id, name, coder, indices in plan:
            renamed = tier_id != name
            attrs = self.tier_attrs(name, coder, renamed)
            parent = attrs.get("PARENT_REF", "")
            if parent and renamed and f"{parent} [{coder}]" in planned:
                attrs["PARENT_REF"] = f"{parent} [{coder}]"
            elif parent:
                attrs["PARENT_REF"] = tier_ids.get(parent, parent)
            tier = EafTier(
                id=tier_id,
                linguistic_type=attrs.get("LINGUISTIC_TYPE_REF", ""),
                participant=attrs.get("PARTICIPANT", ""),
                annotator=attrs.get("ANNOTATOR", ""),
                parent=attrs.get("PARENT_REF", ""),
                default_locale=attrs.get("DEFAULT_LOCALE", ""),
                lang_ref=attrs.get("LANG_REF", ""),
                ext_ref=attrs.get("EXT_REF", ""),
            )
            self.tiers.append(tier)
            todo[tier.id] = indices
        # Parents first, so a reference annotation without a stored reference finds its parent.
        for tier in tiers_parents_first(self.tiers):
            self.fill(tier, todo[tier.id])
        for slot, ms in orphans:
            self.layout.keep(slot, None if ms is None else int(ms))
        self.side_tiers()

    def fill(self, tier: EafTier, indices: list[int]) -> None:
        alignable = self.alignable(tier.linguistic_type)
        parents = (
            [
                (self.data.annotations[i], self.out_ids[i])
                for t in self.tiers
                if t.id == tier.parent
                for i in self.indices_of(t)
            ]
            if not alignable
            else []
        )
        written = set(self.out_ids.values())
        for index in indices:
            a = self.data.annotations[index]
            written_a = EafAnnotation(
                id=self.out_ids[index],
                value=a.code,
                ext_ref=a.attr("eaf.ext_ref"),
                lang_ref=a.attr("eaf.lang_ref"),
                cve_ref=a.attr("eaf.cve_ref"),
                svg_ref=a.attr("eaf.svg_ref"),
            )
            tier.annotations.append(written_a)
            if alignable:
                unaligned = a.attr("eaf.unaligned")
                written_a.ts1 = self.layout.slot(
                    a.attr("eaf.ts1"), round(a.start_s * 1000), unaligned not in ("start", "both")
                )
                written_a.ts2 = self.layout.slot(
                    a.attr("eaf.ts2"), round(a.end_s * 1000), unaligned not in ("end", "both")
                )
                continue
            stored_ref = a.attr("eaf.ref")
            written_a.ref = (
                stored_ref if stored_ref in written else self.parent_of(a, parents, tier)
            )
            written_a.previous = a.attr("eaf.prev") if a.attr("eaf.prev") in written else ""

    def indices_of(self, tier: EafTier) -> list[int]:
        ids = {a.id for a in tier.annotations}
        return [i for i, written in self.out_ids.items() if written in ids]

    def parent_of(self, a: Annotation, parents: list[tuple[Annotation, str]], tier: EafTier) -> str:
        for parent, parent_id in parents:
            if parent.start_s - 1e-6 <= a.start_s and a.end_s <= parent.end_s + 1e-6:
                return parent_id
        raise InterchangeError(
            f"tier '{tier.id}' refers to its parent, but no annotation of '{tier.parent}' spans "
            f"{a.start_s:.3f}-{a.end_s:.3f} s for '{a.code}'"
        )

    def side_tiers(self) -> None:
        """Add ':value' and ':note' child tiers, each right after its parent tier."""
        names = {t.id for t in self.tiers}
        ordered: list[EafTier] = []
        for tier in self.tiers:
            ordered.append(tier)
            for kind, type_id in zip(("value", "note"), self.side_types, strict=True):
                carried = [
                    (i, getattr(self.data.annotations[i], kind)) for i in self.indices_of(tier)
                ]
                carried = [(i, text) for i, text in carried if text]
                if carried:
                    ordered.append(self.side_tier(tier, kind, type_id, carried, names))
        self.tiers = ordered

    def side_tier(
        self,
        tier: EafTier,
        kind: str,
        type_id: str,
        carried: list[tuple[int, str]],
        names: set[str],
    ) -> EafTier:
        self.ensure(
            "CONSTRAINT",
            "STEREOTYPE",
            "Symbolic_Association",
            {"DESCRIPTION": _CONSTRAINTS["Symbolic_Association"]},
        )
        self.ensure(
            "LINGUISTIC_TYPE",
            "LINGUISTIC_TYPE_ID",
            type_id,
            {
                "CONSTRAINTS": "Symbolic_Association",
                "GRAPHIC_REFERENCES": "false",
                "TIME_ALIGNABLE": "false",
            },
        )
        side = EafTier(
            id=_unique(f"{tier.id}:{kind}", names),
            linguistic_type=type_id,
            participant=tier.participant,
            annotator=tier.annotator,
            parent=tier.id,
        )
        side.annotations = [
            EafAnnotation(id=self.annotation_id(""), value=text, ref=self.out_ids[i])
            for i, text in carried
        ]
        return side

    def header(self, scheme_property: str) -> XmlNode:
        stored = self.meta.get("header")
        header = (
            XmlNode.from_plain(stored)
            if stored
            else XmlNode("HEADER", {"MEDIA_FILE": "", "TIME_UNITS": "milliseconds"})
        )
        header.children = [_media_node(m) for m in self.data.media] + header.children
        if not self.meta:
            header.children.append(
                XmlNode("PROPERTY", {"NAME": scheme_property}, self.data.scheme.to_json())
            )
        numbers = [number_of(a.id) for t in self.tiers for a in t.annotations]
        header.children.append(
            XmlNode("PROPERTY", {"NAME": "lastUsedAnnotationId"}, str(max([0, *numbers])))
        )
        return header


def build(
    data: CodingData, when: dt.datetime, scheme_property: str, side_types: tuple[str, str]
) -> EafDocument:
    """The ELAN document for `data` (see annotate.interchange.eaf)."""
    meta = data.scheme.meta.get("eaf")
    builder = _Builder(data, meta, side_types)
    if not meta:
        for stereotype, description in _CONSTRAINTS.items():
            builder.ensure("CONSTRAINT", "STEREOTYPE", stereotype, {"DESCRIPTION": description})
    builder.build_tiers()
    attrs = (
        dict(meta["attrs"])
        if meta
        else {
            "AUTHOR": "",
            "DATE": when.isoformat(timespec="seconds"),
            "FORMAT": "3.0",
            "VERSION": "3.0",
            "xmlns:xsi": _XSI,
            "xsi:noNamespaceSchemaLocation": "http://www.mpi.nl/tools/elan/EAFv3.0.xsd",
        }
    )
    return EafDocument(
        attrs=attrs,
        before=[XmlNode.from_plain(n) for n in (meta or {}).get("before", [])],
        header=builder.header(scheme_property),
        time_slots=builder.layout.time_order(),
        tiers=builder.tiers,
        after=builder.after,
    )
