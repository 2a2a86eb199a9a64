"""BORIS projects and BORIS's own exports, read from real files of the BORIS repository."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotate.coding.records import Annotation
from annotate.coding.validation import check_annotation
from annotate.errors import InterchangeError
from annotate.interchange.boris import NO_SUBJECT, clean_modifier, read_boris
from annotate.interchange.boris_tabular import read_boris_export

from .builders import BORIS


def _key(a: Annotation) -> tuple[object, ...]:
    return (a.tier, a.code, a.start_s, a.end_s, a.value, a.note, a.media)


def _part(part: str) -> list[Annotation]:
    data = read_boris(BORIS / "test.boris")
    return [a for a in data.annotations if a.attr("part") == part and a.tier != "attributes"]


def test_ethogram_becomes_a_scheme() -> None:
    scheme = read_boris(BORIS / "test.boris").scheme
    assert [t.name for t in scheme.tiers] == ["subject1", "subject2", NO_SUBJECT]
    codes = {c.name: c for c in scheme.tiers[0].codes}
    assert {n: c.type for n, c in codes.items()} == {
        "p": "point",
        "s": "state",
        "q": "point",
        "r": "state",
        "m": "state",
    }
    assert [m.values for m in codes["m"].modifiers] == [("m1", "m2", "m3"), ("n1", "n2", "n3")]
    assert codes["p"].key is None  # one key would mark the code on three tiers
    assert [(a.name, a.type, a.values) for a in scheme.attributes] == [
        ("a", "number", ()),
        ("b", "text", ()),
        ("c", "choice", ("111", "222", "333")),
    ]


@pytest.mark.parametrize(
    ("part", "expected"),
    [
        ("observation without events", []),
        (
            "observation #1",
            [
                ("subject1", "s", 3.3, 7.75),
                ("subject1", "s", 9.9, 16.2),
                ("subject1", "s", 18.35, 24.475),
                ("subject2", "s", 38.425, 46.1),
            ],
        ),
        (
            "modifiers",
            [
                (NO_SUBJECT, "q", 8.475, 8.475),
                (NO_SUBJECT, "q", 12.35, 12.35),
                (NO_SUBJECT, "q", 15.65, 15.65),
                (NO_SUBJECT, "r", 19.175, 27.95),
                (NO_SUBJECT, "r", 30.425, 40.825),
            ],
        ),
    ],
)
def test_events_pair_into_states_and_points(part: str, expected: list[tuple[object, ...]]) -> None:
    assert [(a.tier, a.code, a.start_s, a.end_s) for a in _part(part)] == expected


def test_modifiers_become_values() -> None:
    assert [a.value for a in _part("modifiers")] == ["m1", "m2", "m3", "m1", ""]


def test_unpaired_state_is_closed_and_reported() -> None:
    data = read_boris(BORIS / "test.boris")
    open_states = [a for a in data.annotations if a.attr("boris.unpaired")]
    assert [(a.attr("part"), a.code, a.start_s) for a in open_states] == [
        ("live not paired", "s", 26.862)
    ]
    assert len(data.warnings) == 1 and "never stopped" in data.warnings[0]


def test_media_files_played_one_after_another_get_time_origins() -> None:
    data = read_boris(BORIS / "test.boris")
    media = [m for m in data.media if m.part == "observation #2"]
    assert [(m.name, m.time_origin_s, m.duration_s) for m in media] == [
        ("video_test_25fps_180s.mp4", 0.0, 179.96),
        ("video_test_25fps_360s.mp4", -179.96, 359.96),
    ]
    late = [a for a in _part("observation #2") if a.start_s > 179.96]
    assert late and {a.media for a in late} == {"video_test_25fps_360s.mp4"}


def test_independent_variables_become_attribute_annotations() -> None:
    data = read_boris(BORIS / "test.boris")
    values = {
        a.code: a.value
        for a in data.annotations
        if a.attr("part") == "observation #1" and a.tier == "attributes"
    }
    assert values == {"a": "12", "b": "text value for b", "c": "111"}
    for a in data.annotations:
        if a.tier == "attributes":
            check_annotation(a.replace(coder="x"), data.scheme)


def test_tabular_export_gives_what_the_project_gives() -> None:
    export = read_boris_export(BORIS / "test_export_events_tabular.csv")
    assert sorted(map(_key, export.annotations)) == sorted(map(_key, _part("observation #1")))
    assert {a.attr("part") for a in export.annotations} == {"observation #1"}


def test_aggregated_export_gives_what_the_project_gives() -> None:
    export = read_boris_export(BORIS / "test_export_aggregated_events_test_full_1.tsv")
    assert sorted(map(_key, export.annotations)) == sorted(map(_key, _part("observation #2")))
    assert "one after another" in export.warnings[0]


def test_bare_media_names_read_like_full_paths() -> None:
    with_paths = read_boris(BORIS / "test.boris")
    bare = read_boris(BORIS / "test_without_media_files_paths.boris")
    names = {m.name for m in with_paths.media} | {"video1.mp4", "video2.mp4"}
    assert {m.name for m in bare.media} <= names
    same = [_key(a) for a in with_paths.annotations if a.attr("part") == "observation #2"]
    assert same == [_key(a) for a in bare.annotations if a.attr("part") == "observation #2"]


def test_modifiers_with_spaces_pipes_and_none_are_kept_as_written() -> None:
    data = read_boris(BORIS / "test_with_leading_trailing_spaces_in_modifiers.boris")
    assert [a.value for a in data.annotations] == ["a   |c ", "a   |None", "None|111", "None|c "]
    code = data.scheme.tiers[0].code("p")
    assert code is not None and [m.values for m in code.modifiers] == [
        ("a", "c", "d"),
        ("111", "c", "d"),
    ]
    for a in data.annotations:
        check_annotation(a.replace(coder="x"), data.scheme)  # the values fit their own scheme


@pytest.mark.parametrize(
    ("raw", "clean"), [("a    (a)", "a"), ("c  ", "c"), ("c  (c)", "c"), ("m1", "m1"), ("(x)", "")]
)
def test_clean_modifier(raw: str, clean: str) -> None:
    assert clean_modifier(raw) == clean


def _project(tmp_path: Path, events: list[list[object]]) -> Path:
    project = {
        "project_name": "six",
        "behaviors_conf": {"0": {"type": "State event", "key": "s", "code": "s", "modifiers": ""}},
        "subjects_conf": {},
        "observations": {"o1": {"type": "LIVE", "file": [], "events": events}},
    }
    path = tmp_path / "six.boris"
    path.write_text(json.dumps(project))
    return path


def test_newer_six_field_events_keep_their_frame_index(tmp_path: Path) -> None:
    path = _project(tmp_path, [[1.0, "", "s", "", "hello", 25], [2.0, "", "s", "", "bye", 50]])
    (a,) = read_boris(path, coder="ana").annotations
    assert (a.start_s, a.end_s, a.note, a.coder) == (1.0, 2.0, "hello", "ana")
    assert a.attr("boris.frame") == "25" and a.attr("boris.stop_comment") == "bye"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "line 1, column 2: not valid JSON"),
        ('{"project_name": "x"}', "not a BORIS project"),
        (
            json.dumps({"observations": {"o": {"events": [[1.0]]}}}),
            "observation 'o', event 1: expected",
        ),
        (
            json.dumps({"observations": {"o": {"events": [["soon", "", "s"]]}}}),
            "observation 'o', event 1: time 'soon'",
        ),
    ],
)
def test_malformed_projects_are_refused(text: str, message: str, tmp_path: Path) -> None:
    path = tmp_path / "bad.boris"
    path.write_text(text)
    with pytest.raises(InterchangeError, match=message):
        read_boris(path)


def test_export_with_a_bad_status_names_the_line(tmp_path: Path) -> None:
    lines = (BORIS / "test_export_events_tabular.csv").read_text().splitlines()
    lines[19] = lines[19].replace("START", "BEGIN")
    path = tmp_path / "bad.csv"
    path.write_text("\n".join(lines))
    with pytest.raises(InterchangeError, match="line 20: Status 'BEGIN'"):
        read_boris_export(path)
