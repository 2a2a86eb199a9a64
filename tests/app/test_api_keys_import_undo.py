"""The day-one routes of the coding page (issue 14): the coder's keys, import of annotation
files (ELAN, CSV, BORIS, RTTM) and undo from the store's history, with what they refuse."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.testclient import TestClient

from annotate.app.keymaps import keymap_path
from annotate.app.server import create_app, open_tool
from annotate.budgets import UPLOAD_MAX_BYTES
from annotate.coding.store import AnnotationStore
from tests.app.builders import project_with, quick_h264
from tests.app.conftest import CLIP
from tests.conftest import SHARED_FIXTURES

FIXTURES = SHARED_FIXTURES
Q = {"clip": CLIP}
OCTET = {"content-type": "application/octet-stream"}


def stored(database: Path, coder: str = "ana") -> list[tuple[str, str, float]]:
    with AnnotationStore(database, create=False) as store:
        found = store.annotations(coder=coder)
    return sorted((s.annotation.tier, s.annotation.code, s.annotation.start_s) for s in found)


def upload(client: TestClient, path: Path, **params: str) -> object:
    return client.post(
        "/api/clip/import",
        params={**Q, "name": path.name, **params},
        content=path.read_bytes(),
        headers=OCTET,
    )


# keys ---------------------------------------------------------------------------------------


def test_keys_are_saved_per_coder_beside_the_store_and_reset(
    client: TestClient, project: Path
) -> None:
    assert client.get("/api/keys").json() == {"codes": {}, "controls": {}}
    mine = {"codes": {"mother/kisses": "x"}, "controls": {"shuttle-pause": "Shift+K"}}
    assert client.put("/api/keys", json=mine).json() == mine
    assert client.get("/api/keys").json() == mine
    path = keymap_path(project / "annotate.sqlite", "ana")
    assert path.parent == project / "annotate.keys" and path.is_file()
    # another coder of the same project has keys of her own
    other = open_tool(project, coder="bea")
    try:
        bea = TestClient(create_app(other), base_url="http://127.0.0.1:8765")
        assert bea.get("/api/keys").json() == {"codes": {}, "controls": {}}
    finally:
        other.coding.close()
    assert client.delete("/api/keys").json() == {"codes": {}, "controls": {}}
    assert not path.exists()
    assert client.get("/api/keys").json() == {"codes": {}, "controls": {}}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"codes": {"mother/kisses": "x"}, "controls": {"shuttle-pause": "x"}}, "given to both"),
        ({"codes": {"kisses": "x"}, "controls": {}}, "TIER/CODE"),
        ({"codes": {"mother/kisses": "xy"}, "controls": {}}, "one character"),
        ({"codes": {}, "controls": {"Bad Name": "x"}}, "no tool action"),
        ({"codes": {}, "controls": {"play": "Ctrl+ "}}, "not a key"),
        ({"codes": {}, "controls": {"play": 3}}, "not a key"),
    ],
)
def test_keys_refused_when_malformed_or_given_twice(
    client: TestClient, body: dict, message: str
) -> None:
    answer = client.put("/api/keys", json=body)
    assert answer.status_code == 422
    assert message in answer.json()["error"]
    assert client.get("/api/keys").json() == {"codes": {}, "controls": {}}


def test_keys_refused_from_another_site(client: TestClient) -> None:
    body = {"codes": {}, "controls": {"play": "x"}}
    cross = client.put("/api/keys", json=body, headers={"sec-fetch-site": "cross-site"})
    assert cross.status_code == 403
    origin = client.put("/api/keys", json=body, headers={"origin": "http://evil.example"})
    assert origin.status_code == 403
    assert client.get("/api/keys").json() == {"codes": {}, "controls": {}}


# import -------------------------------------------------------------------------------------


def test_import_an_elan_file_previewed_then_stored_as_a_named_coder(
    client: TestClient, project: Path
) -> None:
    eaf = FIXTURES / "elan" / "pympi_fto_2.7.eaf"
    preview = upload(client, eaf, preview="1")
    assert preview.status_code == 200, preview.text
    body = preview.json()
    assert body["count"] == 7 and body["coder"] == "ana"
    assert sum(body["tiers"].values()) == 7
    assert stored(project / "annotate.sqlite") == []  # a preview stores nothing
    done = upload(client, eaf, coder="elan_coder")
    assert done.status_code == 201, done.text
    assert done.json()["count"] == 7
    assert len(stored(project / "annotate.sqlite", "elan_coder")) == 7
    assert stored(project / "annotate.sqlite") == []
    # the upload's staging folder is gone, and was inside the project's cache
    assert list((project / ".annotate" / "uploads").iterdir()) == []
    again = upload(client, eaf, coder="elan_coder")
    assert again.status_code == 422
    assert again.json()["error"].startswith("pympi_fto_2.7.eaf: ")


def test_import_the_projects_own_csv_export(client: TestClient, project: Path) -> None:
    body = {"revision": 0, "tier": "mother", "code": "kisses", "start_s": 1.0}
    assert client.post("/api/clip/annotations", params=Q, json=body).status_code == 201
    exported = client.get("/api/clip/export", params={**Q, "format": "csv"})
    assert exported.status_code == 200
    csv = project / "mine.csv"
    csv.write_bytes(exported.content)
    done = upload(client, csv, coder="copy")
    assert done.status_code == 201, done.text
    assert stored(project / "annotate.sqlite", "copy") == [("mother", "kisses", 1.0)]


@pytest.fixture
def long_client(tmp_path: Path) -> object:
    """The tool on a 60 s clip (the BORIS and RTTM fixtures run past the sample clips)."""
    clip = quick_h264(tmp_path / "long.mp4", 60.0)
    folder = project_with(tmp_path / "long", clip)
    tool = open_tool(folder, coder="ana")
    yield TestClient(create_app(tool), base_url="http://127.0.0.1:8765"), folder
    tool.coding.close()


def test_import_a_boris_export_and_an_rttm_observation(long_client: tuple) -> None:
    client, folder = long_client
    params = {"clip": "long.mp4"}
    boris = FIXTURES / "boris" / "test_export_events_tabular.csv"
    answer = client.post(
        "/api/clip/import",
        params={**params, "name": boris.name},
        content=boris.read_bytes(),
        headers=OCTET,
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["count"] == len(stored(folder / "annotate.sqlite")) > 0
    rttm = FIXTURES / "audio" / "childproject_vtc_example.rttm"
    preview = client.post(
        "/api/clip/import",
        params={**params, "name": rttm.name, "preview": "1", "coder": "vtc"},
        content=rttm.read_bytes(),
        headers=OCTET,
    ).json()
    assert len(preview["observations"]) == 2 and preview["count"] == 0
    first = preview["observations"][0]
    refused = client.post(
        "/api/clip/import",
        params={**params, "name": rttm.name, "coder": "vtc"},
        content=rttm.read_bytes(),
        headers=OCTET,
    )
    assert refused.status_code == 422 and "several observations" in refused.json()["error"]
    chosen = client.post(
        "/api/clip/import",
        params={**params, "name": rttm.name, "coder": "vtc", "observation": first},
        content=rttm.read_bytes(),
        headers=OCTET,
    )
    # the recording runs past 60 s, or fits: either all of it is stored or none of it
    count = len(stored(folder / "annotate.sqlite", "vtc"))
    if chosen.status_code == 201:
        assert count == chosen.json()["count"] > 0
    else:
        assert chosen.status_code == 422 and count == 0
        assert chosen.json()["error"].startswith(rttm.name)


def test_import_refuses_bad_files_whole(client: TestClient, project: Path, tmp_path: Path) -> None:
    bad = tmp_path / "broken.eaf"
    bad.write_text("<ANNOTATION_DOCUMENT><TIER", encoding="utf-8")
    answer = upload(client, bad)
    assert answer.status_code == 422
    error = answer.json()["error"]
    assert error.startswith("broken.eaf: ") and "\n" not in error
    assert str(tmp_path) not in error and ".annotate" not in error
    # the fixture's annotations run past the 16 s clip: refused whole, nothing half-imported
    late = FIXTURES / "elan" / "speach_test.eaf"
    answer = upload(client, late)
    assert answer.status_code == 422 and "after the clip's end" in answer.json()["error"]
    assert stored(project / "annotate.sqlite") == []
    unknown = client.post(
        "/api/clip/import", params={**Q, "name": "x.docx"}, content=b"x", headers=OCTET
    )
    assert unknown.status_code == 422 and "not a format" in unknown.json()["error"]
    empty = client.post(
        "/api/clip/import", params={**Q, "name": "x.eaf"}, content=b"", headers=OCTET
    )
    assert empty.status_code == 400
    # a name that points elsewhere keeps only its last part, inside the staging folder
    outside = tmp_path / "escape.eaf"
    sneaky = client.post(
        "/api/clip/import",
        params={**Q, "name": f"../../{outside.name}"},
        content=(FIXTURES / "elan" / "pympi_fto_2.7.eaf").read_bytes(),
        headers=OCTET,
    )
    assert sneaky.status_code == 201, sneaky.text
    assert not outside.exists() and not (project.parent / outside.name).exists()


def test_import_too_large_and_cross_site_refused(client: TestClient, project: Path) -> None:
    big = client.post(
        "/api/clip/import",
        params={**Q, "name": "big.eaf"},
        content=b"x" * (UPLOAD_MAX_BYTES + 1),
        headers=OCTET,
    )
    assert big.status_code == 413
    eaf = (FIXTURES / "elan" / "pympi_fto_2.7.eaf").read_bytes()
    for headers in ({"sec-fetch-site": "cross-site"}, {"origin": "http://evil.example"}):
        answer = client.post(
            "/api/clip/import",
            params={**Q, "name": "fto.eaf"},
            content=eaf,
            headers={**OCTET, **headers},
        )
        assert answer.status_code == 403
    assert stored(project / "annotate.sqlite") == []


# undo ---------------------------------------------------------------------------------------


def test_undo_and_redo_come_from_the_stores_history(client: TestClient, project: Path) -> None:
    database = project / "annotate.sqlite"
    first = client.post(
        "/api/clip/annotations",
        params=Q,
        json={"revision": 0, "tier": "mother", "code": "kisses", "start_s": 1.0},
        headers={"Idempotency-Key": "a" * 32 + "-1"},
    ).json()
    # one key press, two changes: undone together
    second = client.post(
        "/api/clip/annotations",
        params=Q,
        json={"revision": first["revision"], "tier": "mother", "code": "kisses", "start_s": 2.0},
        headers={"Idempotency-Key": "b" * 32 + "-1"},
    ).json()
    third = client.post(
        "/api/clip/annotations",
        params=Q,
        json={"revision": second["revision"], "tier": "mother", "code": "kisses", "start_s": 3.0},
        headers={"Idempotency-Key": "b" * 32 + "-2"},
    ).json()
    undone = client.post("/api/clip/undo", params=Q, json={"revision": third["revision"]})
    assert undone.status_code == 200, undone.text
    assert [a["start_s"] for a in undone.json()["annotations"]] == [1.0]
    assert stored(database) == [("mother", "kisses", 1.0)]
    stale = client.post("/api/clip/undo", params=Q, json={"revision": third["revision"]})
    assert stale.status_code == 409
    redone = client.post("/api/clip/redo", params=Q, json={"revision": undone.json()["revision"]})
    assert redone.status_code == 200, redone.text
    assert [s[2] for s in stored(database)] == [1.0, 2.0, 3.0]
    revision = redone.json()["revision"]
    for _ in range(2):
        revision = client.post("/api/clip/undo", params=Q, json={"revision": revision}).json()[
            "revision"
        ]
    assert stored(database) == []
    nothing = client.post("/api/clip/undo", params=Q, json={"revision": revision})
    assert nothing.status_code == 422 and "nothing to undo" in nothing.json()["error"]
    # sent again with its key, an undo is answered as done, not undone twice
    redo_key = {"Idempotency-Key": "c" * 32}
    once = client.post("/api/clip/redo", params=Q, json={"revision": revision}, headers=redo_key)
    twice = client.post("/api/clip/redo", params=Q, json={"revision": revision}, headers=redo_key)
    assert once.status_code == twice.status_code == 200
    assert once.json()["revision"] == twice.json()["revision"]
    assert stored(database) == [("mother", "kisses", 1.0)]
    cross = client.post(
        "/api/clip/undo",
        params=Q,
        json={"revision": once.json()["revision"]},
        headers={"sec-fetch-site": "cross-site"},
    )
    assert cross.status_code == 403
    assert stored(database) == [("mother", "kisses", 1.0)]
