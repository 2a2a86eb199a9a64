"""The one stitch of tracked time chunks (annotate.extract.chunks.join_stretches), which both
`annotate extract --workers` and the batch's finish job use."""

from __future__ import annotations

from annotate.config import FeatureConfig
from annotate.extract.chunks import join_stretches
from annotate.extract.features import TrackedStretch
from annotate.faces.heads import HeadMark
from annotate.faces.tracking import Track


def stretch(start_s: float, end_s: float | None, frames: range, elapsed_s: float) -> TrackedStretch:
    return TrackedStretch(
        start_s=start_s,
        end_s=end_s,
        samples=[(f, f / 10) for f in frames],
        tracks=[Track(0)],  # an empty track: nothing to stitch
        frames_decoded=len(frames),
        device="cpu",
        elapsed_s=elapsed_s,
        heads=[HeadMark(frames[0], frames[0], (0.1, 0.1, 0.2, 0.2))],
    )


def test_chunks_join_in_time_order_with_their_frames_summed() -> None:
    first, second = stretch(0.0, 1.0, range(0, 10), 2.0), stretch(1.0, None, range(10, 25), 3.0)
    whole = join_stretches([first, second], FeatureConfig(), (640, 360))
    assert (whole.start_s, whole.end_s) == (0.0, None)
    assert [f for f, _ in whole.samples] == list(range(25))
    assert whole.frames_decoded == 25
    assert whole.elapsed_s == 5.0  # the chunks' times, when the caller gives no wall time
    assert [mark.frame for mark in whole.heads] == [0, 10]
    assert whole.tracks == []  # empty tracks are dropped by the stitch


def test_a_wall_time_given_replaces_the_sum_and_one_chunk_is_itself() -> None:
    first, second = stretch(0.0, 1.0, range(0, 10), 2.0), stretch(1.0, None, range(10, 25), 3.0)
    assert join_stretches([first, second], FeatureConfig(), (640, 360), 3.5).elapsed_s == 3.5
    only = stretch(0.0, None, range(0, 10), 2.0)
    assert join_stretches([only], FeatureConfig(), (640, 360)) is only
    assert join_stretches([only], FeatureConfig(), (640, 360), 1.0).elapsed_s == 1.0
