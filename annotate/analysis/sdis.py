"""Sequences written in SDIS, the Sequential Data Interchange Standard that GSEQ reads (Bakeman &
Quera, *Analyzing Interaction: Sequential Analysis with SDIS and GSEQ*, 1995).

Event data: the first line declares the type and every code, ending with `;`; then one session per
clip, `<label>` and its codes in order, ending with `/`:

    Event
    mother_touches infant_smile ;
    <d01_pre> mother_touches infant_smile mother_touches /

SDIS codes are names (letters, digits and underscores, starting with a letter), so each label is
turned into one (`mother:touches` -> `mother_touches`; two labels that would clash get `_2`, ...);
`sdis_codes` gives the mapping, which the report lists.
"""

from __future__ import annotations

import re
from collections.abc import Sequence


def _name(label: str) -> str:
    name = re.sub(r"[^0-9A-Za-z]+", "_", label).strip("_") or "code"
    return name if name[0].isalpha() else f"c_{name}"


def sdis_codes(labels: Sequence[str]) -> dict[str, str]:
    """Each label's SDIS code, unique, in the order given."""
    codes: dict[str, str] = {}
    used: set[str] = set()
    for label in dict.fromkeys(labels):
        name, n = _name(label), 1
        while name.lower() in used:
            n += 1
            name = f"{_name(label)}_{n}"
        codes[label] = name
        used.add(name.lower())
    return codes


def session_label(text: str) -> str:
    """A session label of letters, digits, `_`, `-` and `.` only (no SDIS delimiter)."""
    return re.sub(r"[^0-9A-Za-z_.-]+", "_", text).strip("_") or "session"


def write_sdis(sessions: Sequence[tuple[str, Sequence[str]]], labels: Sequence[str]) -> str:
    """SDIS event data: (session label, codes in order) per session; `labels` are every code,
    declared in this order. Sessions without events are left out (the report lists them)."""
    codes = sdis_codes(labels)
    lines = ["Event", " ".join(codes.values()) + " ;"]
    for label, sequence in sessions:
        if not sequence:
            continue
        body = " ".join(codes[c] for c in sequence)
        lines.append(f"<{session_label(label)}> {body} /")
    return "\n".join(lines) + "\n"
