"""Annotation table and timeline drag benchmark (run by hand, not in CI), in headless Chromium:

    python benchmarks/table_edit.py                     # 300 annotations, 20 edits, 10 drags
    python benchmarks/table_edit.py --annotations 2000

An H.264 clip (60 s, longer for many annotations) with synthetic features and `--annotations`
stored annotations of coder ana (states and points on the care_clip tiers) is opened with
`annotate code`. Prints, as median and 95th percentile in milliseconds: the table's redraw (rows
unchanged, and every row anew); a note typed in the table, from the Enter that commits it to the
badge saying *All changes saved* (the store committed it); and a drag of a state's end on the
timeline, from the mouse release to saved.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from pathlib import Path
from typing import Any

from annotate.coding.clips import ClipRef
from annotate.coding.records import Annotation
from annotate.coding.scheme_files import find_scheme
from annotate.coding.store import AnnotationStore
from tests.app.builders import CHROMIUM, CHROMIUM_ARGS, Server, quick_h264, synthetic_features

FPS = 25

# Time from the marked event (Enter or mouse release) to the badge's next "saved".
WATCH = """() => {
    window.benchSpent = [];
    const badge = document.getElementById('save-state');
    const mark = () => { window.benchStart = performance.now(); };
    document.addEventListener('keydown', (e) => { if (e.key === 'Enter') mark(); }, true);
    window.addEventListener('mouseup', mark, true);
    new MutationObserver(() => {
        if (badge.dataset.state === 'saved' && window.benchStart !== null) {
            window.benchSpent.push(performance.now() - window.benchStart);
            window.benchStart = null;
        }
    }).observe(badge, {attributes: true, attributeFilter: ['data-state']});
}"""


def seed(project: Path, clip: Path, count: int) -> None:
    """`count` annotations of ana: talks states of 8 frames, 2 frames apart, and vocalises
    points between them."""
    scheme = find_scheme("care_clip")
    ref = ClipRef.from_video(clip)
    with AnnotationStore(project / "annotate.sqlite") as store:
        for k in range(count):
            start = (k // 2) * 10
            if k % 2:
                a = Annotation(
                    "", "ana", "infant", "vocalises", (start + 9) / FPS, (start + 9) / FPS
                )
            else:
                a = Annotation("", "ana", "mother", "talks", start / FPS, (start + 8) / FPS)
            store.add(a, scheme, clip=ref)


def summary(label: str, spent: list[float]) -> None:
    ordered = sorted(spent)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    print(f"{label:<44} median {statistics.median(spent):7.1f} ms   p95 {p95:7.1f} ms")


def measure(page: Any, edits: int, drags: int) -> None:
    page.evaluate(WATCH)
    page.keyboard.press("Shift+E")
    page.wait_for_function("() => document.activeElement?.id === 'table-grid'")
    redraws = [
        float(
            page.evaluate(
                "() => { const t = performance.now(); window.annotateDebug.table.render();"
                " return performance.now() - t; }"
            )
        )
        for _ in range(10)
    ]
    rows = page.evaluate("() => document.querySelectorAll('#annotation-table tbody tr').length")
    summary(f"table redraw, nothing changed ({rows} rows)", redraws)
    full = [
        float(
            page.evaluate(
                "() => { const table = window.annotateDebug.table; table.built = new WeakMap();"
                " const t = performance.now(); table.render(); return performance.now() - t; }"
            )
        )
        for _ in range(10)
    ]
    summary(f"table redraw, every row anew ({rows} rows)", full)
    for _ in range(5):
        page.keyboard.press("ArrowRight")  # the note column
    for k in range(edits):
        page.keyboard.press("ArrowDown")
        page.keyboard.press("Enter")
        page.keyboard.type(f"note {k}")
        page.keyboard.press("Enter")
        page.wait_for_function("() => window.benchStart === null")
    summary("table note edit: Enter to saved", page.evaluate("() => window.benchSpent"))
    page.keyboard.press("Escape")
    page.evaluate("() => { window.benchSpent = []; }")
    page.evaluate(
        "() => { const tl = window.annotateDebug.timeline; tl.view.pxPerSec = 150;"
        " tl.view.start = 0; tl.draw(); }"
    )
    step = 150 / FPS
    for k in range(drags):
        x, y = page.evaluate(
            """(t) => { const tl = window.annotateDebug.timeline; const row = tl.rowOf('tier',
                'mother'); const box = tl.canvas.getBoundingClientRect();
                return [box.left + tl.xOf(t), box.top + row.y + row.h / 2]; }""",
            (10 * (k + 1) + 8) / FPS,
        )
        page.mouse.move(x, y)
        page.mouse.down()
        page.mouse.move(x - step, y, steps=4)
        page.mouse.up()
        page.wait_for_function("() => window.benchStart === null")
    summary("timeline drag: release to saved", page.evaluate("() => window.benchSpent"))


def main() -> None:
    """Build the project, start the tool and Chromium, measure, print."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--annotations", type=int, default=300)
    parser.add_argument("--edits", type=int, default=20)
    parser.add_argument("--drags", type=int, default=10)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder:
        project = Path(folder) / "project"
        project.mkdir()
        seconds = max(60.0, (args.annotations // 2 * 10 + 25) / FPS)
        clip = quick_h264(project / "bench.mp4", seconds)
        synthetic_features(clip, project)
        seed(project, clip, args.annotations)
        server = Server(clip)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
                )
                page = browser.new_page(viewport={"width": 1400, "height": 900})
                page.goto(server.url)
                page.wait_for_selector('body[data-ready="1"]', state="attached", timeout=60000)
                measure(page, args.edits, args.drags)
                browser.close()
        finally:
            server.stop()


if __name__ == "__main__":
    main()
