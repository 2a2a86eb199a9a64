"""The coding tool's endpoints: what they answer, and what they refuse."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.testclient import TestClient

from annotate.app.bodies import MAX_BODY_BYTES
from annotate.app.tool import Tool
from annotate.coding.records import Annotation
from annotate.coding.store import AnnotationStore
from tests.app.conftest import CLIP

Q = {"clip": CLIP}


def add(client: TestClient, revision: int, **fields: object) -> dict:
    body = {"revision": revision, "tier": "mother", "code": "kisses", "start_s": 1.0, **fields}
    response = client.post("/api/clip/annotations", params=Q, json=body)
    assert response.status_code == 201, response.text
    return response.json()


def test_page_and_static_files(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert '<script type="module" src="/static/main.js">' in page.text
    script = client.get("/static/main.js")
    assert script.status_code == 200
    assert "javascript" in script.headers["content-type"]
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"


def test_session_names_coder_scheme_care_and_clips(client: TestClient) -> None:
    body = client.get("/api/session").json()
    assert body["coder"] == "ana"
    assert body["scheme"]["id"] == "care_clip@1"
    infant_gaze = body["scheme"]["tiers"][0]
    assert infant_gaze["name"] == "infant_gaze" and infant_gaze["exclusive"] is True
    assert infant_gaze["codes"][0]["key"] == "1"
    assert body["care"]["partners"]["adult"] == ["sensitive", "controlling", "unresponsive"]
    assert body["clips"] == [CLIP]
    assert body["open_clip"] is None  # a folder: the page lets the coder choose


def test_clip_facts_frame_times_and_state(client: TestClient) -> None:
    body = client.get("/api/clip", params=Q).json()
    assert body["fps"] == 25.0
    assert body["frame_count"] == len(body["frame_times"]) == 400
    assert body["frame_times"][:3] == [0.0, 0.04, 0.08]
    assert body["video"] == {
        "state": "done",
        "progress": 0.0,
        "message": "",
        "proxy": False,
        "reason": "",
    }
    assert body["features"]["state"] == "done"
    assert body["coders"] == []


@pytest.mark.parametrize(
    "name",
    ["", "../dyad_play.mp4", "/etc/passwd", "sub/../../x.mp4", "..\\x.mp4", "other.mp4", "~/x.mp4"],
)
@pytest.mark.parametrize(
    "path", ["/api/clip", "/api/clip/video", "/api/clip/features", "/api/clip/annotations"]
)
def test_names_that_are_not_the_projects_clips_are_refused(
    client: TestClient, path: str, name: str
) -> None:
    response = client.get(path, params={"clip": name} if name else {})
    assert response.status_code == 404
    assert "error" in response.json()


def test_symlinks_out_of_the_project_are_refused(tmp_path: Path, project: Path) -> None:
    from annotate.app.server import create_app, open_tool

    outside = tmp_path / "outside.mp4"
    outside.write_bytes((project / CLIP).read_bytes())
    (project / "link.mp4").symlink_to(outside)
    tool = open_tool(project, coder="ana")
    try:
        client = TestClient(create_app(tool), base_url="http://127.0.0.1:8765")
        assert client.get("/api/session").json()["clips"] == [CLIP]
        assert client.get("/api/clip", params={"clip": "link.mp4"}).status_code == 404
        (project / CLIP).unlink()  # a listed clip replaced by a link out of the project
        (project / CLIP).symlink_to(outside)
        assert client.get("/api/clip/video", params=Q).status_code == 404
    finally:
        tool.coding.close()


def test_static_files_do_not_reach_out_of_their_folder(client: TestClient) -> None:
    for path in ("/static/../server.py", "/static/%2e%2e/server.py", "/static/../../../etc/passwd"):
        assert client.get(path).status_code == 404


def test_video_is_served_with_byte_ranges(client: TestClient, project: Path) -> None:
    whole = client.get("/api/clip/video", params=Q)
    assert whole.status_code == 200
    assert whole.headers["content-type"] == "video/mp4"
    assert whole.content == (project / CLIP).read_bytes()
    part = client.get("/api/clip/video", params=Q, headers={"Range": "bytes=100-199"})
    assert part.status_code == 206
    assert part.content == (project / CLIP).read_bytes()[100:200]


def test_features_document(client: TestClient) -> None:
    body = client.get("/api/clip/features", params=Q).json()
    assert len(body["t"]) == 160
    roles = {r["role"]: r for r in body["roles"]}
    assert set(roles) == {"mother", "infant"}
    assert roles["infant"]["visible"][0] == 0 and roles["infant"]["x"][0] is None
    assert roles["mother"]["x"][0] == 0.15 and roles["mother"]["looking_at"][0] == "infant"
    lanes = {lane["id"]: lane for lane in body["lanes"]}
    assert lanes["mutual_gaze/dyad"]["intervals"][0] == [0.0, 5.0]
    assert lanes["visible/infant"]["intervals"][0] == [1.0, 16.0]


def test_features_missing_is_404_and_prepare_starts_them(tmp_path: Path) -> None:
    from annotate.app.server import create_app, open_tool
    from tests.app.builders import quick_h264

    folder = tmp_path / "bare"
    folder.mkdir()
    quick_h264(folder / "tiny.mp4", 1.0)
    tool = open_tool(folder, coder="ana")
    started: list[str] = []
    tool.jobs.start = lambda key, work: started.append(key)  # type: ignore[method-assign,assignment,return-value]
    try:
        client = TestClient(create_app(tool), base_url="http://127.0.0.1:8765")
        assert client.get("/api/clip/features", params={"clip": "tiny.mp4"}).status_code == 404
        status = client.get("/api/clip/status", params={"clip": "tiny.mp4"}).json()
        assert status["features"]["state"] == "missing"
        answer = client.post("/api/clip/prepare", params={"clip": "tiny.mp4"})
        assert answer.status_code == 202
        assert [k.split(":")[0] for k in started] == ["features"]  # H.264 plays: no proxy
    finally:
        tool.coding.close()


def test_add_list_update_delete_with_revisions(client: TestClient, tool: Tool) -> None:
    listed = client.get("/api/clip/annotations", params=Q).json()
    assert listed == {"coder": "ana", "revision": 0, "annotations": []}
    first = add(client, 0, tier="infant_gaze", code="at_mother", start_s=1.0, end_s=1.0)
    assert first["revision"] > 0 and first["coder"] == "ana" and first["end_s"] == 1.0
    changed = client.patch(
        f"/api/clip/annotations/{first['id']}",
        params=Q,
        json={"revision": first["revision"], "end_s": 2.5, "note": "looks up"},
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["end_s"] == 2.5 and changed.json()["revision"] > first["revision"]
    revision = changed.json()["revision"]
    gone = client.delete(f"/api/clip/annotations/{first['id']}", params={**Q, "revision": revision})
    assert gone.status_code == 200 and gone.json()["revision"] > revision
    assert client.get("/api/clip/annotations", params=Q).json()["annotations"] == []
    with AnnotationStore(tool.coding.path) as store:
        kinds = [h.action for h in store.history()]
    assert kinds == ["delete", "update", "insert"]


def test_a_stale_revision_is_refused_with_409(client: TestClient) -> None:
    first = add(client, 0)
    stale = client.post(
        "/api/clip/annotations",
        params=Q,
        json={"revision": 0, "tier": "mother", "code": "kisses", "start_s": 2.0},
    )
    assert stale.status_code == 409
    assert stale.json()["revision"] == first["revision"]
    for response in (
        client.patch(
            f"/api/clip/annotations/{first['id']}", params=Q, json={"revision": 0, "note": "x"}
        ),
        client.delete(f"/api/clip/annotations/{first['id']}", params={**Q, "revision": 0}),
    ):
        assert response.status_code == 409
    listed = client.get("/api/clip/annotations", params=Q).json()
    assert [a["start_s"] for a in listed["annotations"]] == [1.0]


def test_changes_by_another_program_move_the_revision(client: TestClient, tool: Tool) -> None:
    first = add(client, 0)
    ref = tool.project.clip_ref(CLIP)
    with AnnotationStore(tool.coding.path) as other:  # the command line, while the tool runs
        other.add(Annotation("", "ana", "mother", "kisses", 3.0, 3.0), tool.coding.scheme, clip=ref)
    listed = client.get("/api/clip/annotations", params=Q).json()
    assert listed["revision"] > first["revision"]
    stale = client.post(
        "/api/clip/annotations",
        params=Q,
        json={"revision": first["revision"], "tier": "mother", "code": "kisses", "start_s": 5.0},
    )
    assert stale.status_code == 409


def test_the_revision_survives_a_restart(project: Path, client: TestClient, tool: Tool) -> None:
    from annotate.app.server import open_tool

    revision = add(client, 0)["revision"]
    tool.coding.close()
    again = open_tool(project, coder="ana")
    try:
        ref = again.project.clip_ref(CLIP)
        assert again.coding.call(again.coding.revision, ref) == revision
    finally:
        again.coding.close()


def test_another_coders_annotations_are_read_only(client: TestClient, tool: Tool) -> None:
    ref = tool.project.clip_ref(CLIP)
    with AnnotationStore(tool.coding.path) as store:
        theirs = store.add(
            Annotation("", "bob", "mother", "kisses", 2.0, 2.0), tool.coding.scheme, clip=ref
        )
    listed = client.get("/api/clip/annotations", params={**Q, "coder": "bob"}).json()
    assert [a["id"] for a in listed["annotations"]] == [theirs.id]
    assert client.get("/api/clip", params=Q).json()["coders"] == ["bob"]
    revision = client.get("/api/clip/annotations", params=Q).json()["revision"]
    for response in (
        client.patch(
            f"/api/clip/annotations/{theirs.id}", params=Q, json={"revision": revision, "note": "x"}
        ),
        client.delete(f"/api/clip/annotations/{theirs.id}", params={**Q, "revision": revision}),
    ):
        assert response.status_code == 403
    with AnnotationStore(tool.coding.path) as store:
        assert store.get(theirs.id).annotation.note == ""


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        ({}, 400, "'revision' is required"),
        ({"revision": "1", "tier": "mother", "code": "kisses", "start_s": 1}, 400, "whole number"),
        ({"revision": 0, "tier": "mother", "code": "kisses"}, 400, "'start_s' is required"),
        ({"revision": 0, "tier": "mother", "code": "kisses", "start_s": -1}, 400, "seconds"),
        ({"revision": 0, "tier": "mother", "code": "kisses", "start_s": "1"}, 400, "a number"),
        ({"revision": 0, "tier": 5, "code": "kisses", "start_s": 1}, 400, "must be text"),
        ({"revision": 0, "tier": "mother", "code": "kisses", "start_s": 1, "who": "x"}, 400, "who"),
        ({"revision": 0, "tier": "mother", "code": "hugs", "start_s": 1}, 422, "not on tier"),
        (
            {"revision": 0, "tier": "mother", "code": "kisses", "start_s": 1, "end_s": 2},
            422,
            "point",
        ),
        (
            {"revision": 0, "tier": "mother", "code": "talks", "start_s": 99.0},
            422,
            "after the clip",
        ),
    ],
)
def test_bad_annotations_are_refused(
    client: TestClient, body: dict, status: int, words: str
) -> None:
    response = client.post("/api/clip/annotations", params=Q, json=body)
    assert response.status_code == status
    assert words in response.json()["error"]
    assert client.get("/api/clip/annotations", params=Q).json()["annotations"] == []


def test_overlapping_states_on_an_exclusive_tier_are_refused(client: TestClient) -> None:
    first = add(client, 0, tier="infant_gaze", code="at_mother", start_s=1.0, end_s=4.0)
    response = client.post(
        "/api/clip/annotations",
        params=Q,
        json={"revision": first["revision"], "tier": "infant_gaze", "code": "away", "start_s": 2.0},
    )
    assert response.status_code == 422 and "exclusive" in response.json()["error"]


def test_bodies_must_be_small_json_objects(client: TestClient) -> None:
    url = "/api/clip/annotations"
    as_text = client.post(
        url, params=Q, content=b'{"revision": 0}', headers={"content-type": "text/plain"}
    )
    assert as_text.status_code == 415
    huge = b'{"note": "' + b"x" * MAX_BODY_BYTES + b'"}'
    too_big = client.post(url, params=Q, content=huge, headers={"content-type": "application/json"})
    assert too_big.status_code == 413
    broken = client.post(
        url, params=Q, content=b"{not json", headers={"content-type": "application/json"}
    )
    assert broken.status_code == 400
    a_list = client.post(url, params=Q, json=[1, 2])
    assert a_list.status_code == 400 and "JSON object" in a_list.json()["error"]


def test_updates_and_deletes_are_checked(client: TestClient) -> None:
    first = add(client, 0)
    url = f"/api/clip/annotations/{first['id']}"
    revision = first["revision"]
    assert client.patch(url, params=Q, json={"revision": revision}).status_code == 400
    assert (
        client.patch(url, params=Q, json={"revision": revision, "tier": "infant"}).status_code
        == 400
    )
    assert (
        client.patch(url, params=Q, json={"revision": revision, "code": "nope"}).status_code == 422
    )
    missing = client.patch(
        "/api/clip/annotations/999", params=Q, json={"revision": revision, "note": "x"}
    )
    assert missing.status_code == 422
    assert client.delete(url, params=Q).status_code == 400  # no revision
    assert client.delete(url, params={**Q, "revision": "x"}).status_code == 400
    assert client.patch("/api/clip/annotations/abc", params=Q, json={}).status_code == 404


def test_care_sheet_arithmetic(client: TestClient) -> None:
    empty = client.get("/api/clip/care", params=Q).json()
    assert empty["complete"] is False and len(empty["missing"]) == 14 and empty["revision"] == 0
    points = {
        "adult": {"sensitive": 1.5, "controlling": 0.5},
        "infant": {"cooperative": 2},
    }
    saved = client.put(
        "/api/clip/care/facial_expression", params=Q, json={"revision": 0, "points": points}
    )
    assert saved.status_code == 200, saved.text
    body = saved.json()
    assert body["aspects"]["facial_expression"]["points"]["adult"]["sensitive"] == 1.5
    assert body["totals"]["adult"]["sensitive"] == 1.5 and len(body["missing"]) == 12
    assert body["revision"] > 0
    uneven = client.put(
        "/api/clip/care/vocal_expression",
        params=Q,
        json={"revision": body["revision"], "points": {"adult": {"sensitive": 1.5}}},
    )
    assert uneven.status_code == 422 and "add up to 1.5" in uneven.json()["error"]
    stale = client.put(
        "/api/clip/care/vocal_expression", params=Q, json={"revision": 0, "points": points}
    )
    assert stale.status_code == 409


@pytest.mark.parametrize(
    ("aspect", "points", "status"),
    [
        ("nonsense", {"adult": {"sensitive": 2}}, 422),
        ("control", {"adult": {"kind": 2}}, 422),
        ("control", {"robot": {"sensitive": 2}}, 400),
        ("control", {"adult": [2]}, 400),
        ("control", {"adult": {"sensitive": "2"}}, 400),
        ("control", "all", 400),
    ],
)
def test_bad_care_points_are_refused(
    client: TestClient, aspect: str, points: object, status: int
) -> None:
    response = client.put(
        f"/api/clip/care/{aspect}", params=Q, json={"revision": 0, "points": points}
    )
    assert response.status_code == status
    assert client.get("/api/clip/care", params=Q).json()["aspects"] == {}
