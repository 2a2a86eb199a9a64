"""Sound benchmark (run by hand, not in CI): the cost of the vocal channel by length.

    python benchmarks/sound.py                      # the README's figures: 3 min and 90 min
    python benchmarks/sound.py --long-min 10        # a quick look

A 24-s scripted scene (tests/sound/clips.py: mother, infant, cry, other adult, song, silences)
is looped into (1) a 3-minute H.264+AAC clip and (2) a long 16 kHz WAV recording, written block
by block (the generator holds one scene). Each is analysed in a fresh process
(annotate.sound.analysis.analyse_clip_sound: decode, resample, Silero VAD, pitch, attribution,
turns, singing); prints wall time, real-time factor and the peak resident memory, so that the
memory of the two lengths can be compared (flat in length: the sound is streamed in 10-s
blocks; only the per-frame table, ~60 bytes per 16-ms frame, grows).
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import time
import wave
from pathlib import Path

import numpy as np

from annotate.config import SoundConfig
from annotate.sound.analysis import analyse_clip_sound
from annotate.sound.synthesis import RATE
from tests.sound.clips import SCENE, SCENE_S, scene_sound, write_clip


def _loop(seconds: float) -> np.ndarray:
    scene = scene_sound(SCENE, SCENE_S)
    return np.tile(scene, int(np.ceil(seconds / SCENE_S)))[: int(seconds * RATE)]


def write_wav(path: Path, seconds: float) -> Path:
    scene = (scene_sound(SCENE, SCENE_S) * 32767).astype(np.int16)
    left = int(seconds * RATE)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        while left > 0:
            part = scene[:left]
            out.writeframes(part.tobytes())
            left -= part.size
    return path


def _measure(path: Path, queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    started = time.perf_counter()
    result = analyse_clip_sound(path, path.stem, SoundConfig(), 25.0)
    elapsed = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    frames = 0 if result.table is None else len(result.table)
    queue.put((elapsed, peak_mb, frames, len(result.episodes)))


def measure(path: Path, seconds: float, label: str) -> None:
    queue: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
    child = multiprocessing.get_context("fork").Process(target=_measure, args=(path, queue))
    child.start()
    elapsed, peak_mb, frames, episodes = queue.get()
    child.join()
    print(
        f"{label}: {seconds / 60:.1f} min of sound in {elapsed:.2f} s "
        f"({seconds / elapsed:.0f}x real time), peak memory {peak_mb:.0f} MB, "
        f"{frames} frames, {episodes} episodes"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=Path("out/bench_sound"))
    parser.add_argument("--short-min", type=float, default=3.0)
    parser.add_argument("--long-min", type=float, default=90.0)
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    short_s, long_s = args.short_min * 60, args.long_min * 60
    clip = args.work / f"clip_{args.short_min:g}min.mp4"
    if not clip.exists():
        write_clip(clip, _loop(short_s), short_s, fps=5)
    measure(clip, short_s, "clip (H.264 + AAC)")
    recording = args.work / f"recording_{args.long_min:g}min.wav"
    if not recording.exists():
        write_wav(recording, long_s)
    measure(recording, long_s, "recording (16 kHz WAV)")


if __name__ == "__main__":
    main()
