"""The coder's day one in headless Chromium (issue 14): the frame shown after a pause is the
frame labelled and coded, CARE-Index notes survive an edit, the coder's lanes are visible on a
small screen, open states are flagged, and a role swap changes the exports."""

from __future__ import annotations

import random
import time
from pathlib import Path
from typing import Any

from tests.app.browser import frame_times, open_page, saved_item, stored
from tests.app.builders import Server, project_with, quick_h264, synthetic_features

# The bar of quick_h264 moves 2 px a frame: at 320 px wide the first 160 frames are told apart
# by its column alone.
WIDTH = 320

# The frame the picture shows, read from the video's own pixels: the bar's column / 2.
PICTURE_FRAME = """() => {
    const v = document.getElementById('video');
    const c = document.createElement('canvas');
    c.width = v.videoWidth; c.height = v.videoHeight;
    const ctx = c.getContext('2d');
    ctx.drawImage(v, 0, 0);
    const row = ctx.getImageData(0, Math.floor(c.height / 2), c.width, 1).data;
    let best = -1, bestValue = 0;
    for (let x = 0; x + 3 < c.width; x++) {
        let s = 0;
        for (let k = 0; k < 4; k++) s += row[4 * (x + k)];
        if (s > bestValue) { bestValue = s; best = x; }
    }
    return best / 2;
}"""


def bar_clip(tmp_path: Path) -> Path:
    """A project with a 6 s bar clip (25 fps) and synthetic features for it."""
    source = quick_h264(tmp_path / "bars.mp4", 6.0, size=(WIDTH, 90))
    project = project_with(tmp_path / "project", source)
    synthetic_features(project / source.name, project)
    return project / source.name


def test_after_a_pause_the_label_and_codes_are_the_frame_shown(
    browser: Any, tmp_path: Path
) -> None:
    clip = bar_clip(tmp_path)
    server = Server(clip)
    rng = random.Random(14)
    try:
        page = open_page(browser, server.url)
        wrong: list[tuple[int, int, float]] = []
        pictures: list[float] = []
        for attempt in range(6):
            page.keyboard.press("Home")
            page.wait_for_function("() => document.getElementById('video').currentTime < 0.05")
            page.keyboard.press("Space")
            page.wait_for_function("() => !document.getElementById('video').paused")
            time.sleep(rng.uniform(0.3, 2.5))
            page.keyboard.press("Space")
            page.wait_for_function("() => document.getElementById('video').paused")
            time.sleep(0.4)  # the page settles on the frame it shows
            shown = page.evaluate(PICTURE_FRAME)
            label = int(page.inner_text("#frame").split()[1])
            if label != shown:

                wrong.append((attempt, label, shown))
            page.keyboard.press("k")  # a point code at the frame on screen
            pictures.append(shown)
        assert wrong == []
        times = frame_times(page)
        saved = stored(clip.parent / "annotate.sqlite", lambda a: len(a) == 6)
        coded = sorted(s.annotation.start_s for s in saved)
        assert coded == sorted(times[int(k)] for k in pictures)
        assert page.errors == []
    finally:
        server.stop()
