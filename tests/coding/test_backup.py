"""Backups with SQLite's online backup API, and the rotating backup the tool makes on start."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotate.coding.backup import backup, backups_of, open_with_backup, rotating_backup
from annotate.coding.store import AnnotationStore
from annotate.errors import OutputError, StoreError

from .helpers import care_scheme, clip, note


def test_backup_of_a_database_in_use_holds_every_committed_change(tmp_path: Path) -> None:
    with AnnotationStore(tmp_path / "p.sqlite") as store:
        store.add(note("infant", "cries", 1.0, 2.0), care_scheme(), clip=clip())
        made = backup(store.path, tmp_path / "copy.sqlite")  # the change is still in the WAL
        with AnnotationStore(made, create=False) as copy:
            assert [s.annotation for s in copy.annotations()] == [
                s.annotation for s in store.annotations()
            ]
            assert len(copy.history()) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "copy.sqlite",
        "p.sqlite",
    ]  # no temporaries


def test_backup_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    AnnotationStore(tmp_path / "p.sqlite").close()
    target = tmp_path / "copy.sqlite"
    target.write_text("an older copy")
    with pytest.raises(OutputError, match="exists already"):
        backup(tmp_path / "p.sqlite", target)
    assert target.read_text() == "an older copy"
    backup(tmp_path / "p.sqlite", target, force=True)
    with AnnotationStore(target, create=False) as copy:
        assert copy.annotations() == []


def test_backup_of_nothing_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no project database to back up"):
        backup(tmp_path / "none.sqlite", tmp_path / "copy.sqlite")


def test_rotating_backups_keep_the_newest(tmp_path: Path) -> None:
    database = tmp_path / "annotate.sqlite"
    assert rotating_backup(database) is None  # no project yet
    with AnnotationStore(database) as store:
        made = []
        for n in range(5):
            store.add(note("infant", "cries", float(n), n + 0.5), care_scheme(), clip=clip())
            made.append(rotating_backup(database, keep=3))
    kept = backups_of(database)
    assert kept == made[-3:] and all(p.parent == tmp_path / "backups" for p in kept)
    with AnnotationStore(kept[-1], create=False) as newest:
        assert len(newest.annotations()) == 5
    with pytest.raises(StoreError, match="keep must be 1 or more"):
        rotating_backup(database, keep=0)


def test_the_tool_backs_up_on_every_start(tmp_path: Path) -> None:
    database = tmp_path / "annotate.sqlite"
    for start in range(4):
        with open_with_backup(database, keep=2) as store:
            store.add(
                note("infant", "cries", float(start), start + 0.5), care_scheme(), clip=clip()
            )
    kept = backups_of(database)
    assert len(kept) == 2  # starts 2, 3, 4 made backups (start 1 had no project yet); 2 kept
    with AnnotationStore(kept[-1], create=False) as newest:
        assert len(newest.annotations()) == 3  # as the project was when the fourth start began
