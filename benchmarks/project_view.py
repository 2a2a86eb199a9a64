"""How long the coding tool's project view takes to answer, run by hand:
`python benchmarks/project_view.py [--clips 30] [--seconds 60] [--annotations 200] [--blind]`.

Makes a temporary folder of `--clips` H.264 clips (640x360, 25 fps, `--seconds` long, each with
other pixels so each has its own sha256), stores `--annotations` annotations per clip for two
coders, then times GET /api/project (the tool's own app, in Starlette's test client): the first
answer (every clip probed and hashed: what a coder waits for on opening a folder), and the
median of later answers (probes kept while the files are unchanged; the store is read again).
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import tempfile
import time
import warnings
from pathlib import Path

import av
import numpy as np

from annotate.app.server import create_app, open_tool
from annotate.coding.clips import ClipRef
from annotate.coding.records import Annotation, CodingData
from annotate.coding.scheme_files import find_scheme
from annotate.coding.store import AnnotationStore

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient


def make_clip(path: Path, seconds: float, shade: int) -> None:
    """A clip of a moving bar on a background of its own shade."""
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=25)
        stream.width, stream.height, stream.pix_fmt = 640, 360, "yuv420p"
        stream.options = {"preset": "ultrafast"}
        for k in range(round(seconds * 25)):
            rgb = np.full((360, 640, 3), shade, dtype=np.uint8)
            rgb[:, (k * 3) % 640 : (k * 3) % 640 + 8] = 230
            for packet in stream.encode(av.VideoFrame.from_ndarray(rgb, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clips", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--annotations", type=int, default=200)
    parser.add_argument("--blind", action="store_true")
    args = parser.parse_args()
    scheme = find_scheme("care_clip")
    with tempfile.TemporaryDirectory(prefix="annotate-bench-") as folder_name:
        folder = Path(folder_name)
        for n in range(args.clips):
            make_clip(folder / f"clip{n:03d}.mp4", args.seconds, 20 + n % 200)
        size = sum(p.stat().st_size for p in folder.glob("*.mp4")) / 1e6
        with AnnotationStore(folder / "annotate.sqlite") as store:
            for path in sorted(folder.glob("*.mp4")):
                ref = ClipRef.from_video(path)
                for coder in ("ana", "ben"):
                    step = args.seconds / max(1, args.annotations)
                    notes = tuple(
                        Annotation(ref.sha256, coder, "mother", "kisses", k * step, k * step)
                        for k in range(args.annotations)
                    )
                    store.import_data(
                        CodingData(scheme, notes),
                        clip=ref,
                        coder=coder,
                        who=coder,
                        source=path,
                        source_format="csv",
                        source_sha256=hashlib.sha256(f"{coder} {path}".encode()).hexdigest(),
                        mapping={},
                    )
        tool = open_tool(folder, coder="ana", blind=args.blind)
        client = TestClient(create_app(tool), base_url="http://127.0.0.1:8765")
        start = time.perf_counter()
        first = client.get("/api/project")
        first_s = time.perf_counter() - start
        assert first.status_code == 200, first.text
        later = []
        for _ in range(5):
            start = time.perf_counter()
            client.get("/api/project")
            later.append(time.perf_counter() - start)
        tool.coding.close()
    print(
        f"{args.clips} clips of {args.seconds:.0f} s ({size:.0f} MB), {args.annotations} "
        f"annotations per clip and coder, blind={args.blind}: first answer {first_s:.2f} s, "
        f"later answers median {statistics.median(later) * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
