"""The coder's own keys (annotate.app.keymaps), saved on the server so they follow the coder.

GET    /api/keys      {"codes": {TIER/CODE: key}, "controls": {ACTION: chord}}: what this
                      session's coder changed (empty: the scheme's and the tool's keys)
PUT    /api/keys      the same shape: stored whole (a key given twice is refused, 422)
DELETE /api/keys      back to the scheme's and the tool's keys
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from annotate.app.bodies import read_json
from annotate.app.keymaps import load_keymap, reset_keymap, save_keymap
from annotate.app.routes_clips import NO_STORE, tool_of


async def get_keys(request: Request) -> Response:
    """This coder's keys."""
    tool = tool_of(request)
    keys = await run_in_threadpool(load_keymap, tool.project.database, tool.coding.coder)
    return JSONResponse(keys, headers=NO_STORE)


async def put_keys(request: Request) -> Response:
    """Store this coder's keys (checked: shapes, and no key given twice)."""
    tool = tool_of(request)
    body = await read_json(request)
    data = {name: body.mapping(name) for name in ("codes", "controls")}
    body.done()
    saved = await run_in_threadpool(save_keymap, tool.project.database, tool.coding.coder, data)
    return JSONResponse(saved, headers=NO_STORE)


async def delete_keys(request: Request) -> Response:
    """Forget this coder's keys."""
    tool = tool_of(request)
    await run_in_threadpool(reset_keymap, tool.project.database, tool.coding.coder)
    return JSONResponse({"codes": {}, "controls": {}}, headers=NO_STORE)


ROUTES = [
    Route("/api/keys", get_keys, methods=["GET"]),
    Route("/api/keys", put_keys, methods=["PUT"]),
    Route("/api/keys", delete_keys, methods=["DELETE"]),
]
