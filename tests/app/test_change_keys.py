"""Change keys: a change the page sends again after a crash is answered as done, stored once."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from starlette.testclient import TestClient

from annotate.app.coding import _REVISION
from annotate.app.tool import Tool
from annotate.coding.store import AnnotationStore
from tests.app.conftest import CLIP

Q = {"clip": CLIP}
BODY = {"tier": "mother", "code": "kisses", "start_s": 1.0}


def key(n: int) -> dict[str, str]:
    return {"Idempotency-Key": f"change-{n:012d}"}


def revision(client: TestClient) -> int:
    return int(client.get("/api/clip/annotations", params=Q).json()["revision"])


def stored(tool: Tool) -> list[tuple[str, float, float, str]]:
    rows = tool.coding.call(lambda: tool.coding._store.annotations(coder="ana"))
    return [
        (s.annotation.code, s.annotation.start_s, s.annotation.end_s, s.annotation.note)
        for s in rows
    ]


def test_a_resent_committed_edit_is_not_dropped(client: TestClient, tool: Tool) -> None:
    # the server committed each change, then died before the page heard the answer: the page
    # sends the same change again, with the same key and the revision it had before
    first = client.post(
        "/api/clip/annotations", params=Q, json={"revision": 0, **BODY}, headers=key(1)
    )
    assert first.status_code == 201
    again = client.post(
        "/api/clip/annotations", params=Q, json={"revision": 0, **BODY}, headers=key(1)
    )
    assert again.status_code == 201, again.text
    assert again.json() == first.json()  # answered as done: same id, same revision
    ident, after_add = first.json()["id"], first.json()["revision"]

    url = f"/api/clip/annotations/{ident}"
    edit = {"revision": after_add, "start_s": 2.0, "end_s": 2.0, "note": "late kiss"}
    edited = client.patch(url, params=Q, json=edit, headers=key(2))
    assert edited.status_code == 200
    resent = client.patch(url, params=Q, json=edit, headers=key(2))
    assert resent.status_code == 200, resent.text
    assert resent.json() == edited.json()

    # the rest of the queue was never stored: sent with the revision the replay gave, it is
    next_one = {"revision": resent.json()["revision"], **BODY, "start_s": 5.0}
    later = client.post("/api/clip/annotations", params=Q, json=next_one, headers=key(3))
    assert later.status_code == 201, later.text

    gone = client.delete(url, params={**Q, "revision": later.json()["revision"]}, headers=key(4))
    assert gone.status_code == 200
    twice = client.delete(url, params={**Q, "revision": later.json()["revision"]}, headers=key(4))
    assert twice.status_code == 200, twice.text
    assert twice.json() == gone.json()
    assert stored(tool) == [("kisses", 5.0, 5.0, "")]
    assert revision(client) == gone.json()["revision"]


def test_a_resent_care_aspect_is_answered_as_done(client: TestClient) -> None:
    points = {"adult": {"sensitive": 2}, "infant": {"cooperative": 2}}
    body = {"revision": 0, "points": points, "note": "warm"}
    first = client.put("/api/clip/care/facial_expression", params=Q, json=body, headers=key(7))
    assert first.status_code == 200
    again = client.put("/api/clip/care/facial_expression", params=Q, json=body, headers=key(7))
    assert again.status_code == 200, again.text
    assert again.json()["revision"] == first.json()["revision"]


def test_a_resent_change_after_a_change_elsewhere_answers_its_own_revision(
    client: TestClient, tool: Tool
) -> None:
    first = client.post(
        "/api/clip/annotations", params=Q, json={"revision": 0, **BODY}, headers=key(1)
    )
    # another tab stores a change after it
    other = client.post(
        "/api/clip/annotations",
        params=Q,
        json={"revision": first.json()["revision"], **BODY, "start_s": 3.0},
        headers=key(2),
    )
    again = client.post(
        "/api/clip/annotations", params=Q, json={"revision": 0, **BODY}, headers=key(1)
    )
    assert again.json()["revision"] == first.json()["revision"] < other.json()["revision"]
    # so the next change of the first page is refused as stale, not stored over the other tab's
    stale = client.post(
        "/api/clip/annotations",
        params=Q,
        json={"revision": again.json()["revision"], **BODY, "start_s": 9.0},
        headers=key(3),
    )
    assert stale.status_code == 409
    assert len(stored(tool)) == 2


def test_a_change_key_of_another_change_is_refused(client: TestClient) -> None:
    added = client.post(
        "/api/clip/annotations", params=Q, json={"revision": 0, **BODY}, headers=key(1)
    )
    url = f"/api/clip/annotations/{added.json()['id']}"
    reused = client.patch(
        url, params=Q, json={"revision": added.json()["revision"], "note": "x"}, headers=key(1)
    )
    assert reused.status_code == 422
    assert "belongs to another change" in reused.json()["error"]
    for bad in ("short", "x" * 101, "has space in it!!", "dots.are.not.allowed"):
        answer = client.post(
            "/api/clip/annotations",
            params=Q,
            json={"revision": added.json()["revision"], **BODY, "start_s": 4.0},
            headers={"Idempotency-Key": bad},
        )
        assert answer.status_code == 400, bad
        assert "idempotency-key header must be 16-100" in answer.json()["error"]


def test_a_change_key_is_stored_once(tmp_path: Path) -> None:
    from annotate.coding.clips import ClipRef
    from annotate.coding.records import Annotation
    from annotate.coding.scheme_files import find_scheme
    from annotate.errors import StoreError

    clip = ClipRef("a" * 64, "c.mp4", 60.0, 25.0)
    note = Annotation("", "ana", "mother", "kisses", 1.0, 1.0)
    with AnnotationStore(tmp_path / "p.sqlite") as store:
        store.add(note, find_scheme("care_clip"), clip=clip, change_key="k" * 20)
        try:
            store.add(note, find_scheme("care_clip"), clip=clip, change_key="k" * 20)
        except StoreError as exc:
            assert "UNIQUE" in exc.message
        else:
            raise AssertionError("a stored change key was stored again")
        assert len(store.annotations()) == 1
        found = store.change("k" * 20)
        assert found is not None and found.kind == "add" and found.rows[0][0] == "annotations"


def test_a_version_1_store_is_migrated_and_keeps_its_annotations(tmp_path: Path) -> None:
    # a store as annotate made it before change keys (schema version 1)
    from annotate.coding.store_db import _SCHEMA, SCHEMA_VERSION

    path = tmp_path / "old.sqlite"
    with sqlite3.connect(path) as conn:
        conn.executescript(_SCHEMA)
        conn.execute("INSERT INTO meta VALUES ('schema_version', '1')")
        conn.execute("INSERT INTO schemes VALUES (1, 's', '1', 'd', '{}', 'x', 't')")
        conn.execute(
            "INSERT INTO clips (id, sha256, media, created) VALUES (1, ?, 'c.mp4', 't')",
            ("b" * 64,),
        )
        conn.execute(
            "INSERT INTO batches (id, at, who, kind, coder) VALUES (1, 't', 'ana', 'add', 'ana')"
        )
        conn.execute(
            "INSERT INTO annotations (id, clip_id, scheme_id, coder, tier, code, start_s, end_s, "
            "created, updated) VALUES (1, 1, 1, 'ana', 'mother', 'kisses', 1, 1, 't', 't')"
        )
        conn.execute(
            "INSERT INTO changes (batch_id, tbl, row_id, action, after) VALUES "
            "(1, 'annotations', 1, 'insert', '{\"clip_id\": 1, \"coder\": \"ana\"}')"
        )
    assert "change_key" not in [
        r[1] for r in sqlite3.connect(path).execute("PRAGMA table_info(batches)")
    ]
    with AnnotationStore(path) as store:
        version = store.conn.execute(
            "SELECT value FROM meta WHERE key='schema_version'"
        ).fetchone()[0]
        assert version == SCHEMA_VERSION
        assert [s.annotation.code for s in store.annotations()] == ["kisses"]
        assert store.conn.execute(_REVISION, {"clip": 1, "coder": "ana"}).fetchone()[0] == 1
        assert store.change("never-stored-key") is None
    with AnnotationStore(path) as store:  # opened again: nothing more to do
        assert len(store.annotations()) == 1


def test_the_revision_reads_an_index_not_the_history(tool: Tool) -> None:
    plan = tool.coding.call(
        lambda: [
            str(r[3])
            for r in tool.coding._store.conn.execute(
                f"EXPLAIN QUERY PLAN {_REVISION}", {"clip": 1, "coder": "ana"}
            )
        ]
    )
    reads = [p for p in plan if "changes" in p]
    assert len(reads) == 2 and all("USING INDEX changes_by_owner" in p for p in reads), plan
