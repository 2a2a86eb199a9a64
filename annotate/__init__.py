"""annotate: face, head-pose and gaze timelines and coding tools for parent-infant video.

The root holds what every part uses; the rooms are its sub-packages (floors from the bottom up,
design.md and pyproject.toml's import contracts):

- `errors`: the one error tree (AnnotateError and its kinds).
- `columns`: the column names of every table the project writes.
- `budgets`: how big a file, a table or a video may be.
- `config`: configs/features.yaml into frozen settings.
- `models`: the face landmarker model: located, fetched once, verified.
- `install_lock`: whether the running packages match requirements.lock's lock.
- `progress`: terminal progress bars for the CLI.
- `workers`: the one local process pool; its workers end with their parent (even kill -9).
- `cli`: the `annotate` command line (a thin Typer layer); `__main__`: `python -m annotate`.
- `extract/`: the extract flow, one clip start to finish (probe, features, sound, summary,
  every output file, plots, overlay).
- `io/`: files written atomically, the one YAML loader, reading within budgets.
- `media/`: video in and out (clips probed once, frames streamed, H.264 written); OpenCV's and
  PyAV's errors translated there.
- `timeline/`: pure time logic (intervals, episodes from flags, time-base maps).
- `faces/`: the landmarker adapter, geometry, tracking, roles, dyad features.
- `sound/`: the vocal channel (voice activity, who vocalises, turns).
- `coding/`: schemes, the annotation store, the CARE-Index, reliability.
- `interchange/`: ELAN, BORIS, Datavyu, VCode, RTTM and table files to and from coding records.
- `samples/`: the sample clip generator.
- `study/`: a study manifest's rows and the one row type (batch and analyses); the mechanisms
  of change (M1-M15).
- `analysis/`: alignment with mechanism events, interaction analyses, tables and exports.
- `app/`: the coders' web tool.
- `commands/`: the CLI's command groups.
"""

import os
from importlib.metadata import PackageNotFoundError, version

# Quiet the C++ libraries before anything imports them: FFmpeg's and MediaPipe's own log lines
# would bury our one-line errors. A user who wants them back sets the variables themselves.
os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")
os.environ.setdefault("OPENCV_LOG_LEVEL", "ERROR")
os.environ.setdefault("GLOG_minloglevel", "2")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

try:
    __version__ = version("annotate")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"

__all__ = ["__version__"]
