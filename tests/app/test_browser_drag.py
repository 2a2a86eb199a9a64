"""Mouse editing on the timeline (issue 14) in headless Chromium: drag a state's boundary (the
stored end moves by the frames dragged, never past the other boundary nor into a neighbour on an
exclusive tier), drag a point, drag on an empty stretch to make a state, and take a drag back
with one undo; automatic lanes take no drag. Results are read from the store."""

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

# (tier, code, start frame, end frame) of coder ana
SEED = [
    ("infant_gaze", "at_mother", 10, 30),
    ("infant_gaze", "away", 40, 60),
    ("mother", "kisses", 60, 60),
]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Path]]:
    """One server for the module, on a project of two small seeded clips (one per test)."""
    project = tmp_path_factory.mktemp("drag") / "project"
    project.mkdir()
    scheme = find_scheme("care_clip")
    for k in range(2):
        clip = quick_h264(project / f"clip{k}.mp4", 4.0 + 0.4 * k)
        synthetic_features(clip, project)
        with AnnotationStore(project / DATABASE) as store:
            for tier, code, start, end in SEED:
                note = Annotation("", "ana", tier, code, start * F, end * F)
                store.add(note, scheme, clip=ClipRef.from_video(clip))
    server = Server(project)
    yield server, project
    server.stop()


def on_clip(project: Path, clip: str, check: Any = bool) -> list[StoredAnnotation]:
    found = stored(
        project / DATABASE, lambda all_: check([s for s in all_ if s.annotation.media == clip])
    )
    return [s for s in found if s.annotation.media == clip]


def frames(
    project: Path, clip: str, code: str, want: tuple[int, int] | None = None
) -> tuple[Any, ...]:
    """The stored (start, end) frames of the coder's annotation with this code on the clip,
    once they are `want` (or the wait runs out)."""

    def of(found: list[StoredAnnotation]) -> list[tuple[int, int]]:
        return [
            (round(s.annotation.start_s * FPS), round(s.annotation.end_s * FPS))
            for s in found
            if s.annotation.code == code
        ]

    found = on_clip(project, clip, lambda all_: want is None or want in of(all_))
    spans = of(found)
    return spans[0] if len(spans) == 1 else tuple(spans)


def lane_at(page: Any, kind: str, name: str, t: float, depth: float = 0.5) -> tuple[float, float]:
    """Page coordinates of time t in a lane ('tier': the coder's, 'episode': automatic)."""
    x, y = page.evaluate(
        """([kind, name, t, depth]) => {
            const tl = window.annotateDebug.timeline;
            const row = kind === 'episode'
                ? tl.rows.find((r) => r.kind === 'episode' && r.lane.label === name)
                : tl.rowOf(kind, name);
            const box = tl.canvas.getBoundingClientRect();
            return [box.left + tl.xOf(t), box.top + row.y + row.h * depth];
        }""",
        [kind, name, t, depth],
    )
    return float(x), float(y)


def drag(page: Any, start: tuple[float, float], dx: float, shift: bool = False) -> None:
    page.mouse.move(*start)
    page.mouse.down()
    page.mouse.move(start[0] + dx / 2, start[1], steps=3)
    page.mouse.move(start[0] + dx, start[1], steps=3)
    if shift:
        page.keyboard.down("Shift")
    page.mouse.up()
    if shift:
        page.keyboard.up("Shift")


def px_per_frame(page: Any) -> float:
    return float(page.evaluate("() => window.annotateDebug.timeline.view.pxPerSec")) / FPS


def saved(page: Any) -> None:
    page.wait_for_function(
        "() => document.getElementById('save-state').dataset.state === 'saved' && "
        "!window.annotateDebug.annotations.queue.length"
    )


def test_drag_boundaries_and_points_and_undo_a_drag(
    browser: Any, served: tuple[Server, Path]
) -> None:
    server, project = served
    page = open_page(browser, server.url, clip="clip0.mp4")
    step = px_per_frame(page)
    assert step > 4  # the whole 4 s clip fits: a frame is several pixels wide

    # the end of at_mother, 5 frames later: the stored end moves by 5 frames
    drag(page, lane_at(page, "tier", "infant_gaze", 30 * F), 5 * step)
    assert frames(project, "clip0.mp4", "at_mother", (10, 35)) == (10, 35)
    # the start, 3 frames earlier
    drag(page, lane_at(page, "tier", "infant_gaze", 10 * F), -3 * step)
    assert frames(project, "clip0.mp4", "at_mother", (7, 35)) == (7, 35)
    # a start dragged past the end stops a frame before it
    drag(page, lane_at(page, "tier", "infant_gaze", 7 * F), 40 * step)
    assert frames(project, "clip0.mp4", "at_mother", (34, 35)) == (34, 35)
    # an end dragged into the next state on this exclusive tier stops at its start
    drag(page, lane_at(page, "tier", "infant_gaze", 35 * F), 12 * step)
    assert frames(project, "clip0.mp4", "at_mother", (34, 40)) == (34, 40)
    # a point moves as a whole
    drag(page, lane_at(page, "tier", "mother", 60 * F), 10 * step)
    assert frames(project, "clip0.mp4", "kisses", (70, 70)) == (70, 70)

    # each drag is one undo step
    saved(page)
    page.keyboard.press("Control+z")
    assert frames(project, "clip0.mp4", "kisses", (60, 60)) == (60, 60)
    page.keyboard.press("Control+z")
    assert frames(project, "clip0.mp4", "at_mother", (34, 35)) == (34, 35)
    page.keyboard.press("Control+z")
    assert frames(project, "clip0.mp4", "at_mother", (7, 35)) == (7, 35)
    saved(page)
    assert page.errors == []


def test_drag_on_an_empty_stretch_makes_a_state_and_automatic_lanes_take_no_drag(
    browser: Any, served: tuple[Server, Path]
) -> None:
    server, project = served
    page = open_page(browser, server.url, clip="clip1.mp4")
    step = px_per_frame(page)
    before = len(on_clip(project, "clip1.mp4"))

    # the mother's lane from frame 20 to frame 45: the tier's first state code (talks)
    drag(page, lane_at(page, "tier", "mother", 20 * F), 25 * step)
    assert frames(project, "clip1.mp4", "talks", (20, 45)) == (20, 45)
    assert page.evaluate("() => window.annotateDebug.actions.selected.code") == "talks"
    # backwards, with Shift: the page asks for the code
    page.once("dialog", lambda dialog: dialog.accept("smiles"))
    drag(page, lane_at(page, "tier", "mother", 90 * F), -10 * step, shift=True)
    assert frames(project, "clip1.mp4", "smiles", (80, 90)) == (80, 90)
    # undo takes the made state away again
    saved(page)
    page.keyboard.press("Control+z")
    on_clip(project, "clip1.mp4", lambda all_: not any(s.annotation.code == "smiles" for s in all_))
    saved(page)

    # an automatic lane is not editable: a drag there makes nothing (the press seeks)
    lanes = page.evaluate(
        "() => window.annotateDebug.timeline.rows.filter((r) => r.kind === 'episode')"
        ".map((r) => r.lane.label)"
    )
    assert lanes
    drag(page, lane_at(page, "episode", lanes[0], 50 * F), 20 * step)
    # a state made between two on an exclusive tier stops at the next one (nothing selected:
    # the tier's first state code)
    drag(page, lane_at(page, "tier", "infant_gaze", 32 * F), 20 * step)
    assert frames(project, "clip1.mp4", "at_mother", (32, 40)) == ((10, 30), (32, 40))
    saved(page)
    found = on_clip(project, "clip1.mp4")
    assert len(found) == before + 2  # talks and the new at_mother; smiles undone
    assert page.errors == []
