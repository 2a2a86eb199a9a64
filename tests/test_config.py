"""Feature settings: defaults, overrides, and refusals that name the file and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotate.config import FeatureConfig, load_feature_config
from annotate.errors import ConfigError


def test_the_repository_config_loads_with_the_documented_defaults() -> None:
    config = load_feature_config()
    assert config.sampling.fps == 10
    assert config.faces.max_faces == 2
    assert config.tracking.max_dropout_s == 2.0


def test_overrides_change_the_digest() -> None:
    config = load_feature_config()
    assert config.with_overrides(fps="all").sampling.fps is None
    assert config.with_overrides(fps="5").digest() != config.digest()
    assert config.with_overrides().digest() == config.digest()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("sampling: {fps: -3}", "above 0"),
        ("sampling: {fps: lots}", "frames per second or 'all'"),
        ("faces: {max_faces: 0}", "whole number of 1 or more"),
        ("tracking: {max_dropout: 2}", "unknown key 'tracking.max_dropout'"),
        ("colours: {}", "unknown section 'colours'"),
        ("gaze: [1, 2]", "must be a mapping"),
        ("sampling: {fps: [", "not valid YAML"),
    ],
)
def test_bad_settings_are_refused_naming_file_and_key(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "features.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message) as caught:
        load_feature_config(path)
    assert str(path) in str(caught.value)


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="file not found"):
        load_feature_config(tmp_path / "nope.yaml")


def test_bad_command_line_values() -> None:
    with pytest.raises(ConfigError, match="--max-faces"):
        FeatureConfig().with_overrides(max_faces=0)
    with pytest.raises(ConfigError, match="--fps"):
        FeatureConfig().with_overrides(fps="0")
