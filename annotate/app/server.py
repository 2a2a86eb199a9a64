"""The coding tool's server: the Starlette app, its error answers, and running it with uvicorn.

    tool = open_tool(Path("clips/visit1.mp4"), coder="ana", scheme="care_clip")
    serve(tool, host="127.0.0.1", port=8765, open_browser=True, say=print)

`create_app` is what the API tests call; `serve` binds the socket first (port 0 picks a free
one), says the address (with `?token=` when the server has a token), opens the browser if asked,
and runs until interrupted, then closes the store.
"""

from __future__ import annotations

import contextlib
import secrets
import signal
import socket
import threading
import webbrowser
from collections.abc import Callable, Iterator
from pathlib import Path

import uvicorn
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from annotate.app import (
    routes_clips,
    routes_coding,
    routes_consensus,
    routes_import,
    routes_keys,
    routes_project,
    routes_sound,
    routes_undo,
)
from annotate.app.blinding import Blinding
from annotate.app.bodies import BadRequestError
from annotate.app.coding import CodingService, NotYoursError, StaleRevisionError
from annotate.app.guard import Guard, is_loopback
from annotate.app.project import NotInProjectError, open_project
from annotate.app.tool import Tool
from annotate.coding.care_index import load_care_index
from annotate.coding.clip_aliases import (
    alias_secret,
    blinding_setting,
    hidden_attributes,
    set_blinding,
)
from annotate.coding.scheme_files import find_scheme
from annotate.errors import AnnotateError, OutputError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
DEFAULT_SCHEME = "care_clip"
_STATUS: tuple[tuple[type[Exception], int], ...] = (
    (NotInProjectError, 404),
    (NotYoursError, 403),
    (StaleRevisionError, 409),
    (AnnotateError, 422),
)


class _Server(uvicorn.Server):
    """uvicorn's server, stopping on Ctrl+C or SIGTERM by returning (uvicorn would raise the
    signal again once stopped, killing the process before the store is closed)."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        stops = (signal.SIGINT, signal.SIGTERM)
        previous = {sig: signal.signal(sig, self.handle_exit) for sig in stops}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)


def _printable(message: str) -> str:
    """The message as text that UTF-8 can carry (a lone surrogate quoted from a request is
    written as its escape)."""
    return message.encode("utf-8", "backslashreplace").decode("utf-8")


def _said(request: Request, message: str) -> str:
    """The message as the coder may read it (blinded: no clip's name or path in it)."""
    tool: Tool = request.app.state.tool
    return tool.blinding.scrub(_printable(message), tool.project.clips, tool.project.root)


def _error(request: Request, exc: Exception) -> Response:
    """One JSON shape for every refusal: {"error": message[, "revision": current]}."""
    if isinstance(exc, BadRequestError):
        return JSONResponse({"error": _said(request, exc.message)}, status_code=exc.status)
    status = next(code for kind, code in _STATUS if isinstance(exc, kind))
    body: dict[str, object] = {"error": _said(request, getattr(exc, "message", str(exc)))}
    if isinstance(exc, StaleRevisionError):
        body["revision"] = exc.current
    return JSONResponse(body, status_code=status)


def create_app(tool: Tool, *, loopback: bool = True) -> Starlette:
    """The ASGI app of a tool: routes, static files, the guard, error answers."""
    app = Starlette(
        routes=[
            *routes_clips.ROUTES,
            *routes_coding.ROUTES,
            *routes_consensus.ROUTES,
            *routes_keys.ROUTES,
            *routes_undo.ROUTES,
            *routes_import.ROUTES,
            *routes_project.ROUTES,
            *routes_sound.ROUTES,
            Mount("/static", StaticFiles(directory=routes_clips.STATIC), name="static"),
        ],
        middleware=[Middleware(Guard, token=tool.token, loopback=loopback)],
        exception_handlers={BadRequestError: _error, AnnotateError: _error},
    )
    app.state.tool = tool
    return app


def open_tool(
    target: Path,
    *,
    coder: str,
    scheme: str = DEFAULT_SCHEME,
    db: Path | None = None,
    token: str | None = None,
    blind: bool | None = None,
) -> Tool:
    """Open a clip or a folder of clips for a coder: project, scheme, CARE-Index, the store
    (with a rotating backup first). `blind` turns blinded coding on or off for the project
    (stored as its setting); None keeps the project's setting.

    Raises:
        AnnotateError: no such clip or folder, unknown scheme, a store that cannot be opened.
    """
    if not coder.strip():
        raise AnnotateError("give the coder's name with --coder")
    project = open_project(target, db)
    chosen = find_scheme(scheme)
    coding = CodingService(project.database, chosen, load_care_index(), coder.strip())
    if blind is not None:
        coding.call(coding.on_store, set_blinding, blind)
    blinding = Blinding()
    if coding.call(coding.on_store, blinding_setting):
        secret = coding.call(coding.on_store, alias_secret)
        blinding = Blinding(True, secret, hidden_attributes(chosen))
    return Tool(project=project, coding=coding, token=token, blinding=blinding)


def token_for(host: str, token: str | None) -> str | None:
    """The token the server requires: the one given, one made up when the host is not the
    loopback (a lab network), else None."""
    if token:
        return token
    return None if is_loopback(host) else secrets.token_urlsafe(18)


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(128)  # listening before the address is said: a browser may come at once
    except OSError as exc:
        sock.close()
        raise OutputError(f"cannot listen on {host}:{port} ({exc}); try another --port") from None
    return sock


def address(host: str, port: int, token: str | None) -> str:
    """The address to open in a browser (with the token, when there is one)."""
    shown = socket.gethostname() if host in ("0.0.0.0", "::") else host
    shown = f"[{shown}]" if ":" in shown else shown
    return f"http://{shown}:{port}/" + (f"?token={token}" if token else "")


def serve(
    tool: Tool,
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    open_browser: bool = True,
    say: Callable[[str], None] = print,
) -> None:
    """Run the tool until interrupted (Ctrl+C), then close the store.

    Raises:
        OutputError: the port cannot be bound.
    """
    try:
        sock = _bind(host, port)
    except OutputError:
        tool.coding.close()
        raise
    url = address(host, sock.getsockname()[1], tool.token)
    app = create_app(tool, loopback=is_loopback(host))
    server = _Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    threading.Thread(target=tool.warm_up, name="annotate-warm-up", daemon=True).start()
    say(url)
    if open_browser:
        threading.Timer(0.3, webbrowser.open, args=(url,)).start()
    try:
        server.run(sockets=[sock])
    finally:
        tool.coding.close()
        sock.close()
