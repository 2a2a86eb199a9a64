"""Make the README's picture of the coders' tool, docs/app_screenshot.png, again.

    python scripts/app_screenshot.py [--out docs/app_screenshot.png] [--chromium /usr/bin/chromium]

A copy of sample_clips/dyad_play.mp4 in a scratch project, a few codes of coder 'ana' stored in
it, `annotate code` started on it (the tool extracts the clip's faces and sound itself, so the
overlays, the sound level and the vocal lanes are the real ones), then headless Chromium at
1366x768 (a laptop screen) pauses on a frame with both faces and takes the picture, which is
reduced to 256 colours to stay small. Needs Playwright and Debian's chromium, as the browser tests.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

from annotate.coding.care_index import load_care_index
from annotate.coding.care_store import set_aspect
from annotate.coding.clips import ClipRef
from annotate.coding.records import Annotation
from annotate.coding.scheme_files import find_scheme
from annotate.coding.store import AnnotationStore

REPO = Path(__file__).resolve().parents[1]
CLIP = REPO / "sample_clips" / "dyad_play.mp4"
SIZE = {"width": 1366, "height": 768}
AT_S = 2.4  # both faces in view, looking at each other
# (tier, code, start, end) of coder ana
CODES = [
    ("infant_gaze", "at_mother", 0.6, 3.2),
    ("infant_gaze", "away", 4.0, 5.4),
    ("infant_gaze", "at_object", 6.0, 8.4),
    ("infant_gaze", "at_mother", 9.0, 12.6),
    ("mother", "talks", 0.4, 4.6),
    ("mother", "smiles", 7.2, 10.4),
    ("mother", "kisses", 2.0, 2.0),
    ("mother", "kisses", 11.2, 11.2),
    ("infant", "smiles", 9.4, 12.2),
    ("infant", "vocalises", 3.4, 3.4),
]


def seeded(folder: Path) -> Path:
    clip = folder / CLIP.name
    shutil.copy2(CLIP, clip)
    ref = ClipRef.from_video(clip)
    scheme = find_scheme("care_clip")
    with AnnotationStore(folder / "annotate.sqlite") as store:
        for tier, code, start, end in CODES:
            store.add(Annotation("", "ana", tier, code, start, end), scheme, clip=ref, who="ana")
        points = {"adult": {"sensitive": 2.0}, "infant": {"cooperative": 2.0}}
        set_aspect(store, load_care_index(), ref, "ana", "facial_expression", points, "warm")
    return clip


def start(clip: Path) -> tuple[subprocess.Popen[str], str]:
    command = [sys.executable, "-m", "annotate", "code", str(clip), "--coder", "ana"]
    command += ["--port", "0", "--no-browser"]
    server = subprocess.Popen(
        command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    assert server.stdout is not None
    for line in server.stdout:
        found = re.search(r"open (http://\S+)", line)
        if found:
            return server, found.group(1)
    raise SystemExit(f"error: {clip}: the tool did not start")


def shoot(url: str, out: Path, chromium: Path) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(chromium), args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page(viewport=SIZE)
        page.goto(url)
        page.wait_for_selector('body[data-ready="1"]', state="attached", timeout=60_000)
        print("extracting the clip's faces and sound (a minute or two)...", file=sys.stderr)
        page.wait_for_selector('body[data-features="1"]', state="attached", timeout=600_000)
        page.wait_for_function(
            "() => document.getElementById('sound-note').dataset.sound !== 'loading'"
        )
        page.evaluate(
            "(t) => { const p = window.annotateDebug.player; p.video.pause();"
            " p.seekFrame(p.frameAt(t)); }",
            AT_S,
        )
        page.wait_for_timeout(800)
        page.keyboard.press("Tab")  # an annotation selected: the editor in the side panel
        page.evaluate(
            "(t) => { const p = window.annotateDebug.player; p.seekFrame(p.frameAt(t)); }", AT_S
        )
        page.wait_for_timeout(1200)
        page.screenshot(path=str(out))
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "app_screenshot.png")
    parser.add_argument("--chromium", type=Path, default=Path("/usr/bin/chromium"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        clip = seeded(Path(scratch))
        server, url = start(clip)
        try:
            shoot(url, args.out, args.chromium)
        finally:
            server.terminate()
            server.wait(timeout=30)
    picture = Image.open(args.out).convert("RGB")
    picture.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(args.out, optimize=True)
    print(f"{args.out}: {picture.width}x{picture.height}, {args.out.stat().st_size // 1024} kB")


if __name__ == "__main__":
    main()
