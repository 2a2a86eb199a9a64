"""End to end in headless Chromium: a coder opens a sample clip, plays it, codes by key, and
finds the work again after reloading the page and restarting the server."""

from __future__ import annotations

import os
import shutil
import signal
import time
from pathlib import Path
from typing import Any

import pytest

from annotate.coding.records import Annotation
from annotate.coding.scheme_files import find_scheme
from annotate.coding.store import AnnotationStore
from annotate.media.video import probe
from tests.app.browser import (
    frame_times,
    open_page,
    rgb,
    save_state,
    saved_item,
    shows,
    stored,
    timeline_pixel,
)
from tests.app.builders import ARTIFACTS, REPO, SAMPLES, Server, project_with, synthetic_features

AT_MOTHER, KISSES = "#2e7d32", "#ad1457"


def seed_second_coder(project: Path, clip: Path) -> None:
    """Bob coded the clip before: his states are the second coder's lane."""
    from annotate.coding.clips import ClipRef

    scheme = find_scheme("care_clip")
    with AnnotationStore(project / "annotate.sqlite") as store:
        for start, end in ((0.0, 2.0), (5.0, 8.0)):
            note = Annotation("", "bob", "infant_gaze", "at_mother", start, end)
            store.add(note, scheme, clip=ClipRef.from_video(clip))


@pytest.mark.slow
def test_code_a_clip_reload_restart_and_find_it_in_the_store(browser: Any, tmp_path: Path) -> None:
    project = project_with(tmp_path / "project", SAMPLES / "dyad_play.mp4")
    clip = project / "dyad_play.mp4"
    seed_second_coder(project, clip)
    server = Server(clip)
    try:
        page = open_page(browser, server.url)
        # no features yet: they are extracted now, with progress, while coding goes on
        assert "Extracting face features" in page.inner_text("#features-status")

        page.keyboard.press("Space")
        page.wait_for_function("() => document.getElementById('video').currentTime > 0.4")
        page.keyboard.press("Space")
        assert page.evaluate("() => document.getElementById('video').paused")
        start = page.evaluate("() => window.annotateDebug.player.now()")
        assert start >= 0.36
        page.keyboard.press("1")  # infant_gaze: at_mother starts
        page.keyboard.press("Shift+ArrowRight")
        page.keyboard.press("1")  # ... and ends one second later
        page.keyboard.press("k")  # mother kisses: a point
        saved_item(page, "kisses")
        saved_item(page, "at_mother")
        assert save_state(page) == "saved"
        times = frame_times(page)
        end = page.evaluate("() => window.annotateDebug.player.now()")
        assert end == pytest.approx(start + 1.0, abs=0.041) and end in times
        assert timeline_pixel(page, "tier", "infant_gaze", (start + end) / 2) == rgb(AT_MOTHER)
        page.keyboard.press("Escape")
        page.keyboard.press("Home")  # the playhead out of the way
        assert timeline_pixel(page, "tier", "mother", end, middle=True) == rgb(KISSES)

        page.select_option("#other-coder", "bob")
        page.keyboard.press("Escape")
        page.wait_for_function("() => window.annotateDebug.timeline.rowOf('other', 'infant_gaze')")
        assert timeline_pixel(page, "other", "infant_gaze", 6.0) != timeline_pixel(
            page, "other", "infant_gaze", 3.5
        )

        page.wait_for_selector('body[data-features="1"]', state="attached", timeout=90_000)
        lanes = page.evaluate("() => window.annotateDebug.timeline.episodes.map(l => l.id)")
        assert "mutual_gaze/dyad" in lanes and "visible/infant" in lanes
        page.keyboard.press("Home")
        time.sleep(0.3)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "app_code_clip.png"))
        docs = REPO / "docs" / "app_screenshot.png"
        if not docs.exists() or os.environ.get("ANNOTATE_UPDATE_SCREENSHOT"):
            shutil.copy2(ARTIFACTS / "app_code_clip.png", docs)

        page.reload()
        page.wait_for_selector('body[data-ready="1"]', state="attached")
        assert page.locator("#annotation-list li").count() == 2
        assert server.stop() == 0
        server = Server(clip, port=server.port)
        page.reload()
        page.wait_for_selector('body[data-ready="1"]', state="attached")
        codes = page.eval_on_selector_all(
            "#annotation-list li", "items => items.map(i => i.dataset.code)"
        )
        assert codes == ["at_mother", "kisses"]
        assert page.errors == []
    finally:
        server.stop()
    found = stored(project / "annotate.sqlite", lambda a: len(a) == 2)
    by_code = {s.annotation.code: s.annotation for s in found}
    assert by_code["at_mother"].start_s == pytest.approx(start)
    assert by_code["at_mother"].end_s == pytest.approx(end)
    assert by_code["kisses"].start_s == by_code["kisses"].end_s == pytest.approx(end)
    assert {a.coder for a in by_code.values()} == {"ana"}


def synthetic_project(tmp_path: Path, name: str = "dyad_cross.mp4") -> Path:
    project = project_with(tmp_path / "project", SAMPLES / name)
    synthetic_features(project / name, project)
    return project / name


def test_keys_select_nudge_change_delete_undo_redo(browser: Any, tmp_path: Path) -> None:
    clip = synthetic_project(tmp_path)
    database = clip.parent / "annotate.sqlite"
    server = Server(clip)
    try:
        page = open_page(browser, server.url)
        for _ in range(5):
            page.keyboard.press("ArrowRight")
        shows(page, "#frame", "frame 5 / 249")
        shows(page, "#time", "00:00.200")
        page.keyboard.press("]")
        shows(page, "#rate", "1.25x")
        page.keyboard.press("[")
        page.keyboard.press("[")
        shows(page, "#rate", "0.75x")
        page.keyboard.press("Shift+B")
        assert not page.is_checked('[data-layer="boxes"]')

        page.keyboard.press("k")
        saved_item(page, "kisses")
        page.keyboard.press("Period")  # the selected point one frame later
        found = stored(database, lambda a: a and a[0].annotation.start_s == 0.24)
        assert found[0].annotation.start_s == found[0].annotation.end_s == 0.24
        page.keyboard.press("Enter")
        page.select_option("#edit-code", "intrusive_act")
        found = stored(database, lambda a: a and a[0].annotation.code == "intrusive_act")
        assert found[0].annotation.code == "intrusive_act"
        page.keyboard.press("Escape")
        page.keyboard.press("Tab")  # select it again
        page.keyboard.press("Delete")
        assert stored(database, lambda a: not a) == []
        page.keyboard.press("Control+z")
        back = stored(database, lambda a: len(a) == 1)
        assert [(s.annotation.code, s.annotation.start_s) for s in back] == [
            ("intrusive_act", 0.24)
        ]
        page.keyboard.press("Control+Shift+Z")
        assert stored(database, lambda a: not a) == []

        page.keyboard.press("Shift+L")
        assert "looping" in page.inner_text("#loop-state")
        page.keyboard.press("Shift+L")
        page.keyboard.press("?")
        assert page.is_visible("#help-dialog")
        assert "infant_gaze: At mother (state)" in page.inner_text("#help")
        assert page.errors == []
    finally:
        server.stop()


def test_the_care_index_sheet_is_checked_live_and_stored(browser: Any, tmp_path: Path) -> None:
    from annotate.coding.care_index import load_care_index
    from annotate.coding.care_store import load_sheet

    clip = synthetic_project(tmp_path)
    server = Server(clip)
    try:
        page = open_page(browser, server.url)
        page.click('[data-tab="care"]')
        first = page.locator('tr[data-aspect="facial_expression"]')
        first.locator('input[data-partner="adult"][data-pattern="sensitive"]').fill("1.5")
        assert first.locator("td.sum").first.inner_text() == "1.5"
        assert "bad" in str(first.locator("td.sum").first.get_attribute("class"))
        assert "adult: 1.5 of 2" in first.locator(".status").inner_text()
        config = load_care_index()
        for aspect in config.aspect_ids:
            row = page.locator(f'tr[data-aspect="{aspect}"]')
            row.locator('input[data-partner="adult"][data-pattern="sensitive"]').fill("1.5")
            row.locator('input[data-partner="adult"][data-pattern="controlling"]').fill("0.5")
            row.locator('input[data-partner="infant"][data-pattern="cooperative"]').fill("2")
            page.wait_for_function(
                f"""() => document.querySelector('tr[data-aspect="{aspect}"] .status')
                    .textContent === 'saved'"""
            )
        synchrony = page.inner_text("#care-synchrony")
        assert "10.5" in synchrony and "adequate" in synchrony
        assert page.errors == []
    finally:
        server.stop()
    with AnnotationStore(clip.parent / "annotate.sqlite") as store:
        sheet = load_sheet(store, probe(clip).sha256, "ana")
    assert sheet.is_complete(config) and sheet.synchrony(config) == 10.5


def test_killing_the_server_loses_nothing_shown_as_saved(browser: Any, tmp_path: Path) -> None:
    clip = synthetic_project(tmp_path)
    database = clip.parent / "annotate.sqlite"
    server = Server(clip)
    try:
        page = open_page(browser, server.url)
        page.keyboard.press("k")
        saved_item(page, "kisses")
        assert save_state(page) == "saved"
        server.stop(signal.SIGKILL)  # no clean-up at all
        assert [s.annotation.code for s in stored(database, bool)] == ["kisses"]

        page.keyboard.press("ArrowRight")
        page.keyboard.press("v")
        page.wait_for_selector('#save-state[data-state="offline"]')
        assert "Not saved" in page.inner_text("#save-state")
        pending = page.get_attribute('#annotation-list li[data-code="vocalises"]', "data-saved")
        assert pending == "0"

        server = Server(clip, port=server.port)
        saved_item(page, "vocalises", timeout_s=15)  # the page sends it again by itself
        assert save_state(page) == "saved"
    finally:
        server.stop()
    codes = [s.annotation.code for s in stored(database, lambda a: len(a) == 2)]
    assert sorted(codes) == ["kisses", "vocalises"]


def test_two_tabs_on_one_clip_do_not_overwrite_each_other(browser: Any, tmp_path: Path) -> None:
    clip = synthetic_project(tmp_path)
    database = clip.parent / "annotate.sqlite"
    server = Server(clip.parent)  # the project folder: the coder chooses the clip
    try:
        chooser = browser.new_page()
        chooser.goto(server.url)
        chooser.click(f"#chooser-list a:text('{clip.name}')")
        chooser.wait_for_selector('body[data-ready="1"]', state="attached")
        assert chooser.inner_text("#clip-name") == clip.name
        chooser.close()
        first = open_page(browser, server.url, clip.name)
        second = open_page(browser, server.url, clip.name)
        first.keyboard.press("k")
        saved_item(first, "kisses")
        second.keyboard.press("ArrowRight")
        second.keyboard.press("v")
        toast = second.wait_for_selector(".toast.warn")
        assert "changed elsewhere" in toast.inner_text() and "not saved" in toast.inner_text()
        saved_item(second, "kisses")  # the stored state, reloaded
        assert second.locator('#annotation-list li[data-code="vocalises"]').count() == 0
        assert [s.annotation.code for s in stored(database, bool)] == ["kisses"]
        second.keyboard.press("v")  # now on the current revision
        saved_item(second, "vocalises")
    finally:
        server.stop()
    assert len(stored(database, lambda a: len(a) == 2)) == 2
