"""The automatic vocal episodes as RTTM speakers, with VTC's labels, so that the extraction's
voices sit beside a VTC run in the same tools (and `annotate agreement` compares the two).

Labels, VTC's classes (annotate.interchange.rttm reads them back to the same roles):

- mother -> FEM; infant -> KCHI (its cries too: VTC counts a cry as the key child's voice);
- other_adult -> MAL: the extraction does not tell an adult's sex, and a second adult in these
  recordings is most often the father or a male visitor (VTC's MAL reads back as other_adult);
- SPEECH: anyone's voice, the union of all of the above and of voices whose speaker is unknown,
  as VTC writes it.

Overlaps, responses and singing hints are not voices of their own and are not written.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from annotate import columns as C
from annotate.coding.records import Annotation, CodingData, MediaRef, make_attrs
from annotate.interchange.rttm import VOCALISATION_CODE, rttm_scheme
from annotate.timeline.episodes import Episode

ROLE_LABELS = {"mother": "FEM", "infant": "KCHI", "other_adult": "MAL"}
SPEECH = "SPEECH"
SPEAKER_KINDS = (C.VOCALISATION, C.CRY)
TOOL = "annotate"


def _union(spans: list[tuple[float, float]]) -> list[tuple[float, float]]:
    merged: list[tuple[float, float]] = []
    for a, b in sorted(spans):
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


def vocal_rttm_data(episodes: Iterable[Episode], file_id: str) -> CodingData:
    """The vocalisations and cries as coding records whose tiers are VTC labels (see the module
    docstring), the file id as each record's part; ready for annotate.interchange.rttm."""
    voices = [e for e in episodes if e.kind in SPEAKER_KINDS and e.end_s > e.start_s]
    spans: list[tuple[str, float, float]] = [
        (ROLE_LABELS[e.role], e.start_s, e.end_s) for e in voices if e.role in ROLE_LABELS
    ]
    spans += [(SPEECH, a, b) for a, b in _union([(e.start_s, e.end_s) for e in voices])]
    attrs = make_attrs({"part": file_id, "channel": "1"})
    annotations = tuple(
        Annotation("", TOOL, label, VOCALISATION_CODE, round(a, 3), round(b, 3), attrs=attrs)
        for label, a, b in sorted(spans, key=lambda s: (s[1], s[0], s[2]))
    )
    return CodingData(
        rttm_scheme(list(annotations), Path(f"{file_id}.rttm")),
        annotations,
        (MediaRef(url=file_id),),
        source=f"{file_id} (automatic vocal episodes)",
    )
