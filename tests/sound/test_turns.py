"""Turn-taking from vocalisations: responses and their latencies, turns, the answered share."""

from __future__ import annotations

from annotate import columns as C
from annotate.sound.turns import responses, turn_summary, turns, vocal_events
from annotate.timeline.episodes import Episode


def voc(role: str, start: float, end: float, kind: str = C.VOCALISATION) -> Episode:
    return Episode(kind, role, start, end, round(start * 10), round(end * 10))


EVENTS = vocal_events(
    [
        voc("mother", 5.0, 6.0),
        voc("infant", 0.0, 1.0),
        voc("mother", 1.4, 2.5),  # answers the infant after 0.4 s
        voc("infant", 2.2, 3.0, C.CRY),  # starts under the mother: latency -0.3
        voc("infant", 9.0, 9.5),  # nobody answers within 2 s
    ]
)


def test_responses_and_latencies() -> None:
    mother = responses(EVENTS, "infant", "mother", 1.9)
    assert [(r.initiator_end_s, r.responder_start_s) for r in mother] == [(1.0, 1.4)]
    infant = responses(EVENTS, "mother", "infant", 2.0)
    assert [round(r.latency_s, 3) for r in infant] == [-0.3]
    # the cry at 2.2-3.0 is answered by the mother at 5.0 only with a window of 2 s or more
    assert len(responses(EVENTS, "infant", "mother", 1.9)) == 1
    assert len(responses(EVENTS, "infant", "mother", 2.0)) == 2


def test_turns_join_one_role_runs() -> None:
    assert [t[0] for t in turns(EVENTS)] == ["infant", "mother", "infant", "mother", "infant"]


def test_summary_and_response_episodes() -> None:
    roles, dyad, episodes = turn_summary(EVENTS, [], 2.0, 10.0)
    assert dyad.mother_response_latency.n == 2
    assert dyad.infant_vocalisations_answered_share == round(2 / 3, 4)
    assert roles["infant"].cries == 1
    assert roles["infant"].vocalisations == 2
    assert all(e.kind == C.VOCAL_RESPONSE and e.value is not None for e in episodes)
    assert all(e.start_s <= e.end_s for e in episodes)
