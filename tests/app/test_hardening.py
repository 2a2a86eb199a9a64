"""Requests that once gave HTTP 500, fetches from other sites, and what the answers give away."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from tests.app.conftest import CLIP

Q = {"clip": CLIP}
BODY = {"tier": "mother", "code": "kisses", "start_s": 1.0}
ROUTES = [
    ("GET", "/"),
    ("GET", "/static/main.js"),
    ("GET", "/api/session"),
    ("GET", f"/api/clip?clip={CLIP}"),
    ("GET", f"/api/clip/video?clip={CLIP}"),
    ("GET", f"/api/clip/features?clip={CLIP}"),
    ("GET", f"/api/clip/status?clip={CLIP}"),
    ("GET", f"/api/clip/annotations?clip={CLIP}"),
    ("GET", f"/api/clip/care?clip={CLIP}"),
    ("POST", f"/api/clip/annotations?clip={CLIP}"),
    ("POST", f"/api/clip/prepare?clip={CLIP}"),
]


def add(client: TestClient) -> dict:
    answer = client.post("/api/clip/annotations", params=Q, json={"revision": 0, **BODY})
    assert answer.status_code == 201
    return dict(answer.json())


def test_a_twenty_digit_id_is_a_404(client: TestClient) -> None:
    big = "9" * 20
    patched = client.patch(
        f"/api/clip/annotations/{big}", params=Q, json={"revision": 0, "note": "x"}
    )
    assert patched.status_code == 404 and "no annotation with id" in patched.json()["error"]
    deleted = client.delete(f"/api/clip/annotations/{'1' * 5000}", params={**Q, "revision": 0})
    assert deleted.status_code == 404


def test_a_five_thousand_digit_revision_is_a_400(client: TestClient) -> None:
    for digits in (20, 4000, 5000):
        raw = '{"revision": %s, "tier": "mother", "code": "kisses", "start_s": 1}' % ("7" * digits)
        answer = client.post(
            "/api/clip/annotations",
            params=Q,
            content=raw,
            headers={"content-type": "application/json"},
        )
        assert answer.status_code == 400, (digits, answer.text)
        assert "revision" in answer.json()["error"] or "too long" in answer.json()["error"]
    answer = client.delete("/api/clip/annotations/1", params={**Q, "revision": "7" * 5000})
    assert answer.status_code == 400 and "give the revision" in answer.json()["error"]


def test_ten_thousand_deep_json_is_a_400(client: TestClient) -> None:
    raw = '{"revision": 0, "note": ' + "[" * 10_000 + "]" * 10_000 + "}"
    answer = client.post(
        "/api/clip/annotations", params=Q, content=raw, headers={"content-type": "application/json"}
    )
    assert answer.status_code == 400 and "deeper than 20 levels" in answer.json()["error"]
    # brackets inside text are text, not nesting
    assert add(client)["code"] == "kisses"
    fine = client.post(
        "/api/clip/annotations",
        params=Q,
        json={
            "revision": client.get("/api/clip/annotations", params=Q).json()["revision"],
            **BODY,
            "start_s": 2.0,
            "note": "[[[" * 30,
        },
    )
    assert fine.status_code == 201


def test_a_lone_surrogate_in_a_note_is_a_400(client: TestClient) -> None:
    raw = '{"revision": 0, "tier": "mother", "code": "kisses", "start_s": 1, "note": "a\\ud800b"}'
    answer = client.post(
        "/api/clip/annotations", params=Q, content=raw, headers={"content-type": "application/json"}
    )
    assert answer.status_code == 400 and "lone surrogate" in answer.json()["error"]
    field = '{"revision": 0, "tier": "mother", "code": "kisses", "start_s": 1, "\\udfff": 1}'
    answer = client.post(
        "/api/clip/annotations",
        params=Q,
        content=field,
        headers={"content-type": "application/json"},
    )
    assert answer.status_code == 400 and "unknown field(s): '\\udfff'" in answer.json()["error"]
    assert client.get("/api/clip/annotations", params=Q).json()["annotations"] == []


def test_the_session_does_not_give_the_database_path(client: TestClient) -> None:
    body = client.get("/api/session")
    assert "database" not in body.json()
    assert "annotate.sqlite" not in body.text and "/tmp" not in body.text


@pytest.mark.parametrize("site", ["cross-site", "same-site", "Cross-Site"])
@pytest.mark.parametrize(("method", "route"), ROUTES)
def test_cross_site_requests_are_refused_on_every_route(
    client: TestClient, method: str, route: str, site: str
) -> None:
    headers = {"sec-fetch-site": site, "referer": "http://evil.example/", "range": "bytes=0-99"}
    answer = client.request(method, route, headers=headers, json={})
    assert answer.status_code == 403, (route, answer.status_code)
    assert "other sites or origins are refused" in answer.text
    assert b"ftyp" not in answer.content  # not one byte of the video


def test_the_tools_own_page_and_a_typed_address_are_served(client: TestClient) -> None:
    for site in ("same-origin", "none", None):
        headers = {} if site is None else {"sec-fetch-site": site}
        assert client.get(f"/api/clip/video?clip={CLIP}", headers=headers).status_code == 200


def test_video_and_features_are_not_cached_nor_shared_cross_origin(client: TestClient) -> None:
    for route in ("/api/clip/video", "/api/clip/features", "/api/clip/annotations", "/api/clip"):
        answer = client.get(
            route, params=Q, headers={"range": "bytes=0-99"} if "video" in route else {}
        )
        assert answer.status_code in (200, 206), route
        assert answer.headers["cross-origin-resource-policy"] == "same-origin", route
        assert answer.headers["cache-control"] == "no-store", route
    assert client.get("/static/main.js").headers["cross-origin-resource-policy"] == "same-origin"
