"""annotate: face, head-pose and gaze timelines and coding tools for parent-infant video."""

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
