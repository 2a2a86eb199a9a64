"""Files into the store and back: scheme choice, time mapping, export round trips."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest

from annotate.coding.clips import ClipRef, default_db_path
from annotate.coding.records import CodingData, MediaRef
from annotate.coding.store import AnnotationStore, StoredAnnotation
from annotate.errors import InterchangeError, StoreError
from annotate.interchange.convert import read_any, write_any
from annotate.interchange.store_files import choose_scheme, export_clip, import_file, map_times
from tests.coding.helpers import FIXTURES, care_scheme, clip, note

BORIS = FIXTURES / "boris" / "test.boris"


@pytest.fixture
def store(tmp_path: Path) -> AnnotationStore:
    with AnnotationStore(tmp_path / "project.sqlite") as opened:
        yield opened  # type: ignore[misc]


def _ours(
    tmp_path: Path, name: str, *annotations: object, media: tuple[MediaRef, ...] = ()
) -> Path:
    data = CodingData(care_scheme(), tuple(annotations), media)  # type: ignore[arg-type]
    return write_any(data, tmp_path / name)


def test_default_database_is_beside_the_clip(tmp_path: Path) -> None:
    assert (
        default_db_path(tmp_path / "clips" / "c1.mp4")
        == (tmp_path / "clips" / "annotate.sqlite").resolve()
    )


def test_a_file_that_fits_a_configured_scheme_takes_it(tmp_path: Path) -> None:
    path = tmp_path / "coded.csv"
    path.write_text("tier,code,start,end\ninfant_gaze,at_mother,1,2\nmother,kisses,1.5,1.5\n")
    data = choose_scheme(read_any(path))
    assert data.scheme.id == "care_clip@1"
    path.write_text("tier,code,start,end\ninfant_gaze,at_dad,1,2\n")
    assert choose_scheme(read_any(path)).scheme.name == "table:coded"
    with pytest.raises(StoreError, match="do not fit scheme care_clip@1"):
        choose_scheme(read_any(path), "care_clip")


def test_elan_file_from_elsewhere_imports_without_its_media(store: AnnotationStore) -> None:
    result, _ = import_file(store, FIXTURES / "elan" / "pympi_fto_2.7.eaf", coder="ana")
    assert result.count == 7 and result.scheme.startswith("eaf:pympi_fto_2.7@")
    assert result.clips == ("media:BC_00L_bre_C.wav",)
    stored = store.annotations(media="BC_00L_bre_C.wav")
    assert [(s.annotation.tier, s.annotation.start_s, s.annotation.end_s) for s in stored][:2] == [
        ("a", 0.0, 1.629),
        ("a", 1.79, 2.82),
    ]


def test_time_origin_moves_annotations_onto_the_clip(
    store: AnnotationStore, tmp_path: Path
) -> None:
    media = (MediaRef("file:///elsewhere/clip01.mp4", mime_type="video/mp4", time_origin_s=1.5),)
    path = _ours(tmp_path, "origin.eaf", note("infant", "cries", 1.0, 2.0), media=media)
    result, _ = import_file(store, path, coder="ana", clip=clip())
    (stored,) = store.annotations(clip_sha256=clip().sha256)
    assert (stored.annotation.start_s, stored.annotation.end_s) == (2.5, 3.5)
    mapping = json.loads(store.conn.execute("SELECT mapping FROM imports").fetchone()[0])
    assert mapping["time_origin_s"] == 1.5 and mapping["media"] == "file:///elsewhere/clip01.mp4"
    assert result.scheme == "care_clip@1"  # the scheme came back from the ELAN file


def test_boris_observation_is_chosen_by_clip_and_mapped_per_media_file(
    store: AnnotationStore,
) -> None:
    second = ClipRef("b" * 64, "video_test_25fps_360s.mp4", 359.96, 25.0)
    with pytest.raises(InterchangeError, match=r"several observations .*--observation"):
        import_file(store, BORIS, coder="ana", clip=second)
    result, _ = import_file(store, BORIS, coder="ana", clip=second, part="observation #2")
    starts = [
        s.annotation.start_s
        for s in store.annotations(clip_sha256=second.sha256)
        if s.annotation.tier != "attributes"
    ]
    assert result.count == 15  # 12 events in the second file, and 3 attributes
    assert starts[0] == pytest.approx(227.765 - 179.96)
    assert {s.annotation.value for s in store.annotations(tier="attributes")} == {
        "123",
        "some text",
        "333",
    }


def test_boris_project_without_a_clip_keeps_every_observation(store: AnnotationStore) -> None:
    result, data = import_file(store, BORIS, coder="ana")
    assert result.count == len(data.annotations) == 108
    media = {c.media for c in store.clips()}
    expected = {
        "video_test_25fps_180s.mp4#observation #2",
        "video_test_25fps_360s.mp4#observation #2",
        "video_test_25fps_360s.mp4#observation #1",
        "test.boris#live",
    }
    assert expected <= media
    stored = store.annotations(media="test.boris#live not paired")
    assert {s.annotation.attr("part") for s in stored} == {"live not paired"}


def test_negative_times_after_mapping_are_refused_naming_the_observation(
    store: AnnotationStore, tmp_path: Path
) -> None:
    data = read_any(BORIS)
    media = tuple(
        dataclasses.replace(m, time_origin_s=-100.0) if m.part == "offset neg" else m
        for m in data.media
    )
    shifted = write_any(dataclasses.replace(data, media=media), tmp_path / "shifted.parquet")
    with pytest.raises(
        StoreError,
        match=re.escape(
            "shifted.parquet: observation 'offset neg': No focal subject/p at -99.990 s"
        ),
    ):
        import_file(store, shifted, coder="ana")
    assert store.annotations() == []


@pytest.mark.parametrize("fmt", ["eaf", "csv", "parquet"])
def test_export_then_import_gives_the_same_annotations(
    fmt: str, store: AnnotationStore, tmp_path: Path
) -> None:
    scheme = care_scheme()
    for a in (
        note("infant_gaze", "at_mother", 0.5, 2.0),
        note("mother", "kisses", 1.0),
        note("mother", "touches", 1.0, 3.0, value="gentle", note="soft"),
        note("infant_gaze", "away", 2.0, 2.5, coder="ben"),
        note("attributes", "visit", 0.0, value="post"),
    ):
        store.add(a, scheme, clip=clip())
    path, count = export_clip(store, clip(), tmp_path / f"out.{fmt}", fmt=fmt)
    assert count == 5
    with AnnotationStore(tmp_path / "other.sqlite") as other:
        for coder in ("ana", "ben"):
            data = read_any(path)
            only = dataclasses.replace(
                data, annotations=tuple(a for a in data.annotations if a.coder == coder)
            )
            single = write_any(only, tmp_path / f"{coder}.{fmt}")
            import_file(other, single, coder=coder, clip=clip())

        def key(s: StoredAnnotation) -> tuple[object, ...]:
            a = s.annotation
            return (a.coder, a.tier, a.code, a.start_s, a.end_s, a.value, a.note, a.scheme)

        assert sorted(map(key, other.annotations())) == sorted(map(key, store.annotations()))


def test_export_refuses_a_format_that_does_not_match(
    store: AnnotationStore, tmp_path: Path
) -> None:
    with pytest.raises(
        InterchangeError, match=re.escape("--format csv needs a file ending in .csv")
    ):
        export_clip(store, clip(), tmp_path / "out.eaf", fmt="csv")
    with pytest.raises(InterchangeError, match="unknown format 'docx'"):
        export_clip(store, clip(), tmp_path / "out.docx", fmt="docx")


def test_map_times_without_media_leaves_times_alone() -> None:
    data = CodingData(care_scheme(), (note("infant", "cries", 1.0, 2.0),), source="/x/y.csv")
    mapped, mapping = map_times(data, None)
    assert mapped.annotations[0].start_s == 1.0 and mapped.annotations[0].media == "y.csv"
    assert mapping["time_origin_s"] is None
