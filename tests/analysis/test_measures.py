"""Tallies: what lies inside a mechanism's events and outside them adds up to the whole
recording, whatever the annotations and events (hypothesis), and pooling adds."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotate.analysis.measures import (
    MANUAL,
    Quantity,
    Tally,
    manual_quantities,
    measures,
    tally,
)
from annotate.timeline.intervals import Interval, gaps, total_duration_s, union

from .builders import note

SPAN = Interval(0.0, 100.0)


@st.composite
def spans(draw: st.DrawFn, max_size: int = 6) -> list[Interval]:
    found = []
    for _ in range(draw(st.integers(0, max_size))):
        start = draw(st.integers(0, 990)) / 10
        length = draw(st.sampled_from([0, 0, *range(1, 200)])) / 10  # points now and then
        found.append(Interval(start, min(start + length, 100.0)))
    return found


@settings(max_examples=60, deadline=None)
@given(annotations=spans(10), events=spans(4))
def test_inside_and_outside_add_up_to_the_whole_recording(
    annotations: list[Interval], events: list[Interval]
) -> None:
    manual = manual_quantities(note("t", "c", a.start_s, a.end_s) for a in annotations)
    windows = [e for e in events if not e.is_point] or [Interval(10.0, 20.0)]
    inside = tally(windows, manual)
    outside = tally(gaps(windows, SPAN), manual)
    whole = tally([SPAN], manual)

    assert inside.span_s + outside.span_s == pytest.approx(SPAN.duration_s)
    key = Quantity(MANUAL, "t", "c", "ana")
    if not annotations:
        assert manual == {}
        return
    seconds_in, seconds_out = inside.values[key][1], outside.values[key][1]
    assert seconds_in + seconds_out == pytest.approx(total_duration_s(annotations))
    assert whole.values[key][1] == pytest.approx(total_duration_s(annotations))
    # an annotation is counted inside, outside, or both (when it spans an edge), never neither
    count_in, count_out = inside.values[key][0], outside.values[key][0]
    assert max(count_in, count_out) <= len(annotations) <= count_in + count_out
    assert 0.0 <= inside.values[key][1] <= total_duration_s(union(windows))


def test_pooled_tallies_give_pooled_rates() -> None:
    key = Quantity(MANUAL, "mother", "talks", "ana")
    first = Tally(60.0, 1, {key: (3.0, 6.0)})
    second = Tally(30.0, 1, {key: (3.0, 0.0)})
    pooled = {m.measure: m.value for m in measures(first.plus(second))}
    # 6 talks in 90 s: 4 per minute; 6 s of 90: a share of 1/15
    assert pooled == pytest.approx(
        {"count": 6.0, "duration_s": 6.0, "share": 1 / 15, "rate_per_min": 4.0}
    )
    assert first.plus(second).stretches == 2
