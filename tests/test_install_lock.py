"""requirements.lock: its pins are read, and an install that departs from them says so."""

from __future__ import annotations

from importlib.metadata import version
from pathlib import Path

from annotate.install_lock import lock_path, lock_record, pins


def test_the_project_lock_pins_every_dependency_and_this_install_matches_it() -> None:
    record = lock_record()
    assert lock_path().is_file() and len(record["lock_sha256"]) == 64
    locked = pins(lock_path().read_text())
    for name in ("mediapipe", "opencv-contrib-python", "numpy", "pandas", "scipy", "av", "pytest"):
        assert name in locked
    assert record["matches_lock"] is True, record["differs"]


def test_pins_read_versions_markers_and_hash_continuations() -> None:
    text = (
        "# made by uv\n"
        "numpy==2.4.6 \\\n    --hash=sha256:ab \\\n    --hash=sha256:cd\n"
        "colorama==0.4.6 ; sys_platform == 'win32' \\\n    --hash=sha256:ef\n"
        "    # via pytest\n"
        "Typing_Extensions==4.16.0\n"
    )
    assert pins(text) == {
        "numpy": ("2.4.6", ""),
        "colorama": ("0.4.6", "sys_platform == 'win32'"),
        "typing-extensions": ("4.16.0", ""),
    }


def test_an_install_that_departs_from_the_lock_is_recorded(tmp_path: Path) -> None:
    lock = tmp_path / "requirements.lock"
    numpy = version("numpy")
    lock.write_text(
        f"numpy=={numpy}\npandas==0.0.1\nnot-a-real-package-xyz==1.0\n"
        "colorama==0.0.1 ; sys_platform == 'nonexistent-os'\n"
    )
    record = lock_record(lock)
    assert record["matches_lock"] is False
    assert record["differs"] == [
        "not-a-real-package-xyz missing (lock 1.0)",
        f"pandas {version('pandas')} (lock 0.0.1)",
    ]


def test_without_a_lock_nothing_is_claimed(tmp_path: Path) -> None:
    record = lock_record(tmp_path / "requirements.lock")
    assert record["matches_lock"] is None and record["lock_sha256"] is None
