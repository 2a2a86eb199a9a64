"""How long the page's undo and redo take (the store's history of a coder's changes on a clip,
annotate.coding.clip_undo), run by hand: `python benchmarks/page_undo.py [--changes 2000]`.

Makes `--changes` adds of coder 'ana' through the tool's service (each with a change key, as
the page sends them) in a temporary store with synchronous=FULL, then times `--undos` undos in a
row and as many redos. Prints the median and 95th percentile of one in milliseconds.
"""

from __future__ import annotations

import argparse
import secrets
import statistics
import tempfile
import time
from pathlib import Path

from annotate.app.coding import CodingService
from annotate.coding.care_index import load_care_index
from annotate.coding.clips import ClipRef
from annotate.coding.scheme_files import find_scheme

CLIP = ClipRef("0" * 64, "visit.mp4", duration_s=1e6, fps=25.0)


def figures(name: str, times: list[float]) -> None:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    print(f"{name}: median {statistics.median(ordered):.1f} ms, p95 {p95:.1f} ms ({len(times)})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--changes", type=int, default=2000)
    parser.add_argument("--undos", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        service = CodingService(
            Path(folder) / "annotate.sqlite", find_scheme("care_clip"), load_care_index(), "ana"
        )
        try:
            revision = 0
            for k in range(args.changes):
                fields = {"tier": "mother", "code": "kisses", "start_s": k * 0.04}
                key = f"{secrets.token_hex(16)}-1"
                revision = service.call(service.add, CLIP, revision, fields, key).revision
            for kind in ("undo", "redo"):
                times = []
                for _ in range(args.undos):
                    start = time.perf_counter()
                    saved = service.call(service.undo, CLIP, revision, kind == "redo")
                    times.append((time.perf_counter() - start) * 1000)
                    revision = saved.revision
                figures(f"{kind} after {args.changes} changes", times)
        finally:
            service.close()


if __name__ == "__main__":
    main()
