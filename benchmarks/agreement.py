"""Agreement benchmark (run by hand, not in CI): time and memory of the file comparisons.

    python benchmarks/agreement.py

1. `compare_files` on the ten real Lookit sessions (../shared/fixtures/vcode, two human coders,
   30 fps grid, states left/right/away, outofframe excluded) with 2000 bootstrap draws by dyad,
   then the CSV, report and plots: wall time, frames compared, peak Python memory.
2. The same with a grid of 0.5 s (the old default bin), to show what a coarse grid hides: the
   pooled kappa at both steps.
3. Reading every Datavyu fixture and writing it back: files per second.
"""

from __future__ import annotations

import tempfile
import time
import tracemalloc
from pathlib import Path

from annotate.analysis.agreement_files import compare_files
from annotate.coding.reliability_long import write_agreement
from annotate.interchange.datavyu import read_datavyu
from annotate.interchange.datavyu_write import write_datavyu
from annotate.interchange.vcode import VcodeOptions

FIXTURES = Path(__file__).resolve().parents[1].parent / "shared" / "fixtures"
GAZE = VcodeOptions(states=("left", "right", "away"), exclude=("outofframe",))


def _pooled(rows: tuple, measure: str) -> str:  # type: ignore[type-arg]
    row = next(
        r for r in rows if (r.clip, r.tier, r.code, r.measure) == ("ALL", "gaze", "", measure)
    )
    return f"{row.value:.3f} [{row.ci_low:.3f}, {row.ci_high:.3f}]"


def main() -> None:
    vcode = FIXTURES / "vcode"
    tracemalloc.start()
    start = time.perf_counter()
    table = compare_files(vcode / "coder1", vcode / "coder2", fps=30, vcode=GAZE)
    compared = time.perf_counter() - start
    with tempfile.TemporaryDirectory() as folder:
        write_agreement(table.rows, table.figures, Path(folder) / "rel.csv", title="bench")
    total = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    frames = sum(f.steps for f in table.figures if f.tier == "gaze")
    print(f"10 VCode sessions, 30 fps grid: {frames} gaze frames compared")
    print(
        f"  compare {compared:.2f} s, with CSV + report + plots {total:.2f} s, peak {peak:.0f} MiB"
    )
    agreement, kappa = _pooled(table.rows, "agreement"), _pooled(table.rows, "kappa")
    print(f"  pooled agreement {agreement}, kappa {kappa}")
    coarse = compare_files(vcode / "coder1", vcode / "coder2", step_s=0.5, vcode=GAZE)
    print(f"  0.5 s grid: kappa {_pooled(coarse.rows, 'kappa')}")
    projects = sorted((FIXTURES / "datavyu").glob("*.opf"))
    good = [p for p in projects if p.name != "datavyur_dyad3.opf"]
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        for _ in range(10):
            for p in good:
                write_datavyu(read_datavyu(p), Path(folder) / p.name, force=True)
    elapsed = time.perf_counter() - start
    print(f"Datavyu: {10 * len(good) / elapsed:.0f} projects read and written per second")


if __name__ == "__main__":
    main()
