"""The annotation store: durability settings, checks before storing, history, undo, imports."""

from __future__ import annotations

import dataclasses
import re
import sqlite3
from pathlib import Path

import pytest

from annotate.coding.records import Annotation, CodingData
from annotate.coding.schemes import Scheme, Tier
from annotate.coding.store import AnnotationStore
from annotate.errors import StoreError

from .helpers import care_scheme, clip, note


@pytest.fixture
def store(tmp_path: Path) -> AnnotationStore:
    with AnnotationStore(tmp_path / "project.sqlite") as opened:
        yield opened  # type: ignore[misc]


def _count(store: AnnotationStore) -> int:
    return len(store.annotations())


def test_database_is_durable_wal_full_with_foreign_keys(store: AnnotationStore) -> None:
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert store.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_add_list_and_reopen(tmp_path: Path) -> None:
    path = tmp_path / "project.sqlite"
    with AnnotationStore(path) as store:
        stored = store.add(note("infant_gaze", "at_mother", 1.0, 2.5), care_scheme(), clip=clip())
    with AnnotationStore(path, create=False) as store:
        (again,) = store.annotations(clip_sha256=clip().sha256)
    assert again.id == stored.id
    assert again.annotation == Annotation(
        clip().sha256,
        "ana",
        "infant_gaze",
        "at_mother",
        1.0,
        2.5,
        scheme="care_clip@1",
        media="clip01.mp4",
    )
    assert again.created == again.updated and again.created.endswith("+00:00")


def test_a_renamed_clip_keeps_its_annotations(store: AnnotationStore) -> None:
    store.add(note("infant", "cries", 1.0, 2.0), care_scheme(), clip=clip())
    moved = dataclasses.replace(clip(), name="renamed.mp4", path="/elsewhere/renamed.mp4")
    store.add(note("infant", "cries", 3.0, 4.0), care_scheme(), clip=moved)
    assert len(store.annotations(clip_sha256=clip().sha256)) == 2
    assert [c.media for c in store.clips()] == ["renamed.mp4"]


@pytest.mark.parametrize(
    ("annotation", "message"),
    [
        (note("infant_gaze", "at_mother", 1.0, 2.0), None),
        (
            note("infant_gaze", "at_dad", 1.0, 2.0),
            "code 'at_dad' is not on tier 'infant_gaze' of care_clip@1",
        ),
        (note("father", "talks", 1.0, 2.0), "tier 'father' is not in scheme care_clip@1"),
        (note("infant_gaze", "away", 3.0, 2.0), "end 2.0 s is before start 3.0 s"),
        (note("infant_gaze", "away", -1.0, 2.0), "before the clip's start"),
        (note("infant_gaze", "away", 170.0, 181.0), "ends after the clip's end \\(180.000 s\\)"),
        (note("mother", "kisses", 5.0, 6.0), "'kisses' is a point code"),
        (note("mother", "touches", 1.0, 2.0, value="gentle"), None),
        (
            note("mother", "touches", 1.0, 2.0, value="tickly"),
            "modifier 'tickly' is not in set 'quality'",
        ),
        (
            note("mother", "touches", 1.0, 2.0, value="gentle|firm"),
            "has 2 modifiers; code 'touches' has 1 set",
        ),
        (note("attributes", "visit", 0.0, value="pre"), None),
        (
            note("attributes", "visit", 0.0, value="during"),
            "attribute 'visit' = 'during' must be one of pre, post",
        ),
        (note("attributes", "visit", 2.0, value="pre"), "give them time 0"),
        (
            note("attributes", "colour", 0.0, value="x"),
            "'colour' is not an attribute of care_clip@1",
        ),
        (note("infant", "cries", 1.0, 2.0, coder=""), "no coder given"),
    ],
)
def test_checks_before_anything_is_stored(
    annotation: Annotation, message: str | None, store: AnnotationStore
) -> None:
    if message is None:
        store.add(annotation, care_scheme(), clip=clip())
        assert _count(store) == 1
        return
    with pytest.raises(StoreError, match=message):
        store.add(annotation, care_scheme(), clip=clip())
    assert _count(store) == 0
    assert store.history() == []


def test_end_may_pass_the_duration_by_one_frame(store: AnnotationStore) -> None:
    store.add(note("infant", "cries", 170.0, 180.04), care_scheme(), clip=clip())
    with pytest.raises(StoreError, match="ends after"):
        store.add(note("infant", "cries", 170.0, 180.05), care_scheme(), clip=clip(), who="x")


def test_states_on_an_exclusive_tier_may_not_overlap(store: AnnotationStore) -> None:
    scheme = care_scheme()
    store.add(note("infant_gaze", "at_mother", 1.0, 2.0), scheme, clip=clip())
    store.add(note("infant_gaze", "away", 2.0, 3.0), scheme, clip=clip())  # touching is fine
    with pytest.raises(
        StoreError, match=re.escape("overlaps infant_gaze/at_mother at 1.000-2.000 s")
    ):
        store.add(note("infant_gaze", "at_object", 1.5, 1.8), scheme, clip=clip())
    store.add(
        note("infant_gaze", "at_object", 1.5, 1.8, coder="ben"), scheme, clip=clip()
    )  # another coder
    store.add(note("mother", "talks", 1.0, 3.0), scheme, clip=clip())
    store.add(note("mother", "smiles", 1.5, 2.5), scheme, clip=clip())  # 'mother' is not exclusive
    assert _count(store) == 5


def test_edit_is_checked_too(store: AnnotationStore) -> None:
    scheme = care_scheme()
    first = store.add(note("infant_gaze", "at_mother", 1.0, 2.0), scheme, clip=clip())
    store.add(note("infant_gaze", "away", 3.0, 4.0), scheme, clip=clip())
    with pytest.raises(StoreError, match="overlaps"):
        store.update(first.id, who="ana", end_s=3.5)
    with pytest.raises(StoreError, match="cannot change clip_sha256"):
        store.update(first.id, who="ana", clip_sha256="x")
    assert store.update(first.id, who="ana", end_s=3.0).annotation.end_s == 3.0


def test_history_keeps_who_when_and_what(store: AnnotationStore) -> None:
    scheme = care_scheme()
    a = store.add(note("infant", "cries", 1.0, 2.0), scheme, clip=clip())
    store.update(a.id, who="ben", note="loud")
    store.delete(a.id, who="carla")
    entries = store.history()
    assert [(e.kind, e.who, e.action) for e in entries] == [
        ("delete", "carla", "delete"),
        ("edit", "ben", "update"),
        ("add", "ana", "insert"),
    ]
    assert entries[1].before["note"] == "" and entries[1].after["note"] == "loud"  # type: ignore[index]
    assert entries[1].summary() == f"update annotation {a.id}: note '' -> 'loud'"
    assert store.history(clip_sha256=clip(2).sha256) == []


def test_undo_walks_back_one_change_at_a_time(store: AnnotationStore) -> None:
    scheme = care_scheme()
    a = store.add(note("infant", "cries", 1.0, 2.0), scheme, clip=clip())
    store.update(a.id, who="ana", end_s=4.0)
    store.delete(a.id, who="ana")
    assert _count(store) == 0
    assert store.undo(who="ana").kind == "delete"
    assert store.get(a.id).annotation.end_s == 4.0
    assert store.undo(who="ana").kind == "edit"
    assert store.get(a.id).annotation.end_s == 2.0
    assert store.undo(who="ana").kind == "add"
    assert _count(store) == 0
    with pytest.raises(StoreError, match="nothing to undo"):
        store.undo(who="ana")
    assert [e.kind for e in store.history()][:3] == ["undo", "undo", "undo"]


def test_undo_of_one_coder_refuses_when_someone_changed_the_row_since(
    store: AnnotationStore,
) -> None:
    a = store.add(note("infant", "cries", 1.0, 2.0), care_scheme(), clip=clip())  # batch 1, ana's
    store.add(note("infant", "cries", 5.0, 6.0, coder="ben"), care_scheme(), clip=clip())  # batch 2
    store.update(a.id, who="ben", coder="ben", end_s=3.0)  # batch 3: ben takes it over
    with pytest.raises(
        StoreError,
        match=r"cannot undo batch 1 \(add by ana .*annotations row 1 was changed since by batch 3; "
        "undo that first",
    ):
        store.undo(who="ana", coder="ana")
    assert store.get(a.id).annotation.end_s == 3.0
    assert store.undo(who="ben", coder="ben").batch_id == 3
    assert store.undo(who="ana", coder="ana").batch_id == 1
    assert [s.annotation.coder for s in store.annotations()] == ["ben"]


def test_a_changed_scheme_needs_a_new_version(store: AnnotationStore) -> None:
    scheme = care_scheme()
    store.add(note("infant", "cries", 1.0, 2.0), scheme, clip=clip())
    changed = dataclasses.replace(scheme, tiers=scheme.tiers[:2])
    with pytest.raises(StoreError, match="scheme care_clip@1 is stored with other content"):
        store.add(note("infant_gaze", "away", 5.0, 6.0), changed, clip=clip())
    assert store.scheme("care_clip@1") == scheme


def _import(
    store: AnnotationStore,
    data: CodingData,
    tmp_path: Path,
    replace: bool = False,
    name: str = "f.csv",
) -> int:
    result = store.import_data(
        data,
        clip=clip(),
        coder="ana",
        who="ana",
        source=tmp_path / name,
        source_format=".csv",
        source_sha256="feed",
        mapping={"offset_s": 0},
        replace=replace,
    )
    return result.count


def _data(*annotations: Annotation) -> CodingData:
    return CodingData(care_scheme(), tuple(annotations), source="f.csv")


def test_an_import_is_all_or_nothing(store: AnnotationStore, tmp_path: Path) -> None:
    good = [note("infant", "cries", t, t + 1) for t in range(5)]
    bad = _data(
        *good, note("infant_gaze", "at_mother", 1.0, 3.0), note("infant_gaze", "away", 2.0, 4.0)
    )
    with pytest.raises(
        StoreError, match=f"{tmp_path / 'f.csv'}: infant_gaze/away at 2.000-4.000 s overlaps"
    ):
        _import(store, bad, tmp_path)
    assert _count(store) == 0 and store.history() == []
    too_long = _data(*good, note("infant", "cries", 179.0, 200.0))
    with pytest.raises(StoreError, match="ends after the clip's end"):
        _import(store, too_long, tmp_path)
    assert _count(store) == 0
    assert _import(store, _data(*good), tmp_path) == 5
    assert {s.import_id for s in store.annotations()} == {1}
    assert store.undo(who="ana").changes == 5 and _count(store) == 0


def test_the_same_file_twice_needs_replace(store: AnnotationStore, tmp_path: Path) -> None:
    data = _data(note("infant", "cries", 1.0, 2.0))
    _import(store, data, tmp_path)
    with pytest.raises(StoreError, match=r"was imported already .* pass --replace"):
        _import(store, data, tmp_path)
    _import(store, _data(note("infant", "cries", 3.0, 4.0)), tmp_path, replace=True)
    assert [s.annotation.start_s for s in store.annotations()] == [3.0]


def test_imported_scheme_brings_unknown_codes(store: AnnotationStore, tmp_path: Path) -> None:
    own = Scheme("table:x", "abc", tiers=(Tier("whatever", open=True, exclusive=False),))
    data = CodingData(
        own, (note("whatever", "anything at all", 1.0, 2.0), note("whatever", "", 1.5, 1.5))
    )
    assert _import(store, data, tmp_path) == 2
    assert {s.annotation.scheme for s in store.annotations()} == {"table:x@abc"}


def test_media_kept_until_a_clip_is_attached(store: AnnotationStore, tmp_path: Path) -> None:
    data = _data(
        note("infant", "cries", 100.0, 250.0, media="long.wav"),
        note("infant", "cries", 5.0, 6.0, media="long.wav"),
    )
    store.import_data(
        data,
        clip=None,
        coder="ana",
        who="ana",
        source=tmp_path / "f.eaf",
        source_format=".eaf",
        source_sha256="x",
        mapping={},
    )
    assert [(c.sha256, c.media) for c in store.clips()] == [(None, "long.wav")]
    with pytest.raises(StoreError, match="ends after the clip's end"):
        store.attach("long.wav", clip(), who="ana")  # 180 s: too short for 250 s
    longer = dataclasses.replace(clip(), duration_s=300.0)
    assert store.attach("long.wav", longer, who="ana") == 2
    assert len(store.annotations(clip_sha256=longer.sha256)) == 2
    store.undo(who="ana")
    assert len(store.annotations(clip_sha256=longer.sha256)) == 0
    with pytest.raises(StoreError, match=r"no unattached media 'nope' \(unattached: long.wav\)"):
        store.attach("nope", longer, who="ana")


def test_not_a_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite"
    path.write_text("these are my notes, not a database" * 100)
    with pytest.raises(StoreError, match="not an annotate project database"):
        AnnotationStore(path)


def test_missing_database_is_refused_when_not_creating(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no project database here"):
        AnnotationStore(tmp_path / "none.sqlite", create=False)
    assert not (tmp_path / "none.sqlite").exists()


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "p.sqlite"
    AnnotationStore(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(StoreError, match="schema version 99"):
        AnnotationStore(path)
