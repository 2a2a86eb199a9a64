"""The `annotate extract` flow: one clip, from its video to its result folder.

The modules in the order a clip goes through them:

- `job`: one clip start to finish (probe once, extract, add the sound, write); what
  `annotate extract`, `annotate demo`, the coders' tool and the batch call.
- `chunks`: a long clip cut into time chunks tracked on annotate.workers' pool (the batch's
  too: workers that end with this process, a dead one's chunk tried again), and the one way
  tracked chunks are stitched back into one stretch (the batch's chunks use it too).
- `features`: frames -> faces -> tracks -> roles -> the feature table and episodes
  (`ClipFeatures`; writes nothing).
- `summary`: summary.json's figures per role and for the dyad, as one typed record.
- `sound`: the clip's vocal channel added to its features (annotate.sound does the analysis).
- `writer`: every output file of one clip (features, episodes, summary, provenance, timeline,
  overlay), written into a staging folder.
- `folder`: the result folder's file names and its atomic staging (provenance.json last).
- `plots`: timeline.png, one lane per role and feature.
- `overlay`: overlay.mp4, the clip with its features drawn on every frame.

Library code: it never imports the CLI, its commands, the web app or the pipelines, and the
face side, the sound side and the timeline never import it (pyproject.toml's import contracts).
"""
