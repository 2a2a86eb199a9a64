"""What researchers ask of it all: alignment with mechanism events, tables, exports, plots.

- `command_calls`: the library calls behind the analysis commands (align, export, locate).
- `study_manifest`: the study's manifest as the analyses read it, and where outputs are.
- `programme_table`: session records read, each mechanism rated per programme (Y, N, V).
- `table_outputs`: the programme table as CSV, Markdown and a heat-map PNG.
- `table_files`: tables as CSV or Parquet bytes by the file's suffix, for atomic writing.
- `csv_reading`: the analyses' input CSVs read, with one-line errors for every way they fail.
- `events`: mechanism events on a recording, from the store or a CSV log.
- `sync`: two time bases synced from sync points or an offset, with a report.
- `signatures`: compact signatures of a video's frames and sound, sliding correlation.
- `locate`: where a clip cut from a session recording sits in it (frames, sound).
- `clip_features`: a clip's or session's automatic features, one row per sample.
- `sources`: what is known about one recording (store, event log, extraction outputs).
- `measures`: tallies of what happens within a stretch (annotations and features).
- `alignment`: tallies per event and outside them all; the long table and the summary.
- `timeline_export`: a recording's timeline as a long table, every interval of every source.
- `timeline_wide`: the timeline on a regular grid (one row per step).
- `timeline_elan`: the timeline as an ELAN file.
- `timeline_plot`: the timeline as a picture (PNG or SVG).
- `prepost`: each dyad before and after the programme, and the change.
- `agreement`: automatic episodes against a human coder, as coder against coder.
- `agreement_map`: which automatic episodes stand for which codes (configs/agreement/*.yaml).
- `agreement_files`: reliability straight from two folders of coding files.
- `interaction_sources`: the clips' annotations and episodes as events for the interaction
  analyses.
- `interaction_tables`: the interaction analyses' long tables by clip, dyad, pool, pre/post.
- `contingency`: TARGET after GIVEN within W s on a clip's frames: the 2x2 table and measures.
- `contingency_study`: contingency over every clip of a source, each dyad and the pool.
- `sequence`: event-based lag sequential analysis (transition matrices, z scores).
- `sequence_study`: lag sequences over every clip of a source, each dyad and the pool.
- `sequence_plot`: the flow diagram of lag-1 transitions.
- `sdis`: sequences written in SDIS for GSEQ.
- `synchrony`: windowed, lagged cross-correlation between partners' feature series.
- `synchrony_study`: synchrony over every clip with features, each dyad and the pool.
- `rttm_export`: `annotate export rttm`: a clip's automatic vocal episodes as an RTTM file.
"""
