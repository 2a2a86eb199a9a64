"""A terminal progress bar for the CLI (library code reports through hooks, never prints)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from annotate.video import ProgressHook


def _quiet_hook(done: int, total: int) -> None:
    return None


@contextmanager
def frame_bar(description: str, total: int, quiet: bool = False) -> Iterator[ProgressHook]:
    """A bar with frames done / total and time left; yields the hook to pass to the library."""
    if quiet:
        yield _quiet_hook
        return
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("frames"),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        TextColumn("left"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=False) as progress:
        task = progress.add_task(description, total=total or None)

        def hook(done: int, expected: int) -> None:
            if expected and expected != progress.tasks[0].total and done <= expected:
                progress.update(task, total=expected)
            progress.update(task, completed=done)

        yield hook
