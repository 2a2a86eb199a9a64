"""What a csv.Error means, in words, for the one-line errors of every CSV reader."""

from __future__ import annotations

import csv

from annotate import budgets


def csv_problem(exc: csv.Error) -> str:
    """What a csv.Error means, in words (the field limit named)."""
    if "field larger than field limit" in str(exc):
        return (
            f"a field is longer than {budgets.CSV_FIELD_MAX_CHARS:,} characters, the most a "
            "CSV field may hold (an unclosed quote?)"
        )
    return f"not a readable CSV line ({exc})"
