"""The sound in headless Chromium: the energy lane among the automatic lanes stands up where the
sample clip's script has voice and lies flat in its silences, the vocal lanes are drawn with
the automatic lanes, and a clip without sound says "no sound" and still works."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from annotate.samples.script import load_script
from tests.app.browser import open_page, rgb, shows
from tests.app.builders import SAMPLES, Server, project_with, quick_h264, synthetic_features
from tests.app.sound_builders import heard_features

# How many pixels of the energy lane's column at time t are lit (its bar's height).
LANE_HEIGHT = """(t) => {
    const tl = window.annotateDebug.timeline;
    tl.draw(0);
    const row = tl.rows.find((r) => r.kind === "sound");
    const r = window.devicePixelRatio || 1;
    const x = Math.round(tl.xOf(t) * r) + 1;
    const column = tl.canvas.getContext("2d")
        .getImageData(x, Math.round(row.y * r), 1, Math.round(row.h * r)).data;
    let lit = 0;
    for (let y = 0; 4 * y < column.length; y++) if (column[4 * y + 1] > 150) lit++;
    return lit / r;
}"""
SOUND_ROW_Y = """() => {
    const tl = window.annotateDebug.timeline;
    const row = tl.rows.find((r) => r.kind === "sound");
    return row.y + row.h / 2;
}"""

EPISODE_PIXEL = """([id, t]) => {
    const tl = window.annotateDebug.timeline;
    tl.draw();
    const row = tl.rows.find((r) => r.kind === "episode" && r.lane.id === id);
    if (!row) return null;
    const r = window.devicePixelRatio || 1;
    const pixel = tl.canvas.getContext("2d")
        .getImageData(Math.round(tl.xOf(t) * r), Math.round((row.y + row.h / 2) * r), 1, 1).data;
    return Array.from(pixel.slice(0, 3));
}"""


def test_the_energy_lane_and_the_vocal_lanes(browser: Any, tmp_path: Path) -> None:
    project = project_with(tmp_path / "project", SAMPLES / "dyad_play.mp4")
    quick_h264(project / "silent.mp4", 3.0)
    heard_features(project / "dyad_play.mp4", project)
    synthetic_features(project / "silent.mp4", project)
    script = load_script(SAMPLES / "dyad_play.script.yaml")
    server = Server(project)
    try:
        page = open_page(browser, server.url, clip="dyad_play.mp4")
        page.wait_for_selector('#sound-note[data-sound="read"]', state="attached")
        voiced = [(a + b) / 2 for a, b in script.voice_intervals()]
        silent = [3.9, 9.6, 15.6]  # between the scripted voices, and after the song
        heights = {t: page.evaluate(LANE_HEIGHT, t) for t in [*voiced, *silent]}
        assert min(heights[t] for t in voiced) >= 10, heights
        assert max(heights[t] for t in silent) <= 3, heights
        assert page.inner_text("#sound-note") == ""
        # the vocal lanes among the automatic lanes, drawn where the voices are
        ids = page.evaluate("() => window.annotateDebug.timeline.episodes.map((l) => l.id)")
        for lane in ("vocalisation/mother", "vocalisation/infant", "overlap/dyad"):
            assert lane in ids
        assert "singing_hint/mother" in ids
        assert page.evaluate(EPISODE_PIXEL, ["vocalisation/mother", 1.0]) == rgb("#8d6e63")
        assert page.evaluate(EPISODE_PIXEL, ["vocalisation/infant", 3.0]) == rgb("#8d6e63")
        assert page.evaluate(EPISODE_PIXEL, ["vocalisation/infant", 1.0]) != rgb("#8d6e63")
        assert page.evaluate(EPISODE_PIXEL, ["singing_hint/mother", 12.0]) == rgb("#c0ca33")
        # a click on the energy lane seeks there
        box = page.locator("#timeline").bounding_box()
        x = page.evaluate("() => window.annotateDebug.timeline.xOf(8.0)")
        page.mouse.click(box["x"] + x, box["y"] + page.evaluate(SOUND_ROW_Y))
        page.wait_for_function(
            "() => Math.abs(document.getElementById('video').currentTime - 8.0) < 0.1"
        )
        assert page.errors == []
        page.screenshot(path=str(tmp_path / "sound.png"))

        quiet = open_page(browser, server.url, clip="silent.mp4")
        quiet.wait_for_selector('#sound-note[data-sound="none"]', state="attached")
        assert quiet.inner_text("#sound-note") == "no sound"
        assert quiet.evaluate(LANE_HEIGHT, 1.0) == 0
        quiet.keyboard.press("ArrowRight")  # the page works as before
        shows(quiet, "#frame", "frame 1 / 74")
        assert quiet.errors == []
    finally:
        server.stop()
