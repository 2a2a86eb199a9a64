"""`annotate code`: the command, its errors, and who may connect."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
import typer
from starlette.testclient import TestClient
from typer.testing import CliRunner

from annotate.app.guard import is_loopback
from annotate.app.server import address, create_app, token_for
from annotate.app.tool import Tool
from annotate.commands.app import register
from annotate.commands.command_errors import CommandGroup
from tests.app.conftest import CLIP


@pytest.fixture
def cli() -> typer.Typer:
    app = CommandGroup()  # as in the real CLI
    register(app)

    @app.command("other")
    def other() -> None:  # a second command, so that `code` stays a sub-command
        """Nothing."""

    return app


def test_code_command_options(cli: typer.Typer) -> None:
    result = CliRunner().invoke(cli, ["code", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    for option in ("--coder", "--scheme", "--port", "--no-browser", "--host", "--token", "--db"):
        assert option in result.output


@pytest.mark.parametrize(
    ("arguments", "words"),
    [
        (["missing_folder"], "no such file or folder"),
        ([CLIP, "--scheme", "nonsense"], "unknown scheme 'nonsense'"),
        ([CLIP, "--coder", " "], "give the coder's name"),
    ],
)
def test_code_command_errors_are_one_line(
    cli: typer.Typer, project: Path, arguments: list[str], words: str
) -> None:
    arguments = [str(project / a) if a == CLIP else a for a in arguments]
    result = CliRunner().invoke(cli, ["code", *arguments, "--no-browser"])
    assert result.exit_code == 1
    assert result.output.startswith("error: ") and words in result.output


def test_a_busy_port_is_an_error_that_says_so(cli: typer.Typer, project: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = CliRunner().invoke(
            cli, ["code", str(project / CLIP), "--port", str(port), "--no-browser"]
        )
    assert result.exit_code == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.output and "--port" in result.output


def test_tokens_for_lab_networks() -> None:
    assert token_for("127.0.0.1", None) is None
    assert token_for("localhost", "given") == "given"
    made = token_for("0.0.0.0", None)
    assert made is not None and len(made) >= 20 and made != token_for("0.0.0.0", None)
    assert address("127.0.0.1", 8765, None) == "http://127.0.0.1:8765/"
    assert address("10.0.0.5", 80, "abc") == "http://10.0.0.5:80/?token=abc"
    assert [is_loopback(h) for h in ("127.0.0.1", "::1", "localhost", "10.0.0.5", "")] == [
        True,
        True,
        True,
        False,
        False,
    ]


def test_every_request_without_the_token_is_refused(tool: Tool) -> None:
    tool.token = "s3cret-token"
    client = TestClient(create_app(tool, loopback=False), base_url="http://lab-pc:8765")
    for path in ("/", "/static/app.css", "/api/session", f"/api/clip/video?clip={CLIP}"):
        refused = client.get(path)
        assert refused.status_code == 401, path
        assert "token" in refused.text
    assert client.get("/api/session", headers={"x-annotate-token": "wrong"}).status_code == 401
    assert client.post("/api/clip/annotations", params={"clip": CLIP}, json={}).status_code == 401
    assert (
        client.get("/api/session", headers={"x-annotate-token": "s3cret-token"}).status_code == 200
    )
    first = client.get("/?token=s3cret-token")
    assert first.status_code == 200
    assert "annotate_token=s3cret-token" in first.headers["set-cookie"]
    assert "HttpOnly" in first.headers["set-cookie"]
    assert client.get("/api/session").status_code == 200  # the cookie now carries it
    client.cookies.clear()
    client.cookies.set("annotate_token", "guess")
    assert client.get("/api/session").status_code == 401


def test_loopback_answers_only_loopback_hosts_and_same_origin_changes(client: TestClient) -> None:
    assert client.get("/api/session", headers={"host": "evil.example:8765"}).status_code == 403
    assert client.get("/api/session", headers={"host": "localhost:8765"}).status_code == 200
    body = {"revision": 0, "tier": "mother", "code": "kisses", "start_s": 1.0}
    foreign = client.post(
        "/api/clip/annotations",
        params={"clip": CLIP},
        json=body,
        headers={"origin": "http://evil.example"},
    )
    assert foreign.status_code == 403
    own = client.post(
        "/api/clip/annotations",
        params={"clip": CLIP},
        json=body,
        headers={"origin": "http://127.0.0.1:8765"},
    )
    assert own.status_code == 201
