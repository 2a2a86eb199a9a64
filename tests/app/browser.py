"""Driving the page in headless Chromium: open it, wait for it, read what it shows."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from annotate.coding.store import AnnotationStore, StoredAnnotation

READY = 'body[data-ready="1"]'


def open_page(browser: Any, url: str, clip: str | None = None, timeout_s: float = 30) -> Any:
    """A new tab on the tool, waited for until the page says it is ready."""
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.errors = errors
    page.goto(url + (f"#clip={clip}" if clip else ""))
    page.wait_for_selector(READY, state="attached", timeout=timeout_s * 1000)
    return page


def saved_item(page: Any, code: str, timeout_s: float = 10) -> Any:
    """Wait until the annotation list shows a saved annotation with this code."""
    selector = f'#annotation-list li[data-code="{code}"][data-saved="1"]'
    return page.wait_for_selector(selector, timeout=timeout_s * 1000)


def shows(page: Any, selector: str, text: str, timeout_s: float = 5) -> str:
    """Wait until the element's text is `text` (the page updates its displays on animation
    frames), then return it."""
    page.wait_for_function(
        "([selector, text]) => document.querySelector(selector)?.textContent === text",
        arg=[selector, text],
        timeout=timeout_s * 1000,
    )
    return text


def save_state(page: Any) -> str:
    """What the save indicator says: saved, saving, offline or error."""
    return str(page.get_attribute("#save-state", "data-state"))


def timeline_pixel(page: Any, kind: str, tier: str, t: float, middle: bool = False) -> list[int]:
    """The RGB colour the timeline shows in a lane ('tier' or 'other') at time t, near the lane's
    top (above a state's label) or in its middle (a point's diamond)."""
    return list(
        page.evaluate(
            """([kind, tier, t, middle]) => {
                const tl = window.annotateDebug.timeline;
                tl.draw();
                const row = tl.rowOf(kind, tier);
                const r = window.devicePixelRatio || 1;
                const x = Math.round(tl.xOf(t) * r);
                const y = Math.round((middle ? row.y + row.h / 2 : row.y + 3) * r);
                const pixel = tl.canvas.getContext("2d").getImageData(x, y, 1, 1).data;
                return Array.from(pixel.slice(0, 3));
            }""",
            [kind, tier, t, middle],
        )
    )


def rgb(colour: str) -> list[int]:
    """'#rrggbb' as [r, g, b]."""
    return [int(colour[i : i + 2], 16) for i in (1, 3, 5)]


def frame_times(page: Any) -> list[float]:
    """The clip's frame times as the page has them."""
    return list(page.evaluate("() => window.annotateDebug.player.times"))


def stored(
    database: Path,
    check: Callable[[list[StoredAnnotation]], bool],
    coder: str = "ana",
    timeout_s: float = 10,
) -> list[StoredAnnotation]:
    """The coder's stored annotations, once `check` holds for them (or the timeout passes)."""
    deadline = time.monotonic() + timeout_s
    while True:
        with AnnotationStore(database, create=False) as store:
            found = store.annotations(coder=coder)
        if check(found) or time.monotonic() > deadline:
            return found
        time.sleep(0.1)
