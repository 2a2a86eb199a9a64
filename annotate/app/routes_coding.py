"""Endpoints that read and change the coding of a clip (this session's coder only).

    GET    /api/clip/annotations?clip=NAME[&coder=OTHER]   annotations and the revision
    POST   /api/clip/annotations?clip=NAME                 {revision, tier, code, start_s[, end_s,
                                                            value, note, open]} -> 201
    PATCH  /api/clip/annotations/ID?clip=NAME              {revision, start_s?, end_s?, code?,
                                                            value?, note?, open?}

`open: true` marks a state started and not ended yet (its end is its start until it is ended
with `open: false`); a closed state of zero length is not open.
    DELETE /api/clip/annotations/ID?clip=NAME&revision=N
    GET    /api/clip/care?clip=NAME                        the coder's CARE-Index sheet
    PUT    /api/clip/care/ASPECT?clip=NAME                 {revision, points, note?}
    GET    /api/clip/export?clip=NAME&format=eaf|csv       this coder's annotations as a file
                                                            (refused, 422, while a state is open)
    PUT    /api/clip/roles?clip=NAME                       {revision, swapped}: mother and infant
                                                            swapped for the clip (this coder's word)

Every write names the revision the page last saw and answers with the new one; a stale revision
is refused with 409 (annotate.app.coding). The answer comes only after the store has committed
the change, which is what lets the page show it as saved. A write may carry an
`Idempotency-Key: KEY` header (16-100 letters, digits, '-' or '_'; the page makes one per change):
sent again with the same key, a change that is stored already is answered as done, not stored
twice nor refused as stale.
"""

from __future__ import annotations

import re

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from annotate.app.blind_view import sees
from annotate.app.bodies import MAX_ID, BadRequestError, points_of, read_json
from annotate.app.coding import EDITABLE, Saved
from annotate.app.routes_clips import NO_STORE, clip_name, tool_of
from annotate.coding.clips import ClipRef

CHANGE_KEY_HEADER = "idempotency-key"
_CHANGE_KEY = re.compile(r"[A-Za-z0-9_-]{16,100}")


def change_key(request: Request) -> str | None:
    """The change's key from the `Idempotency-Key` header, or None when there is none.

    Raises:
        BadRequestError: the key is not 16-100 letters, digits, '-' or '_'.
    """
    key = request.headers.get(CHANGE_KEY_HEADER)
    if key is None:
        return None
    if not _CHANGE_KEY.fullmatch(key):
        raise BadRequestError(
            f"the {CHANGE_KEY_HEADER} header must be 16-100 letters, digits, '-' or '_', "
            f"got {key[:40]!r}"
        )
    return key


async def _ref(request: Request) -> ClipRef:
    return await run_in_threadpool(tool_of(request).project.clip_ref, clip_name(request))


def _saved(saved: Saved, status: int = 200) -> Response:
    return JSONResponse({"revision": saved.revision, **saved.body}, status_code=status)


def _coder(request: Request) -> str | None:
    coder = request.query_params.get("coder")
    if coder is not None and (not coder or len(coder) > 200):
        raise BadRequestError("'coder' must be a name of at most 200 characters")
    return coder


async def list_annotations(request: Request) -> Response:
    """A coder's annotations on the clip (default: this session's), with the revision."""
    coding = tool_of(request).coding
    ref = await _ref(request)
    body = await coding.run(coding.annotations, ref, _coder(request))
    blinding = tool_of(request).blinding
    if blinding.enabled and not await sees(request, clip_name(request)):
        body["annotations"] = [a for a in body["annotations"] if not blinding.hides(a)]
    return JSONResponse(body, headers=NO_STORE)


async def add_annotation(request: Request) -> Response:
    """Store a new annotation of this coder."""
    coding = tool_of(request).coding
    body = await read_json(request)
    revision = body.integer("revision", minimum=0)
    fields = {
        "tier": body.text("tier", required=True, max_length=200),
        "code": body.text("code", required=True, max_length=200),
        "start_s": body.number("start_s"),
        "end_s": body.number("end_s", required=False),
        "value": body.text("value") or "",
        "note": body.text("note") or "",
        "open": bool(body.flag("open")),
    }
    body.done()
    if fields["end_s"] is None:
        fields["end_s"] = fields["start_s"]
    blinding = tool_of(request).blinding
    if blinding.hides(fields) and not await sees(request, clip_name(request)):
        raise BadRequestError(f"{fields['code']} is hidden while this clip is coded blind", 403)
    key = change_key(request)
    ref = await _ref(request)
    return _saved(await coding.run(coding.add, ref, revision, fields, key), 201)


def _annotation_id(request: Request) -> int:
    """The annotation's id from the address.

    Raises:
        BadRequestError: not a whole number up to the store's largest id (404: there is no such
            annotation).
    """
    text = str(request.path_params["annotation_id"])
    if not (text.isascii() and text.isdigit()) or len(text) > 19 or int(text) > MAX_ID:
        raise BadRequestError(f"no annotation with id {text[:30]!r}", 404)
    return int(text)


async def update_annotation(request: Request) -> Response:
    """Change times, code, modifiers or note of one of this coder's annotations."""
    coding = tool_of(request).coding
    annotation_id = _annotation_id(request)
    body = await read_json(request)
    revision = body.integer("revision", minimum=0)
    changes: dict[str, object] = {}
    for name in ("start_s", "end_s"):
        if body.has(name):
            changes[name] = body.number(name)
    if body.has("code"):
        changes["code"] = body.text("code", required=True, max_length=200)
    for name in ("value", "note"):
        if body.has(name):
            changes[name] = body.text(name)
    if body.has("open"):
        changes["open"] = body.flag("open")
    body.done()
    if not changes:
        raise BadRequestError(f"nothing to change (fields: {', '.join(EDITABLE)})")
    key = change_key(request)
    ref = await _ref(request)
    saved = await coding.run(coding.update, ref, revision, annotation_id, changes, key)
    return _saved(saved)


async def delete_annotation(request: Request) -> Response:
    """Delete one of this coder's annotations (the store's history keeps it)."""
    coding = tool_of(request).coding
    annotation_id = _annotation_id(request)
    text = request.query_params.get("revision", "")
    if not (text.isascii() and text.isdigit()) or len(text) > 19 or int(text) > MAX_ID:
        raise BadRequestError(f"give the revision as ?revision=N, got {text[:20]!r}")
    key = change_key(request)
    ref = await _ref(request)
    saved = await coding.run(coding.delete, ref, int(text), annotation_id, key)
    return _saved(saved)


async def care_sheet(request: Request) -> Response:
    """This coder's CARE-Index sheet of the clip, with totals and the synchrony score."""
    coding = tool_of(request).coding
    ref = await _ref(request)
    return JSONResponse(await coding.run(coding.sheet, ref), headers=NO_STORE)


async def set_care_aspect(request: Request) -> Response:
    """Store one aspect of the sheet (each partner's points must add up)."""
    coding = tool_of(request).coding
    aspect = str(request.path_params["aspect"])
    body = await read_json(request)
    revision = body.integer("revision", minimum=0)
    points = points_of(body.mapping("points"), dict(coding.care.partners))
    note = body.text("note") or ""
    body.done()
    key = change_key(request)
    ref = await _ref(request)
    saved = await coding.run(coding.set_care, ref, revision, aspect, points, note, key)
    return _saved(saved)


async def export(request: Request) -> Response:
    """This coder's annotations of the clip as a file to save (ELAN .eaf or CSV)."""
    coding = tool_of(request).coding
    fmt = request.query_params.get("format", "eaf")
    if not await sees(request, clip_name(request)):
        raise BadRequestError(
            "not exported: coded blind, and an export names the clip; mark it done first", 403
        )
    ref = await _ref(request)
    data, name = await coding.run(coding.export, ref, fmt)
    kind = "text/csv" if name.endswith(".csv") else "application/xml"
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", name)[-150:]
    headers = {**NO_STORE, "content-disposition": f'attachment; filename="{safe}"'}
    return Response(data, media_type=kind, headers=headers)


async def set_roles(request: Request) -> Response:
    """Swap (or swap back) the clip's mother and infant, recorded as this coder's word."""
    coding = tool_of(request).coding
    body = await read_json(request)
    revision = body.integer("revision", minimum=0)
    swapped = body.flag("swapped")
    body.done()
    if swapped is None:
        raise BadRequestError("'swapped' (true or false) is required")
    key = change_key(request)
    ref = await _ref(request)
    return _saved(await coding.run(coding.set_roles, ref, revision, swapped, key))


ROUTES = [
    Route("/api/clip/annotations", list_annotations, methods=["GET"]),
    Route("/api/clip/annotations", add_annotation, methods=["POST"]),
    Route("/api/clip/annotations/{annotation_id}", update_annotation, methods=["PATCH"]),
    Route("/api/clip/annotations/{annotation_id}", delete_annotation, methods=["DELETE"]),
    Route("/api/clip/care", care_sheet, methods=["GET"]),
    Route("/api/clip/care/{aspect}", set_care_aspect, methods=["PUT"]),
    Route("/api/clip/roles", set_roles, methods=["PUT"]),
    Route("/api/clip/export", export, methods=["GET"]),
]
