"""Undo across a reload (issue 14): the undo stack is the store's history of this coder's
changes on the clip, so code, reload, undo removes the annotation from the store; one key press
that ends one state and starts the next is undone as one step; redo brings it back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.app.browser import open_page, saved_item, stored
from tests.app.builders import SAMPLES, Server, project_with, synthetic_features


def test_code_reload_undo_and_the_annotation_is_gone(browser: Any, tmp_path: Path) -> None:
    project = project_with(tmp_path / "project", SAMPLES / "dyad_cross.mp4")
    synthetic_features(project / "dyad_cross.mp4", project)
    database = project / "annotate.sqlite"
    server = Server(project / "dyad_cross.mp4")
    try:
        page = open_page(browser, server.url)
        for _ in range(3):
            page.keyboard.press("ArrowRight")
        page.keyboard.press("k")
        saved_item(page, "kisses")
        page.reload()
        page.wait_for_selector('body[data-ready="1"]', state="attached")
        page.keyboard.press("Control+z")
        assert stored(database, lambda a: not a) == []
        page.wait_for_function(
            "() => document.querySelectorAll('#annotation-list li').length === 0"
        )
        # redo after another reload: back in the store and on the page
        page.reload()
        page.wait_for_selector('body[data-ready="1"]', state="attached")
        page.keyboard.press("Control+Shift+Z")
        back = stored(database, lambda a: len(a) == 1)
        assert [(s.annotation.code, s.annotation.start_s) for s in back] == [("kisses", 0.12)]
        saved_item(page, "kisses")
        assert page.errors == []
    finally:
        server.stop()


def test_one_key_press_is_one_undo_step_after_a_reload(browser: Any, tmp_path: Path) -> None:
    project = project_with(tmp_path / "project", SAMPLES / "dyad_cross.mp4")
    synthetic_features(project / "dyad_cross.mp4", project)
    database = project / "annotate.sqlite"
    server = Server(project / "dyad_cross.mp4")
    try:
        page = open_page(browser, server.url)
        page.keyboard.press("1")  # infant gaze: at mother, started
        saved_item(page, "at_mother")
        for _ in range(5):
            page.keyboard.press("ArrowRight")
        page.keyboard.press("2")  # ends at_mother and starts at_object: one key press
        saved_item(page, "at_object")
        page.wait_for_function(
            "() => document.getElementById('save-state').dataset.state === 'saved'"
        )
        page.reload()
        page.wait_for_selector('body[data-ready="1"]', state="attached")
        page.keyboard.press("Control+z")
        left = stored(database, lambda a: len(a) == 1 and a[0].annotation.is_open)
        assert [(s.annotation.code, s.annotation.is_open) for s in left] == [("at_mother", True)]
        page.keyboard.press("Control+z")
        assert stored(database, lambda a: not a) == []
        page.keyboard.press("Control+z")  # nothing left: said, nothing changed
        page.wait_for_selector(".toast.warn:has-text('nothing to undo')")
        assert page.errors == []
    finally:
        server.stop()
