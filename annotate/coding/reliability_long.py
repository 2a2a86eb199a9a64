"""Writing agreement figures: the long CSV, a Markdown report, and its plots.

`rel.csv` has the columns `clip, tier, code, measure, value, ci_low, ci_high` (one figure per
row; empty where undefined); `rel.md` beside it reads the same figures, with three plots beside
it: `rel_agreement.png` (percent agreement and kappa per clip and tier), `rel_bland_altman.png`
(per clip and code: B - A seconds against their mean, with the bias and 95% limits) and
`rel_confusion.png` (the pooled confusion of each tier, rows A, columns B). Every file is
written through a temporary name; an existing output is refused unless `force`.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only; never a window
import matplotlib.pyplot as plt
import numpy as np

from annotate.coding.reliability_frames import TierFigures
from annotate.coding.reliability_pooled import ALL, AgreementRow
from annotate.io.atomic import check_output, write_bytes, write_with

LONG_COLUMNS = ("clip", "tier", "code", "measure", "value", "ci_low", "ci_high")
PLOTS = ("agreement", "bland_altman", "confusion")


def _number(value: float) -> str:
    return "" if math.isnan(value) else repr(round(value, 6))


def csv_text(rows: Sequence[AgreementRow]) -> str:
    """The long table as CSV text."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(LONG_COLUMNS)
    for r in rows:
        writer.writerow(
            [
                r.clip,
                r.tier,
                r.code,
                r.measure,
                _number(r.value),
                _number(r.ci_low),
                _number(r.ci_high),
            ]
        )
    return buffer.getvalue()


def _cell(row: AgreementRow | None, percent: bool = False) -> str:
    if row is None or math.isnan(row.value):
        return "n/a"
    shown = f"{row.value:.1%}" if percent else f"{row.value:.2f}"
    if not math.isnan(row.ci_low):
        low, high = (
            (f"{row.ci_low:.1%}", f"{row.ci_high:.1%}")
            if percent
            else (f"{row.ci_low:.2f}", f"{row.ci_high:.2f}")
        )
        shown += f" [{low}, {high}]"
    return shown


def markdown(
    rows: Sequence[AgreementRow],
    *,
    title: str,
    notes: Sequence[str] = (),
    plots: Sequence[str] = (),
    unknown_note: str = "",
) -> str:
    """The figures as a readable report."""
    find = {(r.clip, r.tier, r.code, r.measure): r for r in rows}
    clips = list(dict.fromkeys(r.clip for r in rows if r.clip != ALL and r.tier != "scale"))
    tiers = list(dict.fromkeys(r.tier for r in rows if r.tier != "scale"))
    lines = [f"# {title}", ""]
    lines += [
        "Figures: percent agreement and Cohen's kappa over frames (A is the reference); "
        "sensitivity / specificity per code over frames; precision / recall / F1 of onsets "
        "matched within the tolerance; bias = B - A seconds. Intervals: 95% bootstrap by dyad "
        "(pooled rows only). A validation must split by dyad: never train or tune on frames "
        "of a dyad you then test on.",
        "",
    ]
    if unknown_note:
        lines += [unknown_note, ""]
    for tier in tiers:
        lines += [
            f"## Tier {tier}",
            "",
            "| clip | frames | agreement | kappa | unknown s |",
            "|---|---|---|---|---|",
        ]
        for clip in [*clips, ALL]:
            if (clip, tier, "", "frames") not in find:
                continue
            lines.append(
                f"| {clip} | {find[(clip, tier, '', 'frames')].value:.0f} | "
                f"{_cell(find.get((clip, tier, '', 'agreement')), True)} | "
                f"{_cell(find.get((clip, tier, '', 'kappa')))} | "
                f"{find[(clip, tier, '', 'unknown_s')].value:.1f} |"
            )
        codes = sorted({r.code for r in rows if r.tier == tier and r.clip == ALL and r.code})
        if codes:
            lines += [
                "",
                "| code (all clips) | sensitivity | specificity | precision | recall | F1 | "
                "bias s | limits s |",
                "|---|---|---|---|---|---|---|---|",
            ]
            for code in codes:

                def get(measure: str, code: str = code, tier: str = tier) -> AgreementRow | None:
                    return find.get((ALL, tier, code, measure))

                low, high = get("loa_low_s"), get("loa_high_s")
                limits = f"{low.value:.2f} to {high.value:.2f}" if low and high else "n/a"
                lines.append(
                    f"| {code} | {_cell(get('sensitivity'))} | {_cell(get('specificity'))} | "
                    f"{_cell(get('precision'))} | {_cell(get('recall'))} | {_cell(get('f1'))} | "
                    f"{_cell(get('bias_s'))} | {limits} |"
                )
        lines.append("")
    scales = [r for r in rows if r.tier == "scale" and r.clip == ALL]
    if scales:
        lines += ["## Scales", "", "| scale | measure | value |", "|---|---|---|"]
        lines += [f"| {r.code} | {r.measure} | {_cell(r)} |" for r in scales]
        lines.append("")
    if plots:
        lines += ["## Plots", ""] + [f"![{p}]({p})" for p in plots] + [""]
    if notes:
        lines += ["## Notes", ""] + [f"- {n}" for n in notes] + [""]
    return "\n".join(lines)


def _save(figure: plt.Figure, path: Path, force: bool) -> Path:
    def writer(temporary: Path) -> None:
        figure.savefig(temporary, format="png", dpi=100)

    try:
        return write_with(path, writer, force=force)
    finally:
        plt.close(figure)


def plot_agreement(rows: Sequence[AgreementRow], path: Path, force: bool) -> Path:
    """Percent agreement and kappa per clip and tier."""
    own = [
        r
        for r in rows
        if r.code == "" and r.measure in ("agreement", "kappa") and not math.isnan(r.value)
    ]
    labels = list(dict.fromkeys(f"{r.clip} / {r.tier}" for r in own))
    figure, axis = plt.subplots(figsize=(8, max(2.5, 0.3 * len(labels) + 1)))
    for offset, measure in ((-0.2, "agreement"), (0.2, "kappa")):
        values = {f"{r.clip} / {r.tier}": r.value for r in own if r.measure == measure}
        axis.barh(
            np.arange(len(labels)) + offset,
            [values.get(label, np.nan) for label in labels],
            height=0.4,
            label=measure,
        )
    axis.set_yticks(np.arange(len(labels)), labels, fontsize=7)
    axis.set_xlim(min([0.0, *(r.value for r in own)]), 1.0)
    axis.set_xlabel("agreement (share of frames) and Cohen's kappa")
    axis.legend(loc="lower right")
    figure.tight_layout()
    return _save(figure, path, force)


def plot_bland_altman(figures: Sequence[TierFigures], path: Path, force: bool) -> Path:
    """B - A seconds against the mean of A and B, per clip and code, with bias and limits."""
    means, differences = [], []
    for f in figures:
        for c in f.codes:
            means.append((c.seconds_a + c.seconds_b) / 2)
            differences.append(c.seconds_b - c.seconds_a)
    figure, axis = plt.subplots(figsize=(6, 4))
    axis.scatter(means, differences, s=12)
    if len(differences) >= 2:
        bias, sd = float(np.mean(differences)), float(np.std(differences, ddof=1))
        for level, style in ((bias, "-"), (bias - 1.96 * sd, "--"), (bias + 1.96 * sd, "--")):
            axis.axhline(level, linestyle=style, color="grey")
    axis.set_xlabel("mean of A and B, seconds")
    axis.set_ylabel("B - A, seconds")
    axis.set_title("Bland-Altman: time coded per clip and code")
    figure.tight_layout()
    return _save(figure, path, force)


def plot_confusion(figures: Sequence[TierFigures], path: Path, force: bool) -> Path:
    """The pooled confusion of each tier (rows A, columns B), as shares of A's frames."""
    tiers = list(dict.fromkeys(f.tier for f in figures if f.steps))
    figure, axes = plt.subplots(1, max(1, len(tiers)), figsize=(4 * max(1, len(tiers)), 4))
    axes_list = list(np.atleast_1d(axes))
    for axis, tier in zip(axes_list, tiers, strict=False):
        pooled: dict[tuple[str, str], int] = {}
        for f in figures:
            if f.tier == tier:
                for pair, count in f.confusion.items():
                    pooled[pair] = pooled.get(pair, 0) + count
        labels = sorted({label for pair in pooled for label in pair})
        matrix = np.array([[pooled.get((a, b), 0) for b in labels] for a in labels], dtype=float)
        shares = matrix / np.maximum(matrix.sum(axis=1, keepdims=True), 1)
        axis.imshow(shares, vmin=0, vmax=1, cmap="Blues")
        axis.set_xticks(range(len(labels)), labels, rotation=45, ha="right", fontsize=7)
        axis.set_yticks(range(len(labels)), labels, fontsize=7)
        for i in range(len(labels)):
            for j in range(len(labels)):
                axis.text(j, i, f"{shares[i, j]:.2f}", ha="center", va="center", fontsize=7)
        axis.set_title(tier)
        axis.set_xlabel("B")
        axis.set_ylabel("A")
    figure.tight_layout()
    return _save(figure, path, force)


def write_agreement(
    rows: Sequence[AgreementRow],
    figures: Sequence[TierFigures],
    out: Path | str,
    *,
    title: str,
    notes: Sequence[str] = (),
    unknown_note: str = "",
    force: bool = False,
) -> list[Path]:
    """Write the CSV to `out`, the report (same name, .md) and its plots beside it.

    Raises:
        OutputError: an output exists (without force) or cannot be written; nothing is written
            then (every output is checked first).
    """
    out = Path(out)
    report = out.with_suffix(".md")
    plot_paths = {name: out.with_name(f"{out.stem}_{name}.png") for name in PLOTS}
    for path in (out, report, *plot_paths.values()):
        check_output(path, force)
    written = [
        plot_agreement(rows, plot_paths["agreement"], force),
        plot_bland_altman(figures, plot_paths["bland_altman"], force),
        plot_confusion(figures, plot_paths["confusion"], force),
    ]
    text = markdown(
        rows,
        title=title,
        notes=notes,
        plots=[p.name for p in written],
        unknown_note=unknown_note,
    )
    written.append(write_bytes(report, text, force=force))
    written.insert(0, write_bytes(out, csv_text(rows).encode("utf-8"), force=force))
    return written
