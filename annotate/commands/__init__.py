"""Command groups of the CLI, one module per area, each with `register(app)`.

Only annotate/cli.py imports them (and tests). Every command reports library errors through
command_errors' one printer.

- `command_errors`: the one error printer (`error: FILE: message`, exit 1), around every command.
- `faces`: `annotate extract`, `demo`, `models ...`, `samples ...` (the face side).
- `batch`: `annotate batch` (pipelines.runner does the work).
- `coding`: `annotate annotations ...`; registers care and coding_files as well.
- `coding_common`: the coding commands' shared options and their project database.
- `care`: `annotate care set` and `care show` (CARE-Index sheets).
- `coding_files`: `annotate backup`, `convert` and `reliability`.
- `app`: `annotate code`, the coders' tool.
- `analysis`: `annotate mechanisms ...` and `align ...`.
- `analysis_export`: `annotate export timeline` and `export prepost`.
- `analysis_options`: options shared by the analysis commands.
- `interaction`: `annotate contingency`, `sequence` and `synchrony`.
- `agreement`: `annotate agreement` (automatic episodes against a coder).
- `project_status`: `annotate status`, every clip's status per coder and the next clip.
"""
