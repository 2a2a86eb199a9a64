"""Endpoints for the page and the clips: the session, a clip's facts, its video and features.

    GET  /                          the page
    GET  /api/session               coder, scheme, CARE-Index structure, the project's clips (names
                                    relative to the project; no path of this machine; the folder
                                    is looked at again, so new files show without a restart)
    GET  /api/clip?clip=NAME        a clip's facts and frame times, what it lacks, its coders,
                                    this coder's done mark, its title (blinded: the alias)
    POST /api/clip/prepare?clip=    start making what it lacks (proxy, features)
    GET  /api/clip/status?clip=     progress of those
    GET  /api/clip/video?clip=      the video the page plays (byte ranges for seeking)
    GET  /api/clip/features?clip=   overlays and episode lanes (404 until extracted), with mother
                                    and infant swapped when a coder said so (PUT /api/clip/roles)

A clip is named by `clip=`, its path relative to the project folder (blinded coding: its alias,
annotate.app.blinding); names that are not the project's clips are refused (annotate.app.project).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

import annotate
from annotate.app.blind_view import key_of, mark_of
from annotate.app.blinding import BLINDED_PROJECT
from annotate.app.coding import care_config_json
from annotate.app.features import swap_roles
from annotate.app.project import NotInProjectError
from annotate.app.tool import Tool
from annotate.coding.schemes import Scheme
from annotate.media.video import ClipInfo

STATIC = Path(__file__).resolve().parent / "static"
# Participant video and data are never kept in a cache (and, the guard's
# Cross-Origin-Resource-Policy on every answer, never readable from another origin).
NO_STORE = {"cache-control": "no-store"}


def tool_of(request: Request) -> Tool:
    """The running tool (set on the app by annotate.app.server)."""
    tool: Tool = request.app.state.tool
    return tool


def clip_name(request: Request) -> str:
    """The clip the `clip` query parameter names (blinded: the clip behind the alias).

    Raises:
        NotInProjectError: it is missing (or, blinded, no clip's alias).
    """
    name = request.query_params.get("clip")
    if not name:
        raise NotInProjectError("name a clip of the project with ?clip=NAME")
    tool = tool_of(request)
    return tool.blinding.name_of(name, tool.project.clips)


async def clip_info(request: Request) -> ClipInfo:
    """The named clip's probe (made in a worker thread: hashing a long clip takes a moment)."""
    return await run_in_threadpool(tool_of(request).project.clip_info, clip_name(request))


def scheme_json(scheme: Scheme) -> dict[str, Any]:
    """The scheme as the page needs it: tiers with their codes, keys and colours, and the clip
    attributes (stored as annotations on the 'attributes' tier at time 0)."""
    return {
        "id": scheme.id,
        "name": scheme.name,
        "tiers": [
            {
                "name": t.name,
                "role": t.role,
                "exclusive": t.exclusive,
                "description": t.description,
                "codes": [
                    {
                        "name": c.name,
                        "type": c.type,
                        "key": c.key,
                        "colour": c.colour,
                        "label": c.label or c.name,
                        "modifiers": [
                            {"name": m.name, "values": list(m.values)} for m in c.modifiers
                        ],
                    }
                    for c in t.codes
                ],
            }
            for t in scheme.tiers
        ],
        "attributes": [
            {
                "name": a.name,
                "type": a.type,
                "values": list(a.values),
                "minimum": a.minimum,
                "maximum": a.maximum,
                "label": a.label or a.name.replace("_", " "),
                "description": a.description,
            }
            for a in scheme.attributes
        ],
    }


async def page(request: Request) -> Response:
    """The page itself."""
    return FileResponse(STATIC / "index.html", headers=NO_STORE)


async def session(request: Request) -> Response:
    """Who codes with what scheme, and which clips the project holds."""
    tool = tool_of(request)
    coding = tool.coding
    project = tool.project
    clips = await run_in_threadpool(project.rescan)
    blinding = tool.blinding
    keys = blinding.keys(clips)
    first = project.first_clip
    return JSONResponse(
        {
            "version": annotate.__version__,
            "coder": coding.coder,
            "scheme": blinding.scheme(scheme_json(coding.scheme)),
            "care": care_config_json(coding.care),
            "project": BLINDED_PROJECT if blinding.enabled else project.root.name,
            "clips": [keys[c] for c in blinding.ordered(clips)],
            "open_clip": keys.get(first, first) if first else None,
            "blind": blinding.enabled,
        },
        headers=NO_STORE,
    )


async def clip(request: Request) -> Response:
    """A clip's facts, frame times, the state of its video and features, and its coders."""
    tool = tool_of(request)
    info = await clip_info(request)
    ref = await run_in_threadpool(tool.project.clip_ref, clip_name(request))
    times = await run_in_threadpool(tool.frame_times, info)
    status = await run_in_threadpool(tool.status, info)
    coders = await tool.coding.run(tool.coding.coders, ref)
    roles = await tool.coding.run(tool.coding.roles, ref)
    name = clip_name(request)
    mark = await mark_of(request, name)
    shown = mark.done or not tool.blinding.enabled
    body = {
        "name": key_of(request, name),
        "title": name if shown else key_of(request, name),
        "blinded": not shown,
        "sha256": info.sha256 if shown else "",
        "fps": info.fps,
        "duration_s": info.duration_s,
        "frame_count": len(times),
        "width": info.width,
        "height": info.height,
        "codec": info.codec,
        "frame_times": times,
        "coders": coders,
        "roles": roles,
        "done": mark.done,
        "done_by": mark.coder,
        "done_at": mark.updated,
        **_said(tool, status),
    }
    return JSONResponse(body, headers=NO_STORE)


def _said(tool: Tool, body: dict[str, Any]) -> dict[str, Any]:
    """A body of job states as a blinded coder may read it (no clip's name or path)."""
    result: dict[str, Any] = tool.blinding.scrub_json(body, tool.project.clips, tool.project.root)
    return result


async def prepare(request: Request) -> Response:
    """Start the proxy and the feature extraction the clip lacks; returns their state."""
    tool = tool_of(request)
    info = await clip_info(request)
    state = await run_in_threadpool(tool.prepare, info)
    return JSONResponse(_said(tool, state), status_code=202)


async def status(request: Request) -> Response:
    """The state of the clip's video and features (the page polls it while they are made)."""
    tool = tool_of(request)
    info = await clip_info(request)
    state = await run_in_threadpool(tool.status, info)
    return JSONResponse(_said(tool, state), headers=NO_STORE)


async def video(request: Request) -> Response:
    """The video file the page plays (the clip, or its proxy), with byte ranges."""
    tool = tool_of(request)
    info = await clip_info(request)
    path = await run_in_threadpool(tool.video_file, info)
    if path is None:
        return JSONResponse({"error": "the browser proxy is not made yet"}, status_code=404)
    kind = "video/webm" if path.suffix == ".webm" else "video/mp4"
    return FileResponse(path, media_type=kind, headers=NO_STORE)


async def features(request: Request) -> Response:
    """The clip's features for overlays and lanes, or 404 while they are not extracted."""
    tool = tool_of(request)
    info = await clip_info(request)
    document = await run_in_threadpool(tool.features, info)
    if document is None:
        return JSONResponse({"error": "this clip has no features yet"}, status_code=404)
    ref = await run_in_threadpool(tool.project.clip_ref, clip_name(request))
    roles = await tool.coding.run(tool.coding.roles, ref)
    if roles["swapped"]:
        document = swap_roles(document)
    return JSONResponse(document, headers=NO_STORE)


ROUTES = [
    Route("/", page, methods=["GET"]),
    Route("/api/session", session, methods=["GET"]),
    Route("/api/clip", clip, methods=["GET"]),
    Route("/api/clip/prepare", prepare, methods=["POST"]),
    Route("/api/clip/status", status, methods=["GET"]),
    Route("/api/clip/video", video, methods=["GET"]),
    Route("/api/clip/features", features, methods=["GET"]),
]
