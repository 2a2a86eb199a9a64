"""The `annotate extract` flow: one clip, from its video to its result folder."""
