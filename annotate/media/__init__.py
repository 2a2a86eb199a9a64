"""Video in and out: clips probed once (their facts and sha256) and their frames streamed; OpenCV's
and PyAV's errors translated into the project's own here, where they are called.

- `video`: clips probed and their frames streamed at a sampling rate (OpenCV).
- `video_writer`: H.264 MP4 that browsers play (PyAV).
"""
