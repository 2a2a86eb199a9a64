"""The consensus view behind the page: two coders compared, the agreed version recorded as the
session's coder (annotate.coding.consensus_store), each write checked against the revision.

The consensus coder is the session's coder (`annotate code CLIP --consensus A,B` makes it
`consensus` unless --coder names another); A and B are named in every request (the page offers
the clip's other coders, the command line's pair first). Only a session started with
--consensus records: in any other session the view compares and shows, and every write is
refused, so that no coder's own coding is ever overwritten by a consensus. Writes are made by
`by` (the person at the keyboard: the login name), recorded in the history with both coders'
names.
Every function here runs on the store's thread (CodingService.run).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from annotate.app.coding import (
    ChangeKeyError,
    CodingService,
    StaleRevisionError,
    care_sheet_json,
)
from annotate.coding.clips import ClipRef
from annotate.coding.consensus import Disagreement, decided
from annotate.coding.consensus_store import (
    KIND,
    ConsensusPair,
    ConsensusView,
    load_view,
    take_all_agreed,
    take_care_aspect,
    take_disagreement,
)
from annotate.coding.records import Annotation
from annotate.errors import AnnotateError

DEFAULT_TOLERANCE_S = 1.0  # as `annotate reliability --tolerance`
CONSENSUS_CODER = "consensus"  # the coder the agreed version is recorded as, by default


@dataclass(frozen=True)
class ConsensusSetup:
    """The consensus view's settings for a session.

    Attributes:
        a, b: the pair the command line named ('' when none: the page picks).
        by: who makes the consensus ('' : the session's coder).
        tolerance_s: how far apart two coders' points may be and still match.
    """

    a: str = ""
    b: str = ""
    by: str = ""
    tolerance_s: float = DEFAULT_TOLERANCE_S


def consensus_setup(pair: str, by: str) -> ConsensusSetup:
    """The setup of `--consensus A,B` made by `by`.

    Raises:
        AnnotateError: not two different coders' names separated by a comma.
    """
    names = [n.strip() for n in pair.split(",")]
    if len(names) != 2 or not all(names) or names[0] == names[1]:
        raise AnnotateError(f"--consensus needs two different coders as A,B, got {pair!r}")
    return ConsensusSetup(names[0], names[1], by)


def _number(value: float) -> float | None:
    return None if math.isnan(value) else value


def _annotation(x: Annotation) -> dict[str, Any]:
    return {
        "tier": x.tier,
        "code": x.code,
        "start_s": x.start_s,
        "end_s": x.end_s,
        "value": x.value,
        "note": x.note,
    }


def _figures(view: ConsensusView) -> list[dict[str, Any]]:
    out = []
    for tier, figure in view.comparison.tiers.items():
        kappa, events = figure.kappa, figure.events
        out.append(
            {
                "tier": tier,
                "kappa": None if kappa is None else _number(kappa.kappa),
                "agreement": None if kappa is None else kappa.agreement,
                "frames": 0 if kappa is None else kappa.n,
                "events": None
                if events is None
                else {
                    "a": events.n_a,
                    "b": events.n_b,
                    "matched": events.matched,
                    "f1": _number(events.f1),
                },
            }
        )
    return out


def _care(view: ConsensusView, coding: CodingService) -> dict[str, Any]:
    sheet_a, sheet_b, mine = view.sheets
    differ = []
    for aspect in coding.care.aspect_ids:
        x, y = sheet_a.aspect(aspect), sheet_b.aspect(aspect)
        if (x is None) != (y is None) or (x is not None and y is not None and x.points != y.points):
            differ.append(aspect)
    return {
        "a": care_sheet_json(sheet_a, coding.care),
        "b": care_sheet_json(sheet_b, coding.care),
        "consensus": care_sheet_json(mine, coding.care),
        "differ": differ,
    }


class ConsensusService:
    """The consensus view's reads and writes for one session."""

    def __init__(self, coding: CodingService, setup: ConsensusSetup) -> None:
        self.coding = coding
        self.setup = setup

    @property
    def who(self) -> str:
        """Who makes the consensus (recorded in the history)."""
        return self.setup.by or self.coding.coder

    @property
    def recording(self) -> bool:
        """Whether this session records a consensus (started with --consensus A,B)."""
        return bool(self.setup.a)

    def _view(self, clip: ClipRef, a: str, b: str) -> ConsensusView:
        pair = ConsensusPair(a, b, self.coding.coder)
        return load_view(self.coding.store, clip, pair, tolerance_s=self.setup.tolerance_s)

    def candidates(self, clip: ClipRef) -> list[str]:
        """The coders of the clip a consensus can be made of (all but the session's coder)."""
        return [c for c in self.coding.coders(clip) if c != self.coding.coder]

    def view(self, clip: ClipRef, a: str | None, b: str | None) -> dict[str, Any]:
        """The view of A and B on the clip (default: the command line's pair, else the first
        two coders); with fewer than two coders, only the candidates."""
        others = self.candidates(clip)
        base = {
            "coder": self.coding.coder,
            "by": self.who,
            "coders": others,
            "recording": self.recording,
            "revision": self.coding.revision(clip),
        }
        if not (a and b):
            pair = [c for c in (self.setup.a, self.setup.b) if c] or others[:2]
            if len(pair) < 2:
                return {**base, "a": None, "b": None}
            a, b = pair[0], pair[1]
        view = self._view(clip, a, b)
        current = [s.annotation for s in view.consensus]
        return {
            **base,
            "a": a,
            "b": b,
            "step_s": view.comparison.step_s,
            "tolerance_s": view.comparison.tolerance_s,
            "annotations": {
                "a": [_annotation(x) for x in view.a],
                "b": [_annotation(x) for x in view.b],
            },
            "disagreements": [
                {
                    "key": d.key,
                    "tier": d.tier,
                    "kind": d.kind,
                    "start_s": d.start_s,
                    "end_s": d.end_s,
                    "label_a": d.label_a,
                    "label_b": d.label_b,
                    "now": decided(current, view.a, view.b, d),
                }
                for d in view.comparison.disagreements
            ],
            "tiers": _figures(view),
            "care": _care(view, self.coding),
        }

    def _replayed(self, clip: ClipRef, change_key: str | None) -> dict[str, Any] | None:
        if change_key is None:
            return None
        found = self.coding.store.change(change_key)
        if found is None:
            return None
        if found.kind != KIND or found.coder != self.coding.coder:
            raise ChangeKeyError(
                f"change key {change_key} belongs to another change (batch {found.batch_id}, "
                f"{found.kind} by {found.coder}); the page must make a new key per change"
            )
        return {"revision": self.coding.revision(clip), "changed": True}

    def _check(self, clip: ClipRef, revision: int) -> None:
        if not self.recording:
            raise AnnotateError(
                f"this session shows the consensus view only; to record the agreed version "
                f"start `annotate code CLIP --consensus A,B` (it records as "
                f"'{CONSENSUS_CODER}', not as {self.coding.coder}'s own coding)"
            )
        current = self.coding.revision(clip)
        if revision != current:
            raise StaleRevisionError(current)

    def _write(
        self,
        clip: ClipRef,
        revision: int,
        pair: tuple[str, str],
        change_key: str | None,
        write: Callable[[ConsensusView], bool],
    ) -> dict[str, Any]:
        """One write of the consensus: a resent change answered as done, else the revision
        checked and `write` run on the pair's view; answers {revision, changed}."""
        replayed = self._replayed(clip, change_key)
        if replayed is not None:
            return replayed
        self._check(clip, revision)
        changed = write(self._view(clip, *pair))
        return {"revision": self.coding.changed(clip), "changed": changed}

    def take(
        self,
        clip: ClipRef,
        revision: int,
        pair: tuple[str, str],
        key: str,
        side: str,
        change_key: str | None = None,
    ) -> dict[str, Any]:
        """Record coder A's or B's version of one disagreement (named by its key).

        Raises:
            StaleRevisionError, ChangeKeyError, StoreError (the disagreement is gone, the pair
            is refused, the result fails the checks), ValueError (not a disagreement's key).
        """
        return self._write(
            clip,
            revision,
            pair,
            change_key,
            lambda view: take_disagreement(
                self.coding.store,
                clip,
                view,
                Disagreement.from_key(key),
                side,
                who=self.who,
                change_key=change_key,
            ),
        )

    def agreed(
        self, clip: ClipRef, revision: int, pair: tuple[str, str], change_key: str | None = None
    ) -> dict[str, Any]:
        """Copy everything A and B agree on (annotations and CARE aspects) into the consensus."""
        return self._write(
            clip,
            revision,
            pair,
            change_key,
            lambda view: take_all_agreed(
                self.coding.store, clip, view, self.coding.care, who=self.who, change_key=change_key
            ),
        )

    def care(
        self,
        clip: ClipRef,
        revision: int,
        pair: tuple[str, str],
        aspect: str,
        side: str,
        change_key: str | None = None,
    ) -> dict[str, Any]:
        """Record A's or B's points and note of one CARE aspect as the consensus sheet's."""
        return self._write(
            clip,
            revision,
            pair,
            change_key,
            lambda view: take_care_aspect(
                self.coding.store, clip, view, aspect, side, who=self.who, change_key=change_key
            ),
        )
