"""Faces in video: the landmarker adapter, geometry (pose, gaze), tracking, roles, dyad features.

- `landmarker`: the one adapter that touches MediaPipe (FaceLandmarker, VIDEO or IMAGE mode).
- `finder`: each sampled frame's faces: the whole frame, then regions where faces were missed.
- `regions`: the regions searched, and faces found there mapped back to the frame.
- `second_look`: faces the landmarker's short-range detector misses (full-range detector).
- `mesh_face`: a face from the 468-point face mesh alone, in the landmarker's shape.
- `geometry`: head pose and gaze from a face's landmarks and transformation matrix.
- `observation`: one face in one sampled frame, in plain numbers with units in the names.
- `tracking`: stable track ids across frames, dropouts and crossing paths.
- `reid`: broken tracks joined after tracking, by geometry and the face itself.
- `stitching`: tracks of consecutive time chunks joined, so ids hold over a recording.
- `heads`: heads without a readable face (a person still there).
- `proportions`: a face's proportions from its landmarks, in the head's own frame.
- `face_evidence`: how much a face looks like an infant's, from its proportions.
- `roles`: which track is the mother and which the infant.
- `group_roles`: adult or infant for each face of a group session.
- `dyad`: who looks at whom (gaze rays against the other faces' boxes), mutual gaze.
- `frame_table`: the per-frame, per-track feature table of design.md.
- `episodes`: a clip's face episodes (mutual gaze, aversion, absence, smiles) from its table.
"""
