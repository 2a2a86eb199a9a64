"""The scripts of the project's sample clips and of the longer clips benchmarks make on demand."""

from __future__ import annotations

import random
from collections.abc import Callable

from annotate.samples.group import group_session
from annotate.samples.script import FaceLook, Script, Segment
from annotate.sound.synthesis import ScriptedSound

MOTHER_LOOK = FaceLook(width_px=150)


def _sounds(*items: tuple[str, str, float, float]) -> tuple[ScriptedSound, ...]:
    return tuple(ScriptedSound(role, kind, start, end) for role, kind, start, end in items)


# The sound track of dyad_play: turns with known latencies (0.5 s, 0.4 s), silences, the infant
# starting over the mother (an overlap) and the mother singing a phrase of five seconds.
DYAD_PLAY_SOUNDS = _sounds(
    ("mother", "speech", 0.4, 2.2),
    ("infant", "speech", 2.7, 3.5),
    ("mother", "speech", 4.3, 6.2),
    ("infant", "speech", 5.2, 6.4),
    ("infant", "speech", 7.0, 7.8),
    ("mother", "speech", 8.2, 9.2),
    ("mother", "song", 10.0, 15.0),
)
# dyad_cross: a turn each, an overlap, another (lower) adult voice heard off screen.
DYAD_CROSS_SOUNDS = _sounds(
    ("mother", "speech", 0.5, 2.0),
    ("infant", "speech", 2.4, 3.2),
    ("mother", "speech", 3.6, 5.3),
    ("infant", "speech", 4.3, 5.5),
    ("adult_2", "speech", 6.0, 7.5),
    ("infant", "speech", 8.0, 9.0),
)
INFANT_LOOK = FaceLook(width_px=105, mirror=True, brightness=1.08)


def dyad_play() -> Script:
    """16 s: mutual gaze; infant looks away while the mother looks at it; the mother looks away;
    the infant leaves the frame and comes back; mutual gaze with the infant lying at 90 degrees."""
    mother, infant = (185.0, 180.0), (470.0, 200.0)
    return Script(
        name="dyad_play",
        width=640,
        height=360,
        fps=25.0,
        duration_s=16.0,
        faces={"mother": MOTHER_LOOK, "infant": INFANT_LOOK},
        seed=7,
        notes="The sample clip of the README; every scripted event of the extraction issue.",
        sounds=DYAD_PLAY_SOUNDS,
        segments=[
            Segment(
                0.0,
                {
                    "mother": {"at": list(mother), "look": "infant"},
                    "infant": {"at": list(infant), "look": "mother"},
                },
            ),
            Segment(3.0, {"infant": {"look": "away"}}),
            Segment(6.0, {"mother": {"look": "away"}, "infant": {"look": "mother"}}),
            Segment(8.5, {"mother": {"look": "infant"}}),
            Segment(
                9.5,
                {
                    "mother": {"look": "camera"},
                    "infant": {"at": [760.0, infant[1]], "look": "camera"},
                },
            ),
            Segment(11.3, {"infant": {"at": list(infant)}}),
            Segment(12.1, {"mother": {"look": "infant"}, "infant": {"look": "mother"}}),
            Segment(13.5, {"infant": {"roll": 90.0}}),
        ],
    )


def dyad_cross() -> Script:
    """10 s: the two faces cross paths (mother along the top, infant along the bottom)."""
    return Script(
        name="dyad_cross",
        width=640,
        height=360,
        fps=25.0,
        duration_s=10.0,
        faces={"mother": FaceLook(width_px=135), "infant": FaceLook(105, True, 1.08)},
        seed=3,
        move_s=5.0,
        transition_s=0.4,
        notes="Crossing paths: track ids must follow each face, not each side of the frame.",
        sounds=DYAD_CROSS_SOUNDS,
        segments=[
            Segment(
                0.0,
                {
                    "mother": {"at": [140.0, 105.0], "look": "camera"},
                    "infant": {"at": [500.0, 265.0], "look": "camera"},
                },
            ),
            Segment(1.5, {"mother": {"at": [500.0, 105.0]}, "infant": {"at": [140.0, 265.0]}}),
            Segment(7.0, {"mother": {"look": "infant"}, "infant": {"look": "mother"}}),
        ],
    )


def long_dyad(duration_s: float = 180.0, seed: int = 11) -> Script:
    """A three-minute 640x360 play clip with random looks every 2-6 s (benchmarks)."""
    rng = random.Random(seed)
    segments = [
        Segment(
            0.0,
            {
                "mother": {"at": [185.0, 180.0], "look": "infant"},
                "infant": {"at": [470.0, 200.0], "look": "mother"},
            },
        )
    ]
    t = 0.0
    while True:
        t += rng.uniform(2.0, 6.0)
        if t >= duration_s - 1:
            break
        role = rng.choice(["mother", "infant"])
        partner = "infant" if role == "mother" else "mother"
        segments.append(
            Segment(round(t, 2), {role: {"look": rng.choice([partner, partner, "away", "camera"])}})
        )
    return Script(
        name=f"long_dyad_{int(duration_s)}s",
        width=640,
        height=360,
        fps=25.0,
        duration_s=duration_s,
        faces={"mother": MOTHER_LOOK, "infant": INFANT_LOOK},
        segments=segments,
        seed=seed,
        notes="Benchmark clip, made on demand.",
    )


def hd_small_infant(duration_s: float = 20.0) -> Script:
    """1280x720 with the infant's face about 70 pixels wide (the faces-at-every-size issue)."""
    base = long_dyad(duration_s, seed=5)
    segments = [
        Segment(
            0.0,
            {
                "mother": {"at": [420.0, 330.0], "look": "infant"},
                "infant": {"at": [900.0, 420.0], "look": "mother"},
            },
        ),
        *base.segments[1:],
    ]
    return Script(
        name=f"hd_small_infant_{int(duration_s)}s",
        width=1280,
        height=720,
        fps=25.0,
        duration_s=duration_s,
        faces={"mother": FaceLook(width_px=240), "infant": FaceLook(70, True, 1.08)},
        segments=segments,
        seed=5,
        notes="Small infant face at 1280x720, made on demand.",
    )


FACE_SIZES_PX = (300, 200, 150, 100, 75, 50)


def faces_at_every_size(duration_s: float = 10.0) -> Script:
    """1280x720 with six faces from 300 down to 50 pixels wide, looking at the camera and
    swaying: for measuring the share of frames in which each size is found."""
    places = [
        (230.0, 230.0),
        (620.0, 230.0),
        (980.0, 230.0),
        (300.0, 560.0),
        (650.0, 560.0),
        (1000.0, 560.0),
    ]
    faces = {
        f"face_{w}px": FaceLook(width_px=float(w), mirror=k % 2 == 1)
        for k, w in enumerate(FACE_SIZES_PX)
    }
    start = {
        role: {"at": list(at), "look": "camera"} for role, at in zip(faces, places, strict=True)
    }
    return Script(
        name=f"faces_at_every_size_{int(duration_s)}s",
        width=1280,
        height=720,
        fps=25.0,
        duration_s=duration_s,
        faces=faces,
        segments=[Segment(0.0, start)],
        seed=9,
        sway_deg=6.0,
        notes="Faces from 50 to 300 pixels wide at 1280x720, made on demand.",
    )


PRESETS: dict[str, Callable[[float | None], Script]] = {
    "dyad_play": lambda _duration: dyad_play(),
    "dyad_cross": lambda _duration: dyad_cross(),
    "long_dyad": lambda duration: long_dyad(duration or 180.0),
    "hd_small_infant": lambda duration: hd_small_infant(duration or 20.0),
    "faces_at_every_size": lambda duration: faces_at_every_size(duration or 10.0),
    "group": lambda duration: group_session(12, duration or 60.0),
}
GROUP_PRESETS = ("group",)
"""Presets rendered with annotate.samples.group.make_group_clip (many small faces)."""
"""Scripts by name; the long ones take a duration in seconds (None: their default)."""
SAMPLE_CLIPS = ("dyad_play", "dyad_cross")
"""The presets whose clips live in sample_clips/."""
