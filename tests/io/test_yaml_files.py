"""The one YAML loader: every config the project reads goes through it, and what plain
yaml.safe_load lets through (duplicate keys, alias bombs, 5000-digit numbers, UTF-16) is refused
with the file and line, fast and in little memory."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest

from annotate import budgets
from annotate.analysis.agreement_map import load_map
from annotate.coding.care_index import load_care_index
from annotate.coding.scheme_files import load_scheme
from annotate.config import load_feature_config
from annotate.errors import AnnotateError
from annotate.io.yaml_files import load_yaml_lines
from annotate.samples.script import load_script
from annotate.study.manifest_rows import read_manifest_rows
from annotate.study.mechanisms import load_mechanisms

REPO = Path(__file__).resolve().parents[2]


def alias_bomb() -> str:
    """Nine levels of nine aliases: 9**9 (387 million) strings once expanded, under 500 bytes."""
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    return "\n".join(lines) + "\n"


READERS: dict[str, Callable[[Path], object]] = {
    "features config": load_feature_config,
    "mechanisms": load_mechanisms,
    "manifest": read_manifest_rows,
    "scheme": load_scheme,
    "care index": load_care_index,
    "agreement map": load_map,
    "sample script": load_script,
}


def test_every_yaml_reader_uses_the_one_loader() -> None:
    """No module reads YAML with PyYAML's own loaders (safe_load, load, full_load, load_all,
    a Loader class) any more: the one loader is annotate.io.yaml_files."""
    plain = re.compile(
        r"yaml\.(?:safe_load|load|full_load|unsafe_load|safe_load_all|load_all|\w*Loader)\b"
    )
    offenders = [
        str(path.relative_to(REPO))
        for folder in ("annotate", "pipelines", "benchmarks", "scripts")
        for path in (REPO / folder).rglob("*.py")
        if plain.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == ["annotate/io/yaml_files.py"]


@pytest.mark.parametrize("reader", sorted(READERS))
def test_a_yaml_alias_bomb_is_refused(reader: str, tmp_path: Path) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(alias_bomb())
    assert path.stat().st_size < 500
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(AnnotateError, match=r"bomb.yaml: line \d+: expands to more than") as info:
        READERS[reader](path)
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert "\n" not in str(info.value)
    assert peak < 20 * budgets.MiB, f"{peak / budgets.MiB:.1f} MiB"
    assert elapsed < 5.0  # generous: it takes about 0.05 s; the bomb would take hours


def _batch_peak_mb(manifest: Path, out: Path) -> tuple[subprocess.CompletedProcess[str], float]:
    """`annotate batch MANIFEST` in a process of its own, and that process's peak memory (MB)."""
    script = (
        "import resource, sys\n"
        "from annotate.cli import main\n"
        "sys.argv = ['annotate', 'batch', sys.argv[1], '--out', sys.argv[2]]\n"
        "try:\n    main()\n"
        "finally:\n"
        "    print('maxrss', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(manifest), str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        check=False,
    )
    return result, int(result.stderr.splitlines()[-1].split()[1]) / 1024


def test_a_yaml_alias_bomb_as_a_manifest_fails_fast_through_the_cli(tmp_path: Path) -> None:
    """The issue's attack: `annotate batch bomb.yaml` grew past 5.4 GB; now a one-line error."""
    manifest = tmp_path / "bomb.yaml"
    manifest.write_text(alias_bomb())
    result, bomb_mb = _batch_peak_mb(manifest, tmp_path / "out")
    lines = result.stderr.splitlines()
    assert result.returncode == 1, result.stderr
    assert lines[0].startswith(f"error: {manifest}: line ") and "expands to more than" in lines[0]
    assert "Traceback" not in result.stderr
    # against the same command refusing a one-line manifest: the interpreter and its imports
    # (several hundred MB with every library loaded) are the baseline; the bomb adds nothing
    plain = tmp_path / "plain.yaml"
    plain.write_text("clips: 3\n")
    baseline, plain_mb = _batch_peak_mb(plain, tmp_path / "out2")
    assert baseline.returncode == 1, baseline.stderr
    assert bomb_mb - plain_mb < 50, (bomb_mb, plain_mb)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", None),
        ("a: 1\na: 2\n", "line 2: key 'a' given twice (first on line 1)"),
        ("a: &x [*x]\n", "line 1: an alias refers to the value that holds it"),
        ("a: " + "[" * 100 + "]" * 100 + "\n", "nested deeper than 64 levels"),
        ("a: 1\nb: " + "5" * 5000 + "\n", "line 2: value cannot be read (Exceeds the limit"),
        ("when: 2026-13-45\n", "line 1: value cannot be read (month must be in 1..12)"),
        ("? [1, 2]\n: x\n", "line 1: a key must be text or a number"),
        ("a: [1, 2\n", "not valid YAML"),
        ("x: &a 1\n" + "".join(f"y{i}: *a\n" for i in range(1001)), "more than 1000 alias uses"),
    ],
)
def test_the_loader_refuses_what_safe_load_lets_through(
    text: str, message: str | None, tmp_path: Path
) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(text)
    if message is None:
        assert load_yaml_lines(path) is None
        return
    with pytest.raises(AnnotateError) as info:
        load_yaml_lines(path)
    assert str(info.value).startswith(f"{path}: ") and "\n" not in str(info.value)
    assert message in str(info.value)


@pytest.mark.parametrize("reader", sorted(READERS))
def test_a_duplicate_key_is_refused_with_its_line_by_every_reader(
    reader: str, tmp_path: Path
) -> None:
    path = tmp_path / "dup.yaml"
    path.write_text("sampling:\n  fps: 10\nsampling:\n  fps: 5\n")
    with pytest.raises(AnnotateError, match=r"line 3: key 'sampling' given twice"):
        READERS[reader](path)


@pytest.mark.parametrize("reader", sorted(READERS))
def test_utf16_yaml_files_are_refused_clearly(reader: str, tmp_path: Path) -> None:
    path = tmp_path / "wide.yaml"
    path.write_bytes("scheme: x\n".encode("utf-16"))
    with pytest.raises(AnnotateError, match="is UTF-16 text; save it as UTF-8"):
        READERS[reader](path)


@pytest.mark.parametrize("reader", sorted(READERS))
def test_a_folder_given_as_a_yaml_file_is_refused(reader: str, tmp_path: Path) -> None:
    folder = tmp_path / "configs.yaml"
    folder.mkdir()
    with pytest.raises(AnnotateError, match="is a folder, not a file"):
        READERS[reader](folder)


def test_a_yaml_file_over_the_size_budget_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    with path.open("w") as handle:
        handle.write("# " + "x" * (budgets.YAML_MAX_BYTES) + "\n")
    with pytest.raises(AnnotateError, match="larger than 8 MiB"):
        load_yaml_lines(path)


def test_lines_are_kept_for_mappings_and_lists(tmp_path: Path) -> None:
    path = tmp_path / "ok.yaml"
    path.write_text("top:\n  - a: 1\n    b: 2\n  - c\n")
    data = load_yaml_lines(path)
    assert data == {"top": [{"a": 1, "b": 2}, "c"]}
    assert data.line_of("top") == 1
    assert data["top"].line_of(1) == 4 and data["top"][0].line_of("b") == 3
