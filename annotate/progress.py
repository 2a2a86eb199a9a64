"""Terminal progress bars for the CLI (library code reports through hooks, never prints)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    TaskID,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from annotate.media.video import ProgressHook


def _quiet_hook(done: int, total: int) -> None:
    return None


def frame_columns(description: str) -> tuple[ProgressColumn, ...]:
    """The columns of every bar: what, the bar, frames done / total, share, elapsed, time left."""
    return (
        TextColumn(description), BarColumn(), MofNCompleteColumn(), TextColumn("frames"),
        TaskProgressColumn(), TimeElapsedColumn(), TextColumn("left"), TimeRemainingColumn(),
    )  # fmt: skip


@contextmanager
def frame_progress(
    description: str, total: int | None = None, quiet: bool = False
) -> Iterator[tuple[Progress, TaskID]]:
    """A frames bar on stderr, and its task; lines printed through `progress.console` stay above
    it. With `quiet`, nothing is shown."""
    console = Console(stderr=True, quiet=quiet)
    with Progress(*frame_columns(description), console=console, disable=quiet) as progress:
        yield progress, progress.add_task(description, total=total or None)


@contextmanager
def frame_bar(description: str, total: int, quiet: bool = False) -> Iterator[ProgressHook]:
    """A bar with frames done / total and time left; yields the hook to pass to the library."""
    if quiet:
        yield _quiet_hook
        return
    with frame_progress(description, total) as (progress, task):

        def hook(done: int, expected: int) -> None:
            if expected and expected != progress.tasks[0].total and done <= expected:
                progress.update(task, total=expected)
            progress.update(task, completed=done)

        yield hook
