"""A clip's coding status per coder (not started, in progress, done), its progress, the done mark
with history, and the neutral aliases of blinded coding."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from annotate.coding.care_index import load_care_index
from annotate.coding.care_store import set_aspect
from annotate.coding.clip_aliases import alias_secret, clip_aliases, hidden_attributes
from annotate.coding.clip_status import (
    DONE,
    IN_PROGRESS,
    NOT_STARTED,
    OpenStatesError,
    clip_progress,
    coder_progress,
    done_mark,
    next_clip,
    set_done,
)
from annotate.coding.records import OPEN_ATTR
from annotate.coding.store import AnnotationStore
from annotate.coding.store_db import SCHEMA_VERSION

from .helpers import care_scheme, clip, note

CARE = load_care_index()


def _points(config=CARE):  # type: ignore[no-untyped-def]
    """Both partners' 2 points on their first pattern."""
    return {p: {patterns[0]: 2.0} for p, patterns in config.partners.items()}


def test_status_moves_from_not_started_to_in_progress_to_done_and_back(tmp_path: Path) -> None:
    scheme = care_scheme()
    with AnnotationStore(tmp_path / "p.sqlite") as store:
        assert coder_progress(store, clip(), "ana", CARE).status == NOT_STARTED
        store.add(note("infant_gaze", "at_mother", 0.0, 45.0), scheme, clip=clip(), who="ana")
        store.add(note("infant_gaze", "away", 90.0, 135.0), scheme, clip=clip(), who="ana")
        store.add(note("mother", "kisses", 10.0), scheme, clip=clip(), who="ana")
        set_aspect(store, CARE, clip(), "ana", CARE.aspect_ids[0], _points(), "")
        progress = coder_progress(store, clip(), "ana", CARE)
        assert progress.status == IN_PROGRESS
        assert dict(progress.tiers) == {"infant_gaze": 2, "mother": 1}
        assert (progress.care_filled, progress.care_total) == (1, 7)
        assert progress.covered == pytest.approx(90.0 / 180.0)
        assert coder_progress(store, clip(), "ben", CARE).status == NOT_STARTED

        mark = set_done(store, clip(), True, coder="ana")
        assert mark.done and mark.coder == "ana" and mark.updated
        assert done_mark(store, clip().sha256, "ana").done
        assert coder_progress(store, clip(), "ana", CARE).status == DONE
        assert store.history(limit=1)[0].who == "ana"  # the mark is a change with history
        set_done(store, clip(), False, coder="ana")  # reopened
        assert coder_progress(store, clip(), "ana", CARE).status == IN_PROGRESS
        store.undo(who="ana", coder="ana")  # undo of the reopening: done again
        assert done_mark(store, clip().sha256, "ana").done


def test_every_coder_of_a_clip_is_listed_with_a_status(tmp_path: Path) -> None:
    scheme = care_scheme()
    with AnnotationStore(tmp_path / "p.sqlite") as store:
        store.add(note("mother", "kisses", 1.0, coder="ana"), scheme, clip=clip(), who="ana")
        set_aspect(store, CARE, clip(), "ben", CARE.aspect_ids[1], _points(), "")
        set_done(store, clip(), True, coder="ben")
        rows = {p.coder: p.status for p in clip_progress(store, clip(), CARE)}
        assert rows == {"ana": IN_PROGRESS, "ben": DONE}
        assert clip_progress(store, clip(2), CARE) == []


def test_done_is_refused_while_a_state_is_open_naming_it(tmp_path: Path) -> None:
    scheme = care_scheme()
    with AnnotationStore(tmp_path / "p.sqlite") as store:
        started = note("infant_gaze", "at_mother", 12.5).with_attrs(**{OPEN_ATTR: "1"})
        store.add(started, scheme, clip=clip(), who="ana")
        with pytest.raises(OpenStatesError, match=r"infant_gaze:at_mother from 12\.500 s"):
            set_done(store, clip(), True, coder="ana")
        assert not done_mark(store, clip().sha256, "ana").done
        set_done(store, clip(), True, coder="ben")  # another coder's open state is not ben's


def test_next_clip_is_the_first_one_not_done_in_the_given_order() -> None:
    names = ["a.mp4", "b.mp4", "c.mp4"]
    status = {"a.mp4": DONE, "b.mp4": IN_PROGRESS, "c.mp4": NOT_STARTED}
    assert next_clip(names, status) == "b.mp4"
    assert next_clip(names, {**status, "b.mp4": DONE}) == "c.mp4"
    assert next_clip(names, dict.fromkeys(names, DONE)) is None
    assert next_clip(names, {}, after="a.mp4") == "b.mp4"  # the next after the open clip
    assert next_clip(names, {"b.mp4": DONE}, after="a.mp4") == "c.mp4"
    assert next_clip(names, {"b.mp4": DONE, "c.mp4": DONE}, after="a.mp4") == "a.mp4"


def test_a_version_2_store_gets_the_done_table(tmp_path: Path) -> None:
    path = tmp_path / "p.sqlite"
    with AnnotationStore(path) as store:
        store.conn.execute("DROP TABLE clip_done")
        store.conn.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    with AnnotationStore(path) as store:
        set_done(store, clip(), True, coder="ana")
        version = store.conn.execute("SELECT value FROM meta WHERE key='schema_version'")
        assert version.fetchone()[0] == SCHEMA_VERSION == "3"
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT coder, done FROM clip_done").fetchall() == [("ana", 1)]


def test_aliases_are_stable_keyed_and_not_the_names(tmp_path: Path) -> None:
    names = ["pre/D01_visit1_pre.mp4", "post/D01_visit2_post.mp4", "D02.mov"]
    with AnnotationStore(tmp_path / "p.sqlite") as store:
        secret = alias_secret(store)
        assert alias_secret(store) == secret and len(secret) >= 32  # made once, kept
        first = clip_aliases(secret, names)
    with AnnotationStore(tmp_path / "p.sqlite") as store:
        assert clip_aliases(alias_secret(store), names) == first  # stable across openings
        # a new file changes no other clip's alias
        assert clip_aliases(secret, [*names, "new.mp4"])[names[0]] == first[names[0]]
    with AnnotationStore(tmp_path / "other.sqlite") as store:
        assert clip_aliases(alias_secret(store), names) != first  # another project, other keys
    assert len(set(first.values())) == 3
    for name, alias in first.items():
        assert alias.startswith("Clip-") and len(alias) == 13
        assert Path(name).stem.lower() not in alias.lower() and "visit" not in alias.lower()


def test_the_phase_attribute_is_the_one_hidden() -> None:
    assert hidden_attributes(care_scheme()) == frozenset({"visit"})
