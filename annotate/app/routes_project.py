"""Endpoints of the project view: every clip's status per coder, the next clip, the done mark.

    GET /api/project[?after=KEY]   the clips (the folder looked at again: new files show without a
                                   restart), each with its key, what to show as its name, this
                                   coder's status and progress and every coder's status; `next`:
                                   the first clip (after KEY, going round) this coder has not done
    PUT /api/clip/done?clip=KEY    {done: true|false}: this coder marks the clip done or reopens
                                   it (refused, 422, while one of the coder's states is open)

Statuses and progress come from annotate.coding.clip_status; under blinding a clip shows by its
alias until this coder has marked it done (annotate.app.blinding).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from annotate.app.bodies import BadRequestError, read_json
from annotate.app.routes_clips import NO_STORE, clip_name, tool_of
from annotate.app.tool import Tool
from annotate.coding.care_index import CareIndexConfig
from annotate.coding.clip_status import (
    DONE,
    CoderProgress,
    clip_progress,
    coder_progress,
    next_clip,
    set_done,
)
from annotate.coding.clips import ClipRef
from annotate.coding.store import AnnotationStore
from annotate.errors import AnnotateError


@dataclass(frozen=True)
class _Clip:
    name: str
    key: str
    ref: ClipRef | None
    problem: str = ""


def progress_json(progress: CoderProgress) -> dict[str, Any]:
    """A coder's status and progress on a clip as the page reads it."""
    return {
        "coder": progress.coder,
        "status": progress.status,
        "annotations": progress.annotations,
        "tiers": dict(progress.tiers),
        "care_filled": progress.care_filled,
        "care_total": progress.care_total,
        "covered": None if progress.covered is None else round(progress.covered, 4),
        "open_states": progress.open_states,
        "done_at": progress.done_at,
    }


def _probe(tool: Tool, names: tuple[str, ...]) -> list[_Clip]:
    """Every clip with its store reference (hashed once per version of the file), or why not."""
    keys = tool.blinding.keys(names)
    found = []
    for name in tool.blinding.ordered(names):
        try:
            found.append(_Clip(name, keys[name], tool.project.clip_ref(name)))
        except AnnotateError as exc:
            problem = tool.blinding.scrub(str(exc), names, tool.project.root)
            found.append(_Clip(name, keys[name], None, problem))
    return found


def _last_change(store: AnnotationStore) -> int:
    """The store's latest batch (any process's): the rows are made again only after it moves."""
    return int(store.conn.execute("SELECT COALESCE(MAX(id), 0) FROM batches").fetchone()[0])


def _rows(
    store: AnnotationStore, clips: list[_Clip], care: CareIndexConfig, coder: str, blind: bool
) -> tuple[int, list[dict[str, Any]]]:
    return _last_change(store), _make_rows(store, clips, care, coder, blind)


def _make_rows(
    store: AnnotationStore, clips: list[_Clip], care: CareIndexConfig, coder: str, blind: bool
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for clip in clips:
        if clip.ref is None:
            rows.append(
                {
                    "key": clip.key,
                    "label": clip.key,
                    "problem": clip.problem,
                    "status": "unreadable",
                }
            )
            continue
        everyone = clip_progress(store, clip.ref, care)
        mine = next((p for p in everyone if p.coder == coder), None)
        mine = mine or coder_progress(store, clip.ref, coder, care)
        shown = not blind or mine.status == DONE
        rows.append(
            {
                "key": clip.key,
                "label": clip.name if shown else clip.key,
                "status": mine.status,
                "mine": progress_json(mine),
                "coders": [progress_json(p) for p in everyone],
            }
        )
    return rows


async def project_view(request: Request) -> Response:
    """Every clip of the project with its status per coder and this coder's next clip."""
    tool = tool_of(request)
    coding = tool.coding
    names = await run_in_threadpool(tool.project.rescan)
    clips = await run_in_threadpool(_probe, tool, names)
    blind = tool.blinding.enabled
    # the page asks every few seconds: the same clips and no change in the store, the same rows
    key = tuple((c.key, c.ref.sha256 if c.ref else c.problem) for c in clips)
    kept: tuple[Any, int, list[dict[str, Any]]] | None = getattr(request.app.state, "rows", None)
    last = await coding.run(coding.on_store, _last_change)
    if kept is not None and kept[0] == key and kept[1] == last:
        rows = kept[2]
    else:
        last, rows = await coding.run(
            coding.on_store, _rows, clips, coding.care, coding.coder, blind
        )
        request.app.state.rows = (key, last, rows)
    status = {row["key"]: row["status"] for row in rows if row["status"] != "unreadable"}
    keys = [row["key"] for row in rows if row["status"] != "unreadable"]
    after = request.query_params.get("after")
    body = {
        "coder": coding.coder,
        "blind": blind,
        "clips": rows,
        "next": next_clip(keys, status, after=after if after in status else None),
    }
    return JSONResponse(body, headers=NO_STORE)


async def mark_done(request: Request) -> Response:
    """This coder marks the clip done (or reopens it)."""
    tool = tool_of(request)
    coding = tool.coding
    body = await read_json(request)
    done = body.flag("done")
    body.done()
    if done is None:
        raise BadRequestError("'done' (true or false) is required")
    name = clip_name(request)
    ref = await run_in_threadpool(tool.project.clip_ref, name)
    mark = await coding.run(
        coding.on_store, lambda store: set_done(store, ref, done, coder=coding.coder)
    )
    key = tool.blinding.keys(tool.project.clips).get(name, name)
    shown = mark.done or not tool.blinding.enabled
    answer = {
        "key": key,
        "done": mark.done,
        "by": mark.coder,
        "at": mark.updated,
        "title": name if shown else key,
    }
    return JSONResponse(answer, headers=NO_STORE)


ROUTES = [
    Route("/api/project", project_view, methods=["GET"]),
    Route("/api/clip/done", mark_done, methods=["PUT"]),
]
