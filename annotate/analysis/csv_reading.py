"""Reading the analyses' input CSVs (mechanism records, event logs, sync points): one place
that turns the ways a file can fail to read into a one-line InterchangeError naming it."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from annotate.errors import InterchangeError
from annotate.io.csv_errors import csv_problem


@contextmanager
def reading_csv(path: Path) -> Iterator[None]:
    """Wrap the reading of `path`: a missing file, bad encoding, a malformed CSV or another
    OS error becomes an InterchangeError naming the file. Errors raised on purpose inside the
    block (AnnotateError) pass through unchanged."""
    try:
        yield
    except FileNotFoundError:
        raise InterchangeError("file not found", path) from None
    except UnicodeDecodeError as exc:
        raise InterchangeError(f"not a readable UTF-8 CSV file: {exc}", path) from None
    except csv.Error as exc:
        raise InterchangeError(csv_problem(exc), path) from None
    except OSError as exc:
        raise InterchangeError(f"cannot be read: {exc.strerror}", path) from None
