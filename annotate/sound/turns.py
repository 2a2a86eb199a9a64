"""Vocal turn-taking from vocalisations: turns, pauses, overlaps, response latencies.

A vocalisation answers another role's when it starts after that one started and no later than
`window_s` after it ended; its latency is its start minus the other's end (negative when it
starts while the other still sounds).
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from annotate.columns import CRY, VOCAL_RESPONSE, VOCALISATION
from annotate.sound.summary import LatencyFigures, VocalDyadFigures, VocalRoleFigures
from annotate.timeline.episodes import Episode


@dataclass(frozen=True)
class Response:
    """One role's vocalisation answered by another's."""

    initiator: str
    responder: str
    initiator_end_s: float
    responder_start_s: float
    start_frame: int
    end_frame: int

    @property
    def latency_s(self) -> float:
        return self.responder_start_s - self.initiator_end_s


def vocal_events(episodes: list[Episode]) -> list[Episode]:
    """Vocalisations and cries in time order."""
    return sorted((e for e in episodes if e.kind in (VOCALISATION, CRY)), key=lambda e: e.start_s)


def responses(
    events: list[Episode], initiator: str, responder: str, window_s: float
) -> list[Response]:
    """For each of the initiator's vocal events, the responder's first answer (if any)."""
    mine = [e for e in events if e.role == initiator]
    theirs = sorted((e for e in events if e.role == responder), key=lambda e: e.start_s)
    starts = [e.start_s for e in theirs]
    found = []
    for event in mine:
        k = bisect_right(starts, event.start_s)  # the first that starts after this one
        answer = theirs[k] if k < len(theirs) else None
        if answer is not None and answer.start_s - event.end_s > window_s:
            answer = None
        if answer is not None:
            found.append(
                Response(
                    initiator,
                    responder,
                    event.end_s,
                    answer.start_s,
                    event.end_frame,
                    answer.start_frame,
                )
            )
    return found


def response_episodes(found: list[Response]) -> list[Episode]:
    """vocal_response episodes (role: the responder; value: the latency in seconds)."""
    return [
        Episode(
            VOCAL_RESPONSE,
            r.responder,
            min(r.initiator_end_s, r.responder_start_s),
            max(r.initiator_end_s, r.responder_start_s),
            min(r.start_frame, r.end_frame),
            max(r.start_frame, r.end_frame),
            value=r.latency_s,
        )
        for r in found
    ]


def turns(events: list[Episode]) -> list[tuple[str, float, float]]:
    """Vocal turns: (role, start, end) runs of one role's events, uninterrupted by another's."""
    out: list[tuple[str, float, float]] = []
    for e in events:
        if out and out[-1][0] == e.role:
            out[-1] = (e.role, out[-1][1], max(out[-1][2], e.end_s))
        else:
            out.append((e.role, e.start_s, e.end_s))
    return out


def _stats(values: list[float]) -> LatencyFigures:
    if not values:
        return LatencyFigures(0, None, None)
    return LatencyFigures(
        n=len(values),
        median_s=round(float(np.median(values)), 3),
        mean_s=round(float(np.mean(values)), 3),
    )


def turn_summary(
    events: list[Episode], overlaps: list[Episode], window_s: float, duration_s: float
) -> tuple[dict[str, VocalRoleFigures], VocalDyadFigures, list[Episode]]:
    """summary.json's vocal figures per role (in role order) and for the dyad, and the
    vocal_response episodes."""
    roles: dict[str, VocalRoleFigures] = {}
    for role in sorted({e.role for e in events}):
        own = [e for e in events if e.role == role]
        vocal = [e for e in own if e.kind == VOCALISATION]
        cries = [e for e in own if e.kind == CRY]
        total = sum(e.duration_s for e in own)
        roles[role] = VocalRoleFigures(
            vocalisations=len(vocal),
            vocalisation_s=round(sum(e.duration_s for e in vocal), 3),
            cries=len(cries),
            cry_s=round(sum(e.duration_s for e in cries), 3),
            vocal_share=round(total / duration_s, 4) if duration_s > 0 else 0.0,
            mean_vocalisation_s=round(total / len(own), 3) if own else None,
        )
    mother_after = responses(events, "infant", "mother", window_s)
    infant_after = responses(events, "mother", "infant", window_s)
    run = turns(events)
    switches = [b[1] - a[2] for a, b in pairwise(run) if b[1] >= a[2]]
    infant_events = [e for e in events if e.role == "infant"]
    dyad = VocalDyadFigures(
        turns=len(run),
        turn_switches=max(len(run) - 1, 0),
        switching_pause=_stats(switches),
        overlaps=len(overlaps),
        overlap_s=round(sum(e.duration_s for e in overlaps), 3),
        mother_response_latency=_stats([r.latency_s for r in mother_after]),
        infant_response_latency=_stats([r.latency_s for r in infant_after]),
        infant_vocalisations_answered_share=round(len(mother_after) / len(infant_events), 4)
        if infant_events
        else None,
        response_window_s=window_s,
    )
    return roles, dyad, response_episodes(mother_after + infant_after)
