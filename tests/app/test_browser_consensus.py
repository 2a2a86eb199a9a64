"""The consensus view in headless Chromium (issue 14): two coders' annotations and CARE-Index
sheets in the store, the view opened with `annotate code CLIP --consensus ana,ben`, the
disagreements marked and stepped through, A's taken for one and B's for another, the CARE sheet
agreed; the store then holds the consensus coder's annotations exactly as chosen, recorded by the
person who made them, and A's and B's are unchanged."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Any

from annotate.coding.care_index import load_care_index
from annotate.coding.care_store import load_sheet, set_aspect
from annotate.coding.clips import ClipRef
from annotate.coding.records import Annotation
from annotate.coding.scheme_files import find_scheme
from annotate.coding.store import AnnotationStore
from tests.app.browser import open_page
from tests.app.builders import SAMPLES, Server, project_with, synthetic_features

NAME = "dyad_play.mp4"


def seeded_project(tmp_path: Path) -> Path:
    """dyad_play with ana's and ben's codings: they agree on 1.0-3.0 s at the mother and on
    4.0-6.0 s away; ben looks at the mother until 3.6 s; both mark a kiss near 2 s, ana one more
    at 6 s; their CARE sheets agree on facial expression and differ on vocal expression."""
    project = project_with(tmp_path / "project", SAMPLES / NAME)
    synthetic_features(project / NAME, project)
    clip = project / NAME
    ref = ClipRef.from_video(clip)
    scheme = find_scheme("care_clip")
    care = load_care_index()
    with AnnotationStore(project / "annotate.sqlite") as store:
        for coder, end, kisses in (("ana", 3.0, [2.0, 6.0]), ("ben", 3.6, [2.3])):
            store.add(Annotation("", coder, "infant_gaze", "at_mother", 1.0, end), scheme, clip=ref)
            store.add(Annotation("", coder, "infant_gaze", "away", 4.0, 6.0), scheme, clip=ref)
            for t in kisses:
                store.add(Annotation("", coder, "mother", "kisses", t, t), scheme, clip=ref)
        same = {"adult": {"sensitive": 2.0}}
        set_aspect(store, care, ref, "ana", "facial_expression", same, "warm")
        set_aspect(store, care, ref, "ben", "facial_expression", same, "warm too")
        set_aspect(store, care, ref, "ana", "vocal_expression", {"adult": {"sensitive": 2.0}})
        set_aspect(store, care, ref, "ben", "vocal_expression", {"adult": {"controlling": 2.0}})
    return clip


def coded(clip: Path, coder: str) -> list[tuple[str, str, float, float, str, str]]:
    with AnnotationStore(clip.parent / "annotate.sqlite", create=False) as store:
        found = store.annotations(coder=coder)
    return sorted(
        (a.tier, a.code, round(a.start_s, 6), round(a.end_s, 6), a.value, a.note)
        for a in (s.annotation for s in found)
    )


def item(page: Any, index: int) -> Any:
    return page.locator(f'#consensus-list li[data-index="{index}"]')


def wait_now(page: Any, index: int, now: str) -> None:
    page.wait_for_selector(f'#consensus-list li[data-index="{index}"][data-now="{now}"]')


def mark_colour(page: Any, index: int) -> list[int]:
    """The colour the consensus lanes show in the middle of a disagreement's mark."""
    return list(
        page.evaluate(
            """(index) => {
                const view = window.annotateDebug.consensus;
                view.draw();
                const m = view.marks.find((x) => x.index === index);
                const r = window.devicePixelRatio || 1;
                const x = Math.round(((m.x0 + m.x1) / 2) * r);
                const y = Math.round((m.y0 + 2) * r);
                const pixel = view.canvas.getContext("2d").getImageData(x, y, 1, 1).data;
                return Array.from(pixel.slice(0, 3));
            }""",
            index,
        )
    )


def test_consensus_of_two_coders_taken_in_the_page(browser: Any, tmp_path: Path) -> None:
    clip = seeded_project(tmp_path)
    before_a, before_b = coded(clip, "ana"), coded(clip, "ben")
    server = Server(clip, coder="consensus", extra=["--consensus", "ana,ben"])
    try:
        page = open_page(browser, server.url)
        page.wait_for_selector('body[data-consensus="1"]', state="attached")
        # opened on the Consensus tab, with A's and B's lanes above the timeline
        assert page.get_attribute('[data-tab="consensus"]', "class") == "active"
        assert page.is_visible("#consensus-lanes") and page.is_visible("#consensus-list")
        assert page.locator("#consensus-list li").count() == 2
        assert item(page, 0).get_attribute("data-disagreement-tier") == "infant_gaze"
        assert "ana: (none)" in item(page, 0).inner_text()
        assert "ben: at_mother" in item(page, 0).inner_text()
        assert item(page, 1).get_attribute("data-disagreement-tier") == "mother"
        kappa = page.locator('#consensus-figures tr[data-tier="infant_gaze"] .kappa').inner_text()
        assert 0.5 < float(kappa) < 1.0
        # both disagreements marked in red on the lanes (a stretch and a lone point)
        for index in (0, 1):
            r, g, b = mark_colour(page, index)
            assert r > g + 40 and r > b + 40, (index, r, g, b)
        marks = page.evaluate("() => window.annotateDebug.consensus.marks.map((m) => m.key)")
        assert len(marks) == 2

        # stepping: n, n, Shift+N; the video goes to each disagreement
        page.keyboard.press("n")
        page.wait_for_selector('#consensus-list li[data-index="0"].selected')
        page.keyboard.press("n")
        page.wait_for_selector('#consensus-list li[data-index="1"].selected')
        page.wait_for_function("() => Math.abs(window.annotateDebug.player.now() - 6.0) < 0.11")
        page.keyboard.press("Shift+N")
        page.wait_for_selector('#consensus-list li[data-index="0"].selected')
        page.wait_for_function("() => Math.abs(window.annotateDebug.player.now() - 3.0) < 0.11")

        # take all agreed, then B's for the stretch and A's for the lone point
        page.click("#consensus-agreed")
        wait_now(page, 0, "a")
        wait_now(page, 1, "b")
        item(page, 0).locator('button[data-take="b"]').click()
        wait_now(page, 0, "b")
        item(page, 1).locator('button[data-take="a"]').click()
        wait_now(page, 1, "a")
        # the page's own lanes show the consensus coder's annotations as stored
        page.wait_for_function("() => window.annotateDebug.annotations.list().length === 4")
        # edit: the consensus annotation there is selected for the usual keys
        item(page, 0).locator("button[data-edit]").click()
        selected = page.evaluate(
            "() => { const s = window.annotateDebug.actions.selected;"
            " return [s.tier, s.code, s.end_s]; }"
        )
        assert selected == ["infant_gaze", "at_mother", 3.6]

        # the CARE sheets side by side: the differing aspect marked; take ben's points for it
        page.click('[data-tab="consensus"]')
        assert page.get_attribute('tr[data-care-aspect="vocal_expression"]', "data-differ") == "1"
        assert page.get_attribute('tr[data-care-aspect="facial_expression"]', "data-differ") == "0"
        facial = page.locator('tr[data-care-scores="facial_expression"]').inner_text()
        assert "warm" in facial and "warm too" in facial
        page.locator('tr[data-care-aspect="vocal_expression"] button[data-take="b"]').click()
        page.wait_for_function(
            """() => document
                .querySelector('tr[data-care-scores="vocal_expression"] td:nth-of-type(3)')
                ?.textContent.includes('controlling 2')"""
        )
        assert page.get_attribute("#save-state", "data-state") == "saved"
        assert page.errors == []
    finally:
        server.stop()

    assert coded(clip, "consensus") == [
        ("infant_gaze", "at_mother", 1.0, 3.6, "", ""),
        ("infant_gaze", "away", 4.0, 6.0, "", ""),
        ("mother", "kisses", 2.0, 2.0, "", ""),
        ("mother", "kisses", 6.0, 6.0, "", ""),
    ]
    assert coded(clip, "ana") == before_a and coded(clip, "ben") == before_b
    with AnnotationStore(clip.parent / "annotate.sqlite", create=False) as store:
        sheet = load_sheet(store, ClipRef.from_video(clip).sha256, "consensus")
        history = store.history(coder="consensus")
    vocal, facial = sheet.aspect("vocal_expression"), sheet.aspect("facial_expression")
    assert vocal is not None and vocal.partner("adult") == {
        "sensitive": 0.0,
        "controlling": 2.0,
        "unresponsive": 0.0,
    }
    assert facial is not None and facial.note == "ana: warm / ben: warm too"
    assert {h.who for h in history} == {getpass.getuser()}
    assert all("consensus of ana,ben" in h.detail for h in history)


def test_the_pair_is_chosen_in_the_page(browser: Any, tmp_path: Path) -> None:
    clip = seeded_project(tmp_path)
    server = Server(clip, coder="eva")
    try:
        page = open_page(browser, server.url)
        # no --consensus: the lanes stay folded until the tab is opened
        assert not page.is_visible("#consensus-lanes")
        page.click('[data-tab="consensus"]')
        assert page.input_value("#consensus-a") == "ana"
        page.select_option("#consensus-a", "ben")
        page.select_option("#consensus-b", "ana")
        page.wait_for_function(
            "() => window.annotateDebug.consensus.data.a === 'ben'"
            " && document.querySelectorAll('#consensus-list li').length === 2"
        )
        assert page.is_visible("#consensus-lanes")
        # a session without --consensus compares only: no coder's own coding is overwritten
        assert "Compare only" in page.inner_text("#consensus-how")
        assert not item(page, 0).locator('button[data-take="a"]').is_visible()
        assert page.locator("#consensus-agreed").count() == 0
        assert "ben: (none)" not in item(page, 0).inner_text()
        assert "ana: (none)" in item(page, 0).inner_text()
        assert page.errors == []
    finally:
        server.stop()
