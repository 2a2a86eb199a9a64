"""The vocal channel: a clip's sound track read at 16 kHz mono, voice activity, pitch, who
vocalises (voice and the faces' mouths), vocal turns and response latencies, singing hints."""
