"""Fixtures of the coding tool's tests: a project with a sample clip, the app in a test client,
and a headless Chromium (Debian's, driven by Playwright) for the end-to-end tests."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

with warnings.catch_warnings():  # Starlette's test client would rather have another httpx
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from annotate.app.server import create_app, open_tool
from annotate.app.tool import Tool
from tests.app.builders import CHROMIUM, CHROMIUM_ARGS, SAMPLES, project_with, synthetic_features

CLIP = "dyad_play.mp4"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project folder with dyad_play.mp4 and (synthetic) features for it."""
    folder = project_with(tmp_path / "project", SAMPLES / CLIP)
    synthetic_features(folder / CLIP, folder)
    return folder


@pytest.fixture
def tool(project: Path) -> Iterator[Tool]:
    """The tool opened on the project for coder 'ana'."""
    opened = open_tool(project, coder="ana")
    yield opened
    opened.coding.close()


@pytest.fixture
def client(tool: Tool) -> TestClient:
    """The app (no token, loopback) in Starlette's test client."""
    return TestClient(create_app(tool), base_url="http://127.0.0.1:8765")


@pytest.fixture(scope="session")
def chromium(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Headless Chromium with a fresh profile (a Playwright persistent context)."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: run .ci/install-browser")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=str(CHROMIUM),
            args=CHROMIUM_ARGS,
            viewport={"width": 1400, "height": 900},
        )
        yield context
        context.close()


@pytest.fixture
def browser(chromium: Any) -> Iterator[Any]:
    """The browser for one test: the tabs it opened are closed after it."""
    yield chromium
    for page in list(chromium.pages):
        page.close()
