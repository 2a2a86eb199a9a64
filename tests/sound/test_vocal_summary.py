"""summary.json's vocal figures through one typed record: written as before (same keys, order
and numbers), read back the same, an older file's missing figures None, and a wrong one
refused in one line naming the file."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from annotate.errors import AnnotateError, OutputError
from annotate.extract.summary import ClipSummary
from annotate.sound.summary import (
    DISABLED,
    NONE,
    READ,
    SOUND_STATUSES,
    UNREADABLE,
    LatencyFigures,
    VocalSummary,
)

# the vocal part `annotate extract sample_clips/dyad_play.mp4` writes (cry_s 0 is an int there)
VOCAL: dict[str, Any] = {
    "sound": "read",
    "analysed_s": 16.0,
    "frame_s": 0.016,
    "voiced_share": 0.718,
    "faces_used": ["infant", "mother"],
    "roles": {
        "infant": {
            "vocalisations": 3,
            "vocalisation_s": 2.624,
            "cries": 0,
            "cry_s": 0,
            "vocal_share": 0.164,
            "mean_vocalisation_s": 0.875,
        },
        "mother": {
            "vocalisations": 4,
            "vocalisation_s": 9.712,
            "cries": 0,
            "cry_s": 0,
            "vocal_share": 0.607,
            "mean_vocalisation_s": 2.428,
        },
    },
    "dyad": {
        "turns": 5,
        "turn_switches": 4,
        "switching_pause": {"n": 3, "median_s": 0.496, "mean_s": 0.565},
        "overlaps": 1,
        "overlap_s": 0.848,
        "mother_response_latency": {"n": 3, "median_s": 0.784, "mean_s": 1.003},
        "infant_response_latency": {"n": 2, "median_s": -0.176, "mean_s": -0.176},
        "infant_vocalisations_answered_share": 1.0,
        "response_window_s": 2.0,
    },
    "singing_hints": 1,
    "singing_hint_s": 4.992,
}


def test_the_vocal_figures_read_back_into_the_same_document() -> None:
    vocal = VocalSummary.from_dict(VOCAL)
    assert vocal.read and vocal.faces_used == ("infant", "mother")
    assert vocal.roles["mother"].vocalisations == 4 and vocal.roles["infant"].cry_s == 0
    assert vocal.dyad.mother_response_latency == LatencyFigures(3, 0.784, 1.003)
    assert json.dumps(vocal.to_dict()) == json.dumps(VOCAL)  # same keys, order and numbers


def test_a_clip_summary_holds_the_typed_vocal_figures(tmp_path: Path) -> None:
    path = tmp_path / "summary.json"
    document = {"sample_fps": 10.0, "frames_analysed": 0, "roles": {}, "vocal": VOCAL}
    path.write_text(json.dumps(document, indent=2))
    summary = ClipSummary.from_json(path)
    assert isinstance(summary.vocal, VocalSummary)
    assert summary.vocal.dyad.turns == 5
    assert json.dumps(summary.to_json(), indent=2) == path.read_text()


@pytest.mark.parametrize("status", [NONE, UNREADABLE, DISABLED])
def test_a_clip_whose_sound_was_not_read_keeps_only_its_status(status: str) -> None:
    assert status in SOUND_STATUSES
    vocal = VocalSummary(sound=status)
    assert not vocal.read and vocal.to_dict() == {"sound": status}
    assert VocalSummary.from_dict({"sound": status}) == vocal


def test_an_older_file_without_vocal_figures_reads_them_as_none() -> None:
    vocal = VocalSummary.from_dict({"sound": READ, "voiced_share": 0.5})
    assert vocal.voiced_share == 0.5 and vocal.roles == {} and vocal.faces_used == ()
    assert vocal.singing_hints is None and vocal.analysed_s is None
    assert vocal.dyad.turns is None and vocal.dyad.switching_pause.n is None
    older = copy.deepcopy(VOCAL)
    del older["roles"]["infant"]["mean_vocalisation_s"], older["dyad"]["infant_response_latency"]
    del older["singing_hint_s"]
    vocal = VocalSummary.from_dict(older)
    assert vocal.roles["infant"].mean_vocalisation_s is None
    assert vocal.dyad.infant_response_latency == LatencyFigures()
    assert vocal.singing_hint_s is None and vocal.singing_hints == 1
    assert VocalSummary.from_dict({}).sound == ""  # a file that does not say


def _with(path: tuple[str, ...], value: object) -> dict[str, Any]:
    document = copy.deepcopy(VOCAL)
    part = document
    for key in path[:-1]:
        part = part[key]
    part[path[-1]] = value
    return document


@pytest.mark.parametrize(
    ("where", "value", "message"),
    [
        (("sound",), 3, "vocal sound is not a text"),
        (("voiced_share",), "most", "vocal voiced_share is not a number"),
        (("singing_hints",), True, "vocal singing_hints is not a number"),
        (("singing_hints",), 1.5, "vocal singing_hints is not a whole number"),
        (("faces_used",), "mother", "vocal faces_used is not a list of roles"),
        (("roles",), [], "vocal roles is not an object"),
        (("roles", "infant"), 3, "vocal roles.infant is not an object"),
        (("roles", "infant", "cries"), "one", "vocal roles.infant.cries is not a number"),
        (("dyad",), "none", "vocal dyad is not an object"),
        (("dyad", "overlap_s"), [1], "vocal dyad.overlap_s is not a number"),
        (
            ("dyad", "mother_response_latency", "n"),
            2.5,
            "vocal dyad.mother_response_latency.n is not a whole number",
        ),
    ],
)
def test_a_wrong_vocal_figure_is_refused_in_one_line_naming_the_file(
    tmp_path: Path, where: tuple[str, ...], value: object, message: str
) -> None:
    path = tmp_path / "summary.json"
    path.write_text(json.dumps({"roles": {}, "vocal": _with(where, value)}))
    with pytest.raises(OutputError, match=message) as caught:
        ClipSummary.from_json(path)
    assert isinstance(caught.value, AnnotateError)
    assert str(caught.value).startswith(f"{path}: summary.json's ")
    assert "\n" not in str(caught.value)
    with pytest.raises(OutputError, match=message) as direct:
        VocalSummary.from_dict(_with(where, value), path)
    assert str(direct.value).startswith(f"{path}: ")


def test_a_vocal_part_that_is_not_an_object_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "summary.json"
    with pytest.raises(OutputError, match="vocal is not an object") as caught:
        VocalSummary.from_dict(["read"], path)  # type: ignore[arg-type]
    assert str(caught.value).startswith(f"{path}: ")
