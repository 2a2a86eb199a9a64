"""Importing an annotation file from the page, with the library's own import.

    POST /api/clip/import?clip=NAME&name=FILE[&coder=OTHER][&observation=OBS][&preview=1]
         body: the file's bytes (at most annotate.budgets.UPLOAD_MAX_BYTES, else 413)

With `preview=1` nothing is stored: the answer says how many annotations of which tiers and
codes would be, under which scheme, and which observations the file holds (a BORIS project or an
RTTM file of several recordings: choose one with `observation=`). Without it the file is imported
for the coder (this session's, or `coder=`) on the clip, all of it or none (201); a file that
cannot be read or stored is refused with 422 and one line naming it.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from annotate.app.bodies import BadRequestError, read_bytes
from annotate.app.routes_clips import NO_STORE, clip_name, tool_of
from annotate.app.uploads import upload_name
from annotate.budgets import UPLOAD_MAX_BYTES


def _optional(request: Request, name: str) -> str | None:
    value = request.query_params.get(name)
    if value is not None and (not value.strip() or len(value) > 200 or "\x00" in value):
        raise BadRequestError(f"'{name}' must be a name of at most 200 characters")
    return value.strip() if value is not None else None


async def import_file(request: Request) -> Response:
    """Preview or import an uploaded annotation file (see the module's docstring)."""
    tool = tool_of(request)
    coding = tool.coding
    name = upload_name(request.query_params.get("name", ""))
    coder, part = _optional(request, "coder"), _optional(request, "observation")
    preview = request.query_params.get("preview") == "1"
    data = await read_bytes(request, UPLOAD_MAX_BYTES)
    if not data:
        raise BadRequestError(f"{name}: the file is empty")
    ref = await coding.run(tool.project.clip_ref, clip_name(request))
    folder = tool.project.cache / "uploads"
    answer = await coding.run(coding.import_upload, ref, folder, data, name, coder, part, preview)
    return JSONResponse(answer, status_code=200 if preview else 201, headers=NO_STORE)


ROUTES = [Route("/api/clip/import", import_file, methods=["POST"])]
