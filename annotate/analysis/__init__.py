"""What researchers ask of it all: alignment with mechanism events, tables, exports, plots.

- `mechanisms`: the mechanisms of change (M1-M15) from configs/mechanisms.yaml.
- `programme_table`: reading session records and rating each mechanism per programme (Y, N, V).
- `table_outputs`: the programme table as CSV, Markdown and a heat-map PNG.
- `sync`: sync points and offsets from the command line's inputs, the fit's report and record.
- `signatures`, `locate`: finding a clip cut from a session recording in it (frames, sound).
- `events`: mechanism events from the store or a CSV log, placed on a recording.
- `clip_features`, `sources`: what is known about a recording (store, log, extraction outputs).
- `measures`, `alignment`: tallies per event and outside them; the long table and the summary.
- `timeline_export`, `timeline_wide`, `timeline_elan`, `timeline_plot`: a recording's timeline
  as a long table, a grid, an ELAN file and a picture.
- `study_manifest`, `prepost`: the study's manifest; each dyad before and after the programme.
- `runs`: the commands' work as library calls; `table_files`, `outputs`: writing tables whole.
- `interaction_sources`, `interaction_tables`: the clips' annotations and episodes as events;
  the long tables by clip, dyad, pool and pre/post of the interaction analyses;
- `contingency`, `contingency_study`: TARGET after GIVEN within W s on a clip's frames;
- `sequence`, `sequence_study`, `sequence_plot`, `sdis`: lag sequential analysis, transition
  matrices and their flow diagram, the sequences in SDIS for GSEQ;
- `synchrony`, `synchrony_study`: windowed, lagged cross-correlation between partners.
"""
