"""The project view and blinded coding in headless Chromium (issue 14): a folder of two clips with
their statuses, one coded and marked done, "next clip" opens the other; blinded, the page shows
aliases only until the coder is done."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from tests.app.browser import READY, open_page, saved_item
from tests.app.builders import Server, project_with, quick_h264, synthetic_features


def two_clips(tmp_path: Path, first: str, second: str) -> Path:
    """A project folder of two short clips (with features)."""
    folder = project_with(tmp_path / "study")
    for name, seconds in ((first, 3.0), (second, 2.0)):
        quick_h264(folder / name, seconds)
        synthetic_features(folder / name, folder)
    return folder


def project_tab(browser: Any, url: str, answers: list[str] | None = None) -> Any:
    """A new tab on the project view (no clip chosen), keeping its errors (and answers)."""
    page = browser.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    if answers is not None:  # every answer of the server, kept as the page gets it

        def keep(route: Any) -> None:
            if "/api/clip/video" in route.request.url:
                answers.append(route.request.url)
                return route.continue_()
            answer = route.fetch()
            answers.append(f"{route.request.url} {answer.headers} {answer.text()}")
            return route.fulfill(response=answer)

        page.route("**/*", keep)
    page.goto(url)
    return page


def statuses(page: Any) -> dict[str, str]:
    """What the project view shows: each clip's name (or alias) and this coder's status."""
    page.wait_for_selector('body[data-project="1"]', state="attached")
    rows = page.eval_on_selector_all(
        "#chooser-list tr",
        "rows => rows.map(r => [r.querySelector('a').textContent, "
        "r.querySelector('.clip-status').textContent])",
    )
    return dict(rows)


def test_statuses_done_and_next_clip(browser: Any, tmp_path: Path) -> None:
    folder = two_clips(tmp_path, "a_home.mp4", "b_home.mp4")
    server = Server(folder)
    try:
        page = project_tab(browser, server.url)
        assert statuses(page) == {"a_home.mp4": "not started", "b_home.mp4": "not started"}
        page.click("#next-clip")  # the first clip not done
        page.wait_for_selector(READY, state="attached")
        assert page.inner_text("#clip-name") == "a_home.mp4"
        page.keyboard.press("k")  # a kiss
        saved_item(page, "kisses")
        page.click("#done-clip")
        page.wait_for_selector('#done-clip[data-done="1"]')
        with sqlite3.connect(folder / "annotate.sqlite") as conn:
            marks = conn.execute("SELECT coder, done, updated FROM clip_done").fetchall()
        assert [(c, d) for c, d, _ in marks] == [("ana", 1)] and marks[0][2]
        page.click("#next-clip")
        page.wait_for_function(
            "() => document.getElementById('clip-name').textContent === 'b_home.mp4'"
        )
        page.wait_for_selector(READY, state="attached")
        page.click("#to-clips")
        page.wait_for_selector("#chooser:not([hidden])")
        assert statuses(page) == {"a_home.mp4": "done", "b_home.mp4": "not started"}
        progress = page.inner_text("#chooser-list tr[data-key='a_home.mp4'] .clip-tiers")
        assert progress == "mother 1"
        # reopened: in progress again
        page.click("#chooser-list a:text('a_home.mp4')")
        page.wait_for_selector(READY, state="attached")
        page.click("#done-clip")
        page.wait_for_selector('#done-clip[data-done="0"]')
        page.click("#to-clips")
        page.wait_for_selector("#chooser:not([hidden])")
        assert statuses(page)["a_home.mp4"] == "in progress"
        assert page.errors == []
    finally:
        server.stop()


def test_done_with_a_state_open_is_refused_in_the_page(browser: Any, tmp_path: Path) -> None:
    folder = two_clips(tmp_path, "a_home.mp4", "b_home.mp4")
    server = Server(folder)
    try:
        page = open_page(browser, server.url, "a_home.mp4")
        page.keyboard.press("1")  # infant looks at mother: a state started, not ended
        page.wait_for_selector("#open-states:not([hidden])")
        page.wait_for_selector('#save-state[data-state="saved"]')
        page.click("#done-clip")
        toast = page.wait_for_selector(".toast.warn")
        assert "infant_gaze:at_mother" in toast.inner_text()
        assert page.get_attribute("#done-clip", "data-done") == "0"
    finally:
        server.stop()


SECRET_WORDS = ("D07", "D03", "visit1", "visit2", "_post", "_pre", "study")


def nothing_told(answers: list[str]) -> None:
    """No answer the page got (addresses, headers, bodies but the video's) names a clip or the
    folder."""
    assert answers
    for told in answers:
        for word in SECRET_WORDS:
            assert word not in told, (word, told[:300])


def test_blinded_the_page_shows_aliases_only_until_done(browser: Any, tmp_path: Path) -> None:
    folder = two_clips(tmp_path, "D03_visit1_pre.mp4", "D07_visit2_post.mp4")
    server = Server(folder, extra=["--blind"])
    answers: list[str] = []
    try:
        page = project_tab(browser, server.url, answers)
        shown = statuses(page)
        assert len(shown) == 2 and all(name.startswith("Clip-") for name in shown)
        assert page.is_visible("#project-blind")
        for word in SECRET_WORDS:
            assert word not in page.content()
        page.click("#next-clip")
        page.wait_for_selector(READY, state="attached")
        alias = page.inner_text("#clip-name")
        assert alias in shown and alias in page.title()
        assert page.evaluate("() => document.getElementById('video').readyState") >= 2  # plays
        page.click("[data-tab='clip']")
        assert page.query_selector("#attribute-visit") is None  # the phase is not asked for
        assert page.query_selector("#attribute-programme") is not None
        page.click("[data-tab='annotation']")
        page.keyboard.press("k")
        saved_item(page, "kisses")
        # the table, the consensus tab, the keys and the help: still no name, no phase
        page.keyboard.press("Shift+E")
        page.wait_for_selector('#annotation-table tr[data-tier="mother"]')
        page.click("[data-tab='consensus']")
        page.wait_for_selector("#pane-consensus:not([hidden]) .consensus-pair")
        page.click("#keys-open")
        page.keyboard.press("Escape")
        page.keyboard.press("?")
        page.wait_for_selector("#help-dialog:not([hidden])")
        page.keyboard.press("?")
        page.click("[data-tab='annotation']")
        for word in SECRET_WORDS:
            assert word not in page.content() and word not in page.title()
        nothing_told(answers)
        # done: the real name shows
        page.click("#done-clip")
        page.wait_for_selector('#done-clip[data-done="1"]')
        real = page.inner_text("#clip-name")
        assert real in ("D03_visit1_pre.mp4", "D07_visit2_post.mp4")
        page.click("#to-clips")
        page.wait_for_selector("#chooser:not([hidden])")
        names = statuses(page)
        assert names[real] == "done"
        assert sum(1 for name in names if name.startswith("Clip-")) == 1
    finally:
        server.stop()
