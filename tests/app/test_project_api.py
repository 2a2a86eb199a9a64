"""The project view's endpoints (statuses per coder, next clip, the done mark) and blinded coding:
no answer a blinded coder gets names the clip or its phase until the coder has marked it done."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from starlette.testclient import TestClient
from typer.testing import CliRunner

from annotate.app.consensus import consensus_setup
from annotate.app.server import create_app, open_tool
from annotate.app.tool import Tool
from annotate.coding.clips import ClipRef
from annotate.coding.records import Annotation
from annotate.coding.scheme_files import find_scheme
from annotate.coding.store import AnnotationStore
from annotate.commands.command_errors import CommandGroup
from annotate.commands.project_status import register
from tests.app.builders import SAMPLES, quick_h264, synthetic_features

POST_CLIP = "D07_visit2_post.mp4"
PRE_CLIP = "D03_visit1_pre.mp4"
# what a blinded coder may not read anywhere (the phase value is looked for as a JSON string)
SECRETS = ("D07", "D03", "visit1", "visit2", "_post", "_pre", '"post"', '"pre"', "cohort")


def _phase(folder: Path, clip: str, value: str, coder: str = "pi") -> None:
    """The phase attribute as the study's manager stores it (another coder, from the CLI)."""
    ref = ClipRef.from_video(folder / clip)
    with AnnotationStore(folder / "annotate.sqlite") as store:
        attribute = Annotation(ref.sha256, coder, "attributes", "visit", 0.0, 0.0, value=value)
        store.add(attribute, find_scheme("care_clip"), clip=ref, who=coder)


@pytest.fixture
def study(tmp_path: Path) -> Path:
    """A folder of two clips named by dyad, visit and phase, each with features, and their
    phase stored by coder 'pi'."""
    folder = tmp_path / "cohort_post_study"
    folder.mkdir()
    for source, name in (
        (SAMPLES / "dyad_play.mp4", POST_CLIP),
        (SAMPLES / "dyad_cross.mp4", PRE_CLIP),
    ):
        (folder / name).write_bytes(source.read_bytes())
        synthetic_features(folder / name, folder)
    _phase(folder, POST_CLIP, "post")
    _phase(folder, PRE_CLIP, "pre")
    return folder


def _client(tool: Tool) -> TestClient:
    return TestClient(create_app(tool), base_url="http://127.0.0.1:8765")


@pytest.fixture
def blind(study: Path) -> Iterator[Tool]:
    opened = open_tool(study, coder="ana", blind=True)
    yield opened
    opened.coding.close()


@pytest.fixture
def plain(study: Path) -> Iterator[Tool]:
    opened = open_tool(study, coder="ana")
    yield opened
    opened.coding.close()


class Recorder:
    """A test client that keeps every answer's headers and body, to search them all."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.seen: list[str] = []

    def __call__(self, method: str, path: str, **kwargs: object):  # type: ignore[no-untyped-def]
        answer = self.client.request(method, path, **kwargs)  # type: ignore[arg-type]
        headers = json.dumps(dict(answer.headers))
        body = answer.text if "video" not in answer.headers.get("content-type", "") else ""
        self.seen.append(f"{method} {path} {kwargs} -> {answer.status_code}\n{headers}\n{body}")
        return answer

    def leaks(self, words: tuple[str, ...]) -> list[str]:
        return [f"{w!r} in {s[:300]}" for s in self.seen for w in words if w in s.split("\n", 1)[1]]


def test_the_project_view_lists_statuses_progress_and_the_next_clip(
    plain: Tool, study: Path
) -> None:
    client = _client(plain)
    view = client.get("/api/project").json()
    assert [row["key"] for row in view["clips"]] == [PRE_CLIP, POST_CLIP]  # sorted names
    assert [row["status"] for row in view["clips"]] == ["not started", "not started"]
    assert {c["coder"]: c["status"] for c in view["clips"][0]["coders"]} == {"pi": "in progress"}
    assert view["next"] == PRE_CLIP

    q = {"clip": PRE_CLIP}
    revision = client.get("/api/clip/annotations", params=q).json()["revision"]
    state = {"revision": revision, "tier": "infant_gaze", "code": "at_mother", "start_s": 0.0}
    added = client.post("/api/clip/annotations", params=q, json={**state, "end_s": 2.0})
    assert added.status_code == 201, added.text
    mine = client.get("/api/project").json()["clips"][0]["mine"]
    assert mine["status"] == "in progress" and mine["tiers"] == {"infant_gaze": 1}
    assert mine["care_total"] == 7 and mine["care_filled"] == 0
    assert 0 < mine["covered"] < 1

    done = client.put("/api/clip/done", params=q, json={"done": True})
    assert done.status_code == 200 and done.json()["done"] and done.json()["by"] == "ana"
    view = client.get("/api/project").json()
    assert view["clips"][0]["status"] == "done" and view["clips"][0]["mine"]["done_at"]
    assert view["next"] == POST_CLIP
    assert client.get("/api/project", params={"after": POST_CLIP}).json()["next"] == POST_CLIP
    reopened = client.put("/api/clip/done", params=q, json={"done": False}).json()
    assert reopened["done"] is False
    assert client.get("/api/project").json()["clips"][0]["status"] == "in progress"

    quick_h264(study / "E01_new.mp4", 1.0)  # a new file, seen without a restart
    assert "E01_new.mp4" in [row["key"] for row in client.get("/api/project").json()["clips"]]


def test_done_is_refused_while_a_state_is_open_naming_it(plain: Tool) -> None:
    client = _client(plain)
    q = {"clip": POST_CLIP}
    revision = client.get("/api/clip/annotations", params=q).json()["revision"]
    start = {"revision": revision, "tier": "infant_gaze", "code": "away", "start_s": 3.5}
    assert client.post("/api/clip/annotations", params=q, json={**start, "open": True}).is_success
    refused = client.put("/api/clip/done", params=q, json={"done": True})
    assert refused.status_code == 422
    assert "infant_gaze:away from 3.500 s" in refused.json()["error"]
    assert client.get("/api/project").json()["clips"][1]["status"] == "in progress"
    assert client.put("/api/clip/done", params=q, json={}).status_code == 400


def test_a_blinded_coder_never_reads_the_name_or_the_phase(blind: Tool, study: Path) -> None:
    call = Recorder(_client(blind))
    session = call("GET", "/api/session").json()
    assert session["blind"] is True
    aliases = session["clips"]
    assert len(aliases) == 2 and all(a.startswith("Clip-") for a in aliases)
    assert aliases == sorted(aliases)  # in the aliases' order: the names' would tell the phase
    assert "visit" not in [a["name"] for a in session["scheme"]["attributes"]]
    view = call("GET", "/api/project").json()
    assert [row["label"] for row in view["clips"]] == [row["key"] for row in view["clips"]]
    assert [row["key"] for row in view["clips"]] == aliases
    post = blind.blinding.keys(blind.project.clips)[POST_CLIP]
    assert post in aliases
    q = {"clip": post}
    clip = call("GET", "/api/clip", params=q).json()
    assert clip["name"] == clip["title"] == post and clip["blinded"] and not clip["sha256"]
    call("GET", "/api/clip/status", params=q)
    call("POST", "/api/clip/prepare", params=q)
    video = call("GET", "/api/clip/video", params=q, headers={"Range": "bytes=0-99"})
    assert video.status_code == 206 and len(video.content) == 100  # the video plays by alias
    assert call("GET", "/api/clip/features", params=q).status_code == 200
    assert (
        call("GET", "/api/clip/annotations", params={**q, "coder": "pi"}).json()["annotations"]
        == []
    )
    assert call("GET", "/api/clip/care", params=q).status_code == 200
    revision = call("GET", "/api/clip/annotations", params=q).json()["revision"]
    kiss = {"revision": revision, "tier": "mother", "code": "kisses", "start_s": 1.0}
    added = call("POST", "/api/clip/annotations", params=q, json=kiss)
    assert added.status_code == 201
    revision = added.json()["revision"]
    hidden = {"revision": revision, "tier": "attributes", "code": "visit", "start_s": 0.0}
    assert (
        call(
            "POST", "/api/clip/annotations", params=q, json={**hidden, "value": "post"}
        ).status_code
        == 403
    )
    assert call("GET", "/api/clip/export", params={**q, "format": "eaf"}).status_code == 403
    # errors that would name the clip: another coder's annotation, a real name, a bad alias
    with AnnotationStore(study / "annotate.sqlite") as store:
        pis = store.annotations(coder="pi")[0].id
    refused = call(
        "PATCH", f"/api/clip/annotations/{pis}", params=q, json={"revision": revision, "note": "x"}
    )
    assert refused.status_code == 403
    assert call("GET", "/api/clip", params={"clip": POST_CLIP}).status_code == 404
    assert call("GET", "/api/clip", params={"clip": "Clip-NOPE"}).status_code == 404
    late = {"revision": revision, "tier": "mother", "code": "kisses", "start_s": 9999.0}
    assert call("POST", "/api/clip/annotations", params=q, json=late).status_code == 422
    opened = {"revision": revision, "tier": "infant_gaze", "code": "away", "start_s": 2.0}
    opened_answer = call("POST", "/api/clip/annotations", params=q, json={**opened, "open": True})
    refused_done = call("PUT", "/api/clip/done", params=q, json={"done": True})
    assert refused_done.status_code == 422 and "infant_gaze:away" in refused_done.json()["error"]
    assert call("GET", "/").status_code == 200
    assert call.leaks(SECRETS) == []

    # done: this clip's name and phase show; the other clip stays blinded
    revision = opened_answer.json()["revision"]
    state_id = opened_answer.json()["id"]
    closed = call(
        "PATCH",
        f"/api/clip/annotations/{state_id}",
        params=q,
        json={"revision": revision, "end_s": 4.0, "open": False},
    )
    assert closed.status_code == 200, closed.text
    done = call("PUT", "/api/clip/done", params=q, json={"done": True}).json()
    assert done["done"] and done["title"] == POST_CLIP
    assert call("GET", "/api/clip", params=q).json()["title"] == POST_CLIP
    phase = call("GET", "/api/clip/annotations", params={**q, "coder": "pi"}).json()
    assert [a["value"] for a in phase["annotations"]] == ["post"]
    labels = [row["label"] for row in call("GET", "/api/project").json()["clips"]]
    assert POST_CLIP in labels and PRE_CLIP not in labels
    assert call("GET", "/api/clip/export", params={**q, "format": "csv"}).status_code == 200

    # the keys, undo, import and consensus routes answer blinded too (the clip not yet done)
    call = Recorder(_client(blind))
    pre = {"clip": blind.blinding.keys(blind.project.clips)[PRE_CLIP]}
    revision = call("GET", "/api/clip/annotations", params=pre).json()["revision"]
    added = call("POST", "/api/clip/annotations", params=pre, json={**kiss, "revision": revision})
    call("GET", "/api/keys")
    assert call("GET", "/api/clip/sound", params=pre).status_code == 200
    undone = call("POST", "/api/clip/undo", params=pre, json={"revision": added.json()["revision"]})
    assert undone.status_code == 200, undone.text
    call("POST", "/api/clip/redo", params=pre, json={"revision": undone.json()["revision"]})
    table = b"tier,code,start_s,end_s\nmother,kisses,1.0,1.0\n"
    preview = {**pre, "name": "mine.csv", "preview": "1"}
    call("POST", "/api/clip/import", params=preview, content=table)
    call("POST", "/api/clip/import", params=preview, content=b"junk")
    call("GET", "/api/consensus", params=pre)
    _phase(study, PRE_CLIP, "pre", coder="bo")
    consensus = open_tool(study, coder="consensus", blind=True)
    try:
        call.client = _client(consensus)
        view = call("GET", "/api/consensus", params={**pre, "a": "pi", "b": "bo"}).json()
        assert view["a"] == "pi" and view["annotations"]["a"] == []  # the phase is not shown
    finally:
        consensus.coding.close()
    assert call.leaks(SECRETS) == []


def test_a_blinded_consensus_session_never_names_the_clip_or_the_phase(study: Path) -> None:
    """The consensus view's takes, their undo and redo, the keys saved, an import and the
    sound: every answer of a blinded consensus session, searched for the name and the phase."""
    ref = ClipRef.from_video(study / PRE_CLIP)
    _phase(study, PRE_CLIP, "pre", coder="bo")
    scheme = find_scheme("care_clip")
    with AnnotationStore(study / "annotate.sqlite") as store:
        store.add(Annotation("", "pi", "infant_gaze", "at_mother", 1.0, 3.0), scheme, clip=ref)
        store.add(Annotation("", "bo", "infant_gaze", "away", 1.0, 3.0), scheme, clip=ref)
        store.add(Annotation("", "pi", "mother", "kisses", 2.0, 2.0), scheme, clip=ref)
    tool = open_tool(study, coder="consensus", blind=True)
    tool.consensus = consensus_setup("pi,bo", "eva")
    try:
        call = Recorder(_client(tool))
        pre = {"clip": tool.blinding.keys(tool.project.clips)[PRE_CLIP]}
        pair = {"a": "pi", "b": "bo"}
        view = call("GET", "/api/consensus", params={**pre, **pair}).json()
        assert view["recording"] and len(view["disagreements"]) == 2
        revision = call("GET", "/api/clip/annotations", params=pre).json()["revision"]
        took = call(
            "POST",
            "/api/consensus/take",
            params=pre,
            json={
                "revision": revision,
                **pair,
                "key": view["disagreements"][0]["key"],
                "take": "b",
            },
        )
        assert took.status_code == 200, took.text
        revision = took.json()["revision"]
        agreed = call(
            "POST", "/api/consensus/agreed", params=pre, json={"revision": revision, **pair}
        )
        revision = agreed.json()["revision"]
        care = call(
            "PUT",
            "/api/consensus/care/facial_expression",
            params=pre,
            json={"revision": revision, **pair, "take": "a"},
        )
        assert care.status_code == 422  # pi has not scored it: refused, and said so
        undone = call("POST", "/api/clip/undo", params=pre, json={"revision": revision})
        assert undone.status_code == 200, undone.text
        assert undone.json()["done"].startswith("undo: consensus")
        redone = call(
            "POST", "/api/clip/redo", params=pre, json={"revision": undone.json()["revision"]}
        )
        assert redone.status_code == 200, redone.text
        keys = {"codes": {"mother/kisses": "x"}, "controls": {"consensus-next": "Shift+X"}}
        assert call("PUT", "/api/keys", json=keys).status_code == 200
        table = b"tier,code,start,end\nmother,kisses,4.0,4.0\n"
        imported = call(
            "POST", "/api/clip/import", params={**pre, "name": "mine.csv"}, content=table
        )
        assert imported.status_code in (200, 201), imported.text
        assert call("GET", "/api/clip/sound", params=pre).status_code == 200
        call("GET", "/api/consensus", params={**pre, **pair})
        call("GET", "/api/clip/annotations", params=pre)
    finally:
        tool.coding.close()
    assert call.leaks(SECRETS) == []


def test_aliases_stay_when_reopened_and_blinding_is_the_projects_setting(study: Path) -> None:
    first = open_tool(study, coder="ana", blind=True)
    aliases = _client(first).get("/api/session").json()["clips"]
    first.coding.close()
    again = open_tool(study, coder="ben")  # no --blind: the project's setting holds
    assert _client(again).get("/api/session").json()["clips"] == aliases
    again.coding.close()
    off = open_tool(study, coder="ana", blind=False)
    assert _client(off).get("/api/session").json()["clips"] == [PRE_CLIP, POST_CLIP]
    off.coding.close()


@pytest.fixture
def cli() -> typer.Typer:
    app = CommandGroup()
    register(app)

    @app.command("other")
    def other() -> None:  # a second command, so that `status` stays a sub-command
        """Nothing."""

    return app


def test_annotate_status_prints_the_table(cli: typer.Typer, plain: Tool, study: Path) -> None:
    client = _client(plain)
    q = {"clip": PRE_CLIP}
    revision = client.get("/api/clip/annotations", params=q).json()["revision"]
    kiss = {"revision": revision, "tier": "mother", "code": "kisses", "start_s": 1.0}
    assert client.post("/api/clip/annotations", params=q, json=kiss).is_success
    assert client.put("/api/clip/done", params=q, json={"done": True}).is_success
    plain.coding.close()
    result = CliRunner().invoke(
        cli, ["status", str(study), "--coder", "ana"], env={"COLUMNS": "200"}
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    pre = next(line for line in lines if PRE_CLIP in line and " ana " in line)
    assert "done" in pre and "mother 1" in pre and "0/7" in pre
    assert any(POST_CLIP in line and "pi" in line and "in progress" in line for line in lines)
    assert any(POST_CLIP in line and "ana" in line and "not started" in line for line in lines)
    assert f"next clip for ana: {POST_CLIP}" in result.output
    blinded = CliRunner().invoke(cli, ["status", str(study), "--blind"], env={"COLUMNS": "200"})
    assert blinded.exit_code == 0 and "D07" not in blinded.output and "Clip-" in blinded.output
    missing = CliRunner().invoke(cli, ["status", str(study / "nowhere")])
    assert missing.exit_code == 1 and "nowhere" in missing.output


def test_code_has_the_blind_option() -> None:
    from annotate.commands.app import register as register_code

    app = CommandGroup()
    register_code(app)
    register(app)
    result = CliRunner().invoke(app, ["code", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0 and "--blind" in result.output and "--no-blind" in result.output
