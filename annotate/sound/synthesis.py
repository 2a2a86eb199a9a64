"""Scripted sound with known truth: voiced phrases of adult and infant pitch, cries, a song.

A voice here is a glottal pulse train (harmonics falling off with frequency) with a moving pitch,
passed through three formant resonators that change from syllable to syllable, under a syllable
envelope, with a little breath noise. Tests and benchmarks build scenes from these and keep the
script (who sounds when) as the truth.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.signal import lfilter

RATE = 16_000

# formant frequencies (Hz) of a few vowels, for adults; an infant's tract is shorter (x1.5)
_VOWELS = (
    (730.0, 1090.0, 2440.0),
    (270.0, 2290.0, 3010.0),
    (300.0, 870.0, 2240.0),
    (530.0, 1840.0, 2480.0),
    (570.0, 840.0, 2410.0),
)


SOUND_KINDS = ("speech", "cry", "song")


@dataclass(frozen=True)
class ScriptedSound:
    """One sound of a script: who, what kind, when (seconds)."""

    role: str  # mother, infant, adult_2
    kind: str  # speech, cry, song
    start_s: float
    end_s: float


def _resonator(signal: np.ndarray, freq: float, bandwidth: float) -> np.ndarray:
    r = np.exp(-np.pi * bandwidth / RATE)
    theta = 2 * np.pi * freq / RATE
    a = [1.0, -2 * r * np.cos(theta), r * r]
    return np.asarray(lfilter([1.0 - r], a, signal))


def _voiced(f0: np.ndarray, rng: np.random.Generator, n_harmonics: int = 30) -> np.ndarray:
    """A harmonic source following the pitch track f0 (Hz per sample)."""
    phase = 2 * np.pi * np.cumsum(f0) / RATE
    out = np.zeros_like(f0)
    for k in range(1, n_harmonics + 1):
        alive = k * f0 < 0.45 * RATE
        out += np.where(alive, np.sin(k * phase + rng.uniform(0, 2 * np.pi)), 0.0) / k
    return out


def voice(
    duration_s: float,
    f0_hz: float,
    rng: np.random.Generator,
    *,
    infant: bool = False,
    syllable_s: float = 0.22,
    kind: str = "speech",
) -> np.ndarray:
    """A voiced phrase (speech-like syllables, a cry, or sung notes) of about duration_s."""
    n = int(duration_s * RATE)
    t = np.arange(n) / RATE
    scale = 1.5 if infant else 1.0
    if kind == "song":
        # notes of equal length on a scale, pitch held steady, smooth joins
        notes = np.array([0, 2, 4, 5, 7, 5, 4, 2, 0, 4, 7, 4])
        per_note = int(syllable_s * RATE)
        idx = np.minimum(np.arange(n) // per_note, 10_000) % notes.size
        f0 = f0_hz * 2 ** (notes[idx] / 12.0)
        f0 = np.convolve(f0, np.ones(160) / 160, mode="same")
        f0 *= 1 + 0.004 * np.sin(2 * np.pi * 5.5 * t)  # a little vibrato
        env = 0.6 + 0.4 * np.abs(np.sin(np.pi * (np.arange(n) % per_note) / per_note)) ** 0.3
        vowel_seq = np.arange(n) // per_note
    elif kind == "cry":
        f0 = f0_hz * (
            1 + 0.25 * np.sin(np.pi * t / max(duration_s, 0.1))
        ) + 20 * rng.standard_normal(n).cumsum() / np.sqrt(np.arange(1, n + 1))
        env = np.minimum(1.0, np.minimum(t, duration_s - t) / 0.08).clip(0, 1) * 1.8
        vowel_seq = np.zeros(n, dtype=int)
    else:
        knots = np.arange(0, duration_s + 0.3, 0.15)
        jitter = np.interp(t, knots, rng.uniform(-1, 1, knots.size))
        f0 = f0_hz * (1.15 - 0.25 * t / max(duration_s, 0.1)) * (1 + 0.08 * jitter)
        per_syl = np.maximum(1, int(syllable_s * RATE))
        pos = (np.arange(n) % per_syl) / per_syl
        env = np.sin(np.pi * pos) ** 0.5
        env = np.where(pos > 0.92, 0.3, env)
        vowel_seq = np.arange(n) // per_syl + rng.integers(0, 5)
    source = _voiced(f0, rng)
    if kind == "cry":
        source += 0.3 * rng.standard_normal(n)
    out = np.zeros(n)
    vowel_ids = vowel_seq % len(_VOWELS)
    for v in np.unique(vowel_ids):
        mask = vowel_ids == v
        filtered = sum(_resonator(source, f * scale, 80.0 + 0.05 * f) for f in _VOWELS[int(v)])
        out[mask] = np.asarray(filtered)[mask]
    out *= env
    out += 0.01 * rng.standard_normal(n) * env
    edge = min(n // 2, int(0.02 * RATE))
    if edge:
        ramp = np.linspace(0, 1, edge)
        out[:edge] *= ramp
        out[-edge:] *= ramp[::-1]
    return out / (np.abs(out).max() + 1e-9)


ROLE_PITCH = {"mother": 210.0, "adult_2": 120.0, "infant": 420.0}


def render(
    script: list[ScriptedSound], duration_s: float, seed: int = 0, noise_db: float = -55.0
) -> np.ndarray:
    """The script as 16 kHz mono float32 samples in [-1, 1], over a quiet room noise."""
    rng = np.random.default_rng(seed)
    n = int(duration_s * RATE)
    out = rng.standard_normal(n) * 10 ** (noise_db / 20)
    for item in script:
        infant = item.role == "infant"
        f0 = ROLE_PITCH.get(item.role, 200.0) * rng.uniform(0.92, 1.08)
        if item.kind == "song" and not infant:
            f0 *= 0.85  # the tune climbs seven semitones: keep an adult's song in adult range
        level = {"cry": 0.5, "song": 0.3}.get(item.kind, 0.25 if infant else 0.3)
        syllable = 0.4 if item.kind == "song" else rng.uniform(0.18, 0.28)
        sound = voice(
            item.end_s - item.start_s, f0, rng, infant=infant, syllable_s=syllable, kind=item.kind
        )
        i = int(item.start_s * RATE)
        out[i : i + sound.size] += level * sound[: n - i]
    return np.clip(out, -1, 1).astype(np.float32)
