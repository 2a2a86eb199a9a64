"""A coder's swap of a clip's mother and infant, in the store with history."""

from __future__ import annotations

from pathlib import Path

from annotate.coding.clip_roles import clip_roles, set_roles_swapped, swapped_kind, swapped_role
from annotate.coding.store import AnnotationStore

from .helpers import clip


def test_role_names_and_role_named_kinds_swap() -> None:
    assert swapped_role("mother") == "infant" and swapped_role("dyad") == "dyad"
    assert swapped_kind("infant_gaze_aversion") == "mother_gaze_aversion"
    assert swapped_kind("mutual_gaze") == "mutual_gaze"


def test_roles_swapped_by_a_coder_and_back(tmp_path: Path) -> None:
    with AnnotationStore(tmp_path / "p.sqlite") as store:
        assert not clip_roles(store, clip().sha256).swapped
        roles = set_roles_swapped(store, clip(), True, coder="ana")
        assert roles.swapped and roles.coder == "ana" and roles.updated
        assert store.history(limit=1)[0].who == "ana"
        set_roles_swapped(store, clip(), False, coder="ben")
        assert clip_roles(store, clip().sha256).coder == "ben"
        store.undo(who="ben")
        assert clip_roles(store, clip().sha256).swapped
