"""Every package's `__init__.py` docstring is a map of the package: each of its modules (and
sub-packages) named with its one job, and no entry for a module that is not there."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tests.conftest import REPO

WRITTEN_ELSEWHERE = {"annotate/extract"}  # its map is written with the extract flow's move

# `name`, `name.py` or `name/` in backticks, or a bare name.py / name/ in a table
_NAMED = re.compile(r"`([A-Za-z_]\w*)(?:\.py|/)?`|(?<![\w/.])([A-Za-z_]\w*)(?:\.py\b|/(?=\s))")
# the lines that are entries of the map: "- `name`: ..." or "    name.py   ..."
_ENTRY = re.compile(r"^\s*(?:- `([A-Za-z_]\w*)(?:\.py|/)?`|([A-Za-z_]\w*)(?:\.py|/)\s{2,})")


def _packages() -> list[Path]:
    folders = [REPO / "annotate", REPO / "pipelines"]
    found = []
    for top in folders:
        for init in sorted(top.rglob("__init__.py")):
            if init.parent.relative_to(REPO).as_posix() not in WRITTEN_ELSEWHERE:
                found.append(init.parent)
    return found


def _parts(package: Path) -> set[str]:
    modules = {p.stem for p in package.glob("*.py") if p.name != "__init__.py"}
    folders = {p.parent.name for p in package.glob("*/__init__.py")}
    return modules | folders


def _map(package: Path) -> str:
    tree = ast.parse((package / "__init__.py").read_text(encoding="utf-8"))
    return ast.get_docstring(tree) or ""


def map_problems(package: Path) -> tuple[list[str], list[str]]:
    """What is wrong with a package's map: the parts it does not name, and its entries for
    no part of the package."""
    text, parts = _map(package), _parts(package)
    named = {a or b for a, b in _NAMED.findall(text)}
    entries = {a or b for line in text.splitlines() for a, b in _ENTRY.findall(line)}
    return sorted(parts - named), sorted(entries - parts)


@pytest.mark.parametrize("package", _packages(), ids=lambda p: p.relative_to(REPO).as_posix())
def test_the_package_map_names_each_module_and_only_those(package: Path) -> None:
    missing, stale = map_problems(package)
    assert not missing, f"{package}/__init__.py does not name {', '.join(missing)}"
    assert not stale, f"{package}/__init__.py has entries for {', '.join(stale)}: not there"


def test_a_module_missing_from_its_map_is_found(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text('"""A package.\n\n- `kept`: what it does.\n"""\n')
    (package / "kept.py").write_text("")
    (package / "forgotten.py").write_text("")
    (package / "sub").mkdir()
    (package / "sub" / "__init__.py").write_text("")
    assert map_problems(package) == (["forgotten", "sub"], [])
    (package / "kept.py").unlink()
    assert map_problems(package) == (["forgotten", "sub"], ["kept"])
