"""Coding schemes: the shipped ones, and malformed files refused with file, line and problem."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from annotate.coding.scheme_files import configured_schemes, find_scheme, load_scheme
from annotate.coding.schemes import (
    POINT,
    STATE,
    Attribute,
    Code,
    ModifierSet,
    Scheme,
    Tier,
    check_scheme,
)
from annotate.config import config_dir
from annotate.errors import ConfigError, SchemeError
from annotate.study.mechanisms import load_mechanisms

MECHANISMS = yaml.safe_load((config_dir() / "mechanisms.yaml").read_text())["mechanisms"]


def test_both_shipped_schemes_load() -> None:
    schemes = configured_schemes()
    assert sorted(schemes) == ["care_clip", "session_mechanisms"]
    assert all(s.version == "1" for s in schemes.values())


def test_clip_scheme_has_the_issues_codes() -> None:
    scheme = find_scheme("care_clip")
    gaze = scheme.tier("infant_gaze")
    assert gaze is not None and gaze.exclusive and gaze.role == "infant"
    assert [c.name for c in gaze.codes] == ["at_mother", "at_object", "away", "eyes_closed"]
    mother = {c.name: c for c in scheme.tier("mother").codes}  # type: ignore[union-attr]
    assert set(mother) == {
        "talks",
        "touches",
        "kisses",
        "smiles",
        "intrusive_act",
        "asks_permission",
    }
    assert mother["kisses"].type == POINT and mother["talks"].type == STATE
    infant = {c.name for c in scheme.tier("infant").codes}  # type: ignore[union-attr]
    assert infant == {"cries", "smiles", "vocalises"}
    keys = [c.key for t in scheme.tiers for c in t.codes]
    assert len(keys) == len(set(keys))  # one key, one code


def test_session_scheme_is_built_on_the_mechanisms_list() -> None:
    scheme = find_scheme("session_mechanisms")
    by_id = {m["id"]: m for m in MECHANISMS}
    segments = scheme.tier("mechanism_segments")
    moments = scheme.tier("mechanism_moments")
    assert segments is not None and moments is not None
    assert [c.name for c in segments.codes] == [
        m for m, x in by_id.items() if x["where"] == "segments"
    ]
    assert {c.type for c in segments.codes} == {STATE} and {c.type for c in moments.codes} == {
        POINT
    }
    assert [c.name for c in moments.codes] == ["M5", "M15"]
    assert all(c.label == by_id[c.name]["name"] for c in segments.codes + moments.codes)
    attributes = {a.name: a for a in scheme.attributes}
    assert {m for m in attributes if m.startswith("M")} == {
        "M1",
        "M2",
        "M3",
        "M4",
        "M7",
        "M9",
        "M10",
    }
    assert attributes["M7"].values == ("Y", "N")
    assert attributes["dyads_present"].check("5") is None and attributes["dyads_present"].check(
        "19"
    )


def test_mechanisms_list_has_fifteen() -> None:
    mechanisms = load_mechanisms().mechanisms
    assert [m.id for m in mechanisms] == [f"M{i}" for i in range(1, 16)]
    assert [m.id for m in mechanisms if not m.counted] == ["M15"]


GOOD = """\
scheme: test
version: "2"
tiers:
  - name: gaze
    role: infant
    codes:
      - {name: at_mother, type: state, key: "1", colour: "#00ff00"}
      - {name: away, type: state, key: "2"}
  - name: mother
    exclusive: false
    codes:
      - {name: smiles, type: point, key: s}
"""


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("", "", None),
        (
            'key: "2"',
            'key: "1"',
            "line 8: duplicate key '1' on tier 'gaze': codes 'at_mother' and 'away'",
        ),
        (
            "{name: smiles, type: point, key: s}",
            '{name: away, type: point, key: "2"}',
            "line 12: code 'away' is on tiers 'gaze' and 'mother' with the same key '2'",
        ),
        (
            "type: point",
            "type: moment",
            "line 12: code 'smiles': unknown type 'moment' (allowed: state, point)",
        ),
        ("key: s}", "key: ss}", "line 12: code 'smiles': key must be one character, got 'ss'"),
        ('"#00ff00"', '"green"', "line 7: code 'at_mother': colour must be #rrggbb, got 'green'"),
        ("role: infant", "role: infant\n    colour: red", "line 6: unknown key 'colour' in a tier"),
        ("  - name: mother", "  - name: gaze", "line 9: tier 'gaze' given twice"),
        ('version: "2"\n', "", "line 1: the scheme file needs 'version'"),
        ("exclusive: false", "exclusive: maybe", "line 10: 'exclusive' must be true or false"),
        (
            "    role: infant\n",
            "    role: infant\n    role: mother\n",
            "line 6: key 'role' given twice",
        ),
        ("tiers:", "tiers: [", "not valid YAML"),
    ],
)
def test_malformed_scheme_names_file_line_and_problem(
    old: str, new: str, message: str | None, tmp_path: Path
) -> None:
    path = tmp_path / "scheme.yaml"
    path.write_text(GOOD.replace(old, new, 1) if old else GOOD)
    if message is None:
        assert load_scheme(path).id == "test@2"
        return
    with pytest.raises(SchemeError) as caught:
        load_scheme(path)
    assert str(caught.value).startswith(f"{path}: ")
    assert message in str(caught.value)


def test_from_mechanisms_with_an_unknown_where_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(
        "scheme: s\nversion: '1'\ntiers:\n  - name: m\n    from_mechanisms: {where: [somewhere]}\n"
    )
    with pytest.raises(SchemeError, match="line 5: from_mechanisms: 'where' takes"):
        load_scheme(path)


def test_two_files_with_one_scheme_name_are_refused(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(GOOD)
    (tmp_path / "b.yaml").write_text(GOOD)
    with pytest.raises(SchemeError, match="scheme 'test' is defined here and in"):
        configured_schemes(tmp_path)


def test_unknown_scheme_lists_the_configured() -> None:
    with pytest.raises(
        SchemeError, match=r"unknown scheme 'nope' \(configured: care_clip, session_mechanisms\)"
    ):
        find_scheme("nope")


@pytest.mark.parametrize(
    ("attribute", "value", "problem"),
    [
        (Attribute("n", "integer", minimum=1, maximum=6), "3", None),
        (Attribute("n", "integer", minimum=1, maximum=6), "0", "must be at least 1"),
        (Attribute("n", "integer", minimum=1, maximum=6), "7", "must be at most 6"),
        (Attribute("n", "integer"), "2.5", "must be a whole number"),
        (Attribute("x", "number"), "2.5", None),
        (Attribute("x", "number"), "lots", "must be a number"),
        (Attribute("c", "choice", values=("Y", "N")), "Y", None),
        (Attribute("c", "choice", values=("Y", "N")), "V", "must be one of Y, N"),
        (Attribute("t", "text"), "anything", None),
    ],
)
def test_attribute_values(attribute: Attribute, value: str, problem: str | None) -> None:
    assert attribute.check(value) == problem


def test_attributes_tier_name_is_reserved() -> None:
    scheme = Scheme(
        "s", "1", tiers=(Tier("attributes", codes=(Code("x"),)),), attributes=(Attribute("a"),)
    )
    with pytest.raises(SchemeError, match="reserved"):
        check_scheme(scheme)


_names = st.text(st.characters(whitelist_categories=("Ll", "Nd")), min_size=1, max_size=6)


@given(
    tiers=st.lists(
        st.tuples(
            _names,
            st.lists(
                st.tuples(_names, st.sampled_from([STATE, POINT])),
                max_size=4,
                unique_by=lambda c: c[0],
            ),
        ),
        max_size=4,
        unique_by=lambda t: t[0],
    )
)
def test_scheme_json_round_trip(tiers: list[tuple[str, list[tuple[str, str]]]]) -> None:
    scheme = Scheme(
        "s",
        "1",
        tiers=tuple(
            Tier(
                n, codes=tuple(Code(c, k, modifiers=(ModifierSet("m", ("a",)),)) for c, k in codes)
            )
            for n, codes in tiers
        ),
        attributes=(Attribute("a", "choice", values=("x", "y")),),
        meta={"eaf": {"attrs": {"FORMAT": "3.0"}}},
    )
    again = Scheme.from_json(scheme.to_json())
    assert again == scheme and again.digest() == scheme.digest()


# --- issue 10, finding 5: scheme files that ended in a traceback ------------------------


def _scheme_file(tmp_path: Path, body: str, name: str = "s.yaml") -> Path:
    path = tmp_path / name
    path.write_text('scheme: s\nversion: "1"\n' + body)
    return path


def test_a_list_as_a_scheme_colour_is_refused_with_its_line(tmp_path: Path) -> None:
    path = _scheme_file(
        tmp_path, "tiers:\n  - name: t\n    codes:\n      - {name: a, colour: [1, 2]}\n"
    )
    with pytest.raises(SchemeError, match=r"line 6: code 'a': 'colour' must be text"):
        load_scheme(path)


def test_a_list_as_a_scheme_key_is_refused_with_its_line(tmp_path: Path) -> None:
    path = _scheme_file(tmp_path, "tiers:\n  - name: t\n    codes:\n      - {name: a, key: [1]}\n")
    with pytest.raises(SchemeError, match=r"line 6: code 'a': 'key' must be text"):
        load_scheme(path)


def test_mechanisms_naming_a_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "mechs").mkdir()
    path = _scheme_file(
        tmp_path,
        "mechanisms: mechs\ntiers:\n  - name: t\n    from_mechanisms: {where: [segments]}\n",
    )
    with pytest.raises(ConfigError, match=r"mechs: is a folder, not a file"):
        load_scheme(path)


def test_a_utf16_scheme_file_is_refused_clearly(tmp_path: Path) -> None:
    path = tmp_path / "wide.yaml"
    path.write_bytes('scheme: s\nversion: "1"\n'.encode("utf-16"))
    with pytest.raises(SchemeError, match="is UTF-16 text; save it as UTF-8"):
        load_scheme(path)


@pytest.mark.parametrize(
    "text",
    [
        "not json",
        "[1, 2]",
        '"a string"',
        "null",
        "{}",
        '{"name": "s", "version": "1", "tiers": "abc"}',
        '{"name": "s", "version": "1", "tiers": [{"name": "t", "codes": ["x"]}]}',
        '{"name": "s", "version": "1", "tiers": [{"name": "t", "codes": [{"name": "c", '
        '"modifiers": [{"name": "m", "values": 3}]}]}]}',
        '{"name": "s", "version": "1", "meta": [1, 2]}',
        "[" * 100_000,
        "5" * 5000,
    ],
)
def test_every_bad_stored_scheme_is_a_scheme_error(text: str) -> None:
    with pytest.raises(SchemeError, match="stored scheme is"):
        Scheme.from_json(text)
