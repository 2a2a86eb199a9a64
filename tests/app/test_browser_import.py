"""Import buttons in the page (issue 14): a real ELAN file previewed then imported as this coder
(shown at once) or as a named coder, a BORIS project's observation chosen, a bad file refused
with one line and nothing stored."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.app.browser import open_page, stored
from tests.app.builders import SAMPLES, Server, project_with, quick_h264, synthetic_features
from tests.conftest import SHARED_FIXTURES

FIXTURES = SHARED_FIXTURES


def status(page: Any, text: str) -> str:
    page.wait_for_function(
        "(text) => document.getElementById('import-status').textContent.includes(text)",
        arg=text,
        timeout=15000,
    )
    return str(page.inner_text("#import-status"))


def test_import_an_elan_file_as_me_and_as_another_coder(browser: Any, tmp_path: Path) -> None:
    project = project_with(tmp_path / "project", SAMPLES / "dyad_play.mp4")
    synthetic_features(project / "dyad_play.mp4", project)
    database = project / "annotate.sqlite"
    server = Server(project / "dyad_play.mp4")
    try:
        page = open_page(browser, server.url)
        eaf = FIXTURES / "elan" / "pympi_fto_2.7.eaf"
        page.set_input_files("#import-file", str(eaf))
        line = status(page, "annotation(s) for ana")
        assert line.startswith("pympi_fto_2.7.eaf: 7 annotation(s) for ana")
        assert stored(database, lambda a: False, timeout_s=0) == []  # a preview stores nothing
        page.click("#import-go")
        status(page, "imported 7 annotation(s)")
        assert len(stored(database, lambda a: len(a) == 7)) == 7
        page.wait_for_function(
            "() => document.querySelectorAll('#annotation-list li').length === 7"
        )
        # the same file again is refused whole, with one line naming it
        page.set_input_files("#import-file", str(eaf))
        status(page, "7 annotation(s)")
        page.click("#import-go")
        refused = status(page, "not imported: pympi_fto_2.7.eaf: ")
        assert "\n" not in refused
        # as a named coder: stored under that name, offered as the second coder
        page.click("#import-cancel")
        page.fill("#import-coder", "elan_bea")
        page.set_input_files("#import-file", str(eaf))
        status(page, "7 annotation(s) for elan_bea")
        page.click("#import-go")
        status(page, "for elan_bea")
        assert len(stored(database, lambda a: len(a) == 7, coder="elan_bea")) == 7
        assert "elan_bea" in page.inner_text("#other-coder")

        # a broken file: one line, nothing stored
        bad = tmp_path / "broken.eaf"
        bad.write_text("<ANNOTATION_DOCUMENT><TIER", encoding="utf-8")
        page.fill("#import-coder", "")
        page.set_input_files("#import-file", str(bad))
        line = status(page, "not imported: broken.eaf: ")
        assert "\n" not in line and str(tmp_path) not in line
        assert page.is_hidden("#import-go")
        assert len(stored(database, lambda a: False, timeout_s=0)) == 7
        assert page.errors == []
    finally:
        server.stop()


def test_import_a_boris_observation_and_an_rttm(browser: Any, tmp_path: Path) -> None:
    source = quick_h264(tmp_path / "long.mp4", 60.0)
    project = project_with(tmp_path / "project", source)
    synthetic_features(project / "long.mp4", project)
    database = project / "annotate.sqlite"
    server = Server(project / "long.mp4")
    try:
        page = open_page(browser, server.url)
        boris = FIXTURES / "boris" / "test_export_events_tabular.csv"
        page.set_input_files("#import-file", str(boris))
        line = status(page, "annotation(s) for ana")
        count = int(line.split(": ")[1].split()[0])
        page.click("#import-go")
        status(page, "imported")
        assert len(stored(database, lambda a: len(a) == count)) == count > 0
        # an RTTM file of two recordings: the page asks which
        rttm = FIXTURES / "audio" / "childproject_vtc_example.rttm"
        page.fill("#import-coder", "vtc")
        page.set_input_files("#import-file", str(rttm))
        status(page, "choose one of its observations")
        assert page.is_visible("#import-observation") and page.is_hidden("#import-go")
        options = page.eval_on_selector_all(
            "#import-observation option", "o => o.map(x => x.value)"
        )
        assert len(options) == 3
        page.select_option("#import-observation", options[1])
        status(page, f"{rttm.name}: ")
        assert "choose one" not in page.inner_text("#import-status")
        assert page.errors == []
    finally:
        server.stop()
