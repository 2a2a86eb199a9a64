"""Who is who and looking-at on real footage (run by hand, not in CI).

    python benchmarks/roles_on_real_footage.py            # the README's table
    python benchmarks/roles_on_real_footage.py CLIP:KIND  # other clips: KIND infant or adult

For each clip: frames sampled, frames with a face found, tracks, each role with its confidence,
the face's infant log-odds and the frames it holds; the share of found faces whose role is
right where the clip has one kind of person (real/fd_video.mp4: an infant; faces/*.mp4:
adults); looking-at shares (partner / elsewhere / unknown); time per sampled frame.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from annotate import columns as C
from annotate.config import load_feature_config
from annotate.extract.features import extract_clip, mediapipe_factory
from annotate.media.video import probe
from annotate.models import resolve_face_model

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO.parent / "shared" / "fixtures"
CLIPS = (
    (FIXTURES / "real" / "fd_video.mp4", "infant", "all"),
    (FIXTURES / "faces" / "single_face.mp4", "adult", "all"),
    (FIXTURES / "faces" / "WolfgangLanger_Pexels.mp4", "adult", "10"),
    (REPO / "sample_clips" / "dyad_play.mp4", "", "10"),
    (REPO / "sample_clips" / "dyad_cross.mp4", "", "10"),
)


def measure(clip: Path, kind: str, fps: str) -> None:
    config = load_feature_config().with_overrides(fps=fps)
    started = time.perf_counter()
    features = extract_clip(probe(clip), config, mediapipe_factory(resolve_face_model()))
    elapsed = time.perf_counter() - started
    table = features.table
    frames = features.summary.frames_analysed
    visible = table[table[C.VISIBLE]] if not table.empty else table
    found = visible[C.FRAME].nunique() if not table.empty else 0
    print(f"\n{clip.name} ({fps} samples/s): {frames} frames, a face found in {found}")
    print(f"   tracks: {len(features.roles)}; {elapsed / max(frames, 1) * 1000:.0f} ms per frame")
    for assignment in sorted(features.roles.values(), key=lambda a: a.track_id):
        rows = int((visible[C.TRACK] == assignment.track_id).sum()) if found else 0
        logit = assignment.evidence.get("infant_logit", float("nan"))
        print(
            f"   track{assignment.track_id} {assignment.role}: confidence "
            f"{assignment.confidence:.2f}, infant log-odds {logit:+.2f}, in {rows} frames"
        )
    if kind and found:
        right = visible[C.ROLE].isin(["infant"] if kind == "infant" else ["mother", "adult_2"])
        print(f"   found faces with the right role ({kind}): {right.mean():.1%}")
    for role, figures in features.summary.roles.items():
        partner = figures.looking_at_partner_share
        print(
            f"   {role}: looks at partner "
            + ("-" if partner is None else f"{partner:.0%}")
            + f", elsewhere {figures.looking_elsewhere_share or 0.0:.0%}, "
            f"unknown {figures.gaze_unknown_share or 0.0:.0%}"
        )
    dyad = features.summary.dyad
    if dyad:
        print(
            f"   dyad: mutual gaze {dyad.mutual_gaze_share or 0.0:.0%}, none "
            f"{dyad.no_mutual_gaze_share or 0.0:.0%}, "
            f"unknown {dyad.mutual_gaze_unknown_share or 0.0:.0%}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("clips", nargs="*", help="CLIP:KIND (infant or adult), every frame")
    args = parser.parse_args()
    clips = [(Path(c.rsplit(":", 1)[0]), c.rsplit(":", 1)[1], "all") for c in args.clips]
    for clip, kind, fps in clips or CLIPS:
        measure(clip, kind, fps)


if __name__ == "__main__":
    main()
