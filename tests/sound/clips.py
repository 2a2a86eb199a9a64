"""Clips with a sound track, made in the test: a small grey video and 16 kHz mono AAC (or
raw bytes that no decoder takes, for a damaged sound track)."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np

from annotate.sound.synthesis import RATE, ScriptedSound, render


def write_clip(
    path: Path,
    sound: np.ndarray | None,
    seconds: float,
    *,
    fps: int = 10,
    damaged_sound: bool = False,
) -> Path:
    """An H.264 clip of `seconds` (64x64 grey) with `sound` (16 kHz float samples) as AAC."""
    with av.open(str(path), "w") as out:
        video = out.add_stream("libx264", rate=fps)
        video.width, video.height, video.pix_fmt = 64, 64, "yuv420p"
        audio = out.add_stream("aac", rate=RATE) if sound is not None or damaged_sound else None
        if audio is not None:
            audio.layout = "mono"
        for k in range(int(seconds * fps)):
            img = np.full((64, 64, 3), 90 + (k % 5), dtype=np.uint8)
            for packet in video.encode(av.VideoFrame.from_ndarray(img, format="rgb24")):
                out.mux(packet)
        for packet in video.encode():
            out.mux(packet)
        if audio is not None and damaged_sound:
            rng = np.random.default_rng(0)
            for k in range(int(seconds * RATE / 1024)):
                packet = av.Packet(rng.integers(0, 256, 200, dtype=np.uint8).tobytes())
                packet.stream = audio
                packet.pts = packet.dts = k * 1024
                packet.time_base = audio.time_base
                out.mux(packet)
        elif audio is not None and sound is not None:
            samples = sound.astype(np.float32)
            for k in range(0, samples.size, 1024):
                frame = av.AudioFrame.from_ndarray(
                    samples[None, k : k + 1024], format="fltp", layout="mono"
                )
                frame.sample_rate = RATE
                frame.pts = k
                for packet in audio.encode(frame):
                    out.mux(packet)
            for packet in audio.encode():
                out.mux(packet)
    return path


# A scene with known truth: turns with known latencies, a cry under which the mother starts, a
# second adult, a sung phrase, and silences.
SCENE = [
    ScriptedSound("mother", "speech", 0.5, 2.3),
    ScriptedSound("infant", "speech", 2.8, 3.6),
    ScriptedSound("mother", "speech", 4.0, 6.0),
    ScriptedSound("infant", "cry", 6.5, 8.5),
    ScriptedSound("mother", "speech", 8.0, 9.5),
    ScriptedSound("adult_2", "speech", 10.5, 12.0),
    ScriptedSound("mother", "song", 13.0, 19.0),
    ScriptedSound("infant", "speech", 20.0, 20.8),
    ScriptedSound("mother", "speech", 21.1, 23.0),
]
SCENE_S = 24.0

# Speech only: long, lively talk with short pauses, for the singing hint's false alarms.
TALK = [ScriptedSound("mother", "speech", 0.3 + 2.2 * k, 2.1 + 2.2 * k) for k in range(6)] + [
    ScriptedSound("adult_2", "speech", 13.5, 17.5)
]
TALK_S = 18.0


def scene_sound(script: list[ScriptedSound], seconds: float, seed: int = 1) -> np.ndarray:
    return render(script, seconds, seed=seed)
