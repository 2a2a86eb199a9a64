"""How long the consensus view takes on a three-minute clip, run by hand:
`python benchmarks/consensus.py [--states 300] [--points 100]`.

Two coders (ana, ben) code a 180-s, 30-fps clip on the care_clip scheme: `--states` gaze states
each (ben's boundaries moved by 0-0.3 s at random, one state in ten given another code) and
`--points` kisses each (ben's moved by up to 1.5 s), stored in a temporary project store. Prints
the median time of loading the view (the store read, the comparison on the 1/30-s grid, the
disagreement list), of "take all agreed" and of one "take B's", each the tool's way
(annotate.coding.consensus_store), and how many disagreements there were.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

from annotate.coding.care_index import load_care_index
from annotate.coding.clips import ClipRef
from annotate.coding.consensus import TAKE_B
from annotate.coding.consensus_store import (
    ConsensusPair,
    load_view,
    take_all_agreed,
    take_disagreement,
)
from annotate.coding.records import Annotation, CodingData
from annotate.coding.scheme_files import find_scheme
from annotate.coding.store import AnnotationStore

CLIP = ClipRef("0" * 64, "visit.mp4", duration_s=180.0, fps=30.0)
CODES = ("at_mother", "at_object", "away")


def codings(states: int, points: int, seed: int = 14) -> dict[str, list[Annotation]]:
    rng = random.Random(seed)
    length = 180.0 / states
    out: dict[str, list[Annotation]] = {"ana": [], "ben": []}
    for k in range(states):
        start, end = k * length, (k + 1) * length - 0.05
        code = CODES[k % 3]
        out["ana"].append(Annotation("", "ana", "infant_gaze", code, start, end))
        other = CODES[(k + 1) % 3] if rng.random() < 0.1 else code
        shift = rng.uniform(0.0, min(0.3, length / 4))
        out["ben"].append(Annotation("", "ben", "infant_gaze", other, start + shift, end))
    for k in range(points):
        t = (k + 0.5) * 180.0 / points
        out["ana"].append(Annotation("", "ana", "mother", "kisses", t, t))
        moved = min(179.0, t + rng.uniform(0.0, 1.5))
        out["ben"].append(Annotation("", "ben", "mother", "kisses", moved, moved))
    return out


def store_codings(store: AnnotationStore, states: int, points: int) -> None:
    scheme = find_scheme("care_clip")
    for coder, coded in codings(states, points).items():
        store.import_data(
            CodingData(scheme, tuple(coded)),
            clip=CLIP,
            coder=coder,
            who="bench",
            source=Path(f"{coder}.csv"),
            source_format="csv",
            source_sha256=("1" if coder == "ana" else "2") * 64,
            mapping={},
        )


def median_ms(run: object, repeats: int = 5) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()  # type: ignore[operator]
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--states", type=int, default=300)
    parser.add_argument("--points", type=int, default=100)
    args = parser.parse_args()
    pair = ConsensusPair("ana", "ben", "consensus")
    care = load_care_index()
    with (
        tempfile.TemporaryDirectory() as folder,
        AnnotationStore(Path(folder) / "annotate.sqlite") as store,
    ):
        store_codings(store, args.states, args.points)
        view = load_view(store, CLIP, pair, tolerance_s=1.0)
        print(
            f"{args.states} states and {args.points} points per coder: "
            f"{len(view.comparison.disagreements)} disagreements"
        )
        load = median_ms(lambda: load_view(store, CLIP, pair, tolerance_s=1.0))
        print(f"load the view: {load:.1f} ms (median of 5)")
        start = time.perf_counter()
        take_all_agreed(store, CLIP, view, care, who="bench")
        print(f"take all agreed: {(time.perf_counter() - start) * 1000:.1f} ms")
        takes = []
        for k in range(5):
            view = load_view(store, CLIP, pair, tolerance_s=1.0)
            d = view.comparison.disagreements[k * 7]
            start = time.perf_counter()
            take_disagreement(store, CLIP, view, d, TAKE_B, who="bench")
            takes.append((time.perf_counter() - start) * 1000)
        print(f"one take (after the view is loaded): {statistics.median(takes):.1f} ms")


if __name__ == "__main__":
    main()
