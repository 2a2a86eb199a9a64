"""Faces in video: the landmarker adapter, geometry (pose, gaze), tracking, roles, dyad features."""
