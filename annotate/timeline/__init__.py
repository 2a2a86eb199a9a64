"""Pure time logic, the ground floor: no I/O, and nothing of the domain above it.

- `intervals`: interval algebra in seconds (overlap, intersection, union, gaps, grid coverage).
- `episodes`: episodes from per-frame flags (runs of True, gaps filled, short runs dropped).
- `timebase`: time-base maps from one clock to another (e.g. a session log's to the video's).
"""
