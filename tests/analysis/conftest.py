"""Shared fixtures for the analysis tests: the mechanisms catalogue and the hand-made study."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotate.study.mechanisms import MechanismCatalogue, load_mechanisms

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def mechanisms_yaml() -> Path:
    """configs/mechanisms.yaml as the tests need it (M1-M15; M15 not counted)."""
    return DATA / "mechanisms.yaml"


@pytest.fixture(scope="session")
def catalogue(mechanisms_yaml: Path) -> MechanismCatalogue:
    return load_mechanisms(mechanisms_yaml)


@pytest.fixture(scope="session")
def study_dir() -> Path:
    """A hand-made study: sessions.csv (present 1/0) and segments.csv (timed) for A1, C8, B7."""
    return DATA / "study"


@pytest.fixture(scope="session")
def expected_table() -> Path:
    """The programme table of the hand-made study, worked out by hand."""
    return DATA / "study_expected_table.csv"
