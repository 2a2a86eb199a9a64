"""Endpoints of the consensus view: two coders compared, the agreed version recorded as this
session's coder (annotate.app.consensus).

    GET  /api/consensus?clip=NAME[&a=A&b=B]      both codings, the disagreements (each with what
                                                  the consensus says there now), the agreement
                                                  figure per tier, the three CARE-Index sheets
    POST /api/consensus/take?clip=NAME            {revision, a, b, key, take: "a" | "b"}
    POST /api/consensus/agreed?clip=NAME          {revision, a, b}: copy all that A and B agree on
    PUT  /api/consensus/care/ASPECT?clip=NAME     {revision, a, b, take: "a" | "b"}

Writes name the revision of this session's coder that the page last saw (409 when stale), may
carry an Idempotency-Key (as in annotate.app.routes_coding), and answer {revision, changed}
once the store committed them. They never change A's or B's own annotations: a pair that
includes this session's coder is refused (422).
"""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from annotate.app.blind_view import sees
from annotate.app.bodies import BadRequestError, Body, read_json
from annotate.app.consensus import ConsensusService, ConsensusSetup
from annotate.app.routes_clips import NO_STORE, clip_name, tool_of
from annotate.app.routes_coding import change_key
from annotate.coding.clips import ClipRef
from annotate.coding.consensus import TAKE_A, TAKE_B, Disagreement
from annotate.coding.schemes import ATTRIBUTES_TIER


def _service(request: Request) -> ConsensusService:
    tool = tool_of(request)
    return ConsensusService(tool.coding, tool.consensus or ConsensusSetup())


async def _ref(request: Request) -> ClipRef:
    return await run_in_threadpool(tool_of(request).project.clip_ref, clip_name(request))


def _name(text: str | None, what: str) -> str | None:
    if text is not None and (not text or len(text) > 200):
        raise BadRequestError(f"'{what}' must be a coder's name of at most 200 characters")
    return text


def _pair(body: Body) -> tuple[str, str]:
    a = body.text("a", required=True, max_length=200) or ""
    b = body.text("b", required=True, max_length=200) or ""
    return a, b


def _side(body: Body) -> str:
    side = body.text("take", required=True, max_length=10) or ""
    if side not in (TAKE_A, TAKE_B):
        raise BadRequestError(f"'take' must be '{TAKE_A}' or '{TAKE_B}', got {side!r}")
    return side


async def view(request: Request) -> Response:
    """The consensus view of two coders on the clip."""
    service = _service(request)
    a = _name(request.query_params.get("a"), "a")
    b = _name(request.query_params.get("b"), "b")
    ref = await _ref(request)
    body = await service.coding.run(service.view, ref, a, b)
    if not await sees(request, clip_name(request)):
        body = _blinded(request, body)
    return JSONResponse(body, headers=NO_STORE)


def _blinded(request: Request, body: dict[str, Any]) -> dict[str, Any]:
    """The view as a blinded coder may read it: no hidden phase attribute in either coder's
    annotations or in the disagreements, no clip's name or path."""
    tool = tool_of(request)
    blinding = tool.blinding
    if "annotations" in body:
        body["annotations"] = {
            side: [x for x in rows if not blinding.hides(x)]
            for side, rows in body["annotations"].items()
        }
        body["disagreements"] = [d for d in body["disagreements"] if d["tier"] != ATTRIBUTES_TIER]
    scrubbed: dict[str, Any] = blinding.scrub_json(body, tool.project.clips, tool.project.root)
    return scrubbed


async def take(request: Request) -> Response:
    """Record A's or B's version of one disagreement as the consensus."""
    service = _service(request)
    body = await read_json(request)
    revision = body.integer("revision", minimum=0)
    pair = _pair(body)
    key = body.text("key", required=True, max_length=1000) or ""
    side = _side(body)
    body.done()
    try:
        Disagreement.from_key(key)
    except ValueError as exc:
        raise BadRequestError(str(exc)) from None
    cause = change_key(request)
    ref = await _ref(request)
    answer = await service.coding.run(service.take, ref, revision, pair, key, side, cause)
    return JSONResponse(answer)


async def agreed(request: Request) -> Response:
    """Copy everything A and B agree on into the consensus."""
    service = _service(request)
    body = await read_json(request)
    revision = body.integer("revision", minimum=0)
    pair = _pair(body)
    body.done()
    cause = change_key(request)
    ref = await _ref(request)
    return JSONResponse(await service.coding.run(service.agreed, ref, revision, pair, cause))


async def care(request: Request) -> Response:
    """Record A's or B's points and note of one CARE-Index aspect as the consensus sheet's."""
    service = _service(request)
    aspect = str(request.path_params["aspect"])
    body = await read_json(request)
    revision = body.integer("revision", minimum=0)
    pair = _pair(body)
    side = _side(body)
    body.done()
    cause = change_key(request)
    ref = await _ref(request)
    answer = await service.coding.run(service.care, ref, revision, pair, aspect, side, cause)
    return JSONResponse(answer)


ROUTES = [
    Route("/api/consensus", view, methods=["GET"]),
    Route("/api/consensus/take", take, methods=["POST"]),
    Route("/api/consensus/agreed", agreed, methods=["POST"]),
    Route("/api/consensus/care/{aspect}", care, methods=["PUT"]),
]
