"""One error hierarchy for the whole library.

    AnnotateError                 anything the user can fix; the CLI prints `error: message`
     ├── ConfigError              a YAML config that is missing, malformed or out of range
     ├── ModelError               the face model cannot be found, fetched or verified
     ├── VideoError               a video that cannot be opened, decoded or has no frames
     ├── OutputError              an output that exists already (no --force) or cannot be written
     ├── WorkerDiedError          a worker process died (killed, out of memory) before it answered
     ├── SchemeError              a coding scheme that is malformed
     ├── StoreError               the annotation store refuses a change
     ├── InterchangeError         an ELAN / BORIS / CSV file that cannot be read or written
     └── AlignmentError           time bases or events that cannot be aligned

Messages name the file (or argument) first, then what is wrong, then, where there is one, the fix.
"""

from __future__ import annotations

from pathlib import Path


class AnnotateError(Exception):
    """Base class: an error the user can act on, printed without a traceback."""

    def __init__(self, message: str, path: Path | str | None = None) -> None:
        self.path = Path(path) if path is not None else None
        # one line whatever a file held: a value quoted in the message may hold line breaks
        self.message = message.replace("\r", "\\r").replace("\n", "\\n")
        message = self.message
        super().__init__(f"{path}: {message}" if path is not None else message)


class ConfigError(AnnotateError):
    """A configuration file is missing, malformed or holds a value out of range."""


class ModelError(AnnotateError):
    """The face landmarker model cannot be located, fetched or verified."""


class VideoError(AnnotateError):
    """A video cannot be opened or decoded, or holds no frames."""


class SoundError(AnnotateError):
    """A clip's sound track cannot be read (extraction then warns and keeps the video results)."""


class OutputError(AnnotateError):
    """An output cannot be written, or exists and --force was not given."""


class WorkerDiedError(AnnotateError):
    """A worker process (annotate.workers) died, killed or out of memory, before it answered."""


class SchemeError(AnnotateError):
    """A coding scheme is malformed."""


class StoreError(AnnotateError):
    """The annotation store refuses a change or cannot be opened."""


class InterchangeError(AnnotateError):
    """An interchange file (ELAN, BORIS, CSV) cannot be read or written."""


class AlignmentError(AnnotateError):
    """Time bases or events cannot be aligned."""
