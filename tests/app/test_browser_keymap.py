"""Keys remapped in the page and saved for the coder (issue 14): the keys dialog lists every
code and action, a new key is taken by pressing it, a key in use is refused with a message, the
code bar shows the coder's keys, they are on the server (not in this browser) and reset."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from annotate.app.keymaps import keymap_path
from tests.app.browser import open_page, saved_item, stored
from tests.app.builders import SAMPLES, Server, project_with, synthetic_features

VIDEO = "document.getElementById('video')"


def change(page: Any, binding: str, key: str) -> str:
    page.click(f'#keys-dialog tr[data-binding="{binding}"] button.change')
    page.wait_for_selector(f'#keys-dialog tr[data-binding="{binding}"].waiting')
    page.keyboard.press(key)
    page.wait_for_selector(f'#keys-dialog tr[data-binding="{binding}"]:not(.waiting)')
    page.wait_for_function(
        "() => !/press the new key/.test(document.querySelector('.keys-message').textContent)"
    )
    return str(page.inner_text("#keys-dialog .keys-message"))


def shown_key(page: Any, binding: str) -> str:
    return str(page.inner_text(f'#keys-dialog tr[data-binding="{binding}"] kbd'))


def code_bar_key(page: Any, code: str) -> str:
    return str(page.inner_text(f'#code-bar .code-key[data-code="{code}"] kbd'))


def test_keys_remapped_refused_saved_for_the_coder_and_reset(browser: Any, tmp_path: Path) -> None:
    project = project_with(tmp_path / "project", SAMPLES / "dyad_cross.mp4")
    synthetic_features(project / "dyad_cross.mp4", project)
    database = project / "annotate.sqlite"
    server = Server(project / "dyad_cross.mp4")
    try:
        page = open_page(browser, server.url)
        page.click("#keys-open")
        assert page.is_visible("#keys-dialog")
        dialog = page.inner_text("#keys-dialog")
        for label in ("mother: Kisses infant", "infant_gaze: At mother", "one frame forward"):
            assert label in dialog
        assert "taken by code kisses" in dialog  # k: the shuttle's stop, held by a code

        # a code to a new key: the code bar shows it, the key codes it, the old one does not
        assert change(page, "mother/kisses", "x") == "mother/kisses: now x"
        assert shown_key(page, "mother/kisses") == "x"
        assert code_bar_key(page, "kisses") == "x"
        assert "taken by code" not in page.inner_text("#keys-dialog")  # k is the shuttle's now

        # refused: a key another code holds, or one a tool action holds, with what holds it
        refused = change(page, "mother/smiles", "x")
        assert refused.startswith("not changed: x is the key of mother: Kisses infant")
        assert shown_key(page, "mother/smiles") == "s"
        refused = change(page, "mother/talks", "j")
        assert 'j is the key of "shuttle: play backward' in refused
        assert shown_key(page, "mother/talks") == "t"
        assert change(page, "mother/talks", "Escape") == "not changed"

        # a tool action to a new key: the old key does nothing now
        # (not n: the consensus view's next disagreement holds it)
        assert change(page, "frame-forward", "w") == "frame-forward: now w"
        page.click("#keys-dialog .close")
        assert page.is_hidden("#keys-dialog")
        page.keyboard.press("x")
        saved_item(page, "kisses")
        assert stored(database, lambda a: len(a) == 1)[0].annotation.code == "kisses"
        page.keyboard.press("Escape")
        page.keyboard.press("w")
        page.wait_for_function(
            "() => document.getElementById('frame').textContent === 'frame 1 / 249'"
        )
        page.keyboard.press("ArrowRight")
        page.wait_for_timeout(300)
        assert page.inner_text("#frame") == "frame 1 / 249"
        page.keyboard.press("k")  # the shuttle's stop, no longer a code
        page.wait_for_timeout(200)
        assert len(stored(database, lambda a: len(a) == 1)) == 1

        # on the server for this coder: this browser keeps nothing, a reload shows them
        saved = json.loads(keymap_path(database, "ana").read_text(encoding="utf-8"))
        assert saved == {"codes": {"mother/kisses": "x"}, "controls": {"frame-forward": "w"}}
        page.evaluate("() => localStorage.clear()")
        page.close()
        page = open_page(browser, server.url)
        assert code_bar_key(page, "kisses") == "x"
        assert "one frame forward" in page.inner_text("#help")
        page.keyboard.press("w")
        page.wait_for_function(
            "() => document.getElementById('frame').textContent === 'frame 1 / 249'"
        )

        # reset: the scheme's and the tool's keys again
        page.click("#keys-open")
        page.click("#keys-reset")
        page.wait_for_function(
            "() => document.querySelector('#code-bar .code-key[data-code=\"kisses\"] kbd')"
            ".textContent === 'k'"
        )
        assert shown_key(page, "frame-forward") == "→"
        assert not keymap_path(database, "ana").exists()
        assert page.errors == []
    finally:
        server.stop()
