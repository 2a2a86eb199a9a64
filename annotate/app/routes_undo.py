"""Undo and redo from the page: the store's history of this coder's changes on the clip
(annotate.coding.clip_undo), so the undo stack survives a reload.

    POST /api/clip/undo?clip=NAME    {revision} -> {revision, annotations, done}
    POST /api/clip/redo?clip=NAME    {revision} -> the same

In a consensus session a take of the consensus view is one undo step (one change of kind
`consensus`), recorded as made by the session's person. Like every write: the revision the page
last saw (409 when stale), an optional Idempotency-Key (sent again, an undo that is stored
already is answered as done, not undone twice); nothing to undo, or a row changed since by
someone else, is refused with 422 and the store's message.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from annotate.app.bodies import read_json
from annotate.app.routes_clips import clip_name, tool_of
from annotate.app.routes_coding import change_key


async def _undo(request: Request, redo: bool) -> Response:
    coding = tool_of(request).coding
    body = await read_json(request)
    revision = body.integer("revision", minimum=0)
    body.done()
    key = change_key(request)
    tool = tool_of(request)
    ref = await coding.run(tool.project.clip_ref, clip_name(request))
    # a consensus session's undo is recorded, like its takes, as made by its person
    who = tool.consensus.by if tool.consensus and tool.consensus.a else None
    saved = await coding.run(coding.undo, ref, revision, redo, key, who or None)
    return JSONResponse({**saved.body, "revision": saved.revision})


async def undo(request: Request) -> Response:
    """Undo this coder's latest change on the clip (with the rest of its key press)."""
    return await _undo(request, redo=False)


async def redo(request: Request) -> Response:
    """Redo this coder's latest undo on the clip."""
    return await _undo(request, redo=True)


ROUTES = [
    Route("/api/clip/undo", undo, methods=["POST"]),
    Route("/api/clip/redo", redo, methods=["POST"]),
]
