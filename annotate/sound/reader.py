"""A clip's sound track as 16 kHz mono float32 blocks, streamed (memory flat in length).

PyAV decodes packet by packet; a packet that does not decode is skipped and counted, so a
damaged stretch costs only its own sound. PyAV's errors are mapped to SoundError here.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np

from annotate.errors import SoundError

RATE = 16_000


@dataclass(frozen=True)
class SoundTrack:
    """What the container says of its first audio stream."""

    codec: str
    sample_rate: int
    channels: int
    duration_s: float | None


@dataclass
class ReadCounts:
    """Filled while blocks are read: packets that did not decode, seconds read."""

    bad_packets: int = 0
    first_error: str = ""
    seconds: float = 0.0


def sound_track(path: Path) -> SoundTrack | None:
    """The clip's first audio stream, or None when it has none.

    Raises:
        SoundError: the file cannot be opened as a container.
    """
    try:
        with av.open(str(path)) as container:
            if not container.streams.audio:
                return None
            stream = container.streams.audio[0]
            duration = (
                float(stream.duration * stream.time_base)
                if stream.duration is not None and stream.time_base is not None
                else None
            )
            ctx = stream.codec_context
            return SoundTrack(
                codec=ctx.name or "unknown",
                sample_rate=int(ctx.sample_rate or 0),
                channels=int(ctx.channels or 0),
                duration_s=duration,
            )
    except (av.error.FFmpegError, OSError) as exc:
        raise SoundError(f"cannot open the sound track: {exc}", path) from exc


def sound_blocks(
    path: Path, block_s: float = 10.0, counts: ReadCounts | None = None
) -> Iterator[np.ndarray]:
    """The first audio stream as blocks of about `block_s` seconds, 16 kHz mono float32.

    Raises:
        SoundError: the file has no audio stream, cannot be opened, or not one packet decodes.
    """
    counts = counts if counts is not None else ReadCounts()
    want = int(block_s * RATE)
    pending: list[np.ndarray] = []
    held = 0
    decoded_any = False
    try:
        container = av.open(str(path))
    except (av.error.FFmpegError, OSError) as exc:
        raise SoundError(f"cannot open the sound track: {exc}", path) from exc
    with container:
        if not container.streams.audio:
            raise SoundError("has no sound track", path)
        stream = container.streams.audio[0]
        resampler = av.AudioResampler(format="flt", layout="mono", rate=RATE)
        skip = 0  # samples before time 0 (a stream that starts early), dropped
        for packet in container.demux(stream):
            try:
                frames = [*packet.decode(), None] if packet.size == 0 else packet.decode()
                outs = []
                for frame in frames:
                    if frame is not None and not decoded_any and not pending:
                        # sample 0 is time 0 on the clip's time base: pad a late start
                        start = frame.time or 0.0
                        if start > 0:
                            pending.append(np.zeros(round(start * RATE), dtype=np.float32))
                            held = pending[0].size
                        skip = max(0, round(-start * RATE))
                    outs.extend(resampler.resample(frame))
            except (av.error.FFmpegError, ValueError) as exc:
                counts.bad_packets += 1
                counts.first_error = counts.first_error or str(exc)
                continue
            for out in outs:
                samples = out.to_ndarray().reshape(-1).astype(np.float32, copy=False)
                if skip:
                    samples, skip = samples[skip:], max(0, skip - samples.size)
                decoded_any = decoded_any or samples.size > 0
                pending.append(samples)
                held += samples.size
            while held >= want:
                block = np.concatenate(pending)
                yield block[:want]
                counts.seconds += want / RATE
                rest = block[want:]
                pending, held = [rest], rest.size
        if not decoded_any:
            detail = f" ({counts.first_error})" if counts.first_error else ""
            raise SoundError(f"not one packet of the sound track decodes{detail}", path)
        if held:
            counts.seconds += held / RATE
            yield np.concatenate(pending)
