"""What researchers ask of it all: alignment with mechanism events, tables, exports, plots.

- `mechanisms`: the mechanisms of change (M1-M15) from configs/mechanisms.yaml.
- `programme_table`: reading session records and rating each mechanism per programme (Y, N, V).
- `table_outputs`: the programme table as CSV, Markdown and a heat-map PNG.
- `sync`: sync points and offsets from the command line's inputs, the fit's report and record.
- `outputs`: atomic writes that never replace an existing file without `force`.
"""
