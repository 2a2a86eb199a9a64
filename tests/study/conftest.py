"""The study tests use the analysis tests' mechanisms catalogue (tests/analysis/data)."""

from tests.analysis.conftest import catalogue, mechanisms_yaml

__all__ = ["catalogue", "mechanisms_yaml"]
