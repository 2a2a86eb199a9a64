"""Writing a reliability comparison: one long CSV table and a readable Markdown report.

CSV columns: section (tier_kappa, confusion, events, care, care_summary), clip, tier, code,
label_a, label_b (confusion cells), partner, pattern (CARE-Index), measure, value. One row per
number keeps the table easy to filter in R or pandas; NaN (undefined) is an empty value.
"""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

from annotate.coding.reliability_report import Reliability
from annotate.io.atomic import check_output, write_bytes

CSV_COLUMNS = (
    "section",
    "clip",
    "tier",
    "code",
    "label_a",
    "label_b",
    "partner",
    "pattern",
    "measure",
    "value",
)


def _number(value: float) -> str:
    return "" if math.isnan(value) else repr(round(value, 6))


def table_rows(report: Reliability) -> list[dict[str, str]]:
    """The report as long-table rows (columns CSV_COLUMNS)."""
    rows: list[dict[str, str]] = []

    def add(section: str, measure: str, value: float, **keys: str) -> None:
        rows.append(
            {c: "" for c in CSV_COLUMNS}
            | keys
            | {"section": section, "measure": measure, "value": _number(value)}
        )

    for k in report.kappas:
        for measure, value in (
            ("kappa", k.result.kappa),
            ("agreement", k.result.agreement),
            ("bins", k.result.n),
            ("bin_s", k.bin_s),
        ):
            add("tier_kappa", measure, value, clip=k.clip, tier=k.tier)
        for (la, lb), count in sorted(k.result.confusion.items()):
            add("confusion", "bins", count, clip=k.clip, tier=k.tier, label_a=la, label_b=lb)
    for e in report.events:
        r = e.result
        for measure, value in (
            ("points_a", r.n_a),
            ("points_b", r.n_b),
            ("matched", r.matched),
            ("precision", r.precision),
            ("recall", r.recall),
            ("f1", r.f1),
            ("tolerance_s", r.tolerance_s),
        ):
            add("events", measure, value, clip=e.clip, tier=e.tier, code=e.code)
    for c in report.care:
        for measure, value in (
            ("total_a", c.total_a),
            ("total_b", c.total_b),
            ("abs_difference", c.difference),
        ):
            add("care", measure, value, clip=c.clip, partner=c.partner, pattern=c.pattern)
    if report.care_sheets:
        add("care_summary", "clips", report.care_sheets)
        add(
            "care_summary", f"share_within_{report.care_within_points:g}_points", report.care_within
        )
        for key, value in report.care_icc.items():
            partner, pattern = key.split(".")
            add("care_summary", "icc_2_1", value, partner=partner, pattern=pattern)
    return rows


def _cell(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{value:.2f}"


def markdown(report: Reliability) -> str:
    """The report as readable Markdown."""
    lines = [
        f"# Reliability: {report.coder_a} (A) and {report.coder_b} (B)",
        "",
        f"Clips: {', '.join(report.clips)}",
        "",
    ]
    if report.kappas:
        lines += [
            "## States: Cohen's kappa on time bins",
            "",
            "| clip | tier | bins | agreement | kappa |",
            "|---|---|---|---|---|",
        ]
        lines += [
            f"| {k.clip} | {k.tier} | {k.result.n} x {k.bin_s:.4g} s | "
            f"{k.result.agreement:.1%} | {_cell(k.result.kappa)} |"
            for k in report.kappas
        ]
        for k in report.kappas:
            labels = k.result.labels
            lines += [
                "",
                f"Confusion, {k.clip} / {k.tier} (rows A, columns B):",
                "",
                "| A \\ B | " + " | ".join(labels) + " |",
                "|---" * (len(labels) + 1) + "|",
            ]
            lines += [
                f"| {la} | "
                + " | ".join(str(k.result.confusion.get((la, lb), 0)) for lb in labels)
                + " |"
                for la in labels
            ]
        lines.append("")
    if report.events:
        lines += [
            "## Points: matched within the tolerance (A is the reference)",
            "",
            "| clip | tier | code | A | B | matched | precision | recall | F1 |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        lines += [
            f"| {e.clip} | {e.tier} | {e.code} | {e.result.n_a} | {e.result.n_b} | "
            f"{e.result.matched} | {_cell(e.result.precision)} | {_cell(e.result.recall)} | "
            f"{_cell(e.result.f1)} |"
            for e in report.events
        ]
        lines.append("")
    if report.care:
        lines += [
            "## CARE-Index",
            "",
            "| clip | partner | pattern | A | B | difference |",
            "|---|---|---|---|---|---|",
        ]
        lines += [
            f"| {c.clip} | {c.partner} | {c.pattern} | {c.total_a:g} | {c.total_b:g} | "
            f"{c.difference:g} |"
            for c in report.care
        ]
        lines += [
            "",
            f"Sheets within {report.care_within_points:g} points on the synchrony score: "
            f"{_cell(report.care_within * 100)}% of {report.care_sheets} clip(s).",
            "",
        ]
        if report.care_icc:
            lines += ["| total | ICC(2,1) |", "|---|---|"] + [
                f"| {k} | {_cell(v)} |" for k, v in report.care_icc.items()
            ]
            lines.append("")
    if report.notes:
        lines += ["## Notes", ""] + [f"- {n}" for n in report.notes] + [""]
    return "\n".join(lines)


def write_reliability(
    report: Reliability, out: Path | str, *, force: bool = False
) -> tuple[Path, Path]:
    """Write the CSV table to `out` and the Markdown report beside it (same name, .md).

    Raises:
        OutputError: either file exists (without force) or cannot be written.
    """
    out = Path(out)
    text_path = out.with_suffix(".md")
    check_output(out, force)
    check_output(text_path, force)
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(table_rows(report))
    write_bytes(out, buffer.getvalue().encode("utf-8"), force=force)
    write_bytes(text_path, markdown(report), force=force)
    return out, text_path
