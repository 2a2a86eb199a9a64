"""The consensus view's endpoints: two coders compared, the agreed version stored as the
session's coder through the store's change path, A's and B's own annotations untouched."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from annotate.app.consensus import ConsensusSetup
from annotate.app.server import create_app, open_tool
from annotate.app.tool import Tool
from annotate.coding.care_index import load_care_index
from annotate.coding.care_store import load_sheet, set_aspect
from annotate.coding.records import Annotation
from annotate.coding.reliability_report import compare_coders as reliability_of
from annotate.coding.store import AnnotationStore
from annotate.commands.app import register
from annotate.commands.command_errors import CommandGroup
from annotate.interchange.store_files import export_clip
from tests.app.conftest import CLIP

Q = {"clip": CLIP}
KEY = "Idempotency-Key"


def _seed(tool: Tool) -> None:
    ref = tool.project.clip_ref(CLIP)
    scheme = tool.coding.scheme
    care = load_care_index()
    with AnnotationStore(tool.coding.path) as store:
        for coder, end, kisses in (("ana", 3.0, [2.0, 6.0]), ("ben", 3.6, [2.3])):
            store.add(Annotation("", coder, "infant_gaze", "at_mother", 1.0, end), scheme, clip=ref)
            store.add(Annotation("", coder, "infant_gaze", "away", 4.0, 6.0), scheme, clip=ref)
            for t in kisses:
                store.add(Annotation("", coder, "mother", "kisses", t, t), scheme, clip=ref)
        adult = {"sensitive": 2.0}
        set_aspect(store, care, ref, "ana", "facial_expression", {"adult": adult}, "warm")
        set_aspect(store, care, ref, "ben", "facial_expression", {"adult": adult}, "warm too")
        set_aspect(store, care, ref, "ana", "vocal_expression", {"adult": {"sensitive": 2.0}})
        set_aspect(store, care, ref, "ben", "vocal_expression", {"adult": {"controlling": 2.0}})


@pytest.fixture
def consensus_tool(project: Path) -> Iterator[Tool]:
    """The tool opened as coder 'consensus' with --consensus ana,ben, made by eva."""
    opened = open_tool(project, coder="consensus")
    opened.consensus = ConsensusSetup("ana", "ben", "eva")
    _seed(opened)
    yield opened
    opened.coding.close()


@pytest.fixture
def api(consensus_tool: Tool) -> TestClient:
    return TestClient(create_app(consensus_tool), base_url="http://127.0.0.1:8765")


def _own(tool: Tool, coder: str) -> list[tuple[str, str, float, float, str]]:
    with AnnotationStore(tool.coding.path) as store:
        found = store.annotations(coder=coder)
    return sorted(
        (
            s.annotation.tier,
            s.annotation.code,
            s.annotation.start_s,
            s.annotation.end_s,
            s.annotation.note,
        )
        for s in found
    )


def test_the_view_lists_disagreements_figures_and_both_sheets(api: TestClient) -> None:
    view = api.get("/api/consensus", params=Q).json()
    assert (view["coder"], view["a"], view["b"], view["by"]) == ("consensus", "ana", "ben", "eva")
    assert view["coders"] == ["ana", "ben"]
    found = [
        (d["tier"], d["kind"], d["start_s"], d["end_s"], d["label_a"], d["label_b"], d["now"])
        for d in view["disagreements"]
    ]
    assert found == [
        ("infant_gaze", "state", 3.0, 3.6, "(none)", "at_mother", "open"),
        ("mother", "point", 6.0, 6.0, "kisses", "(none)", "open"),
    ]
    tiers = {t["tier"]: t for t in view["tiers"]}
    assert tiers["mother"]["events"] == {"a": 2, "b": 1, "matched": 1, "f1": pytest.approx(2 / 3)}
    assert tiers["infant_gaze"]["kappa"] is not None and tiers["mother"]["kappa"] is None
    assert view["care"]["differ"] == ["vocal_expression"]  # the others: alike, or both empty
    assert view["care"]["a"]["aspects"]["facial_expression"]["note"] == "warm"
    assert view["care"]["b"]["aspects"]["facial_expression"]["note"] == "warm too"


def test_the_kappa_is_the_reliability_commands(api: TestClient, consensus_tool: Tool) -> None:
    view = api.get("/api/consensus", params=Q).json()
    ours = {t["tier"]: t for t in view["tiers"]}["infant_gaze"]
    with AnnotationStore(consensus_tool.coding.path) as store:
        report = reliability_of(store, "ana", "ben", load_care_index(), tolerance_s=1.0)
    (theirs,) = [k for k in report.kappas if k.tier == "infant_gaze"]
    assert ours["kappa"] == pytest.approx(theirs.result.kappa)
    assert ours["agreement"] == pytest.approx(theirs.result.agreement)


def test_take_agreed_then_a_and_b_stores_exactly_the_choice(
    api: TestClient, consensus_tool: Tool, tmp_path: Path
) -> None:
    before_a, before_b = _own(consensus_tool, "ana"), _own(consensus_tool, "ben")
    view = api.get("/api/consensus", params=Q).json()
    pair = {"a": "ana", "b": "ben"}
    answer = api.post(
        "/api/consensus/agreed",
        params=Q,
        json={"revision": view["revision"], **pair},
        headers={KEY: "k" * 20},
    )
    assert answer.status_code == 200 and answer.json()["changed"]
    revision = answer.json()["revision"]
    # the same change sent again (answer lost) is answered as done, stored once
    again = api.post(
        "/api/consensus/agreed",
        params=Q,
        json={"revision": view["revision"], **pair},
        headers={KEY: "k" * 20},
    )
    assert again.status_code == 200 and again.json()["revision"] == revision
    assert _own(consensus_tool, "consensus") == [
        ("infant_gaze", "at_mother", 1.0, 3.0, ""),
        ("infant_gaze", "away", 4.0, 6.0, ""),
        ("mother", "kisses", 2.0, 2.0, ""),
    ]
    stretch, point = api.get("/api/consensus", params=Q).json()["disagreements"]
    assert (stretch["now"], point["now"]) == ("a", "b")
    taken = api.post(
        "/api/consensus/take",
        params=Q,
        json={"revision": revision, **pair, "key": stretch["key"], "take": "b"},
    )
    assert taken.status_code == 200
    revision = taken.json()["revision"]
    taken = api.post(
        "/api/consensus/take",
        params=Q,
        json={"revision": revision, **pair, "key": point["key"], "take": "a"},
    )
    revision = taken.json()["revision"]
    assert _own(consensus_tool, "consensus") == [
        ("infant_gaze", "at_mother", 1.0, 3.6, ""),
        ("infant_gaze", "away", 4.0, 6.0, ""),
        ("mother", "kisses", 2.0, 2.0, ""),
        ("mother", "kisses", 6.0, 6.0, ""),
    ]
    now = [d["now"] for d in api.get("/api/consensus", params=Q).json()["disagreements"]]
    assert now == ["b", "a"]
    # CARE: the agreed aspect was copied with both notes; take B's for the one that differs
    care = api.put(
        "/api/consensus/care/vocal_expression",
        params=Q,
        json={"revision": revision, **pair, "take": "b"},
    )
    assert care.status_code == 200
    with AnnotationStore(consensus_tool.coding.path) as store:
        sheet = load_sheet(store, consensus_tool.project.clip_ref(CLIP).sha256, "consensus")
        history = store.history(coder="consensus")
        attrs = {
            dict(s.annotation.attrs).get("consensus_of")
            for s in store.annotations(coder="consensus")
        }
    facial, vocal = sheet.aspect("facial_expression"), sheet.aspect("vocal_expression")
    assert facial is not None and facial.note == "ana: warm / ben: warm too"
    assert vocal is not None and vocal.partner("adult")["controlling"] == 2.0
    assert attrs == {"ana,ben"}
    assert all(h.who == "eva" and "consensus of ana,ben by eva" in h.detail for h in history)
    assert len({h.batch_id for h in history}) == 4  # agreed, take b, take a, CARE: one each
    # A's and B's own annotations never changed
    assert _own(consensus_tool, "ana") == before_a and _own(consensus_tool, "ben") == before_b
    # reliability and exports see the consensus coder like any other: on infant_gaze it now
    # says what ben said (B's stretch taken, the rest agreed)
    with AnnotationStore(consensus_tool.coding.path) as store:
        report = reliability_of(store, "ben", "consensus", load_care_index())
        ref = consensus_tool.project.clip_ref(CLIP)
        path, _ = export_clip(store, ref, tmp_path / "c.csv", fmt="csv", coder="consensus")
    (gaze,) = [k for k in report.kappas if k.tier == "infant_gaze"]
    assert gaze.result.kappa == pytest.approx(1.0)
    assert len(pd.read_csv(path)) == 4
    # a take is one undo step of the store: undoing the CARE take, then the point
    with AnnotationStore(consensus_tool.coding.path) as store:
        store.undo(who="eva", coder="consensus")
        store.undo(who="eva", coder="consensus")
    assert ("mother", "kisses", 6.0, 6.0, "") not in _own(consensus_tool, "consensus")
    assert len(_own(consensus_tool, "consensus")) == 3


def test_writes_are_checked(api: TestClient, consensus_tool: Tool) -> None:
    view = api.get("/api/consensus", params=Q).json()
    key = view["disagreements"][0]["key"]
    body = {"revision": view["revision"], "a": "ana", "b": "ben", "key": key}
    stale = api.post("/api/consensus/take", params=Q, json={**body, "revision": 999, "take": "a"})
    assert stale.status_code == 409
    side = api.post("/api/consensus/take", params=Q, json={**body, "take": "c"})
    assert side.status_code == 400 and "'take'" in side.json()["error"]
    bad = api.post("/api/consensus/take", params=Q, json={**body, "key": "x", "take": "a"})
    assert bad.status_code == 400
    gone = key.replace("3.000000", "3.500000")
    missing = api.post("/api/consensus/take", params=Q, json={**body, "key": gone, "take": "a"})
    assert missing.status_code == 422 and "reload" in missing.json()["error"]
    # the consensus can never be recorded as one of the two coders
    own = api.get("/api/consensus", params={**Q, "a": "consensus", "b": "ben"})
    assert own.status_code == 422 and "never changed" in own.json()["error"]
    care = api.put(
        "/api/consensus/care/control",
        params=Q,
        json={"revision": view["revision"], "a": "ana", "b": "ben", "take": "a"},
    )
    assert care.status_code == 422 and "has not scored" in care.json()["error"]


def test_an_ordinary_session_offers_the_other_coders(tool: Tool) -> None:
    _seed(tool)  # the session's coder is ana: a consensus of ana and ben is refused
    client = TestClient(create_app(tool), base_url="http://127.0.0.1:8765")
    view = client.get("/api/consensus", params=Q).json()
    assert view["coders"] == ["ben"] and view["a"] is None
    refused = client.get("/api/consensus", params={**Q, "a": "ana", "b": "ben"})
    assert refused.status_code == 422
    # a session without --consensus shows the view but records nothing
    opened = open_tool(tool.project.root, coder="eva")
    try:
        eva = TestClient(create_app(opened), base_url="http://127.0.0.1:8765")
        view = eva.get("/api/consensus", params=Q).json()
        assert (view["a"], view["b"], view["recording"]) == ("ana", "ben", False)
        write = eva.post(
            "/api/consensus/agreed", params=Q, json={"revision": 0, "a": "ana", "b": "ben"}
        )
        assert write.status_code == 422 and "--consensus" in write.json()["error"]
    finally:
        opened.coding.close()


@pytest.mark.parametrize("pair", ["ana", "ana,ana", "ana,", "ana,ben,eva"])
def test_a_bad_consensus_pair_is_a_one_line_error(project: Path, pair: str) -> None:
    app = CommandGroup()
    register(app)
    app.command("other")(lambda: None)  # a second command: `code` stays a sub-command
    result = CliRunner().invoke(
        app, ["code", str(project / CLIP), "--consensus", pair, "--no-browser"]
    )
    assert result.exit_code == 1
    assert result.output.startswith("error: ") and "two different coders" in result.output


@pytest.mark.parametrize(
    ("method", "route"),
    [
        ("GET", "/api/consensus"),
        ("POST", "/api/consensus/take"),
        ("POST", "/api/consensus/agreed"),
        ("PUT", "/api/consensus/care/control"),
    ],
)
def test_consensus_routes_refuse_other_sites_and_bad_bodies(
    api: TestClient, method: str, route: str
) -> None:
    cross = api.request(method, route, params=Q, headers={"sec-fetch-site": "cross-site"})
    assert cross.status_code == 403
    if method == "GET":
        answer = api.get(route, params={**Q, "a": "x" * 300, "b": "ben"})
        assert answer.status_code == 400
        return
    for body in (
        {},
        {"revision": "1", "a": "ana", "b": "ben"},
        {"revision": 0, "a": 3, "b": "ben", "key": "k", "take": "a"},
        {"revision": 0, "a": "ana", "b": "ben", "key": "k", "take": "a", "extra": 1},
        [1, 2],
    ):
        answer = api.request(method, route, params=Q, json=body)
        assert 400 <= answer.status_code < 500, (body, answer.status_code, answer.text)
