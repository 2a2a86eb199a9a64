"""States started in the coding tool and not ended yet (records.OPEN_ATTR): stored as such, a
zero-length closed state is not one, and exports and reliability refuse to count them."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotate.coding.care_index import load_care_index
from annotate.coding.records import OPEN_ATTR
from annotate.coding.reliability_report import compare_coders
from annotate.coding.store import AnnotationStore
from annotate.errors import InterchangeError, StoreError
from annotate.interchange.store_files import export_clip

from .helpers import care_scheme, clip, note


def test_an_open_state_is_stored_ended_and_a_zero_length_state_is_not_open(
    tmp_path: Path,
) -> None:
    with AnnotationStore(tmp_path / "p.sqlite") as store:
        opened = store.add(
            note("infant", "cries", 3.0).with_attrs(**{OPEN_ATTR: "1"}), care_scheme(), clip=clip()
        )
        closed = store.add(note("infant", "smiles", 5.0), care_scheme(), clip=clip())
        assert opened.annotation.is_open and not closed.annotation.is_open
        ended = store.update(opened.id, who="ana", end_s=4.0, open=False)
        assert not ended.annotation.is_open and ended.annotation.end_s == 4.0
        with pytest.raises(StoreError, match="only a state not ended yet is open"):
            store.update(ended.id, who="ana", open=True)
        with pytest.raises(StoreError, match="only a state not ended yet is open"):
            store.add(
                note("mother", "kisses", 1.0).with_attrs(**{OPEN_ATTR: "1"}),
                care_scheme(),
                clip=clip(),
            )


def test_exports_and_reliability_refuse_open_states(tmp_path: Path) -> None:
    with AnnotationStore(tmp_path / "p.sqlite") as store:
        for coder in ("ana", "ben"):
            store.add(note("infant", "cries", 1.0, 2.0, coder=coder), care_scheme(), clip=clip())
        store.add(
            note("infant", "smiles", 3.0, coder="ben").with_attrs(**{OPEN_ATTR: "1"}),
            care_scheme(),
            clip=clip(),
        )
        with pytest.raises(StoreError, match=r"1 state\(s\) started and not ended \(ben infant"):
            compare_coders(store, "ana", "ben", load_care_index())
        with pytest.raises(InterchangeError, match="not ended"):
            export_clip(store, clip(), tmp_path / "out.csv")
        assert not (tmp_path / "out.csv").exists()
        _, count = export_clip(store, clip(), tmp_path / "ana.csv", coder="ana")
        assert count == 1
