"""Builders for the interchange tests: the real files from other projects, and a small scheme."""

from __future__ import annotations

from pathlib import Path

from annotate.coding.records import Annotation, CodingData, MediaRef
from annotate.coding.schemes import POINT, STATE, Code, ModifierSet, Scheme, Tier

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / ".." / "shared" / "fixtures"
ELAN_FILES = sorted((FIXTURES / "elan").glob("*.eaf*"))
BORIS = FIXTURES / "boris"

assert FIXTURES.is_dir(), f"the shared test fixtures are missing at {FIXTURES}"


def small_scheme() -> Scheme:
    """Two tiers: an exclusive gaze tier of states, a mother tier with a point and modifiers."""
    return Scheme(
        name="small",
        version="1",
        tiers=(
            Tier(
                "gaze",
                role="infant",
                codes=(
                    Code("at_mother", STATE, key="1", colour="#00ff00"),
                    Code("away", STATE, key="2"),
                ),
            ),
            Tier(
                "mother",
                role="mother",
                exclusive=False,
                codes=(
                    Code("talks", STATE, key="t", label="Talks to infant"),
                    Code("kisses", POINT, key="k"),
                    Code(
                        "touches",
                        STATE,
                        key="o",
                        modifiers=(ModifierSet("quality", ("gentle", "firm")),),
                    ),
                ),
            ),
        ),
    )


def small_data(coder: str = "ana") -> CodingData:
    """A few annotations on `small_scheme`, with a value, a note and a point event."""
    scheme = small_scheme()
    rows = [
        ("gaze", "at_mother", 0.5, 2.25, "", ""),
        ("gaze", "away", 2.25, 3.0, "", "turns to the window"),
        ("mother", "talks", 0.0, 4.5, "", ""),
        ("mother", "kisses", 1.75, 1.75, "", ""),
        ("mother", "touches", 3.0, 3.5, "gentle", ""),
    ]
    annotations = tuple(
        Annotation("", coder, tier, code, start, end, value, note, scheme=scheme.id)
        for tier, code, start, end, value, note in rows
    )
    media = (
        MediaRef(url="file:///data/clip01.mp4", relative_url="./clip01.mp4", mime_type="video/mp4"),
    )
    return CodingData(scheme, annotations, media)
