"""Fuzzing every reader with mutated real files (issue 10): a seeded corpus made here from the
shared fixtures (ELAN, BORIS) and the project's own configs, schemes, manifests and mechanism
tables. For every mutant each reader must give a one-line AnnotateError naming the file, or data
that holds up (finite times, end not before start, a CSV round trip that gives the same times);
never another exception. Memory per read stays within a budget (tracemalloc), and a failed
import leaves the store byte for byte as it was.

The corpus is deterministic (one seed per source), so a failure names a mutant that can be
rebuilt: `mutants(source, seed)[index]`.
"""

from __future__ import annotations

import gzip
import json
import random
import re
import shutil
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from annotate.analysis.programme_table import build_programme_table
from annotate.coding.care_index import load_care_index
from annotate.coding.scheme_files import load_scheme
from annotate.coding.store import AnnotationStore
from annotate.config import config_dir, load_feature_config
from annotate.errors import AnnotateError
from annotate.interchange.convert import read_any, write_any
from annotate.interchange.store_files import import_file
from annotate.study.manifest_rows import read_manifest_rows
from annotate.study.mechanisms import load_mechanisms

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO.parent / "shared" / "fixtures"
MEMORY_BUDGET = 64 * 2**20  # per read of a mutant (the sources are 2-70 KB)

NASTY = [
    "",
    "-1",
    "1e308",
    "-1e308",
    "NaN",
    "nan",
    "inf",
    "Infinity",
    "1_0",
    "0x10",
    "5" * 5000,
    "\x00",
    "\ufeff",
    "\u202e",
    "null",
    "[]",
    "{}",
    "[[[[",
    "]]]]",
    "*a",
    "&a",
    "<",
    ">",
    '"',
    "'",
    "&amp;",
    "&#0;",
    "<X><X><X>",
    "ANNOTATION_REF",
    "a1",
    "ts1",
    "-0",
    "1e-400",
    "99999999999999999999",
    "\t",
    "\r\n",
    ",",
    ":",
    "- ",
    "? ",
    "!!python/object:os.system",
]


def _numbers(text: str) -> list[re.Match[str]]:
    return list(re.finditer(r"-?\d+(\.\d+)?", text))


def mutate(data: bytes, rng: random.Random) -> bytes:
    """One random change: flip bytes, cut, delete or copy a span, insert or swap in a token."""
    kind = rng.randrange(7)
    at = rng.randrange(len(data) + 1)
    span = rng.randrange(1, 200)
    if kind == 0:
        out = bytearray(data)
        for _ in range(rng.randrange(1, 6)):
            out[rng.randrange(len(out))] = rng.randrange(256)
        return bytes(out)
    if kind == 1:
        return data[:at]
    if kind == 2:
        return data[:at] + data[at + span :]
    if kind == 3:
        return data[:at] + data[at : at + span] * rng.randrange(2, 6) + data[at:]
    token = rng.choice(NASTY).encode("utf-8")
    if kind == 4:
        return data[:at] + token + data[at:]
    text = data.decode("utf-8", errors="replace")
    found = _numbers(text) if kind == 5 else list(re.finditer(r'"[^"\n]{0,40}"', text))
    if not found:
        return data[:at] + token + data[at:]
    match = rng.choice(found)
    middle = token.decode() if kind == 5 else json.dumps(rng.choice(NASTY))
    return (text[: match.start()] + middle + text[match.end() :]).encode("utf-8")


def mutants(source: bytes, seed: int, count: int) -> list[bytes]:
    rng = random.Random(seed)
    return [mutate(source, rng) for _ in range(count)]


def _boris_shapes(source: bytes, seed: int, count: int) -> Iterator[bytes]:
    """Structure-aware BORIS mutants: one value somewhere in the JSON replaced by a nasty one."""
    rng = random.Random(seed)
    project = json.loads(source)
    values: list[object] = [None, "x", [], {}, 1e308, -1, float("nan"), ["a"], {"a": 1}, 10**30]
    for _ in range(count):
        copy = json.loads(json.dumps(project))
        node: object = copy
        for _ in range(rng.randrange(1, 7)):
            if isinstance(node, dict) and node:
                key = rng.choice(list(node))
                if rng.random() < 0.3 or not isinstance(node[key], dict | list):
                    node[key] = rng.choice(values)
                    break
                node = node[key]
            elif isinstance(node, list) and node:
                index = rng.randrange(len(node))
                if rng.random() < 0.3 or not isinstance(node[index], dict | list):
                    node[index] = rng.choice(values)
                    break
                node = node[index]
        yield json.dumps(copy).encode("utf-8")


def check_refusal(exc: AnnotateError, path: Path, strict_path: bool) -> None:
    text = str(exc)
    assert "\n" not in text, text
    if strict_path:
        assert text.startswith(f"{path}: "), text
    else:
        assert ": " in text, text


def check_coding(data: object, path: Path, tmp: Path) -> None:
    """Data read from a mutant holds up: finite ordered times, and its CSV reads back the same."""
    annotations = data.annotations  # type: ignore[attr-defined]
    for a in annotations:
        assert a.start_s == a.start_s and a.end_s >= a.start_s and abs(a.end_s) <= 1e7, a
    target = tmp / "round.csv"
    target.unlink(missing_ok=True)
    back = read_any(write_any(data, target))  # type: ignore[arg-type]
    assert [(a.tier, a.start_s, a.end_s) for a in back.annotations] == [
        (a.tier, a.start_s, a.end_s) for a in annotations
    ]


def run_reader(
    read: Callable[[Path], object], path: Path
) -> tuple[object | None, AnnotateError | None, int]:
    tracemalloc.reset_peak()
    try:
        result, error = read(path), None
    except AnnotateError as exc:
        result, error = None, exc
    return result, error, tracemalloc.get_traced_memory()[1]


INTERCHANGE = [
    ("elan/pympi_fto_2.7.eaf", ".eaf", 60),
    ("elan/pympi_t_cngt_2.6.eaf", ".eaf", 40),
    ("elan/speach_test.eaf", ".eaf", 40),
    ("elan/fables_01_03_aesop_64kb.eaf", ".eaf", 25),
    ("boris/test.boris", ".boris", 40),
    ("boris/test_with_leading_trailing_spaces_in_modifiers.boris", ".boris", 40),
    ("boris/test_export_events_tabular.csv", ".csv", 60),
    ("boris/test_export_aggregated_events_test_full_1.tsv", ".tsv", 60),
    ("datavyu/datavyur_dyad1.opf", ".opf", 40),
    ("datavyu/datavyu_oldProjectFormat.opf", ".opf", 20),
    ("vcode/coder1/031b7a7e-c105-4875-b2ae-e01e77f081cb.txt", ".txt", 40),
]


def _our_csv(tmp: Path) -> bytes:
    path = write_any(read_any(FIXTURES / "elan" / "pympi_fto_2.7.eaf"), tmp / "ours.csv")
    return path.read_bytes()


def test_every_annotation_reader_gives_an_error_line_or_good_data(tmp_path: Path) -> None:
    sources = [
        ((FIXTURES / name).read_bytes(), suffix, count) for name, suffix, count in INTERCHANGE
    ]
    sources.append((_our_csv(tmp_path), ".csv", 60))
    fto = (FIXTURES / "elan" / "pympi_fto_2.7.eaf").read_bytes()
    corpus: list[tuple[bytes, str]] = []
    for seed, (source, suffix, count) in enumerate(sources):
        corpus += [(m, suffix) for m in mutants(source, seed, count)]
        if suffix == ".boris":
            corpus += [(m, suffix) for m in _boris_shapes(source, seed, count)]
    corpus += [(gzip.compress(m, mtime=0), ".eaf.gz") for m in mutants(fto, 99, 20)]
    corpus += [(m, ".eaf.gz") for m in mutants(gzip.compress(fto, mtime=0), 98, 20)]

    with AnnotationStore(tmp_path / "project.sqlite") as store:
        import_file(store, FIXTURES / "elan" / "pympi_fto_2.7.eaf", coder="ana")
        before = list(store.conn.iterdump())
        refused = read = 0
        tracemalloc.start()
        try:
            for index, (blob, suffix) in enumerate(corpus):
                path = tmp_path / f"m{index}{suffix}"
                path.write_bytes(blob)
                data, error, peak = run_reader(read_any, path)
                assert peak < MEMORY_BUDGET, (path, peak)
                if error is not None:
                    check_refusal(error, path, strict_path=True)
                    refused += 1
                    if index % 4 == 0:  # a failed import changes nothing in the store
                        with pytest.raises(AnnotateError):
                            import_file(store, path, coder="ben")
                        assert list(store.conn.iterdump()) == before, path
                else:
                    check_coding(data, path, tmp_path)
                    read += 1
                path.unlink()
        finally:
            tracemalloc.stop()
    assert refused > 100 and read > 20, (refused, read)  # the corpus exercises both outcomes


def _configs(tmp: Path) -> list[tuple[str, Callable[[Path], object], bytes, str]]:
    """(name, reader, source bytes, suffix) for the project's own YAML and table inputs."""
    manifest_yaml = b"clips:\n  - {path: a.mp4, dyad: D1, phase: pre}\n  - {path: b.mp4, id: b2}\n"
    manifest_csv = b"path,id,dyad,phase\nv/a.mp4,a,D1,pre\nv/b.mp4,b,D1,post\n"
    mechanism_csv = b"programme,session,mechanism,present\nA1,,M1,1\nA1,1,M4,1\nA1,2,M4,0\n"
    segments_csv = b"programme,session,mechanism,start,end\nA1,1,M6,0:10,0:20\nA1,2,M14,3.5,\n"
    folder = config_dir()
    catalogue = load_mechanisms()

    def programme_table(path: Path) -> object:
        return build_programme_table(path, catalogue)

    return [
        ("features", load_feature_config, (folder / "features.yaml").read_bytes(), ".yaml"),
        ("mechanisms", load_mechanisms, (folder / "mechanisms.yaml").read_bytes(), ".yaml"),
        ("care index", load_care_index, (folder / "care_index.yaml").read_bytes(), ".yaml"),
        ("care scheme", load_scheme, (folder / "coding" / "care_clip.yaml").read_bytes(), ".yaml"),
        ("manifest yaml", read_manifest_rows, manifest_yaml, ".yaml"),
        ("manifest csv", read_manifest_rows, manifest_csv, ".csv"),
        ("mechanism table", programme_table, mechanism_csv, ".csv"),
        ("mechanism segments", programme_table, segments_csv, ".csv"),
    ]


def test_every_config_reader_gives_an_error_line_or_data(tmp_path: Path) -> None:
    mechanisms = tmp_path / "mechanisms.yaml"  # schemes with from_mechanisms look beside them
    shutil.copy(config_dir() / "mechanisms.yaml", mechanisms)
    outcomes = {"refused": 0, "read": 0}
    tracemalloc.start()
    try:
        for seed, (name, reader, source, suffix) in enumerate(_configs(tmp_path)):
            for index, blob in enumerate(mutants(source, 1000 + seed, 50)):
                path = tmp_path / f"{name.replace(' ', '_')}_{index}{suffix}"
                path.write_bytes(blob)
                _, error, peak = run_reader(reader, path)
                assert peak < MEMORY_BUDGET, (path, peak)
                if error is not None:
                    check_refusal(error, path, strict_path=False)
                outcomes["refused" if error else "read"] += 1
                path.unlink()
    finally:
        tracemalloc.stop()
    assert outcomes["refused"] > 100 and outcomes["read"] > 50, outcomes
