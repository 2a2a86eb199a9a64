"""A sample clip's sound track: the script's voices rendered and muxed beside the video.

The video stream's packets are copied as they are (no re-encoding: the frames stay bit for bit
the same) and the sound is encoded as AAC, mono, 16 kHz, at a low bit rate; the two streams are
interleaved by time so that a browser can play the file while it loads.
"""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np

from annotate.errors import OutputError
from annotate.io.atomic import staged_file
from annotate.samples.script import Script
from annotate.sound.synthesis import RATE, render

SOUND_BITRATE = 24_000  # bits per second: voices stay clear, 16 s cost about 50 kB
_AAC_FRAME = 1024


def script_sound(script: Script) -> np.ndarray:
    """The script's sound track as 16 kHz mono float32 samples (silence where no voice)."""
    return render(list(script.sounds), script.duration_s, seed=script.seed)


def _seconds(packet: av.Packet) -> float:
    return float((packet.dts or 0) * (packet.time_base or 0))


def _sound_packets(container: av.container.OutputContainer, samples: np.ndarray) -> list[av.Packet]:
    stream = container.add_stream("aac", rate=RATE)
    stream.layout = "mono"
    stream.bit_rate = SOUND_BITRATE
    packets: list[av.Packet] = []
    for k in range(0, samples.size, _AAC_FRAME):
        frame = av.AudioFrame.from_ndarray(
            np.ascontiguousarray(samples[None, k : k + _AAC_FRAME], dtype=np.float32),
            format="fltp",
            layout="mono",
        )
        frame.sample_rate = RATE
        frame.pts = k
        packets.extend(stream.encode(frame))
    packets.extend(stream.encode(None))
    return packets


def mux_sound(video: Path, samples: np.ndarray, out: Path) -> Path:
    """Write `out`: the video stream of `video` (packets copied) with `samples` (16 kHz mono
    float in [-1, 1]) as its sound track.

    Raises:
        OutputError: the video cannot be read or the output cannot be written.
    """
    try:
        with av.open(str(video)) as source, av.open(str(out), "w") as target:
            video_in = source.streams.video[0]
            video_out = target.add_stream_from_template(video_in)
            sound = _sound_packets(target, samples)
            pictures = [p for p in source.demux(video_in) if p.dts is not None]
            for packet in pictures:
                packet.stream = video_out
            timed = [(_seconds(p), 0, k, p) for k, p in enumerate(pictures)]
            timed += [(_seconds(p), 1, k, p) for k, p in enumerate(sound)]
            for _, _, _, packet in sorted(timed, key=lambda item: item[:3]):
                target.mux(packet)
    except (av.error.FFmpegError, OSError, IndexError) as exc:
        raise OutputError(f"cannot add the sound track to {video}: {exc}", out) from None
    return out


def add_sound(clip: Path, script: Script) -> tuple[Path, Path]:
    """Give an existing clip the script's sound track (its video packets kept as they are,
    a sound track it had replaced) and save the script beside it; both staged, then renamed.

    Raises:
        OutputError: the clip cannot be read or the files cannot be written.
    """
    truth = clip.with_name(f"{script.name}.script.yaml")
    with staged_file(clip) as partial_clip, staged_file(truth) as partial_truth:
        mux_sound(clip, script_sound(script), partial_clip)
        script.save(partial_truth)
    return clip, truth
