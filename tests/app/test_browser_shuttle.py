"""The J/K/L shuttle in headless Chromium (issue 14): L forward 1x/2x/4x, J backward by seeking,
K stops and gives the rate back, K held with J/L steps one frame; a scheme's code key wins."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.app.browser import open_page, saved_item
from tests.app.builders import SAMPLES, Server, project_with, synthetic_features

VIDEO = "document.getElementById('video')"


def clip_in(tmp_path: Path) -> Path:
    project = project_with(tmp_path / "project", SAMPLES / "dyad_cross.mp4")
    synthetic_features(project / "dyad_cross.mp4", project)
    return project / "dyad_cross.mp4"


def shuttle(page: Any) -> str:
    return str(page.get_attribute("body", "data-shuttle"))


def frame(page: Any) -> int:
    return int(page.inner_text("#frame").split()[1])


def wait_frame(page: Any, k: int) -> None:
    page.wait_for_function(
        f"() => !{VIDEO}.seeking && document.getElementById('frame').textContent"
        f".split(' ')[1] === '{k}'",
        timeout=5000,
    )


def test_jkl_shuttle_plays_rewinds_stops_and_steps(browser: Any, tmp_path: Path) -> None:
    clip = clip_in(tmp_path)  # the mechanisms scheme holds no J, K or L
    server = Server(clip, extra=["--scheme", "session_mechanisms"])
    try:
        page = open_page(browser, server.url)
        rate = f"() => {VIDEO}.playbackRate"
        page.keyboard.press("l")
        page.wait_for_function(f"() => !{VIDEO}.paused")
        assert page.evaluate(rate) == 1 and shuttle(page) == "1"
        page.keyboard.press("l")
        assert page.evaluate(rate) == 2 and shuttle(page) == "2"
        page.keyboard.press("l")
        page.keyboard.press("l")  # 4x is the fastest
        assert page.evaluate(rate) == 4 and shuttle(page) == "4"
        assert page.inner_text("#shuttle") == "▶▶ 4x"
        page.keyboard.press("k")
        page.wait_for_function(f"() => {VIDEO}.paused")
        page.wait_for_selector('body[data-settled="1"]', state="attached")
        assert page.evaluate(rate) == 1 and shuttle(page) == "0"  # the rate from before
        assert page.inner_text("#shuttle") == ""

        # K held: L and J step one frame, and nothing plays
        page.keyboard.press("ArrowRight")
        at = page.evaluate(f"() => {VIDEO}.currentTime")
        page.wait_for_function(f"() => !{VIDEO}.seeking")
        start = frame(page)
        page.keyboard.down("k")
        page.keyboard.press("l")
        wait_frame(page, start + 1)
        page.keyboard.press("l")
        wait_frame(page, start + 2)
        page.keyboard.press("j")
        wait_frame(page, start + 1)
        page.keyboard.up("k")
        assert page.evaluate(f"() => {VIDEO}.paused") and shuttle(page) == "0"
        assert page.evaluate(f"() => {VIDEO}.currentTime") > at

        # J: backward (the video stays paused, its time goes down), again: 2x; K: stops on a frame
        page.keyboard.press("End")
        page.wait_for_function(f"() => !{VIDEO}.seeking && {VIDEO}.currentTime > 9")
        end = page.evaluate(f"() => {VIDEO}.currentTime")
        page.keyboard.press("j")
        assert shuttle(page) == "-1" and page.inner_text("#shuttle") == "◀◀ 1x"
        page.wait_for_function(f"() => {VIDEO}.currentTime < {end - 0.3}", timeout=10000)
        assert page.evaluate(f"() => {VIDEO}.paused")
        page.keyboard.press("j")
        assert shuttle(page) == "-2"
        page.keyboard.press("k")
        assert shuttle(page) == "0"
        page.wait_for_function(f"() => !{VIDEO}.seeking")
        stopped = page.evaluate(f"() => {VIDEO}.currentTime")
        page.wait_for_timeout(300)
        assert page.evaluate(f"() => {VIDEO}.currentTime") == stopped  # it stays stopped
        times = page.evaluate("() => window.annotateDebug.player.times")
        assert times[frame(page)] <= stopped < times[frame(page) + 1]

        # J runs back to the start and stops there
        page.keyboard.press("Home")
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowRight")
        page.wait_for_function(f"() => !{VIDEO}.seeking")
        page.keyboard.press("j")
        page.wait_for_function("() => document.body.dataset.shuttle === '0'", timeout=10000)
        wait_frame(page, 0)
        assert page.errors == []
    finally:
        server.stop()


def test_a_schemes_code_key_wins_over_the_shuttle(browser: Any, tmp_path: Path) -> None:
    clip = clip_in(tmp_path)  # care_clip: k codes "kisses"; j and l are free
    server = Server(clip)
    try:
        page = open_page(browser, server.url)
        page.keyboard.press("k")
        saved_item(page, "kisses")
        assert shuttle(page) == "0"
        assert "k is a code key here" in page.inner_text("#help")
        page.keyboard.press("l")
        page.wait_for_function(f"() => !{VIDEO}.paused")
        assert shuttle(page) == "1"
        page.keyboard.press("Space")
        page.wait_for_function(f"() => {VIDEO}.paused")
        # the pause event (which stops the shuttle) comes in a task after `paused` is set
        page.wait_for_function("() => document.body.dataset.shuttle === '0'", timeout=5000)
        assert page.errors == []
    finally:
        server.stop()
