"""A consensus take is one step of the page's undo (annotate.coding.clip_undo): undo reverts the
last take only, redo takes it again, and the two coders' own annotations are never touched."""

from __future__ import annotations

from pathlib import Path

from annotate.coding.care_index import load_care_index
from annotate.coding.care_store import load_sheet, set_aspect
from annotate.coding.clip_undo import redo_on_clip, undo_on_clip
from annotate.coding.clips import ClipRef
from annotate.coding.consensus_store import (
    TAKE_A,
    TAKE_B,
    ConsensusPair,
    ConsensusView,
    load_view,
    take_care_aspect,
    take_disagreement,
)
from annotate.coding.records import Annotation
from annotate.coding.scheme_files import find_scheme
from annotate.coding.store import AnnotationStore

PAIR = ConsensusPair("ana", "ben", "consensus")
CLIP = ClipRef(sha256="c" * 64, name="dyad.mp4", fps=25.0, duration_s=10.0)


def coded(store: AnnotationStore, coder: str) -> list[tuple[str, str, float, float]]:
    return sorted(
        (a.tier, a.code, a.start_s, a.end_s)
        for a in (s.annotation for s in store.annotations(clip_sha256=CLIP.sha256, coder=coder))
    )


def test_undo_reverts_the_last_take_only_and_redo_takes_it_again(tmp_path: Path) -> None:
    scheme = find_scheme("care_clip")
    care = load_care_index()
    with AnnotationStore(tmp_path / "annotate.sqlite") as store:
        store.add(Annotation("", "ana", "infant_gaze", "at_mother", 1.0, 3.0), scheme, clip=CLIP)
        store.add(Annotation("", "ben", "infant_gaze", "away", 1.0, 3.0), scheme, clip=CLIP)
        store.add(Annotation("", "ana", "mother", "kisses", 6.0, 6.0), scheme, clip=CLIP)
        set_aspect(store, care, CLIP, "ben", "facial_expression", {"adult": {"sensitive": 2.0}})
        own = coded(store, "ana"), coded(store, "ben")

        def view() -> ConsensusView:
            return load_view(store, CLIP, PAIR, tolerance_s=1.0)

        stretch, point = view().comparison.disagreements
        assert take_disagreement(store, CLIP, view(), stretch, TAKE_B, who="eva")
        first = coded(store, "consensus")
        assert take_disagreement(store, CLIP, view(), point, TAKE_A, who="eva")
        assert take_care_aspect(store, CLIP, view(), "facial_expression", TAKE_B, who="eva")
        both = coded(store, "consensus")
        assert both == [("infant_gaze", "away", 1.0, 3.0), ("mother", "kisses", 6.0, 6.0)]

        row = store.conn.execute("SELECT id FROM clips WHERE sha256 = ?", (CLIP.sha256,))
        clip_id = int(row.fetchone()[0])
        # the CARE take, then the point: one take per undo
        undone = undo_on_clip(store, clip_id, "consensus", who="eva")
        assert undone.kind == "consensus" and "facial_expression" in undone.detail
        assert load_sheet(store, CLIP.sha256, "consensus").aspect("facial_expression") is None
        assert coded(store, "consensus") == both
        undo_on_clip(store, clip_id, "consensus", who="eva")
        assert coded(store, "consensus") == first
        # redo: the point again, then the CARE aspect
        redo_on_clip(store, clip_id, "consensus", who="eva")
        assert coded(store, "consensus") == both
        redo_on_clip(store, clip_id, "consensus", who="eva")
        aspect = load_sheet(store, CLIP.sha256, "consensus").aspect("facial_expression")
        assert aspect is not None and aspect.partner("adult")["sensitive"] == 2.0
        assert (coded(store, "ana"), coded(store, "ben")) == own
        kinds = [
            r[0]
            for r in store.conn.execute(
                "SELECT kind FROM batches WHERE coder = 'consensus' ORDER BY id"
            )
        ]
    assert kinds == ["consensus"] * 3 + ["undo"] * 2 + ["redo"] * 2
