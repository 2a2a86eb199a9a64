"""Generated media for the clip-locating tests: a 'recording' of moving shapes over a still room,
with sound, and a stretch cut out of it and re-encoded (as a three-minute clip is cut from a
session), all with PyAV."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np

AUDIO_RATE = 16000


def _frames(duration_s: float, fps: int, size: tuple[int, int], seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    width, height = size
    n = round(duration_s * fps)
    ys, xs = np.mgrid[0:height, 0:width]
    room = np.stack([90 + 60 * xs / width, 110 + 40 * ys / height, 130 + 0 * xs], axis=-1).astype(
        np.float32
    )
    blobs = 5
    freq = rng.uniform(0.05, 0.4, size=(blobs, 2, 3))
    phase = rng.uniform(0, 2 * np.pi, size=(blobs, 2, 3))
    colours = rng.uniform(0, 255, size=(blobs, 3))
    radius = rng.uniform(0.06, 0.14, size=blobs) * height
    video = np.empty((n, height, width, 3), dtype=np.uint8)
    for k in range(n):
        t = k / fps
        frame = room.copy()
        for b in range(blobs):
            # a smooth, non-repeating path: three sines per axis
            cx = width * (0.5 + 0.16 * np.sin(2 * np.pi * freq[b, 0] * t + phase[b, 0]).sum())
            cy = height * (0.5 + 0.16 * np.sin(2 * np.pi * freq[b, 1] * t + phase[b, 1]).sum())
            inside = (xs - cx) ** 2 + (ys - cy) ** 2 < radius[b] ** 2
            frame[inside] = colours[b]
        video[k] = np.clip(frame, 0, 255).astype(np.uint8)
    return video


def _sound(duration_s: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed + 1)
    n = round(duration_s * AUDIO_RATE)
    sound = np.zeros(n)
    for _ in range(round(duration_s * 3)):  # bursts of noise and tones, three a second
        start, length = rng.uniform(0, duration_s), rng.uniform(0.05, 0.4)
        first, last = round(start * AUDIO_RATE), min(round((start + length) * AUDIO_RATE), n)
        t = np.arange(first, last) / AUDIO_RATE
        envelope = np.exp(-(((t - start - length / 2) / (length / 2)) ** 2))
        tone = np.sin(2 * np.pi * rng.uniform(150, 3000) * t)
        noise = rng.standard_normal(t.size) * rng.uniform(0, 0.5)
        sound[first:last] += envelope * (tone + noise) * rng.uniform(0.05, 0.3)
    return np.clip(sound, -1, 1).astype(np.float32)


def write_media(
    path: Path, video: np.ndarray, fps: int, sound: np.ndarray | None, crf: int = 23
) -> Path:
    """Write RGB frames (H.264) and mono sound (AAC, 16 kHz) to an MP4."""
    with av.open(str(path), mode="w") as container:
        stream = container.add_stream("libx264", rate=Fraction(fps))
        stream.width, stream.height = video.shape[2], video.shape[1]
        stream.pix_fmt = "yuv420p"
        stream.options = {"crf": str(crf), "preset": "veryfast"}
        audio_stream = None
        if sound is not None:
            audio_stream = container.add_stream("aac", rate=AUDIO_RATE, layout="mono")
        for frame in video:
            for packet in stream.encode(av.VideoFrame.from_ndarray(frame, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
        if audio_stream is not None and sound is not None:
            chunk = 1024
            for first in range(0, sound.size, chunk):
                part = sound[first : first + chunk].reshape(1, -1)
                frame = av.AudioFrame.from_ndarray(part, format="flt", layout="mono")
                frame.sample_rate = AUDIO_RATE
                frame.pts = first
                for packet in audio_stream.encode(frame):
                    container.mux(packet)
            for packet in audio_stream.encode(None):
                container.mux(packet)
    return path


def make_recording(
    path: Path,
    duration_s: float,
    *,
    fps: int = 25,
    size: tuple[int, int] = (160, 96),
    seed: int = 1,
    sound: bool = True,
) -> Path:
    """A generated recording: moving shapes over a still room, with sound (or without)."""
    audio = _sound(duration_s, seed) if sound else None
    return write_media(path, _frames(duration_s, fps, size, seed), fps, audio)


def cut(source: Path, path: Path, start_s: float, end_s: float, crf: int = 30) -> Path:
    """Decode `source`, keep [start_s, end_s) of its frames and sound, re-encode into `path`
    (at a worse quality, times from 0), as an editor cuts a clip out of a recording."""
    with av.open(str(source)) as container:
        stream = container.streams.video[0]
        fps = round(float(stream.average_rate or 25))
        frames = [
            f.to_ndarray(format="rgb24")
            for f in container.decode(stream)
            if f.time is not None and start_s - 1e-6 <= f.time < end_s - 1e-6
        ]
    sound = None
    with av.open(str(source)) as container:
        if container.streams.audio:
            resampler = av.AudioResampler(format="flt", layout="mono", rate=AUDIO_RATE)
            parts, first = [], None
            for frame in container.decode(container.streams.audio[0]):
                first = float(frame.time or 0.0) if first is None else first
                parts += [o.to_ndarray().reshape(-1) for o in resampler.resample(frame)]
            samples = np.concatenate(parts)
            begin = round((start_s - (first or 0.0)) * AUDIO_RATE)
            sound = samples[max(begin, 0) : begin + round((end_s - start_s) * AUDIO_RATE)]
    return write_media(path, np.stack(frames), fps, sound, crf=crf)
