"""Shared fixtures: where things are, the real face model, and extraction results reused by
several end-to-end tests (extraction is the slow part, so each clip is extracted once)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from annotate.config import FeatureConfig, load_feature_config
from annotate.extract.features import ClipFeatures, extract_clip, mediapipe_factory
from annotate.io.file_hash import HASH_CACHE_ENV
from annotate.media.video import probe
from annotate.models import resolve_face_model

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "sample_clips"
SHARED_FIXTURES = REPO.parent / "shared" / "fixtures"


@pytest.fixture(scope="session", autouse=True)
def own_hash_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The tests remember video hashes in a file of their own (inherited by the CLI processes
    they start), never in the user's cache (annotate.io.file_hash)."""
    path = tmp_path_factory.mktemp("hash-cache") / "hashes.json"
    before = os.environ.get(HASH_CACHE_ENV)
    os.environ[HASH_CACHE_ENV] = str(path)
    yield path
    if before is None:
        os.environ.pop(HASH_CACHE_ENV, None)
    else:
        os.environ[HASH_CACHE_ENV] = before


@pytest.fixture(scope="session")
def shared_fixtures() -> Path:
    """../shared/fixtures: real files from other projects (never copied into the repository)."""
    assert SHARED_FIXTURES.is_dir(), (
        f"{SHARED_FIXTURES} is missing: CI puts ../shared beside the repo"
    )
    return SHARED_FIXTURES


@pytest.fixture(scope="session")
def face_model() -> Path:
    """The real, verified face landmarker model (fetched on first use)."""
    return resolve_face_model()


@pytest.fixture(scope="session")
def feature_config() -> FeatureConfig:
    return load_feature_config()


@pytest.fixture(scope="session")
def extracted(face_model: Path, feature_config: FeatureConfig) -> dict[str, ClipFeatures]:
    """Each sample clip extracted once with the real landmarker, by clip name."""
    results = {}
    for name in ("dyad_play", "dyad_cross"):
        results[name] = extract_clip(
            probe(SAMPLES / f"{name}.mp4"), feature_config, mediapipe_factory(face_model)
        )
    return results
