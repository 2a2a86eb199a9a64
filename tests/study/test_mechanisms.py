"""The mechanisms catalogue: loading, ordering, and refusing malformed configs by file and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotate.config import config_dir
from annotate.errors import ConfigError
from annotate.study.mechanisms import (
    Mechanism,
    MechanismCatalogue,
    load_mechanisms,
    mechanism_number,
)


def test_catalogue_holds_m1_to_m15_in_id_order(catalogue: MechanismCatalogue) -> None:
    assert catalogue.ids == tuple(f"M{n}" for n in range(1, 16))
    assert catalogue.counted_ids == tuple(f"M{n}" for n in range(1, 15))
    assert catalogue.describe_ids() == "M1-M15"
    assert catalogue.get("M14") == Mechanism(
        "M14", "Singing", "segments", True, "Use of singing within the group"
    )
    assert "M4" in catalogue and "M16" not in catalogue
    assert catalogue.get("M4").description == "Warmth, space, easy to find, buggies allowed"


def test_unknown_id_lists_the_known_ones(catalogue: MechanismCatalogue) -> None:
    with pytest.raises(ConfigError, match=r"unknown mechanism 'M16' \(known: M1-M15\)"):
        catalogue.get("M16")


def test_the_repository_config_loads() -> None:
    assert load_mechanisms(config_dir() / "mechanisms.yaml").ids[-1] == "M15"


def test_ids_sort_by_number(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(
        "mechanisms:\n"
        "  - {id: M10, name: Ten, where: session, counted: true}\n"
        "  - {id: M2, name: Two, where: segments, counted: false}\n"
        "  - {id: M9, name: Nine, where: moments, counted: true}\n"
    )
    catalogue = load_mechanisms(path)
    assert catalogue.ids == ("M2", "M9", "M10")
    assert catalogue.describe_ids() == "M2, M9, M10"
    assert catalogue.source == str(path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "non-empty list under the key 'mechanisms'"),
        ("mechanisms: {}", "non-empty list"),
        ("mechanisms: [M1]", r"mechanisms\[0\] must be a mapping"),
        ("mechanisms: [{id: M1, name: A, where: session}]", "mechanism M1: missing counted"),
        (
            "mechanisms: [{id: M1, name: A, where: daily, counted: true}]",
            "'where' must be one of programme, session, across, segments, moments, got 'daily'",
        ),
        (
            "mechanisms: [{id: M1, name: A, where: session, counted: yes please}]",
            "'counted' must be true or false",
        ),
        (
            "mechanisms: [{id: M1, name: A, where: session, counted: true, colour: red}]",
            "unknown key 'colour'",
        ),
        (
            "mechanisms: [{id: M1, name: A, where: session, counted: true, description: a, b}]",
            "unknown key 'b'.*quote the value",
        ),
        ("mechanisms: [{id: X1, name: A, where: session, counted: true}]", "M and a number"),
        ("mechanisms: [{id: 4, name: A, where: session, counted: true}]", "'id' must be text"),
        (
            "mechanisms:\n"
            "  - {id: M1, name: A, where: session, counted: true}\n"
            "  - {id: M1, name: B, where: session, counted: true}\n",
            "M1 is listed twice",
        ),
        ("mechanisms: [", "not valid YAML"),
    ],
)
def test_malformed_config_is_refused_naming_file_and_key(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "mechanisms.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message) as caught:
        load_mechanisms(path)
    assert str(caught.value).startswith(f"{path}: ")


def test_missing_config_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="file not found"):
        load_mechanisms(tmp_path / "absent.yaml")


@pytest.mark.parametrize(("text", "number"), [("M1", 1), ("M14", 14), ("M105", 105)])
def test_mechanism_number(text: str, number: int) -> None:
    assert mechanism_number(text) == number


@pytest.mark.parametrize("text", ["", "M", "M0", "M04", "m4", "4", "M4a"])
def test_malformed_mechanism_id(text: str) -> None:
    with pytest.raises(ConfigError, match="M and a number"):
        mechanism_number(text)
