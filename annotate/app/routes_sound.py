"""The endpoint of a clip's sound for the page's energy lane (annotate.app.sound_lanes).

    GET  /api/clip/sound?clip=NAME  {"sound": "read", "step_s", "db_min", "count", "levels"}
                                    or {"sound": "none" | "unreadable", "message"}

Each document is made once per clip and kept (a few per tool: the levels of a 90-minute
recording are 20,000 bytes), from audio.parquet once the clip has been extracted.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from annotate.app.features import has_features
from annotate.app.routes_clips import NO_STORE, clip_info, tool_of
from annotate.app.sound_lanes import sound_document
from annotate.app.tool import Tool
from annotate.media.video import ClipInfo

_KEPT = 8
_documents: OrderedDict[tuple[str, bool], dict[str, Any]] = OrderedDict()
_lock = threading.Lock()


def clip_sound(tool: Tool, info: ClipInfo) -> dict[str, Any]:
    """The clip's energy lane document, made once (again once its features exist)."""
    folder = tool.features_folder(info)
    extracted = has_features(folder)
    key = (info.sha256, extracted)
    with _lock:
        known = _documents.get(key)
    if known is None:
        known = sound_document(info.path, folder if extracted else None, info.duration_s)
        with _lock:
            _documents[key] = known
            while len(_documents) > _KEPT:
                _documents.popitem(last=False)
    return known


async def sound(request: Request) -> Response:
    """The clip's sound levels for the energy lane, or why it has none (blinded: a message
    names no clip)."""
    tool = tool_of(request)
    info = await clip_info(request)
    body = await run_in_threadpool(clip_sound, tool, info)
    body = tool.blinding.scrub_json(body, tool.project.clips, tool.project.root)
    return JSONResponse(body, headers=NO_STORE)


ROUTES = [Route("/api/clip/sound", sound, methods=["GET"])]
