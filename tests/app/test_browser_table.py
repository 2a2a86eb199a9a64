"""The annotation table (issue 14) in headless Chromium, used by keyboard only: reach it, move
between cells, edit onset, code, modifier and note in place, sort, filter, see the row follow the
playhead and the selection, and have an invalid edit refused with the stored value kept. Every
edit is looked up in the store through annotate's library."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from annotate.coding.clips import ClipRef
from annotate.coding.records import Annotation
from annotate.coding.scheme_files import find_scheme
from annotate.coding.store import AnnotationStore, StoredAnnotation
from tests.app.browser import open_page, stored
from tests.app.builders import Server, quick_h264, synthetic_features

FPS = 25
F = 1 / FPS
DATABASE = "annotate.sqlite"

# (coder, tier, code, start frame, end frame, value, note)
SEED = [
    ("ana", "infant_gaze", "at_mother", 10, 30, "", ""),
    ("ana", "mother", "talks", 20, 50, "", ""),
    ("ana", "mother", "kisses", 40, 40, "", ""),
    ("ana", "mother", "touches", 60, 75, "", ""),
    ("ana", "infant", "vocalises", 80, 80, "", "first sound"),
    ("bob", "infant_gaze", "away", 0, 25, "", ""),
]


def seed(project: Path, clip: Path) -> None:
    scheme = find_scheme("care_clip")
    ref = ClipRef.from_video(clip)
    with AnnotationStore(project / DATABASE) as store:
        for coder, tier, code, start, end, value, note in SEED:
            a = Annotation("", coder, tier, code, start * F, end * F, value=value, note=note)
            store.add(a, scheme, clip=ref)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Path]]:
    """One server for the module, on a project of small clips (one per test, each seeded)."""
    project = tmp_path_factory.mktemp("table") / "project"
    project.mkdir()
    for k in range(3):
        clip = quick_h264(project / f"clip{k}.mp4", 4.0 + 0.4 * k)
        synthetic_features(clip, project)
        seed(project, clip)
    server = Server(project)
    yield server, project
    server.stop()


def rows(page: Any) -> list[dict[str, str]]:
    """The table's data rows as shown: their data attributes."""
    return list(
        page.evaluate(
            "() => [...document.querySelectorAll('#annotation-table tbody tr')]"
            ".map((tr) => ({...tr.dataset}))"
        )
    )


def codes(page: Any) -> list[str]:
    return [r["code"] for r in rows(page)]


def cursor(page: Any) -> dict[str, str]:
    """Where the table's cursor is: the row's code and the column."""
    return dict(
        page.evaluate(
            """() => {
                const cell = document.querySelector('#annotation-table .cursor');
                const row = cell?.closest('tr');
                return {code: row?.dataset.code || '', col: cell?.dataset.col || '',
                        part: row?.parentElement.tagName || ''};
            }"""
        )
    )


def current(page: Any) -> str:
    """The code of the table's current row (the one following the playhead and selection)."""
    return str(
        page.evaluate(
            "() => document.querySelector('#annotation-table tbody tr.current')?.dataset.code || ''"
        )
    )


def on_clip(project: Path, clip: str, check: Any = bool) -> list[StoredAnnotation]:
    """The coder's stored annotations on one clip, once `check` holds for them."""
    found = stored(
        project / DATABASE, lambda all_: check([s for s in all_ if s.annotation.media == clip])
    )
    return [s for s in found if s.annotation.media == clip]


def mine(project: Path, code: str, check: Any = None, clip: str = "clip0.mp4") -> StoredAnnotation:
    """The coder's stored annotation with this code on the clip, once `check` holds for it."""
    found = on_clip(
        project,
        clip,
        lambda all_: any(s.annotation.code == code and (check is None or check(s)) for s in all_),
    )
    hits = [s for s in found if s.annotation.code == code]
    assert hits, f"no stored {code}"
    return next((s for s in hits if check is None or check(s)), hits[0])


def go_to(page: Any, code: str, col: str) -> None:
    """Move the cursor to a row and column with the arrow keys only."""
    order = ["onset", "offset", "tier", "code", "modifier", "note", "coder"]
    for _ in range(40):
        at = cursor(page)
        if at["code"] == code and at["part"] == "TBODY":
            break
        here = codes(page).index(at["code"]) if at["code"] in codes(page) else -1
        target = codes(page).index(code)
        page.keyboard.press("ArrowDown" if target > here else "ArrowUp")
    for _ in range(10):
        at = cursor(page)
        if at["col"] == col:
            return
        step = "ArrowRight" if order.index(col) > order.index(at["col"]) else "ArrowLeft"
        page.keyboard.press(step)
    raise AssertionError(f"cursor not at {code}/{col}: {cursor(page)}")


def edit(page: Any, text: str) -> None:
    """Enter, replace the cell's text, Enter."""
    page.keyboard.press("Enter")
    page.wait_for_selector("#annotation-table input.cell-edit")
    page.keyboard.press("Control+A")
    page.keyboard.press("Backspace")
    page.keyboard.type(text)
    page.keyboard.press("Enter")


def open_table(page: Any) -> None:
    page.keyboard.press("Shift+E")
    page.wait_for_function(
        "() => !document.getElementById('pane-table').hidden && "
        "document.activeElement?.id === 'table-grid'"
    )


def test_table_by_keyboard_edit_onset_code_modifier_note_sort_and_filter(
    browser: Any, served: tuple[Server, Path]
) -> None:
    server, project = served
    page = open_page(browser, server.url, clip="clip0.mp4")
    open_table(page)
    # the coder's own annotations, in time order
    assert codes(page) == ["at_mother", "talks", "kisses", "touches", "vocalises"]
    assert {r["coder"] for r in rows(page)} == {"ana"}
    assert cursor(page) == {"code": "at_mother", "col": "onset", "part": "TBODY"}

    # moving to a row selects its annotation and seeks to its onset
    page.keyboard.press("ArrowDown")
    assert cursor(page)["code"] == "talks"
    page.wait_for_function(
        "() => window.annotateDebug.actions.selected?.code === 'talks' && "
        "Math.abs(document.getElementById('video').currentTime - 0.8) < 0.03"
    )

    # onset as a frame number
    edit(page, "15")
    talks = mine(project, "talks", lambda s: abs(s.annotation.start_s - 15 * F) < 1e-6)
    assert talks.annotation.end_s == pytest.approx(50 * F)
    # offset as m:ss.fff, snapped to its frame (2.05 s lies in frame 51)
    page.keyboard.press("ArrowRight")
    edit(page, "0:02.05")
    talks = mine(project, "talks", lambda s: abs(s.annotation.end_s - 51 * F) < 1e-6)
    assert page.evaluate("() => document.activeElement.id") == "table-grid"

    # the code, by name; Tab moves on to the next cell
    go_to(page, "at_mother", "code")
    edit(page, "away")
    mine(project, "away")
    assert cursor(page) == {"code": "away", "col": "code", "part": "TBODY"}
    page.keyboard.press("Tab")
    assert cursor(page)["col"] == "modifier"
    page.keyboard.press("Tab")
    assert cursor(page)["col"] == "note"
    edit(page, "looks at the window")
    assert mine(project, "away", lambda s: s.annotation.note != "").annotation.note == (
        "looks at the window"
    )

    # a modifier from the code's set
    go_to(page, "touches", "modifier")
    edit(page, "gentle")
    assert mine(project, "touches", lambda s: s.annotation.value != "").annotation.value == (
        "gentle"
    )

    # Escape cancels an edit: nothing is sent
    go_to(page, "vocalises", "note")
    page.keyboard.press("Enter")
    page.keyboard.press("Control+A")
    page.keyboard.type("not this")
    page.keyboard.press("Escape")
    assert page.query_selector("#annotation-table input.cell-edit") is None
    assert page.evaluate("() => document.activeElement.id") == "table-grid"
    assert mine(project, "vocalises").annotation.note == "first sound"

    # sort: up to the header row, on the code column, Enter (again: the other way)
    go_to(page, "away", "code")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    assert cursor(page) == {"code": "", "col": "code", "part": "THEAD"}
    page.keyboard.press("Enter")
    assert codes(page) == ["away", "kisses", "talks", "touches", "vocalises"]
    page.keyboard.press("Enter")
    assert codes(page) == ["vocalises", "touches", "talks", "kisses", "away"]

    # filter by tier: the filter row under the header, Enter, type, Enter
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowDown")
    assert cursor(page)["col"] == "tier"
    edit(page, "mother")
    assert sorted(codes(page)) == ["kisses", "talks", "touches"]
    assert page.inner_text("#table-count") == "3 of 5"
    edit(page, "")
    assert len(rows(page)) == 5

    # every edit went through the page's one change path: one undo step each
    page.keyboard.press("Escape")
    page.keyboard.press("Control+Z")
    mine(project, "touches", lambda s: s.annotation.value == "")
    assert page.errors == []


def test_an_invalid_edit_is_refused_with_a_message_and_the_stored_value_kept(
    browser: Any, served: tuple[Server, Path]
) -> None:
    server, project = served
    page = open_page(browser, server.url, clip="clip1.mp4")
    open_table(page)
    before = {s.annotation.code: s.annotation for s in on_clip(project, "clip1.mp4")}

    go_to(page, "talks", "offset")
    edit(page, "12")  # frame 12 is before the onset (frame 20)
    message = page.inner_text("#table-message")
    assert "before" in message and "onset" in message
    cell = page.inner_text('#annotation-table tbody tr[data-code="talks"] td[data-col="offset"]')
    assert cell.startswith("00:02.000")

    go_to(page, "talks", "code")
    edit(page, "dances")
    message = page.inner_text("#table-message")
    assert "dances" in message and "talks, touches" in message

    go_to(page, "kisses", "offset")
    page.keyboard.press("Enter")  # a point has no offset: no field opens
    assert "point" in page.inner_text("#table-message")
    assert page.query_selector("#annotation-table input.cell-edit") is None

    go_to(page, "touches", "modifier")
    edit(page, "hard")
    assert "gentle, firm, rough" in page.inner_text("#table-message")

    go_to(page, "talks", "onset")
    edit(page, "zz")
    assert "frame number" in page.inner_text("#table-message")

    page.wait_for_timeout(300)
    after = {s.annotation.code: s.annotation for s in on_clip(project, "clip1.mp4")}
    assert after == before
    assert page.evaluate("() => window.annotateDebug.annotations.queue.length") == 0
    assert page.errors == []


def test_the_current_row_follows_the_playhead_and_the_selection_and_other_coders(
    browser: Any, served: tuple[Server, Path]
) -> None:
    server, _ = served
    page = open_page(browser, server.url, clip="clip2.mp4")
    page.click('[data-tab="table"]')
    page.keyboard.press("Escape")
    # the playhead at frame 62: inside touches (60-75)
    page.fill("#goto", "f62")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => document.querySelector('#annotation-table tbody tr.current')?.dataset.code "
        "=== 'touches'"
    )
    # frame 45: after kisses (40), inside talks (20-50)
    page.keyboard.press("Shift+T")
    page.keyboard.type("f45")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => document.querySelector('#annotation-table tbody tr.current')?.dataset.code "
        "=== 'talks'"
    )
    # a selection made elsewhere (Tab selects the next annotation) moves the row too
    page.keyboard.press("Tab")
    selected = page.evaluate("() => window.annotateDebug.actions.selected.code")
    page.wait_for_function(
        "(code) => document.querySelector('#annotation-table tbody tr.current')?.dataset.code "
        "=== code",
        arg=selected,
    )
    assert current(page) == selected

    # the second coder's annotations join the table, read-only, and filter by coder
    page.select_option("#other-coder", "bob")
    page.wait_for_function(
        "() => document.querySelectorAll('#annotation-table tbody tr[data-coder=\"bob\"]')"
        ".length === 1"
    )
    open_table(page)
    for _ in range(8):
        page.keyboard.press("ArrowUp")  # the cursor stops on the header row
    page.keyboard.press("ArrowDown")  # the filter row
    for _ in range(7):
        page.keyboard.press("ArrowRight")  # ... and stops on the last column
    assert cursor(page) == {"code": "", "col": "coder", "part": "THEAD"}
    edit(page, "bob")
    assert [(r["coder"], r["code"], r["readonly"]) for r in rows(page)] == [("bob", "away", "1")]
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    assert "read-only" in page.inner_text("#table-message")
    assert page.errors == []
