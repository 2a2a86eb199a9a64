"""What a request's coder may see of a clip under blinding (annotate.app.blinding): the key the
page knows it by, whether its real name and phase show yet (this coder has marked it done), and
the title to show."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from annotate.app.tool import Tool
from annotate.coding.clip_status import DoneMark, done_mark


def _tool(request: Request) -> Tool:
    tool: Tool = request.app.state.tool
    return tool


def key_of(request: Request, name: str) -> str:
    """The key the page knows the clip by (its alias when blind, else its name)."""
    tool = _tool(request)
    return tool.blinding.keys(tool.project.clips).get(name, name)


async def mark_of(request: Request, name: str) -> DoneMark:
    """This coder's done mark on the clip."""
    tool = _tool(request)
    ref = await run_in_threadpool(tool.project.clip_ref, name)
    coding = tool.coding
    return await coding.run(coding.on_store, done_mark, ref.sha256, coding.coder)


async def sees(request: Request, name: str) -> bool:
    """Whether this coder may see the clip's name and phase: always, unless blind and the coder
    has not marked it done."""
    if not _tool(request).blinding.enabled:
        return True
    return (await mark_of(request, name)).done


async def title_of(request: Request, name: str) -> str:
    """What the page shows as the clip's name: the name, or its alias while it is blinded."""
    return name if await sees(request, name) else key_of(request, name)
