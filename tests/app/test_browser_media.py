"""End to end in headless Chromium: a clip the browser cannot play gets a proxy on the
original's time base, and a three-minute clip with its features is ready quickly."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from annotate.coding.clips import ClipRef
from annotate.coding.records import Annotation
from annotate.coding.scheme_files import find_scheme
from annotate.coding.store import AnnotationStore
from tests.app.browser import frame_times, open_page, stored
from tests.app.builders import HEVC_CLIP, Server, project_with, quick_h264, synthetic_features

PRESENTED = """async (k) => {
    const { player, video } = window.annotateDebug;
    const shown = new Promise((resolve) =>
        video.requestVideoFrameCallback((now, meta) => resolve(meta.mediaTime)));
    player.seekFrame(k);
    return await shown;
}"""


def test_a_clip_the_browser_cannot_play_gets_a_proxy_on_its_own_time_base(
    browser: Any, tmp_path: Path
) -> None:
    project = project_with(tmp_path / "project", HEVC_CLIP)
    clip = project / HEVC_CLIP.name
    synthetic_features(clip, project)
    server = Server(clip)
    try:
        page = browser.new_page()
        page.goto(server.url)
        status = page.wait_for_selector("#video-status:not([hidden])")
        assert "Making a playable copy of the video" in status.inner_text()
        page.wait_for_selector('body[data-ready="1"]', state="attached", timeout=60_000)
        times = frame_times(page)
        assert len(times) == 169
        for k in (10, 100, 160):  # in the 30 fps part and in the 24 fps part
            assert page.evaluate(PRESENTED, k) == pytest.approx(times[k], abs=1e-3)
        page.keyboard.press("k")
        page.wait_for_selector('#annotation-list li[data-code="kisses"][data-saved="1"]')
        assert list((project / ".annotate" / "proxies").glob("*.mp4"))
    finally:
        server.stop()
    (kisses,) = stored(project / "annotate.sqlite", bool)
    assert kisses.annotation.start_s == pytest.approx(times[160], abs=1e-6)


def test_page_ready_time_for_a_three_minute_clip_with_features(
    browser: Any, tmp_path: Path
) -> None:
    project = tmp_path / "long"
    project.mkdir()
    clip = quick_h264(project / "three_minutes.mp4", 180.0)
    synthetic_features(clip, project)
    scheme = find_scheme("care_clip")
    with AnnotationStore(project / "annotate.sqlite") as store:
        ref = ClipRef.from_video(clip)
        for k in range(150):  # a coded clip: 150 states and 150 points
            store.add(
                Annotation("", "ana", "mother", "talks", k * 1.2, k * 1.2 + 0.6), scheme, clip=ref
            )
            store.add(
                Annotation("", "ana", "infant", "vocalises", k * 1.2 + 0.3, k * 1.2 + 0.3),
                scheme,
                clip=ref,
            )
    server = Server(clip)
    try:
        started = time.monotonic()
        page = open_page(browser, server.url)
        cold = page.evaluate("() => window.annotateReadyMs")
        page.reload()
        page.wait_for_selector('body[data-ready="1"]', state="attached")
        warm = page.evaluate("() => window.annotateReadyMs")
        episodes = page.evaluate("() => window.annotateDebug.timeline.episodes.length")
        shown = page.locator("#annotation-list li").count()
        print(
            f"\npage ready for a 3-minute clip (4500 frames, 1800 feature samples x 2 roles, "
            f"{episodes} episode lanes, {shown} annotations): first open {cold:.0f} ms "
            f"(server cold: probe, hash, frame times), reload {warm:.0f} ms; "
            f"test wall time {time.monotonic() - started:.1f} s"
        )
        assert shown == 300 and episodes > 0
    finally:
        server.stop()
