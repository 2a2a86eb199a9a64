"""The sample clip generator: faces from a photograph, turned in 3D by a scripted timeline.

- `script`: a sample clip's scripted timeline and the ground truth it implies.
- `presets`: the scripts of the project's sample clips and of the benchmarks' longer clips.
- `face_mesh`: a textured 3D face mesh from one photograph.
- `render`: a face mesh drawn at a pose onto a frame (per-triangle warps, far to near).
- `make`: a script rendered into an H.264 clip, its script saved beside it as ground truth.
- `group`: a generated group session (8 to 18 mother-infant pairs and a facilitator).
- `yaw_sweep`: frames of one face turning to profile and back, each side.
- `sound_track`: a sample clip's scripted voices rendered and muxed beside its video.
"""
