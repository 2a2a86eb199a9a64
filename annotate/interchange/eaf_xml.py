"""ELAN .eaf files as a document model: parse and write, keeping everything.

The parts the coding records need are typed: time slots (aligned or not), tiers and their
alignable and reference annotations. Everything else (license, header with media descriptors and
properties, linguistic types, locales, languages, constraints, controlled vocabularies, lexicon
and external references) is kept as generic `XmlNode`s in file order, so writing a parsed
document gives back every element and attribute. Files may be gzipped (.eaf.gz). Errors name the
file and the line of the element at fault.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.parsers import expat

from annotate import budgets
from annotate.errors import InterchangeError
from annotate.io.file_bytes import read_limited

_TIER_ATTRS = {
    "TIER_ID": "id",
    "LINGUISTIC_TYPE_REF": "linguistic_type",
    "PARTICIPANT": "participant",
    "ANNOTATOR": "annotator",
    "PARENT_REF": "parent",
    "DEFAULT_LOCALE": "default_locale",
    "LANG_REF": "lang_ref",
    "EXT_REF": "ext_ref",
}
_ANNOTATION_ATTRS = {
    "ANNOTATION_ID": "id",
    "TIME_SLOT_REF1": "ts1",
    "TIME_SLOT_REF2": "ts2",
    "ANNOTATION_REF": "ref",
    "PREVIOUS_ANNOTATION": "previous",
    "EXT_REF": "ext_ref",
    "LANG_REF": "lang_ref",
    "CVE_REF": "cve_ref",
    "SVG_REF": "svg_ref",
}


@dataclass
class XmlNode:
    """An element kept as it was: tag, attributes (in order), text, children, tail-free."""

    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    text: str | None = None
    children: list[XmlNode] = field(default_factory=list)

    def to_plain(self) -> dict[str, Any]:
        """A JSON-safe dict (for keeping a node inside a scheme's meta)."""
        return {
            "tag": self.tag,
            "attrs": dict(self.attrs),
            "text": self.text,
            "children": [c.to_plain() for c in self.children],
        }

    @classmethod
    def from_plain(cls, data: dict[str, Any]) -> XmlNode:
        """The inverse of `to_plain`."""
        return cls(
            tag=str(data["tag"]),
            attrs={str(k): str(v) for k, v in data.get("attrs", {}).items()},
            text=data.get("text"),
            children=[cls.from_plain(c) for c in data.get("children", ())],
        )

    def find_all(self, tag: str) -> list[XmlNode]:
        """Direct children with this tag."""
        return [c for c in self.children if c.tag == tag]


@dataclass
class EafAnnotation:
    """An annotation of a tier: alignable (ts1, ts2) or reference (ref, previous)."""

    id: str
    value: str = ""
    ts1: str = ""
    ts2: str = ""
    ref: str = ""
    previous: str = ""
    ext_ref: str = ""
    lang_ref: str = ""
    cve_ref: str = ""
    svg_ref: str = ""
    line: int = field(default=0, compare=False)

    @property
    def alignable(self) -> bool:
        """True for an ALIGNABLE_ANNOTATION, False for a REF_ANNOTATION."""
        return not self.ref


@dataclass
class EafTier:
    """A tier and its annotations."""

    id: str
    linguistic_type: str = ""
    participant: str = ""
    annotator: str = ""
    parent: str = ""
    default_locale: str = ""
    lang_ref: str = ""
    ext_ref: str = ""
    annotations: list[EafAnnotation] = field(default_factory=list)
    line: int = field(default=0, compare=False)

    def attrs(self) -> dict[str, str]:
        """The tier's XML attributes (only those set)."""
        return {
            xml: getattr(self, name) for xml, name in _TIER_ATTRS.items() if getattr(self, name)
        }


@dataclass
class EafDocument:
    """A whole .eaf file.

    Attributes:
        attrs: ANNOTATION_DOCUMENT's attributes (AUTHOR, DATE, FORMAT, VERSION, ...).
        before: elements before the header (LICENSE).
        header: the HEADER element (media descriptors, linked files, properties).
        time_slots: (slot id, milliseconds or None for an unaligned slot), in TIME_ORDER.
        tiers: the tiers in file order.
        after: the elements after the tiers, in file order (LINGUISTIC_TYPE, LOCALE, LANGUAGE,
            CONSTRAINT, CONTROLLED_VOCABULARY, LEXICON_REF, EXTERNAL_REF, REF_LINK_SET).
        lines: line of each time slot id, for error messages.
    """

    attrs: dict[str, str] = field(default_factory=dict)
    before: list[XmlNode] = field(default_factory=list)
    header: XmlNode = field(default_factory=lambda: XmlNode("HEADER"))
    time_slots: list[tuple[str, int | None]] = field(default_factory=list)
    tiers: list[EafTier] = field(default_factory=list)
    after: list[XmlNode] = field(default_factory=list)
    lines: dict[str, int] = field(default_factory=dict, compare=False)

    def elements(self, tag: str) -> list[XmlNode]:
        """Elements after the tiers with this tag (e.g. 'LINGUISTIC_TYPE')."""
        return [n for n in self.after if n.tag == tag]


class _TooDeepError(Exception):
    """Elements nested deeper than budgets.XML_MAX_DEPTH (raised inside expat's callback)."""

    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


class _Builder:
    """Builds XmlNodes from expat events, remembering each element's line."""

    def __init__(self, parser: Any) -> None:
        self.parser = parser
        self.stack: list[XmlNode] = []
        self.root: XmlNode | None = None
        self.lines: dict[int, int] = {}
        self.text: list[str] = []

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        self.flush()
        if len(self.stack) >= budgets.XML_MAX_DEPTH:
            raise _TooDeepError(self.parser.CurrentLineNumber)
        node = XmlNode(tag, dict(attrs))
        self.lines[id(node)] = self.parser.CurrentLineNumber
        if self.stack:
            self.stack[-1].children.append(node)
        else:
            self.root = node
        self.stack.append(node)

    def end(self, _tag: str) -> None:
        self.flush()
        self.stack.pop()

    def data(self, text: str) -> None:
        self.text.append(text)

    def flush(self) -> None:
        node = self.stack[-1] if self.stack else None
        # Text after a child element is layout (EAF has no mixed content); before it, it is kept
        # and cleared later if the element turns out to have children.
        if self.text and node is not None and not node.children:
            node.text = (node.text or "") + "".join(self.text)
        self.text = []


def _read_bytes(path: Path) -> bytes:
    """The document's bytes, inflated when gzipped, within budgets.EAF_MAX_BYTES."""
    return read_limited(path, budgets.EAF_MAX_BYTES, InterchangeError, gunzip=True)


def _parse_tree(data: bytes, path: Path) -> tuple[XmlNode, dict[int, int]]:
    parser = expat.ParserCreate()
    builder = _Builder(parser)
    parser.buffer_text = True
    parser.StartElementHandler = builder.start
    parser.EndElementHandler = builder.end
    parser.CharacterDataHandler = builder.data
    parser.ordered_attributes = False
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise InterchangeError(
            f"line {exc.lineno}, column {exc.offset + 1}: not well-formed XML "
            f"({expat.ErrorString(exc.code)})",
            path,
        ) from None
    except _TooDeepError as exc:
        raise InterchangeError(
            f"line {exc.line}: elements nested deeper than {budgets.XML_MAX_DEPTH} levels "
            "(an ELAN file nests about 6)",
            path,
        ) from None
    if builder.root is None:
        raise InterchangeError("holds no XML element", path)
    _strip_layout(builder.root)
    return builder.root, builder.lines


def _strip_layout(node: XmlNode) -> None:
    # Whitespace inside an element with children is indentation; leaves keep their text verbatim.
    if node.children and node.text is not None and not node.text.strip():
        node.text = None
    for child in node.children:
        _strip_layout(child)


def _annotation(node: XmlNode, line: int, path: Path) -> EafAnnotation:
    inner = node.children[0] if node.children else None
    if inner is None or inner.tag not in ("ALIGNABLE_ANNOTATION", "REF_ANNOTATION"):
        raise InterchangeError(
            f"line {line}: ANNOTATION holds no ALIGNABLE_ or REF_ANNOTATION", path
        )
    values = {name: inner.attrs.get(xml, "") for xml, name in _ANNOTATION_ATTRS.items()}
    value_nodes = inner.find_all("ANNOTATION_VALUE")
    annotation = EafAnnotation(id="", line=line)
    for name, value in values.items():
        setattr(annotation, name, value)
    annotation.value = (value_nodes[0].text or "") if value_nodes else ""
    if not annotation.id:
        raise InterchangeError(f"line {line}: {inner.tag} has no ANNOTATION_ID", path)
    if inner.tag == "ALIGNABLE_ANNOTATION" and not (annotation.ts1 and annotation.ts2):
        raise InterchangeError(
            f"line {line}: ALIGNABLE_ANNOTATION {annotation.id} lacks a time slot ref", path
        )
    if inner.tag == "ALIGNABLE_ANNOTATION" and annotation.ref:
        raise InterchangeError(
            f"line {line}: ALIGNABLE_ANNOTATION {annotation.id} has an ANNOTATION_REF "
            f"('{annotation.ref}'), which only a REF_ANNOTATION may have",
            path,
        )
    if inner.tag == "REF_ANNOTATION" and (annotation.ts1 or annotation.ts2):
        raise InterchangeError(
            f"line {line}: REF_ANNOTATION {annotation.id} has a time slot ref, which only an "
            "ALIGNABLE_ANNOTATION may have",
            path,
        )
    if inner.tag == "REF_ANNOTATION" and not annotation.ref:
        raise InterchangeError(
            f"line {line}: REF_ANNOTATION {annotation.id} has no ANNOTATION_REF", path
        )
    return annotation


def _tier(node: XmlNode, lines: dict[int, int], path: Path) -> EafTier:
    line = lines.get(id(node), 0)
    values = {name: node.attrs.get(xml, "") for xml, name in _TIER_ATTRS.items()}
    tier = EafTier(id="", line=line)
    for name, value in values.items():
        setattr(tier, name, value)
    if not tier.id:
        raise InterchangeError(f"line {line}: TIER has no TIER_ID", path)
    for child in node.find_all("ANNOTATION"):
        inner_line = (
            lines.get(id(child.children[0]), 0) if child.children else lines.get(id(child), 0)
        )
        tier.annotations.append(_annotation(child, inner_line, path))
    return tier


def _time_slots(node: XmlNode, lines: dict[int, int], doc: EafDocument, path: Path) -> None:
    for slot in node.find_all("TIME_SLOT"):
        line = lines.get(id(slot), 0)
        slot_id = slot.attrs.get("TIME_SLOT_ID", "")
        raw = slot.attrs.get("TIME_VALUE")
        if not slot_id:
            raise InterchangeError(f"line {line}: TIME_SLOT has no TIME_SLOT_ID", path)
        if slot_id in doc.lines:
            raise InterchangeError(f"line {line}: time slot {slot_id} defined twice", path)
        try:
            value = None if raw is None else int(raw)
        except ValueError:
            raise InterchangeError(
                f"line {line}: time slot {slot_id}: TIME_VALUE '{raw}' is not whole milliseconds",
                path,
            ) from None
        if value is not None and value < 0:
            raise InterchangeError(
                f"line {line}: time slot {slot_id} is negative ({value} ms)", path
            )
        doc.time_slots.append((slot_id, value))
        doc.lines[slot_id] = line


def time_origin_ms(text: str) -> float:
    """A MEDIA_DESCRIPTOR's TIME_ORIGIN in milliseconds ('' is 0).

    Raises:
        ValueError: not a finite number of 0 or more milliseconds.
    """
    if not text:
        return 0.0
    value = float(text) if "_" not in text else math.nan
    if not math.isfinite(value) or value < 0:
        raise ValueError(text)
    return value


def _check_time_origins(header: XmlNode, lines: dict[int, int], path: Path) -> None:
    for node in header.find_all("MEDIA_DESCRIPTOR"):
        origin = node.attrs.get("TIME_ORIGIN", "")
        try:
            time_origin_ms(origin)
        except ValueError:
            raise InterchangeError(
                f"line {lines.get(id(node), 0)}: MEDIA_DESCRIPTOR TIME_ORIGIN '{origin}' is not "
                "a number of 0 or more milliseconds",
                path,
            ) from None


def parse_eaf(path: Path | str) -> EafDocument:
    """Read an .eaf (or gzipped .eaf.gz) file.

    Raises:
        InterchangeError: unreadable, not XML, not an ELAN document, or with broken references
            (unknown time slot or annotation); the message gives the line.
    """
    path = Path(path)
    root, lines = _parse_tree(_read_bytes(path), path)
    if root.tag != "ANNOTATION_DOCUMENT":
        raise InterchangeError(f"line 1: root element is {root.tag}, not ANNOTATION_DOCUMENT", path)
    units = next((c.attrs.get("TIME_UNITS") for c in root.find_all("HEADER")), None)
    if units not in (None, "milliseconds"):
        raise InterchangeError(
            f"HEADER: TIME_UNITS '{units}' is not supported (milliseconds only)", path
        )
    doc = EafDocument(attrs=dict(root.attrs))
    seen_header = seen_tiers = False
    for child in root.children:
        if child.tag == "HEADER":
            _check_time_origins(child, lines, path)
            doc.header, seen_header = child, True
        elif child.tag == "TIME_ORDER":
            _time_slots(child, lines, doc, path)
        elif child.tag == "TIER":
            tier = _tier(child, lines, path)
            first = next((t for t in doc.tiers if t.id == tier.id), None)
            if first is not None:
                raise InterchangeError(
                    f"line {tier.line}: tier id '{tier.id}' used twice (first on line "
                    f"{first.line}); ELAN tier ids are unique",
                    path,
                )
            doc.tiers.append(tier)
            seen_tiers = True
        elif not seen_header and not seen_tiers:
            doc.before.append(child)
        else:
            doc.after.append(child)
    check_references(doc, path)
    return doc


def check_references(doc: EafDocument, path: Path | str) -> None:
    """Refuse time slot, annotation and parent-tier references that point nowhere.

    Raises:
        InterchangeError: naming the line of the annotation or tier at fault.
    """
    slots = {slot_id for slot_id, _ in doc.time_slots}
    ids: set[str] = set()
    for tier in doc.tiers:
        for a in tier.annotations:
            if a.id in ids:
                raise InterchangeError(f"line {a.line}: annotation id {a.id} used twice", path)
            ids.add(a.id)
    tier_ids = {t.id for t in doc.tiers}
    for tier in doc.tiers:
        if tier.parent and tier.parent not in tier_ids:
            raise InterchangeError(
                f"line {tier.line}: tier '{tier.id}' has unknown parent '{tier.parent}'", path
            )
        for a in tier.annotations:
            for slot in (a.ts1, a.ts2):
                if slot and slot not in slots:
                    raise InterchangeError(
                        f"line {a.line}: annotation {a.id} refers to unknown time slot {slot}", path
                    )
            for ref in (a.ref, a.previous):
                if ref and ref not in ids:
                    raise InterchangeError(
                        f"line {a.line}: annotation {a.id} refers to unknown annotation {ref}", path
                    )
    _check_no_cycles(doc, path)


def _check_no_cycles(doc: EafDocument, path: Path | str) -> None:
    """Refuse a tier that is its own ancestor, and a reference annotation that refers (through
    others) to itself: it would have no time. Walks each chain once, without recursion."""
    parents = {t.id: t.parent for t in doc.tiers}
    for tier in doc.tiers:
        seen, current = {tier.id}, tier.parent
        while current:
            if current in seen:
                raise InterchangeError(
                    f"line {tier.line}: tier '{tier.id}' is its own ancestor (through its "
                    f"PARENT_REF '{tier.parent}')",
                    path,
                )
            seen.add(current)
            current = parents.get(current, "")
    refs = {a.id: a for t in doc.tiers for a in t.annotations}
    grounded: set[str] = set()  # ids whose chain ends at an alignable annotation
    for start in refs.values():
        chain: list[str] = []
        link = start
        while not link.alignable and link.id not in grounded:
            if link.id in chain:
                raise InterchangeError(
                    f"line {start.line}: REF_ANNOTATION {start.id} refers to itself through "
                    f"{len(chain) - chain.index(link.id)} annotation(s) (from "
                    f"{link.id}); a reference must end at an aligned annotation",
                    path,
                )
            chain.append(link.id)
            link = refs[link.ref]
        grounded.update(chain)


def _element(node: XmlNode) -> ET.Element:
    element = ET.Element(node.tag, node.attrs)
    element.text = node.text
    for child in node.children:
        element.append(_element(child))
    return element


def _annotation_element(a: EafAnnotation) -> ET.Element:
    wrapper = ET.Element("ANNOTATION")
    tag = "ALIGNABLE_ANNOTATION" if a.alignable else "REF_ANNOTATION"
    names = ["id", "ts1", "ts2"] if a.alignable else ["id", "ref", "previous"]
    names += ["ext_ref", "lang_ref", "cve_ref", "svg_ref"]
    xml_names = {v: k for k, v in _ANNOTATION_ATTRS.items()}
    attrs = {xml_names[n]: getattr(a, n) for n in names if getattr(a, n)}
    inner = ET.SubElement(wrapper, tag, attrs)
    ET.SubElement(inner, "ANNOTATION_VALUE").text = a.value
    return wrapper


def eaf_to_bytes(doc: EafDocument) -> bytes:
    """The document as indented UTF-8 XML with a declaration."""
    root = ET.Element("ANNOTATION_DOCUMENT", doc.attrs)
    for node in doc.before:
        root.append(_element(node))
    root.append(_element(doc.header))
    order = ET.SubElement(root, "TIME_ORDER")
    for slot_id, value in doc.time_slots:
        attrs = {"TIME_SLOT_ID": slot_id}
        if value is not None:
            attrs["TIME_VALUE"] = str(value)
        ET.SubElement(order, "TIME_SLOT", attrs)
    for tier in doc.tiers:
        element = ET.SubElement(root, "TIER", tier.attrs())
        for a in tier.annotations:
            element.append(_annotation_element(a))
    for node in doc.after:
        root.append(_element(node))
    ET.indent(root, space="    ")
    return ET.tostring(root, encoding="UTF-8", xml_declaration=True) + b"\n"
