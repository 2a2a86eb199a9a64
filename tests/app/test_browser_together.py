"""The coders' tool as one page (issue 14), tried as a new coder would on a laptop screen: a
folder of two clips, coded by two coders, opened for the consensus; every part in view at
1280x720 and 1366x768 (the coder's own lanes first, the sound lane, the consensus lanes), every
key in the help and remappable (the table's Shift+E, the consensus view's n / Shift+N), the
tooltips naming the coder's keys, and Ctrl+Z undoing a consensus take."""

from __future__ import annotations

import getpass
import shutil
from pathlib import Path
from typing import Any

from annotate.coding.store import AnnotationStore
from tests.app.browser import open_page
from tests.app.builders import SAMPLES, Server, synthetic_features
from tests.app.test_browser_consensus import coded, item, seeded_project, wait_now
from tests.app.test_browser_keymap import change

SCREENS = ((1280, 720), (1366, 768))

# Where a timeline row lies on screen, and the part of the timeline in view.
ROW_BOX = """([kind, tier]) => {
    const tl = window.annotateDebug.timeline;
    tl.draw();
    const row = tl.rows.find((r) => r.kind === kind && (tier === null || r.tier === tier));
    if (!row) return null;
    const box = tl.canvas.getBoundingClientRect();
    const view = document.getElementById('timeline-scroll').getBoundingClientRect();
    return {top: box.top + row.y, bottom: box.top + row.y + row.h,
            viewTop: view.top, viewBottom: Math.min(view.bottom, window.innerHeight)};
}"""

# Boxes of the page's parts, and whether the page scrolls (something cut off).
PARTS = """() => {
    const box = (s) => { const b = document.querySelector(s).getBoundingClientRect();
                         return {top: b.top, bottom: b.bottom, left: b.left, right: b.right}; };
    const d = document.documentElement;
    return {stage: box('#stage'), timeline: box('#timeline-box'), side: box('#side'),
            transport: box('#transport'), codes: box('#code-bar'), lanes: box('#consensus-lanes'),
            window: [window.innerWidth, window.innerHeight],
            page: [d.scrollWidth, d.scrollHeight]};
}"""


def two_clip_project(tmp_path: Path) -> Path:
    """The consensus project (ana and ben coded dyad_play) with dyad_cross beside it."""
    clip = seeded_project(tmp_path)
    shutil.copy2(SAMPLES / "dyad_cross.mp4", clip.parent / "dyad_cross.mp4")
    synthetic_features(clip.parent / "dyad_cross.mp4", clip.parent)
    return clip


def in_view(page: Any, kind: str, tier: str | None) -> bool:
    row = page.evaluate(ROW_BOX, [kind, tier])
    assert row is not None, (kind, tier)
    return bool(row["top"] >= row["viewTop"] - 0.5 and row["bottom"] <= row["viewBottom"] + 0.5)


def test_every_part_in_view_on_a_laptop_screen(browser: Any, tmp_path: Path) -> None:
    clip = two_clip_project(tmp_path)
    for coder, extra in (("ana", []), ("consensus", ["--consensus", "ana,ben"])):
        server = Server(clip.parent, coder=coder, extra=extra)
        try:
            page = open_page(browser, server.url, clip.name)
            page.wait_for_selector('body[data-features="1"]', state="attached")
            page.wait_for_function(
                "() => document.getElementById('sound-note').dataset.sound !== 'loading'"
            )
            for width, height in SCREENS:
                page.set_viewport_size({"width": width, "height": height})
                page.wait_for_timeout(300)
                parts = page.evaluate(PARTS)
                where = (coder, width, parts)
                assert parts["page"] == parts["window"], where  # nothing cut off or scrolled
                assert parts["stage"]["bottom"] <= parts["timeline"]["top"], where
                assert parts["transport"]["bottom"] <= parts["codes"]["top"], where
                assert parts["timeline"]["right"] <= parts["side"]["left"], where
                # the coder's own lanes first, all three in view
                for tier in ("infant_gaze", "mother", "infant"):
                    assert in_view(page, "tier", tier), (coder, width, tier)
                if coder == "ana":
                    assert in_view(page, "sound", None), (width, "sound lane")
                else:  # the consensus lanes: at least the first tier's three rows
                    assert page.is_visible("#consensus-lanes")
                    assert parts["lanes"]["bottom"] - parts["lanes"]["top"] >= 3 * 14 + 4, where
                    assert page.evaluate(ROW_BOX, ["sound", None]) is not None
            assert page.errors == []
        finally:
            server.stop()


def test_the_project_view_shows_no_empty_clip_under_it(browser: Any, tmp_path: Path) -> None:
    clip = two_clip_project(tmp_path)
    server = Server(clip.parent)
    try:
        page = browser.new_page()
        page.set_viewport_size({"width": 1280, "height": 720})
        page.goto(server.url)
        page.wait_for_selector('body[data-project="1"]', state="attached")
        assert page.is_visible("#chooser") and page.is_visible("#next-clip")
        # no black video, empty lanes or clip buttons that do nothing without a clip
        for part in ("main", "#video", "#timeline-box", "#side", "#roles", "#keys-open"):
            assert page.is_hidden(part), part
        page.click("#chooser-list a >> nth=1")
        page.wait_for_selector('body[data-ready="1"]', state="attached")
        for part in ("main", "#video", "#timeline-box", "#side", "#roles", "#keys-open"):
            assert page.is_visible(part), part
    finally:
        server.stop()


def test_the_help_lists_every_key_and_the_tool_keys_are_remappable(
    browser: Any, tmp_path: Path
) -> None:
    clip = two_clip_project(tmp_path)
    server = Server(clip.parent, coder="consensus", extra=["--consensus", "ana,ben"])
    try:
        page = open_page(browser, server.url, clip.name)
        page.wait_for_selector('body[data-consensus="1"]', state="attached")
        page.keyboard.press("?")
        help_text = page.inner_text("#help")
        for key, what in (
            ("Shift+E", "the annotation table"),
            ("n", "consensus view: next disagreement"),
            ("Shift+N", "consensus view: previous disagreement"),
            ("j", "shuttle: play backward"),
        ):
            assert f"{key}\t{what}" in help_text, (key, what)
        assert help_text.count("Escape\tdeselect, close help") == 1  # once, not twice
        page.keyboard.press("?")

        # the table's and the consensus view's keys are in the keys dialog, moved like the rest
        page.click("#keys-open")
        dialog = page.inner_text("#keys-dialog")
        for label in ("the annotation table", "consensus view: next disagreement"):
            assert label in dialog
        assert change(page, "table", "Shift+Y") == "table: now Shift+Y"
        assert change(page, "consensus-next", "x") == "consensus-next: now x"
        # a clash with them is refused, with what holds the key
        refused = change(page, "mother/kisses", "x")
        assert refused.startswith('not changed: x is the key of "consensus view: next'), refused
        refused = change(page, "loop", "Shift+N")
        assert "consensus view: previous disagreement" in refused, refused
        page.keyboard.press("Escape")
        assert page.is_hidden("#keys-dialog")

        # the moved keys work, the old ones do nothing; the help and the pane say the new ones
        page.keyboard.press("n")
        page.wait_for_timeout(200)
        assert page.locator("#consensus-list li.selected").count() == 0
        page.keyboard.press("x")
        page.wait_for_selector('#consensus-list li[data-index="0"].selected')
        assert "x / Shift+N" in page.inner_text("#consensus-how")
        page.keyboard.press("Shift+E")
        page.wait_for_timeout(200)
        assert page.is_hidden("#pane-table")
        page.keyboard.press("Shift+Y")
        page.wait_for_selector("#pane-table:not([hidden])")
        assert page.evaluate("() => document.activeElement.id") == "table-grid"
        assert "Shift+Y" in page.inner_text("#pane-table .hint")
        page.keyboard.press("?")
        help_text = page.inner_text("#help")
        assert "Shift+Y\tthe annotation table" in help_text
        assert "x\tconsensus view: next disagreement" in help_text
        assert page.errors == []
    finally:
        server.stop()


def test_tooltips_name_the_coders_keys(browser: Any, tmp_path: Path) -> None:
    clip = two_clip_project(tmp_path)
    server = Server(clip.parent)
    try:
        page = open_page(browser, server.url, clip.name)
        frame_back = '#transport button[data-binding="frame-back"]'
        assert page.get_attribute(frame_back, "title") == "frame back (←)"
        assert page.get_attribute('[data-tab="table"]', "title").endswith("(Shift+E)")
        page.click("#keys-open")
        assert change(page, "frame-back", "Shift+W") == "frame-back: now Shift+W"
        assert change(page, "five-back", "Shift+Q") == "five-back: now Shift+Q"
        assert change(page, "boxes", "Shift+X") == "boxes: now Shift+X"
        assert change(page, "table", "Shift+Y") == "table: now Shift+Y"
        assert change(page, "roles", "Shift+Z") == "roles: now Shift+Z"
        page.keyboard.press("Escape")
        assert page.get_attribute(frame_back, "title") == "frame back (Shift+W)"
        assert page.get_attribute("#roles", "title").endswith("this clip (Shift+Z)")
        page.keyboard.press("Shift+Z")  # swapped: the tooltip says by whom, and the key again
        page.wait_for_selector('#roles[data-swapped="1"]')
        assert page.get_attribute("#roles", "title").endswith("again: back (Shift+Z)")
        five = page.get_attribute('#transport button[data-binding^="five-back"]', "title")
        assert five == "5 s back (Ctrl+← / Shift+Q)"
        assert page.get_attribute('[data-tab="table"]', "title").endswith("(Shift+Y)")
        boxes = page.get_attribute('#layers label[data-binding="boxes"]', "title")
        assert boxes == "overlay: face boxes and roles (Shift+X)"
        # kept for the coder: a reload shows them again
        page.reload()
        page.wait_for_selector('body[data-ready="1"]', state="attached")
        page.wait_for_function(
            f"() => document.querySelector('{frame_back}').title === 'frame back (Shift+W)'"
        )
        assert page.errors == []
    finally:
        server.stop()


def test_ctrl_z_undoes_a_consensus_take_and_redo_takes_it_again(
    browser: Any, tmp_path: Path
) -> None:
    clip = two_clip_project(tmp_path)
    server = Server(clip.parent, coder="consensus", extra=["--consensus", "ana,ben"])
    try:
        page = open_page(browser, server.url, clip.name)
        page.wait_for_selector('body[data-consensus="1"]', state="attached")
        page.click("#consensus-agreed")
        wait_now(page, 0, "a")
        agreed = coded(clip, "consensus")
        assert agreed
        item(page, 0).locator('button[data-take="b"]').click()
        wait_now(page, 0, "b")
        taken = coded(clip, "consensus")
        assert taken != agreed

        # Ctrl+Z: the last take only (one take, one step); again: the agreed copy too
        page.keyboard.press("Control+z")
        wait_now(page, 0, "a")
        assert coded(clip, "consensus") == agreed
        page.keyboard.press("Control+z")
        wait_now(page, 0, "open")
        assert coded(clip, "consensus") == []
        page.wait_for_function("() => window.annotateDebug.annotations.list().length === 0")
        # redo: back, one take at a time
        page.keyboard.press("Control+Shift+z")
        wait_now(page, 0, "a")
        assert coded(clip, "consensus") == agreed
        page.keyboard.press("Control+y")
        wait_now(page, 0, "b")
        assert coded(clip, "consensus") == taken
        assert page.errors == []
    finally:
        server.stop()
    with AnnotationStore(clip.parent / "annotate.sqlite", create=False) as store:
        batches = store.conn.execute(
            "SELECT kind, who FROM batches WHERE coder = 'consensus' ORDER BY id"
        ).fetchall()
    # two takes, two undos, two redos: each one change of the history, by the person
    assert [b["kind"] for b in batches] == ["consensus"] * 2 + ["undo"] * 2 + ["redo"] * 2
    assert {b["who"] for b in batches} == {getpass.getuser()}


def test_the_consensus_list_follows_the_consensus_coders_own_edits(
    browser: Any, tmp_path: Path
) -> None:
    clip = two_clip_project(tmp_path)
    server = Server(clip.parent, coder="consensus", extra=["--consensus", "ana,ben"])
    try:
        page = open_page(browser, server.url, clip.name)
        page.wait_for_selector('body[data-consensus="1"]', state="attached")
        page.click("#consensus-agreed")
        wait_now(page, 0, "a")
        # edit: the consensus annotation there selected; its end one frame later by key
        item(page, 0).locator("button[data-edit]").click()
        page.keyboard.press("Shift+Period")  # >
        now = '#consensus-list li[data-index="0"][data-now="{}"]'
        page.wait_for_selector(now.format("other"), state="attached")  # the list, on its tab
        page.keyboard.press("Control+z")  # the edit undone: as A again
        page.wait_for_selector(now.format("a"), state="attached")
        assert page.errors == []
    finally:
        server.stop()
