"""How long one coding-tool write takes, on an empty store and after a large import, run by hand:
`python benchmarks/coding_writes.py [--imported 100000] [--writes 100]`.

Each write goes the tool's way (annotate.app.coding.CodingService.add: the revision check, the
store's transaction with its history, the new revision), into a temporary project store with
synchronous=FULL as in use. Prints the median and 95th percentile of a write in milliseconds:
on an empty store, then after importing `--imported` annotations (another coder's, on the same
clip, so the history is large but the coder's own checks are not), each with the revision found
in the owner indexes (now) and with the query that scanned the whole history (before).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import annotate.app.coding as service_module
from annotate.app.coding import CodingService
from annotate.coding.care_index import load_care_index
from annotate.coding.clips import ClipRef
from annotate.coding.records import Annotation, CodingData
from annotate.coding.scheme_files import find_scheme
from annotate.coding.store import AnnotationStore

# The revision query before the owner indexes: every change's JSON read, on every write.
SCANNING_QUERY = """
SELECT MAX(c.batch_id) FROM changes c
WHERE c.tbl IN ('annotations', 'care_scores')
  AND ((json_extract(c.after, '$.clip_id') = :clip AND json_extract(c.after, '$.coder') = :coder)
    OR (json_extract(c.before, '$.clip_id') = :clip AND json_extract(c.before, '$.coder') = :coder))
"""
CLIP = ClipRef("0" * 64, "visit.mp4", duration_s=1e6, fps=25.0)


def import_many(database: Path, count: int) -> None:
    """`count` point events of coder 'imported' on the clip, in one import."""
    scheme = find_scheme("care_clip")
    annotations = tuple(
        Annotation("", "imported", "mother", "kisses", k * 0.04, k * 0.04) for k in range(count)
    )
    with AnnotationStore(database) as store:
        store.import_data(
            CodingData(scheme, annotations),
            clip=CLIP,
            coder="imported",
            who="bench",
            source=Path("bench.csv"),
            source_format="csv",
            source_sha256="1" * 64,
            mapping={},
        )


def time_writes(database: Path, writes: int, query: str) -> list[float]:
    """Milliseconds of each of `writes` adds through the tool's service."""
    service_module._REVISION = query
    service = CodingService(database, find_scheme("care_clip"), load_care_index(), "ana")
    try:
        revision = service.call(service.revision, CLIP)
        spent = []
        for k in range(writes):
            fields = {"tier": "mother", "code": "kisses", "start_s": 1.0 + k, "end_s": 1.0 + k}
            started = time.perf_counter()
            saved = service.call(service.add, CLIP, revision, fields, None)
            spent.append((time.perf_counter() - started) * 1000)
            revision = saved.revision
        return spent
    finally:
        service.close()


def figures(label: str, spent: list[float]) -> None:
    """Print the median and 95th percentile."""
    p95 = statistics.quantiles(spent, n=20)[-1]
    print(f"{label:<48} median {statistics.median(spent):7.1f} ms   p95 {p95:7.1f} ms")


def main() -> None:
    """Run the measurements and print them."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--imported", type=int, default=100_000)
    parser.add_argument("--writes", type=int, default=100)
    args = parser.parse_args()
    indexed = service_module._REVISION
    with tempfile.TemporaryDirectory() as folder:
        for label, query in (
            ("owner indexes (now)", indexed),
            ("history scan (before)", SCANNING_QUERY),
        ):
            empty = Path(folder) / f"empty-{len(label)}.sqlite"
            figures(f"empty store, {label}", time_writes(empty, args.writes, query))
        large = Path(folder) / "large.sqlite"
        started = time.perf_counter()
        import_many(large, args.imported)
        print(f"imported {args.imported} annotations in {time.perf_counter() - started:.1f} s")
        for label, query in (
            ("owner indexes (now)", indexed),
            ("history scan (before)", SCANNING_QUERY),
        ):
            spent = time_writes(large, args.writes, query)
            figures(f"after {args.imported} imported, {label}", spent)


if __name__ == "__main__":
    main()
