"""Crash tests of the page's save queue in headless Chromium: the server SIGKILLed while the page
has a write in flight (committed or not), changes made while it is down, and refusals that must
not be retried."""

from __future__ import annotations

import json
import signal
import sqlite3
import time
from pathlib import Path
from typing import Any

from tests.app.browser import open_page, save_state, saved_item, stored
from tests.app.builders import SAMPLES, Server, project_with, synthetic_features

WRITES = ("POST", "PATCH", "DELETE", "PUT")


def synthetic_clip(tmp_path: Path) -> Path:
    project = project_with(tmp_path / "project", SAMPLES / "dyad_cross.mp4")
    synthetic_features(project / "dyad_cross.mp4", project)
    return project / "dyad_cross.mp4"


class Killer:
    """A route on the page's writes that SIGKILLs the server at the next write: after the server
    answered it (committed, the answer lost) or before the server saw it (not committed)."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.mode = ""  # "after_commit", "before_commit" or "" (pass writes through)
        self.killed = 0
        self.writes: list[str] = []

    def __call__(self, route: Any) -> None:
        request = route.request
        if request.method not in WRITES:
            route.continue_()
            return
        self.writes.append(f"{request.method} {request.url}")
        mode, self.mode = self.mode, ""
        if mode == "after_commit":
            route.fetch()  # the server commits it and answers ...
            self.server.stop(signal.SIGKILL)  # ... and dies before the page hears the answer
            self.killed += 1
            route.abort("connectionreset")
        elif mode == "before_commit":
            self.server.stop(signal.SIGKILL)
            self.killed += 1
            route.abort("connectionreset")
        else:
            route.continue_()


def wait_saved(page: Any, timeout_s: float = 30) -> None:
    page.wait_for_function(
        """() => document.getElementById('save-state').dataset.state === 'saved'
            && ![...document.querySelectorAll('#annotation-list li')]
                .some((li) => li.dataset.saved !== '1')""",
        timeout=timeout_s * 1000,
    )


def test_the_offline_queue_keeps_every_change_across_a_server_killed_mid_write(
    browser: Any, tmp_path: Path
) -> None:
    clip = synthetic_clip(tmp_path)
    database = clip.parent / "annotate.sqlite"
    server = Server(clip)
    try:
        page = open_page(browser, server.url)
        killer = Killer(server)
        page.route("**/api/clip/annotations**", killer)
        page.keyboard.press("k")  # kisses at frame 0
        saved_item(page, "kisses")

        # 1. the write in flight was committed; the server died before the page heard it
        killer.mode = "after_commit"
        page.keyboard.press("ArrowRight")
        page.keyboard.press("v")  # vocalises at frame 1
        page.wait_for_selector('#save-state[data-state="offline"]', timeout=10_000)
        assert killer.killed == 1
        # 2. the coder goes on while the server is down: an add, an edit of it, another add
        for _ in range(4):
            page.keyboard.press("ArrowRight")
        page.keyboard.press("k")  # kisses at frame 5 ...
        page.keyboard.press("Period")  # ... moved to frame 6
        for _ in range(4):
            page.keyboard.press("ArrowRight")
        page.keyboard.press("v")  # vocalises at frame 9 (the playhead stayed at 5)
        assert "Not saved" in page.inner_text("#save-state")
        server = killer.server = Server(clip, port=server.port)
        wait_saved(page)

        # 3. the write in flight had not reached the server: it is stored once it is back
        killer.mode = "before_commit"
        page.keyboard.press("ArrowRight")
        page.keyboard.press("k")  # kisses at frame 10
        page.wait_for_selector('#save-state[data-state="offline"]', timeout=10_000)
        assert killer.killed == 2
        server = killer.server = Server(clip, port=server.port)
        wait_saved(page)
        assert page.locator(".toast.warn").count() == 0  # nothing blamed on another tab
        assert page.errors == []
        shown = page.eval_on_selector_all(
            "#annotation-list li", "items => items.map(i => i.dataset.code)"
        )
    finally:
        server.stop()
    found = stored(database, lambda a: len(a) >= 5)
    got = sorted((round(s.annotation.start_s, 2), s.annotation.code) for s in found)
    assert got == [
        (0.0, "kisses"),
        (0.04, "vocalises"),
        (0.24, "kisses"),
        (0.36, "vocalises"),
        (0.4, "kisses"),
    ]  # every change the coder made, each stored exactly once
    assert sorted(shown) == sorted(code for _, code in got)
    with sqlite3.connect(database) as conn:
        kinds = [r[0] for r in conn.execute("SELECT kind FROM batches ORDER BY id")]
        keys = [r[0] for r in conn.execute("SELECT change_key FROM batches")]
    assert kinds == ["add", "add", "add", "edit", "add", "add"]
    assert len(set(keys)) == len(keys) and all(keys)


def test_a_refused_change_is_not_retried_and_a_failing_server_is(
    browser: Any, tmp_path: Path
) -> None:
    clip = synthetic_clip(tmp_path)
    database = clip.parent / "annotate.sqlite"
    server = Server(clip)
    answers = ["refuse", "pass", "fail", "fail"]
    posts: list[str] = []

    def answer(route: Any) -> None:
        if route.request.method != "POST":
            route.continue_()
            return
        what = answers.pop(0) if answers else "pass"
        posts.append(what)
        if what == "refuse":
            body = {"error": "'note' must be Unicode text (it holds a lone surrogate)"}
            route.fulfill(status=400, body=json.dumps(body), content_type="application/json")
        elif what == "fail":
            route.fulfill(status=500, body="Internal Server Error")
        else:
            route.continue_()

    try:
        page = open_page(browser, server.url)
        page.route("**/api/clip/annotations**", answer)
        # two changes at once: the first is refused, the one queued behind it is still stored
        page.evaluate(
            """() => { for (const key of ["k", "v"])
                document.dispatchEvent(new KeyboardEvent("keydown", { key, bubbles: true })); }"""
        )
        toast = page.wait_for_selector(".toast.warn", timeout=10_000)
        assert "lone surrogate" in toast.inner_text()
        assert "1 change(s) were not saved" in toast.inner_text()
        saved_item(page, "vocalises")
        time.sleep(4.5)  # two retry periods: a 4xx is never sent again
        assert posts == ["refuse", "pass"]
        page.keyboard.press("Escape")
        page.keyboard.press("ArrowRight")
        page.keyboard.press("k")  # answered 500 twice, then stored
        saved_item(page, "kisses", timeout_s=20)
        assert posts == ["refuse", "pass", "fail", "fail", "pass"]
        assert save_state(page) == "saved"
    finally:
        server.stop()
    found = stored(database, lambda a: len(a) == 2)
    assert sorted((s.annotation.code, s.annotation.start_s) for s in found) == [
        ("kisses", 0.04),
        ("vocalises", 0.0),
    ]
